"""Recurrence plot: distances between the time-delay embedded states of a series."""

import numpy as np

from . import kernels
from .docstrings import fill_doc
from .resampling import paa
from .specs import RecurrencePlotSpec, float32_above, percentile_ranks

__all__ = ["recurrence_plot"]


# Series are processed in blocks whose scratch arrays (about this many float32
# elements) stay in the CPU cache: each pass over them then costs cache, not
# memory, bandwidth.
_BLOCK_ELEMENTS = 2**18


def _percentile(dist, percentage):
    """``numpy.percentile(dist, percentage)`` (linear) of each plot, interpolated in float64.

    A plot is symmetric with a zero diagonal, so its sorted values are the
    ``n`` zeros of the diagonal followed by each value of the upper triangle
    twice: the order statistics come from a partition of the triangle alone.
    """
    n_plots, n_states = dist.shape[0], dist.shape[-1]
    n_values = n_states * n_states
    below, above, fraction = percentile_ranks(n_values, percentage)
    # rank in the full plot -> rank in the triangle (None: a diagonal zero)
    ranks = [None if r < n_states else (r - n_states) // 2 for r in (below, above)]
    low = high = np.zeros(n_plots)
    if ranks[1] is not None:
        rows, cols = np.triu_indices(n_states, 1)
        upper = np.take(dist.reshape(n_plots, n_values), rows * n_states + cols, axis=1)
        first = ranks[0] if ranks[0] is not None else ranks[1]
        upper.partition(first, axis=-1)
        high = upper[:, first].astype(np.float64)
        if ranks[0] is not None:
            low = high
        if ranks[1] > first:  # the next order statistic: the smallest value above
            high = upper[:, first + 1 :].min(axis=-1).astype(np.float64)
    if fraction >= 0.5:  # numpy's _lerp, for the same rounding
        return high - (high - low) * (1.0 - fraction)
    return low + (high - low) * fraction


def _recurrence_plots(series, spec, out):
    """Plots of float32 series (n, L) into ``out`` (n, n_states, n_states), block by block."""
    n_series, n_timepoints = series.shape
    block = max(1, _BLOCK_ELEMENTS // (n_timepoints * n_timepoints))
    threshold = spec.threshold
    for start in range(0, n_series, block):
        dist = out[start : start + block]
        dist[...] = kernels.embedding_distances(
            series[start : start + block], dimension=spec.dimension, time_delay=spec.time_delay,
            n_states=out.shape[-1], xp=np,
        )
        if threshold is None:
            continue
        if threshold == "absolute":
            limit = np.full(len(dist), spec.epsilon)
        elif threshold == "point":
            limit = _percentile(dist, spec.percentage)
        else:
            largest = dist.reshape(len(dist), -1).max(axis=-1).astype(np.float64)
            limit = spec.percentage / 100 * largest
        # bool -> float32 written in place: no second (n, L, L) array
        np.less(dist, float32_above(limit)[:, None, None], out=dist)
    return out


@fill_doc
def recurrence_plot(
    x,
    *,
    dimension=1,
    time_delay=1,
    threshold=None,
    epsilon=None,
    percentage=10.0,
    image_size=None,
):
    """Recurrence plot of each series.

    The series is embedded in ``dimension`` dimensions with delay
    ``time_delay``: state ``i`` is ``(x_i, x_{i + tau}, ...,
    x_{i + (dimension - 1) tau})``. The plot holds the Euclidean distances
    between all pairs of states, or, with a ``threshold``, 1 where two states
    are closer than it ("recur") and 0 elsewhere.

    Parameters
    ----------
    x : array-like of shape (..., n_timepoints)
        Series, time on the last axis; any leading axes. Without
        ``image_size``, ``n_timepoints >= (dimension - 1) * time_delay + 1``.
    dimension : int, default=1
        Embedding dimension ``m``, at least 1.
    time_delay : int, default=1
        Delay ``tau`` between the coordinates of a state, at least 1.
    threshold : {None, "absolute", "point", "distance"}, default=None
        None: the distances themselves. "absolute": 1 where the distance is
        below ``epsilon``. "point": 1 where it is below the ``percentage``-th
        percentile of the distances of the plot (so about ``percentage``
        percent of the pixels are 1). "distance": 1 where it is below
        ``percentage`` percent of the largest distance of the plot. The
        comparisons are strict (``<``), as in pyts.
    epsilon : float or None, default=None
        Recurrence radius, positive; required with ``threshold="absolute"``
        and only used there.
    percentage : float, default=10.0
        In ``(0, 100]``; used with ``threshold="point"`` and
        ``threshold="distance"``.
    image_size : int or None, default=None
        Side of the square images. None gives ``n_timepoints - (dimension -
        1) * time_delay`` states. Otherwise each series is first reduced with
        :func:`paa` to ``image_size + (dimension - 1) * time_delay`` points
        (interpolated if that is more than ``n_timepoints``), so that
        ``dimension`` and ``time_delay`` apply to the reduced series.

    Returns
    -------
    images : ndarray of shape (..., n_states, n_states)
        float32 distances, or 0/1 with a threshold; ``n_states`` is
        ``image_size`` when set.

    Raises
    ------
    ValueError
        For invalid parameters and for series too short for the embedding.

    See Also
    --------
    sigconv.transformers.RecurrencePlot : The scikit-learn transformer.
    gramian_angular_field, markov_transition_field : The other imaging transforms.

    Notes
    -----
    With the same (reduced) series, the plots equal those of
    ``pyts.image.RecurrencePlot`` (a float ``threshold`` there is
    ``threshold="absolute"`` with that ``epsilon`` here) to float32
    rounding: a thresholded pixel can differ only where the distance equals
    the threshold to float32 precision. pyts builds an ``(n, L, L,
    dimension)`` array for ``dimension > 1``; this function adds
    ``dimension`` shifted blocks of one ``(n, L, L)`` array of squared
    differences, in float32.

    %(eckmann_reference)s

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import recurrence_plot
    >>> recurrence_plot(np.array([0.0, 1.0, 3.0]))
    array([[0., 1., 3.],
           [1., 0., 2.],
           [3., 2., 0.]], dtype=float32)
    >>> recurrence_plot(np.array([0.0, 1.0, 3.0]), threshold="absolute", epsilon=1.5)
    array([[1., 1., 0.],
           [1., 1., 0.],
           [0., 0., 1.]], dtype=float32)
    >>> recurrence_plot(np.zeros((2, 100)), dimension=3, time_delay=2, image_size=16).shape
    (2, 16, 16)
    """
    spec = RecurrencePlotSpec.create(
        dimension=dimension, time_delay=time_delay, threshold=threshold, epsilon=epsilon,
        percentage=percentage, image_size=image_size,
    )
    x = np.asarray(x)
    if x.ndim < 1 or x.shape[-1] < 1:
        raise ValueError(
            f"x must have at least one timepoint on its last axis; got x.shape={x.shape}."
        )
    leading = x.shape[:-1]
    x = x.reshape(-1, x.shape[-1])  # one matrix product for PAA, not one per leading index
    if spec.image_size is not None:
        x = paa(x, spec.reduced_length(x.shape[-1]))
    else:
        spec.check_length(x.shape[-1])
    series = np.ascontiguousarray(x, dtype=np.float32)
    n_states = spec.side(series.shape[-1])
    out = np.empty((len(series), n_states, n_states), dtype=np.float32)
    _recurrence_plots(series, spec, out)
    return out.reshape(*leading, n_states, n_states)
