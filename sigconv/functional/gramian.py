"""Gramian angular field: a series as the cosines of sums (or sines of differences) of angles."""

import numpy as np

from . import kernels
from .docstrings import fill_doc
from .resampling import paa
from .specs import GramianAngularFieldSpec

__all__ = ["gramian_angular_field"]


def _polar_encoding(x, spec):
    """Cosines and sines of the angles of each (reduced, rescaled) series, in float64."""
    x = np.asarray(x, dtype=np.float64)
    if spec.image_size is not None:
        x = paa(x, spec.image_size)
    if spec.sample_range is None:
        low, high = (x.min(), x.max()) if x.size else (0.0, 0.0)
        if low < -1.0 or high > 1.0:
            reduced = " (after PAA to image_size points)" if spec.image_size is not None else ""
            raise ValueError(
                "With sample_range=None the series must already lie in [-1, 1]"
                f"{reduced}; got values in [{low:.6g}, {high:.6g}]. Set "
                "sample_range=(-1.0, 1.0) to min-max scale each series."
            )
    return kernels.polar_encoding(x, sample_range=spec.sample_range, xp=np)


@fill_doc
def gramian_angular_field(x, *, method="summation", image_size=None, sample_range=(-1.0, 1.0)):
    """Gramian angular field of each series.

    Each series is shortened to ``image_size`` points by piecewise aggregate
    approximation, min-max scaled to ``sample_range`` and read as the
    cosines of angles ``phi``. The summation field (GASF) is
    ``cos(phi_i + phi_j)`` and the difference field (GADF) is
    ``sin(phi_i - phi_j)``, computed without trigonometric functions as
    ``cos_i cos_j - sin_i sin_j`` and ``sin_i cos_j - cos_i sin_j`` with
    ``sin = sqrt(1 - cos**2)``.

    Parameters
    ----------
    x : array-like of shape (..., n_timepoints)
        Series, time on the last axis; any leading axes.
    method : {"summation", "difference"}, default="summation"
        GASF (symmetric, diagonal ``cos(2 phi_i)``) or GADF (antisymmetric,
        zero diagonal).
    image_size : int or None, default=None
        Side of the square images. None keeps one pixel per timepoint. A
        smaller value averages the series over ``image_size`` non-overlapping
        segments (:func:`paa`, pyts's segmentation); a larger value
        interpolates it linearly (pyts raises an error instead).
    sample_range : (float, float) or None, default=(-1.0, 1.0)
        ``(min, max)`` with ``-1 <= min < max <= 1``: each series is scaled
        so that its minimum maps to ``min`` and its maximum to ``max``. A
        constant series maps to ``min`` everywhere. None: no scaling; the
        (reduced) series must already lie in ``[-1, 1]``.

    Returns
    -------
    images : ndarray of shape (..., image_size, image_size)
        float32 fields in ``[-1, 1]``; ``image_size`` is ``n_timepoints``
        when None.

    Raises
    ------
    ValueError
        For ``sample_range=None`` and values outside ``[-1, 1]``, and for
        invalid parameters.

    See Also
    --------
    sigconv.transformers.GramianAngularField : The scikit-learn transformer.
    markov_transition_field, recurrence_plot : The other imaging transforms.

    Notes
    -----
    The images equal those of ``pyts.image.GramianAngularField`` with
    ``overlapping=False`` to float32 rounding, with two differences: pyts
    treats a series whose range is below ``2.2e-15`` as constant (absolute
    tolerance), sigconv only an exactly constant one; and pyts rejects
    ``image_size > n_timepoints``. A constant series gives a GASF of ones
    and a GADF of zeros with the default ``sample_range`` (all angles are
    ``pi``), as in pyts.

    %(wang_oates_reference)s

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import gramian_angular_field
    >>> gramian_angular_field(np.array([0.0, 1.0]))
    array([[ 1., -1.],
           [-1.,  1.]], dtype=float32)
    >>> gramian_angular_field(np.zeros((2, 3, 50)), method="difference", image_size=8).shape
    (2, 3, 8, 8)
    """
    spec = GramianAngularFieldSpec.create(method=method, image_size=image_size, sample_range=sample_range)
    x = np.asarray(x)
    if x.ndim < 1 or x.shape[-1] < 1:
        raise ValueError(
            f"x must have at least one timepoint on its last axis; got x.shape={x.shape}."
        )
    leading = x.shape[:-1]
    x = x.reshape(-1, x.shape[-1])  # one matrix product for PAA, not one per leading index
    cos, sin = _polar_encoding(x, spec)
    images = kernels.gramian_product(cos, sin, method=spec.method, xp=np, dtype=np.float32)
    return images.reshape(*leading, *images.shape[-2:])
