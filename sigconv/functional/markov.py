"""Markov transition field: the transition probabilities between the quantile bins of a series."""

import numpy as np

from .docstrings import fill_doc
from .resampling import resampling_matrix
from .specs import MarkovTransitionFieldSpec, float32_below

__all__ = ["markov_transition_field"]


def _bin_edges(x, spec):
    """Inner bin edges of each series: float64 of shape (n_series, n_bins - 1) or (n_bins - 1,)."""
    n_bins = spec.n_bins
    if spec.strategy == "normal":
        return spec.normal_edges()
    if spec.strategy == "uniform":
        # pyts's (numba) linspace: min + i * ((max - min) / n_bins)
        x_min = x.min(axis=-1, keepdims=True).astype(np.float64)
        x_max = x.max(axis=-1, keepdims=True).astype(np.float64)
        step = (x_max - x_min) / n_bins
        return x_min + np.arange(1, n_bins) * step
    # numpy.percentile(x, linspace(0, 100, n_bins + 1)[1:-1], axis=-1), linear
    # interpolation in float64, from one sort (faster than a multi-rank partition)
    below, above, fraction = spec.quantile_positions(x.shape[-1])
    ordered = np.sort(x, axis=-1)
    low = ordered[:, below].astype(np.float64)
    high = ordered[:, above].astype(np.float64)
    diff = high - low
    # numpy's _lerp, for the same rounding
    return np.where(fraction >= 0.5, high - diff * (1.0 - fraction), low + diff * fraction)


def _digitize(x, edges):
    """Bin of each point: the number of edges strictly below it (``searchsorted(side='left')``)."""
    n_bins = edges.shape[-1] + 1
    if x.dtype == np.float32:
        edges = float32_below(edges)
    edges = np.broadcast_to(edges, (len(x), n_bins - 1))
    bins = np.zeros(x.shape, dtype=np.uint8 if n_bins <= 256 else np.intp)
    for k in range(n_bins - 1):
        bins += x > edges[:, k : k + 1]
    return bins


def _transition_matrices(bins, n_bins):
    """Row-normalised transition counts between consecutive bins: (n_series, n_bins, n_bins)."""
    n_series = bins.shape[0]
    cells = bins[:, :-1] * np.intp(n_bins) + bins[:, 1:]
    cells += (np.arange(n_series) * n_bins**2)[:, None]
    counts = np.bincount(cells.ravel(), minlength=n_series * n_bins**2)
    counts = counts.reshape(n_series, n_bins, n_bins).astype(np.float64)
    totals = counts.sum(axis=-1, keepdims=True)
    totals[totals == 0] = 1.0  # a bin never left has a row of zeros, as in pyts
    return counts / totals


def _bin_fractions(bins, n_bins, image_size):
    """``P[s, k, a]``: weight of bin ``a`` in output position ``k`` (float64).

    ``P = R @ onehot(bins)`` with ``R = resampling_matrix(n_timepoints,
    image_size)``: for ``image_size <= n_timepoints``, the fraction of the
    points of PAA segment ``k`` that fall in bin ``a``. Computed from the
    nonzeros of ``R`` in ``O(n_timepoints)`` per series.
    """
    n_series, n_timepoints = bins.shape
    matrix = resampling_matrix(n_timepoints, image_size)
    offsets = (np.arange(n_series) * (image_size * n_bins))[:, None]
    if image_size <= n_timepoints:  # one segment per timepoint: count, then divide
        segment = matrix.argmax(axis=0)  # (n_timepoints,)
        cells = bins + (segment * n_bins)[None, :]
        cells += offsets
        counts = np.bincount(cells.ravel(), minlength=n_series * image_size * n_bins)
        fractions = counts.reshape(n_series, image_size, n_bins).astype(np.float64)
        return fractions / np.count_nonzero(matrix, axis=1)[:, None]
    rows, cols = np.nonzero(matrix)  # interpolation: two weights per output point
    weights = np.broadcast_to(matrix[rows, cols], (n_series, len(rows)))
    cells = bins[:, cols] + (rows * n_bins)[None, :]
    cells += offsets
    fractions = np.bincount(
        cells.ravel(), weights=weights.ravel(), minlength=n_series * image_size * n_bins
    )
    return fractions.reshape(n_series, image_size, n_bins)


