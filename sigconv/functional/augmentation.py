"""Random transformations of series for data augmentation: jitter, scaling, time warp, window slice.

Each function takes series with time on the last axis (any leading axes) and
a ``rng`` (a :class:`numpy.random.Generator`, an int seed or None), and
returns a new array of the same shape (:func:`window_slice` with
``stretch=False`` shortens the time axis): float32 input stays float32, other
input becomes float64. Every 1D series along the leading axes gets its own
random draw, so the channels of a multichannel series are jittered, scaled
and warped independently, except by :func:`window_slice`: it draws one
window per multichannel series, which keeps the channels aligned in time
(all as in the reference implementations of Um et al. and Iwana & Uchida).
:class:`sigconv.augmentation.Augmenter` chains them for the estimators.
"""

import math

import numpy as np
from scipy.interpolate import CubicSpline

from ..validation import check_float, check_int

__all__ = ["jitter", "scaling", "time_warp", "window_at", "window_slice"]

# Smallest local speed of time_warp: keeps the warp strictly increasing when
# a large sigma makes the spline of random speeds dip below zero.
_MIN_SPEED = 1e-2


def _as_series(x):
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"x must hold real numbers; got an array of dtype {x.dtype}.")
    if x.ndim < 1:
        raise ValueError(
            f"x must have time on its last axis, shape (..., n_timepoints); got a scalar {x!r}."
        )
    return x if x.dtype.kind == "f" and x.dtype.itemsize >= 4 else x.astype(np.float64)


