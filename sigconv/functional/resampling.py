"""Changing the length of series and the size of images with one linear operator.

Shortening is piecewise aggregate approximation (PAA): output point ``j`` is
the mean of the input points in ``[bounds[j], bounds[j + 1])`` with
``bounds = linspace(0, n_in, n_out + 1)`` truncated to integers, the
segmentation pyts uses for PAA, the Gramian angular field and the Markov
transition field. Lengthening is linear interpolation between sample
centres (half-pixel centres, edges held). Both are a matrix, so the Keras
layers reuse the same matrix as a constant and match to float32 rounding on
every backend.
"""

import functools

import numpy as np

from ..validation import check_image_size, check_int

__all__ = ["resampling_matrix", "paa", "resize_image"]


def _paa_bounds(n_in, n_out):
    """Segment boundaries of PAA (``n_out <= n_in``), pyts's non-overlapping segmentation."""
    return np.linspace(0, n_in, n_out + 1).astype(np.int64)


@functools.lru_cache(maxsize=64)
def _resampling_matrix(n_in, n_out):
    if n_out <= n_in:
        bounds = _paa_bounds(n_in, n_out)
        matrix = np.zeros((n_out, n_in))
        for j in range(n_out):
            matrix[j, bounds[j] : bounds[j + 1]] = 1.0 / (bounds[j + 1] - bounds[j])
        return matrix
    position = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
    position = np.clip(position, 0, n_in - 1)
    low = np.floor(position).astype(np.int64)
    high = np.minimum(low + 1, n_in - 1)
    frac = position - low
    matrix = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    np.add.at(matrix, (rows, low), 1.0 - frac)
    np.add.at(matrix, (rows, high), frac)
    return matrix


def resampling_matrix(n_in, n_out):
    """Matrix that maps a length-``n_in`` axis to length ``n_out``.

    Parameters
    ----------
    n_in : int
        Input length, at least 1.
    n_out : int
        Output length, at least 1.

    Returns
    -------
    matrix : ndarray of shape (n_out, n_in)
        float64 weights; each row sums to 1. For ``n_out <= n_in`` row ``j``
        averages a segment of the input (PAA); for ``n_out > n_in`` it
        interpolates linearly between neighbouring samples.

    See Also
    --------
    paa : Apply it to the time axis of series.
    resize_image : Apply it to both axes of images.

    Examples
    --------
    >>> from sigconv.functional import resampling_matrix
    >>> resampling_matrix(4, 2)
    array([[0.5, 0.5, 0. , 0. ],
           [0. , 0. , 0.5, 0.5]])
    """
    n_in = check_int(n_in, "n_in", min_value=1)
    n_out = check_int(n_out, "n_out", min_value=1)
    matrix = _resampling_matrix(n_in, n_out)
    matrix.flags.writeable = False
    return matrix


def paa(x, n_out):
    """Piecewise aggregate approximation of series to ``n_out`` points.

    Parameters
    ----------
    x : ndarray of shape (..., n_timepoints)
        Series, time on the last axis.
    n_out : int
        Output length. Lengths above ``n_timepoints`` interpolate linearly.

    Returns
    -------
    y : ndarray of shape (..., n_out)
        Same floating dtype as ``x`` (float64 for integer input). ``x`` itself
        is returned when ``n_out == n_timepoints``.

    References
    ----------
    .. [1] E. Keogh, K. Chakrabarti, M. Pazzani and S. Mehrotra, "Dimensionality
       reduction for fast similarity search in large time series databases",
       Knowledge and Information Systems 3(3), 2001.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import paa
    >>> paa(np.arange(6.0), 3)
    array([0.5, 2.5, 4.5])
    """
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    n_in = x.shape[-1]
    n_out = check_int(n_out, "n_out", min_value=1)
    if n_out == n_in:
        return x
    if n_out < n_in:
        # Segment sums in one pass (the same segments as the matrix, without its
        # multiplications by zero), accumulated in float64.
        bounds = _paa_bounds(n_in, n_out)
        sums = np.add.reduceat(x, bounds[:-1], axis=-1, dtype=np.float64)
        return (sums / np.diff(bounds)).astype(x.dtype, copy=False)
    matrix = resampling_matrix(n_in, n_out).astype(x.dtype)
    return x @ matrix.T


def resize_image(images, size):
    """Resize images on their last two axes with :func:`resampling_matrix`.

    Parameters
    ----------
    images : ndarray of shape (..., height, width)
        Images, e.g. spectrograms with frequency on axis -2 and time on axis -1.
    size : int or (int, int)
        Output ``(height, width)``; an int makes a square image.

    Returns
    -------
    resized : ndarray of shape (..., size[0], size[1])
        Same floating dtype as ``images``.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import resize_image
    >>> resize_image(np.ones((2, 10, 7), dtype=np.float32), (4, 4)).shape
    (2, 4, 4)
    """
    height, width = check_image_size(size, "size", allow_none=False)
    images = np.asarray(images)
    if images.dtype.kind != "f":
        images = images.astype(np.float64)
    if images.shape[-2] != height:
        rows = resampling_matrix(images.shape[-2], height).astype(images.dtype)
        images = np.matmul(rows, images)
    if images.shape[-1] != width:
        cols = resampling_matrix(images.shape[-1], width).astype(images.dtype)
        images = images @ cols.T
    return images
