"""pyts as the numerical oracle of the imaging transforms.

The one test module that imports ``pyts.image``: its numba compilation costs
tens of seconds per process, paid once here by a module-scoped fixture.
sigconv itself never imports pyts. Inputs are float32 (sigconv's layout);
pyts computes in float64 on the same values, so images agree to float32
rounding, and a thresholded recurrence plot can differ only at a distance
equal to the threshold to float32 precision.
"""

import warnings

import numpy as np
import pytest

from sigconv.functional import gramian_angular_field, markov_transition_field, recurrence_plot
from sigconv.transformers import GramianAngularField, MarkovTransitionField, RecurrencePlot

N_TIMEPOINTS = 50


@pytest.fixture(scope="module")
def pyts():
    """``pyts.image`` and ``pyts.approximation``, imported (and compiled) once for the module."""
    import pyts.approximation
    import pyts.image

    return pyts


def _inputs():
    rng = np.random.default_rng(42)
    walks = rng.normal(size=(12, N_TIMEPOINTS)).cumsum(axis=1)
    noise = rng.normal(size=(12, N_TIMEPOINTS))
    ties = rng.integers(0, 5, size=(6, N_TIMEPOINTS))  # many tied quantiles
    offset = 1000.0 + rng.normal(size=(4, N_TIMEPOINTS))  # a large offset: float32 rounding
    constant = np.full((2, N_TIMEPOINTS), 0.7)
    return np.concatenate([walks, noise, ties, offset, constant]).astype(np.float32)


X = _inputs()
CONTINUOUS = np.r_[0:24, 30:34]  # the random walks, the noise and the offset noise


@pytest.mark.parametrize("method", ["summation", "difference"])
@pytest.mark.parametrize("image_size", [None, 1, 13, 32, N_TIMEPOINTS])
@pytest.mark.parametrize("sample_range", [(-1.0, 1.0), (0.0, 1.0), (-0.3, 0.7)])
def test_gramian_angular_field(pyts, method, image_size, sample_range):
    expected = pyts.image.GramianAngularField(
        image_size=image_size or 1.0, sample_range=sample_range, method=method, overlapping=False
    ).fit_transform(X)
    actual = gramian_angular_field(X, method=method, image_size=image_size, sample_range=sample_range)
    np.testing.assert_allclose(actual, expected, atol=2e-5)


@pytest.mark.parametrize("image_size", [None, 17])
def test_gramian_angular_field_without_scaling(pyts, image_size):
    inside = np.tanh(X[:24])  # values in [-1, 1]
    for method in ("summation", "difference"):
        expected = pyts.image.GramianAngularField(
            image_size=image_size or 1.0, sample_range=None, method=method
        ).fit_transform(inside)
        actual = gramian_angular_field(inside, method=method, image_size=image_size, sample_range=None)
        np.testing.assert_allclose(actual, expected, atol=2e-5)


@pytest.mark.parametrize("strategy", ["quantile", "uniform", "normal"])
@pytest.mark.parametrize("n_bins", [2, 3, 5, 8])
@pytest.mark.parametrize("image_size", [None, 1, 7, 25, N_TIMEPOINTS])
def test_markov_transition_field(pyts, strategy, n_bins, image_size):
    with warnings.catch_warnings():  # pyts warns about the tied quantiles of some inputs
        warnings.simplefilter("ignore", UserWarning)
        expected = pyts.image.MarkovTransitionField(
            image_size=image_size or 1.0, n_bins=n_bins, strategy=strategy, overlapping=False
        ).fit_transform(X)
    actual = markov_transition_field(X, n_bins=n_bins, strategy=strategy, image_size=image_size)
    np.testing.assert_allclose(actual, expected, atol=1e-6)


def _pyts_distances(pyts, X, dimension, time_delay):
    return pyts.image.RecurrencePlot(dimension=dimension, time_delay=time_delay).fit_transform(X)


def _assert_same_plots(actual, expected, distances, limits):
    """Binary plots equal except where the distance equals the threshold to float32 precision.

    For series of continuous values such pixels are rare. The integer-valued series are
    excluded from that count: their reduced values are fractions like 1/3, whose distances
    tie exactly in float64 but not in float32, so a threshold on a tie flips a whole class.
    """
    differ = actual != expected
    assert np.all(np.abs(distances - limits[:, None, None])[differ] <= 1e-5 * (1 + limits.max()))
    assert differ[CONTINUOUS].mean() < 1e-3


@pytest.mark.parametrize("dimension, time_delay", [(1, 1), (2, 1), (3, 2), (4, 7), (1, 5)])
@pytest.mark.parametrize(
    "threshold, percentage", [(None, 10.0), ("absolute", 10.0), ("point", 10.0), ("point", 45.5), ("distance", 30.0)]
)
@pytest.mark.parametrize("image_size", [None, 16])
def test_recurrence_plot(pyts, dimension, time_delay, threshold, percentage, image_size):
    span = (dimension - 1) * time_delay
    reduced = X
    if image_size is not None:  # sigconv's image_size: PAA to image_size + span points first
        reduced = pyts.approximation.PiecewiseAggregateApproximation(
            window_size=None, output_size=image_size + span, overlapping=False
        ).fit_transform(X)
    epsilon = 1.5 if threshold == "absolute" else None
    expected = pyts.image.RecurrencePlot(
        dimension=dimension,
        time_delay=time_delay,
        threshold=epsilon if threshold == "absolute" else threshold,
        percentage=percentage,
    ).fit_transform(reduced)
    actual = recurrence_plot(
        X,
        dimension=dimension,
        time_delay=time_delay,
        threshold=threshold,
        epsilon=epsilon,
        percentage=percentage,
        image_size=image_size,
    )
    assert actual.shape == expected.shape
    if threshold is None:
        scale = np.abs(reduced).max(axis=1)[:, None, None]
        np.testing.assert_allclose(actual / (1 + scale), expected / (1 + scale), atol=1e-6)
        return
    distances = _pyts_distances(pyts, reduced, dimension, time_delay)
    n = len(distances)
    if threshold == "absolute":
        limits = np.full(n, epsilon)
    elif threshold == "point":
        limits = np.percentile(distances.reshape(n, -1), percentage, axis=1)
    else:
        limits = percentage / 100 * distances.max(axis=(1, 2))
    _assert_same_plots(actual, expected, distances, limits)


def test_transformers_match_pyts_channel_by_channel(pyts):
    """The transformers apply the functions per channel: compare each channel with pyts."""
    multichannel = X[:24].reshape(12, 2, N_TIMEPOINTS)
    cases = [
        (GramianAngularField(image_size=20), pyts.image.GramianAngularField(image_size=20), 2e-5),
        (
            MarkovTransitionField(n_bins=4, image_size=20),
            pyts.image.MarkovTransitionField(n_bins=4, image_size=20),
            1e-6,
        ),
        (RecurrencePlot(dimension=2, time_delay=3), pyts.image.RecurrencePlot(dimension=2, time_delay=3), 2e-5),
    ]
    for ours, theirs, atol in cases:
        images = ours.fit_transform(multichannel)
        for channel in range(2):
            expected = theirs.fit_transform(multichannel[:, channel])
            scale = 1 + np.abs(multichannel[:, channel]).max()
            np.testing.assert_allclose(images[..., channel] / scale, expected / scale, atol=atol)