def _rng(rng):
    if rng is None or isinstance(rng, (np.random.Generator, int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(rng)
    raise TypeError(
        f"rng must be a numpy.random.Generator, an int seed or None; got rng={rng!r} "
        f"({type(rng).__name__}). Pass np.random.default_rng(seed)."
    )


def check_jitter_params(sigma):
    """Validate the parameters of :func:`jitter`; return them as a dict."""
    return {"sigma": check_float(sigma, "sigma", min_value=0, hint="It is the noise standard deviation.")}


def check_scaling_params(sigma):
    """Validate the parameters of :func:`scaling`; return them as a dict."""
    return {"sigma": check_float(sigma, "sigma", min_value=0, hint="It is the standard deviation of the factors.")}


def check_time_warp_params(n_knots, sigma):
    """Validate the parameters of :func:`time_warp`; return them as a dict."""
    return {
        "n_knots": check_int(n_knots, "n_knots", min_value=1),
        "sigma": check_float(sigma, "sigma", min_value=0, hint="It is the standard deviation of the speeds."),
    }


def check_window_slice_params(ratio, stretch):
    """Validate the parameters of :func:`window_slice`; return them as a dict."""
    if not isinstance(stretch, (bool, np.bool_)):
        raise TypeError(
            f"stretch must be True (resample the window to the series' length) or False (keep "
            f"its timepoints); got stretch={stretch!r}."
        )
    return {
        "ratio": check_float(
            ratio, "ratio", min_value=0, max_value=1, closed="right",
            hint="It is the fraction of the series kept by the crop.",
        ),
        "stretch": bool(stretch),
    }


def _interpolate(x, positions):
    """Linear interpolation of ``x`` (time last) at fractional ``positions`` in [0, n_timepoints - 1].

    ``positions`` broadcasts against ``x`` on every axis but the last, whose
    length it sets: the result has ``positions.shape[-1]`` timepoints.
    """
    n_timepoints = x.shape[-1]
    positions = np.asarray(positions)
    positions = np.broadcast_to(positions, x.shape[:-1] + positions.shape[-1:])
    if n_timepoints == 1:
        return np.broadcast_to(x, positions.shape).copy()
    left = np.clip(np.floor(positions).astype(np.intp), 0, n_timepoints - 2)
    fraction = (positions - left).astype(x.dtype)
    below = np.take_along_axis(x, left, axis=-1)
    above = np.take_along_axis(x, left + 1, axis=-1)
    out = below * (1 - fraction) + above * fraction
    exact = fraction == 0  # on a sample: the sample itself, exactly
    out[exact] = below[exact]
    return out


def jitter(x, *, sigma=0.03, rng=None):
    """Add Gaussian noise to every value.

    ``x + e`` with ``e ~ N(0, sigma**2)`` drawn independently for each value.

    Parameters
    ----------
    x : ndarray of shape (..., n_timepoints)
        Series, time on the last axis.
    sigma : float, default=0.03
        Standard deviation of the noise, >= 0 (0 returns a copy). The
        default is that of Um et al. and Iwana & Uchida, for standardized
        series.
    rng : numpy.random.Generator, int or None, default=None
        Random generator or seed; None draws fresh entropy.

    Returns
    -------
    x_jittered : ndarray of the shape of ``x``
        float32 for float32 input, float64 otherwise.

    See Also
    --------
    scaling : Multiply each series by a random factor.
    sigconv.augmentation.Augmenter : Chain augmentations for training.

    References
    ----------
    .. [1] T. T. Um, F. M. J. Pfister, D. Pichler, S. Endo, M. Lang,
       S. Hirche, U. Fietzek and D. Kulic, "Data augmentation of wearable
       sensor data for Parkinson's disease monitoring using convolutional
       neural networks", ICMI 2017.
    .. [2] B. K. Iwana and S. Uchida, "An empirical survey of data augmentation
       for time series classification with neural networks", PLOS ONE 16, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import jitter
    >>> noisy = jitter(np.zeros((2, 1000)), sigma=0.5, rng=0)
    >>> noisy.shape, round(float(noisy.std()), 1)
    ((2, 1000), 0.5)
    """
    x = _as_series(x)
    sigma = check_jitter_params(sigma)["sigma"]
    rng = _rng(rng)
    return (x + rng.normal(0.0, sigma, size=x.shape)).astype(x.dtype, copy=False)


def scaling(x, *, sigma=0.1, rng=None):
    """Multiply each series by a random factor.

    ``x * a`` with one ``a ~ N(1, sigma**2)`` per 1D series (per series and
    channel), the same for all its timepoints.

    Parameters
    ----------
    x : ndarray of shape (..., n_timepoints)
        Series, time on the last axis.
    sigma : float, default=0.1
        Standard deviation of the factors around 1, >= 0 (0 returns a copy);
        the default of Um et al. and Iwana & Uchida.
    rng : numpy.random.Generator, int or None, default=None
        Random generator or seed; None draws fresh entropy.

    Returns
    -------
    x_scaled : ndarray of the shape of ``x``
        float32 for float32 input, float64 otherwise.

    See Also
    --------
    jitter : Add Gaussian noise.

    References
    ----------
    .. [1] T. T. Um et al., "Data augmentation of wearable sensor data for
       Parkinson's disease monitoring using convolutional neural networks",
       ICMI 2017.
    .. [2] B. K. Iwana and S. Uchida, "An empirical survey of data augmentation
       for time series classification with neural networks", PLOS ONE 16, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import scaling
    >>> scaled = scaling(np.ones((3, 5)), sigma=0.1, rng=0)
    >>> bool(np.all(scaled == scaled[:, :1]))  # one factor per series
    True
    """
    x = _as_series(x)
    sigma = check_scaling_params(sigma)["sigma"]
    rng = _rng(rng)
    factors = rng.normal(1.0, sigma, size=x.shape[:-1] + (1,))
    return (x * factors).astype(x.dtype, copy=False)


def time_warp(x, *, n_knots=4, sigma=0.2, rng=None):
    """Warp the time axis smoothly and monotonically, keeping the length.

    For each 1D series, random speeds ``s ~ N(1, sigma**2)`` are drawn at
    ``n_knots + 2`` knots spread evenly over the series (its two ends
    included) and joined by a cubic spline ``s(t)`` (speeds below 0.01 are
    raised to 0.01, so the warp always moves forward). The warped time is
    the integral of the speed, rescaled to run from the first to the last
    timepoint, ``w(t) = (n_timepoints - 1) * S(t) / S(n_timepoints - 1)``
    with ``S(t) = \\int_0^t s``; the output is the series read at the warped
    times, ``x(w(t))``, by linear interpolation. The first and last values
    are kept, and ``sigma=0`` (or a series of one timepoint) returns ``x``
    unchanged.

    Parameters
    ----------
    x : ndarray of shape (..., n_timepoints)
        Series, time on the last axis.
    n_knots : int, default=4
        Number of interior knots of the speed curve, >= 1: more knots give
        a more wiggly warp. The default is that of Um et al.
    sigma : float, default=0.2
        Standard deviation of the speeds around 1, >= 0; the default of Um
        et al. and Iwana & Uchida.
    rng : numpy.random.Generator, int or None, default=None
        Random generator or seed; None draws fresh entropy.

    Returns
    -------
    x_warped : ndarray of the shape of ``x``
        float32 for float32 input, float64 otherwise.

    See Also
    --------
    window_slice : Crop a random window and stretch it back.

    References
    ----------
    .. [1] T. T. Um et al., "Data augmentation of wearable sensor data for
       Parkinson's disease monitoring using convolutional neural networks",
       ICMI 2017.
    .. [2] B. K. Iwana and S. Uchida, "An empirical survey of data augmentation
       for time series classification with neural networks", PLOS ONE 16, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import time_warp
    >>> x = np.sin(np.linspace(0, 6, 50))[None]
    >>> warped = time_warp(x, n_knots=4, sigma=0.2, rng=0)
    >>> warped.shape, bool(warped[0, 0] == x[0, 0]), bool(warped[0, -1] == x[0, -1])
    ((1, 50), True, True)
    >>> bool(np.array_equal(time_warp(x, sigma=0.0, rng=0), x))
    True
    """
    x = _as_series(x)
    params = check_time_warp_params(n_knots, sigma)
    rng = _rng(rng)
    n_timepoints = x.shape[-1]
    if n_timepoints == 1:  # the only warp of one timepoint onto itself
        return x.copy()
    knots = np.linspace(0.0, n_timepoints - 1, params["n_knots"] + 2)
    speeds_at_knots = rng.normal(1.0, params["sigma"], size=x.shape[:-1] + (len(knots),))
    steps = np.arange(n_timepoints, dtype=np.float64)
    speeds = np.maximum(CubicSpline(knots, speeds_at_knots, axis=-1)(steps), _MIN_SPEED)
    # trapezoidal integral of the speed: w[0] = 0, strictly increasing
    warped = np.zeros(speeds.shape)
    np.cumsum((speeds[..., 1:] + speeds[..., :-1]) / 2, axis=-1, out=warped[..., 1:])
    warped *= (n_timepoints - 1) / warped[..., -1:]
    warped[..., -1] = n_timepoints - 1
    return _interpolate(x, warped)


def window_slice(x, *, ratio=0.9, stretch=True, rng=None):
    """Crop a random window of each series, stretched back to the full length or kept as it is.

    A window of ``ceil(ratio * n_timepoints)`` timepoints starts at a random
    timepoint (uniform over the starts that fit). By default it is resampled
    to ``n_timepoints`` by linear interpolation, as in Iwana & Uchida [2]_,
    which also stretches the series' features in time by ``1 / ratio``.
    With ``stretch=False`` it keeps its timepoints, as the slices of Le
    Guennec et al. [1]_ do: the output is that much shorter, and the deep
    estimators pad it at the end as they pad series of unequal length
    (:mod:`sigconv.estimators`). ``ratio=1`` returns ``x`` unchanged.

    Parameters
    ----------
    x : ndarray of shape (n_timepoints,), (n_samples, n_timepoints) or (..., n_channels, n_timepoints)
        Series, time on the last axis. Each row of a 2D ``x`` is a series
        with its own window; with 3 axes or more, axis -2 holds the
        channels of one series, which share its window, so they stay
        aligned in time.
    ratio : float, default=0.9
        Fraction of the series kept, in (0, 1]; the default of Le Guennec
        et al. and Iwana & Uchida.
    stretch : bool, default=True
        Whether to resample the window to the full length. Unstretched
        windows keep the time scale of the series; docs/augmentation.md
        compares the two on UCR data sets.
    rng : numpy.random.Generator, int or None, default=None
        Random generator or seed; None draws fresh entropy.

    Returns
    -------
    x_sliced : ndarray of the shape of ``x``, or of shape (..., ceil(ratio * n_timepoints)) with ``stretch=False``
        float32 for float32 input, float64 otherwise.

    See Also
    --------
    window_at : The window at a given start.
    time_warp : Warp the time axis smoothly.

    References
    ----------
    .. [1] A. Le Guennec, S. Malinowski and R. Tavenard, "Data augmentation for
       time series classification using convolutional neural networks",
       ECML/PKDD Workshop on Advanced Analytics and Learning on Temporal
       Data, 2016.
    .. [2] B. K. Iwana and S. Uchida, "An empirical survey of data augmentation
       for time series classification with neural networks", PLOS ONE 16, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import window_slice
    >>> x = np.arange(10.0)[None]
    >>> window_slice(x, ratio=0.5, rng=0).shape
    (1, 10)
    >>> window_slice(x, ratio=0.5, stretch=False, rng=0)
    array([[5., 6., 7., 8., 9.]])
    >>> bool(np.array_equal(window_slice(x, ratio=1.0, rng=0), x))
    True
    """
    x = _as_series(x)
    params = check_window_slice_params(ratio, stretch)
    rng = _rng(rng)
    length = _window_length(x.shape[-1], params["ratio"])
    per_series = x.shape[:-2] + (1, 1) if x.ndim >= 3 else x.shape[:-1] + (1,)
    starts = rng.integers(0, x.shape[-1] - length + 1, size=per_series)
    return _window(x, length, starts, params["stretch"])


def window_at(x, position, *, ratio=0.9, stretch=True):
    """The window of :func:`window_slice` at a given start.

    The same crop of ``ceil(ratio * n_timepoints)`` timepoints for every
    series, starting at ``position`` times the last start that fits (0 the
    first timepoint, 0.5 the centred window, 1 the window that ends on the
    last timepoint; a fractional start is interpolated), resampled to the
    full length unless ``stretch=False``. A network trained on
    :func:`window_slice` only ever saw such windows, so the estimators
    predict from windows at evenly spaced positions and average the outputs
    (Le Guennec et al.; see :class:`sigconv.augmentation.Augmenter`).

    Parameters
    ----------
    x : ndarray of shape (..., n_timepoints)
        Series, time on the last axis.
    position : float
        Where the window starts, in [0, 1].
    ratio : float, default=0.9
        Fraction of the series kept, in (0, 1].
    stretch : bool, default=True
        Whether to resample the window to the full length.

    Returns
    -------
    x_window : ndarray of the shape of ``x``, or of shape (..., ceil(ratio * n_timepoints)) with ``stretch=False``
        float32 for float32 input, float64 otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import window_at
    >>> window_at(np.arange(10.0), 1.0, ratio=0.5)      # timepoints 5 to 9, stretched to 10
    array([5.        , 5.44444444, 5.88888889, 6.33333333, 6.77777778,
           7.22222222, 7.66666667, 8.11111111, 8.55555556, 9.        ])
    >>> window_at(np.arange(10.0), 1.0, ratio=0.5, stretch=False)
    array([5., 6., 7., 8., 9.])
    >>> window_at(np.arange(10.0), 0.5, ratio=0.5, stretch=False)   # from 2.5, interpolated
    array([2.5, 3.5, 4.5, 5.5, 6.5])
    """
    x = _as_series(x)
    params = check_window_slice_params(ratio, stretch)
    position = check_float(
        position, "position", min_value=0, max_value=1,
        hint="It is the start of the window as a fraction of the last start that fits.",
    )
    length = _window_length(x.shape[-1], params["ratio"])
    return _window(x, length, position * (x.shape[-1] - length), params["stretch"])


def _window_length(n_timepoints, ratio):
    return min(n_timepoints, max(1, math.ceil(ratio * n_timepoints)))


def _window(x, length, starts, stretch):
    """The windows of ``length`` timepoints from ``starts`` (broadcast over the series), or resampled to the full length."""
    n_out = x.shape[-1] if stretch else length
    return _interpolate(x, starts + np.linspace(0.0, length - 1, n_out))
