"""Array maths written once for NumPy and ``keras.ops``.

Each kernel takes the array namespace ``xp`` (the ``numpy`` module or
``keras.ops``) and works on arrays of that namespace, so the functions of
:mod:`sigconv.functional` and the Keras layers run the same lines. Where
the two namespaces differ in precision, the kernel says so and takes the
dtype as an argument.
"""

import numpy as np

__all__ = ["decibels", "polar_encoding", "gramian_product", "embedding_distances"]


def _cast(xp, x, dtype):
    return np.asarray(x, dtype=dtype) if xp is np else xp.cast(x, dtype)


def decibels(S, *, ref, amin, top_db, xp, dtype, offset_db=None):
    """``10 * log10(max(S, amin) / ref)`` per image (the last two axes), clipped ``top_db`` below its maximum.

    Parameters
    ----------
    S : array of shape (..., height, width)
        Power values, ``dtype``; a 1D array is one image.
    ref : float or "max"
        Reference power; "max" is the maximum of each image.
    amin : float
        Floor of ``S`` and ``ref``.
    top_db : float or None
        Clipping depth, or None.
    xp : module
        ``numpy`` or ``keras.ops``.
    dtype : str or dtype
        dtype of ``S`` and of the result. NumPy subtracts a fixed reference
        in float64 and rounds to ``dtype`` once; ``keras.ops`` subtracts it
        in ``dtype``.
    offset_db : array or None, default=None
        Decibels added to each value before the reference is subtracted
        (broadcast against ``S``): ``S`` was computed from series divided by
        a scale ``s`` and ``offset_db`` is the dB of ``s ** 2``.

    Returns
    -------
    S_db : array of the shape of ``S``
    """
    ndim = len(S.shape)
    axes = tuple(range(max(ndim - 2, 0), ndim))
    if ref == "max":
        ref_db = 10.0 * xp.log10(xp.maximum(xp.max(S, axis=axes, keepdims=True), amin))
    else:
        ref_db = 10.0 * np.log10(max(amin, ref))  # float64
        if xp is not np:
            ref_db = float(ref_db)
    log_spec = 10.0 * xp.log10(xp.maximum(S, amin))
    if offset_db is not None and ref != "max":  # relative to the maximum, the offset cancels
        log_spec = log_spec + offset_db
    if xp is np:  # in place: the float64 difference is rounded into dtype, never stored
        log_spec = np.subtract(log_spec, ref_db, out=_cast(xp, log_spec, dtype))
    else:
        log_spec = _cast(xp, log_spec - ref_db, dtype)
    if top_db is not None:
        floor = xp.max(log_spec, axis=axes, keepdims=True) - top_db
        log_spec = xp.maximum(log_spec, floor)
    return log_spec


def polar_encoding(x, *, sample_range, xp):
    """Cosines and sines of the Gramian angles of series ``x`` (..., n), in the dtype of ``x``.

    With a ``sample_range`` each series is min-max scaled to it first. ``1 -
    cos`` and ``1 + cos`` are computed from the distances to the series
    maximum and minimum rather than from ``cos`` itself, so that ``sin =
    sqrt((1 - cos) (1 + cos))`` stays accurate next to the extremes, where
    it is most sensitive to rounding.
    """
    if sample_range is None:
        cos = x
        one_minus, one_plus = 1.0 - x, 1.0 + x
    else:
        low, high = sample_range
        x_min = xp.min(x, axis=-1, keepdims=True)
        x_max = xp.max(x, axis=-1, keepdims=True)
        span = x_max - x_min
        constant = xp.equal(span, 0.0)
        span = xp.where(constant, xp.ones_like(span), span)
        above_min = (x - x_min) / span  # in [0, 1]
        below_max = xp.where(constant, xp.ones_like(x), (x_max - x) / span)  # 1 - above_min
        cos = low + (high - low) * above_min
        one_plus = (1.0 + low) + (high - low) * above_min
        one_minus = (1.0 - high) + (high - low) * below_max
    sin = xp.sqrt(xp.clip(one_minus * one_plus, 0.0, 1.0))
    return cos, sin


def gramian_product(cos, sin, *, method, xp, dtype):
    """The summation (``cos(phi_i + phi_j)``) or difference (``sin(phi_i - phi_j)``) field, in ``dtype``.

    A batched matrix product with an inner dimension of 2 computes both
    outer products and their difference in one pass over the output.
    """
    cos, sin = _cast(xp, cos, dtype), _cast(xp, sin, dtype)
    if method == "summation":
        left = xp.stack([cos, sin], axis=-1)  # (..., n, 2)
    else:
        left = xp.stack([sin, cos], axis=-1)
    right = xp.stack([cos, -sin], axis=-2)  # (..., 2, n)
    return xp.matmul(left, right)


def embedding_distances(x, *, dimension, time_delay, n_states, xp):
    """Euclidean distances between the time-delay embedded states of series ``x`` (n, L).

    The squared differences ``E[i, j] = (x_i - x_j)**2`` are computed once;
    coordinate ``k`` of the embedding adds the block of ``E`` shifted by
    ``k * time_delay`` along its diagonal, so no ``(n, L, L, dimension)``
    array is ever built.

    Returns
    -------
    dist : array of shape (n, n_states, n_states), in the dtype of ``x``
    """
    differences = x[:, :, None] - x[:, None, :]
    if dimension == 1:
        return xp.abs(differences)
    squares = xp.square(differences)
    dist = squares[:, :n_states, :n_states] + squares[:, time_delay : time_delay + n_states, time_delay : time_delay + n_states]
    for k in range(2, dimension):
        shift = k * time_delay
        dist = dist + squares[:, shift : shift + n_states, shift : shift + n_states]
    return xp.sqrt(dist)