@fill_doc
def markov_transition_field(x, *, n_bins=5, strategy="quantile", image_size=None):
    """Markov transition field of each series.

    Each series is discretised into ``n_bins`` bins; ``M[a, b]`` is the
    probability that a point in bin ``a`` is followed by a point in bin
    ``b`` (transition counts of consecutive points, each row normalised).
    The field is ``MTF[i, j] = M[bin(x_i), bin(x_j)]``: how likely the bin
    of timepoint ``i`` leads to the bin of timepoint ``j`` in one step.

    Parameters
    ----------
    x : array-like of shape (..., n_timepoints)
        Series, time on the last axis; any leading axes; at least two
        timepoints.
    n_bins : int, default=5
        Number of bins, at least 2.
    strategy : {"quantile", "uniform", "normal"}, default="quantile"
        Bin edges of each series: its quantiles (``numpy.percentile``,
        linear interpolation), equal-width bins between its minimum and
        maximum, or the quantiles of the standard normal distribution (for
        standardised series; the edges do not depend on the series). A point
        equal to an edge belongs to the lower bin.
    image_size : int or None, default=None
        Side of the square images. None keeps one pixel per timepoint. A
        smaller value averages the field over blocks of non-overlapping
        segments (pyts's segmentation, as :func:`paa`); a larger value
        interpolates it bilinearly (pyts raises an error instead).

    Returns
    -------
    images : ndarray of shape (..., image_size, image_size)
        float32 fields with values in ``[0, 1]``; ``image_size`` is
        ``n_timepoints`` when None.

    See Also
    --------
    sigconv.transformers.MarkovTransitionField : The scikit-learn transformer.
    gramian_angular_field, recurrence_plot : The other imaging transforms.

    Notes
    -----
    The reduced field is never built from the full ``(n_timepoints,
    n_timepoints)`` one: the block mean over segments ``I x J`` of
    ``M[bin_i, bin_j]`` is ``(P M P^T)[I, J]`` where ``P[k, a]`` is the
    fraction of the points of segment ``k`` in bin ``a``, which costs
    ``O(n_timepoints * n_bins)`` per series.

    The images equal those of ``pyts.image.MarkovTransitionField`` (with
    ``overlapping=False``) to float32 rounding. When quantiles coincide
    (series with repeated values, or constant ones), the bins between them
    are empty: they never occur in the field, so the image is the one pyts
    gives after merging those bins with a warning; sigconv does not warn.
    pyts also merges quantiles closer than ``1e-8`` in absolute value,
    which makes its result depend on the scale of the series; sigconv
    merges only equal ones. A constant series has all its points in the
    first bin and a field of ones.

    %(wang_oates_reference)s

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import markov_transition_field
    >>> x = np.array([0.0, 1.0, 2.0, 0.0, 2.0, 1.0])  # bins 0, 1, 2, 0, 2, 1
    >>> markov_transition_field(x, n_bins=3)
    array([[0. , 0.5, 0.5, 0. , 0.5, 0.5],
           [0. , 0. , 1. , 0. , 1. , 0. ],
           [0.5, 0.5, 0. , 0.5, 0. , 0.5],
           [0. , 0.5, 0.5, 0. , 0.5, 0.5],
           [0.5, 0.5, 0. , 0.5, 0. , 0.5],
           [0. , 0. , 1. , 0. , 1. , 0. ]], dtype=float32)
    >>> markov_transition_field(np.random.default_rng(0).normal(size=(4, 100)), image_size=10).shape
    (4, 10, 10)
    """
    spec = MarkovTransitionFieldSpec.create(n_bins=n_bins, strategy=strategy, image_size=image_size)
    n_bins, image_size = spec.n_bins, spec.image_size
    x = np.asarray(x)
    if x.ndim < 1 or x.shape[-1] < 2:
        raise ValueError(
            "x must have at least 2 timepoints on its last axis (a transition "
            f"needs two); got x.shape={x.shape}."
        )
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    leading, n_timepoints = x.shape[:-1], x.shape[-1]
    series = x.reshape(-1, n_timepoints)
    bins = _digitize(series, _bin_edges(series, spec))
    transitions = _transition_matrices(bins, n_bins).astype(np.float32)
    if image_size is None or image_size == n_timepoints:
        rows = np.take_along_axis(transitions, bins[:, :, None], axis=1)  # (n, L, n_bins)
        images = np.take_along_axis(rows, bins[:, None, :], axis=2)
    else:
        fractions = _bin_fractions(bins, n_bins, image_size).astype(np.float32)
        images = np.matmul(fractions @ transitions, fractions.transpose(0, 2, 1))
    side = images.shape[-1]
    return images.reshape(*leading, side, side)
