"""Gramian angular field, Markov transition field and recurrence plot: hand-computed cases.

Small cases are worked out by hand in the comments; random inputs are
checked against direct (slow, float64) implementations of the definitions
written here. The comparisons with pyts are in test_imaging_pyts_oracle.py.
"""

import re
import warnings

import numpy as np
import pytest
from scipy.stats import norm

from sigconv.functional import (
    gramian_angular_field,
    markov_transition_field,
    paa,
    recurrence_plot,
    resize_image,
)
from sigconv.functional.recurrence import _percentile

RNG = np.random.default_rng(0)


# -- Gramian angular field -------------------------------------------------------------------


def test_gaf_by_hand():
    # [0, 1, 2] scales to cos = [-1, 0, 1], so sin = [0, 1, 0]
    x = np.array([0.0, 1.0, 2.0])
    np.testing.assert_array_equal(
        gramian_angular_field(x), [[1, 0, -1], [0, -1, 0], [-1, 0, 1]]
    )  # cos_i cos_j - sin_i sin_j
    np.testing.assert_array_equal(
        gramian_angular_field(x, method="difference"), [[0, 1, 0], [-1, 0, 1], [0, -1, 0]]
    )  # sin_i cos_j - cos_i sin_j


def test_gaf_sample_range_by_hand():
    # sample_range=(0, 1): [5, 7] -> cos = [0, 1], sin = [1, 0]
    x = np.array([5.0, 7.0])
    np.testing.assert_array_equal(
        gramian_angular_field(x, sample_range=(0.0, 1.0)), [[-1, 0], [0, 1]]
    )
    np.testing.assert_array_equal(
        gramian_angular_field(x, method="difference", sample_range=(0, 1)), [[0, 1], [-1, 0]]
    )


def test_gaf_is_cosine_of_angle_sums_and_sine_of_differences():
    x = RNG.normal(size=(5, 40))
    scaled = 2 * (x - x.min(1, keepdims=True)) / np.ptp(x, axis=1, keepdims=True) - 1
    phi = np.arccos(np.clip(scaled, -1, 1))
    gasf = np.cos(phi[:, :, None] + phi[:, None, :])
    gadf = np.sin(phi[:, :, None] - phi[:, None, :])
    np.testing.assert_allclose(gramian_angular_field(x), gasf, atol=2e-6)
    np.testing.assert_allclose(gramian_angular_field(x, method="difference"), gadf, atol=2e-6)


def test_gaf_image_size_applies_paa_first():
    # [0, 1, 2, 3] -> PAA to 2 points [0.5, 2.5] -> cos = [-1, 1]
    np.testing.assert_array_equal(
        gramian_angular_field(np.arange(4.0), image_size=2), [[1, -1], [-1, 1]]
    )
    x = RNG.normal(size=(3, 50))
    for size in (7, 50, 80):  # 80 > 50 interpolates
        np.testing.assert_allclose(
            gramian_angular_field(x, image_size=size), gramian_angular_field(paa(x, size)), atol=1e-6
        )


def test_gaf_sample_range_none_uses_values_as_cosines():
    x = np.array([[-1.0, 0.0, 0.5]])
    cos = x[0]
    sin = np.sqrt(1 - cos**2)
    expected = np.outer(cos, cos) - np.outer(sin, sin)
    np.testing.assert_allclose(gramian_angular_field(x, sample_range=None)[0], expected, atol=1e-6)


def test_gaf_sample_range_none_out_of_range_error():
    msg = (
        "With sample_range=None the series must already lie in [-1, 1] (after PAA to "
        "image_size points); got values in [0, 2]. Set sample_range=(-1.0, 1.0) to "
        "min-max scale each series."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        gramian_angular_field(np.array([0.0, 2.0, 2.0]), sample_range=None, image_size=2)


@pytest.mark.parametrize(
    "sample_range, gasf, gadf", [((-1.0, 1.0), 1.0, 0.0), ((0.0, 1.0), -1.0, 0.0), ((-0.5, 0.5), -0.5, 0.0)]
)
def test_gaf_constant_series_maps_to_sample_range_min(sample_range, gasf, gadf):
    # a constant series maps to min: cos = min everywhere, GASF = 2 min^2 - 1, GADF = 0
    x = np.full((2, 10), 3.0)
    summation = gramian_angular_field(x, sample_range=sample_range)
    difference = gramian_angular_field(x, method="difference", sample_range=sample_range)
    assert np.isfinite(summation).all() and np.isfinite(difference).all()
    np.testing.assert_allclose(summation, gasf, atol=1e-6)
    np.testing.assert_allclose(difference, gadf, atol=1e-6)


def test_gaf_sines_stay_accurate_near_the_extremes():
    # the second point sits 1e-6 (relative) below the maximum: sin ~ sqrt(2e-6)
    x = np.array([0.0, 1.0 - 1e-6, 1.0], dtype=np.float32)
    scaled = 2 * x.astype(np.float64) - 1
    sin = np.sqrt(1 - scaled**2)
    expected = np.outer(scaled, scaled) - np.outer(sin, sin)
    np.testing.assert_allclose(gramian_angular_field(x), expected, atol=1e-6)


def test_gaf_leading_axes_and_dtype():
    x = RNG.normal(size=(2, 3, 20)).astype(np.float64)
    images = gramian_angular_field(x, image_size=8)
    assert images.shape == (2, 3, 8, 8) and images.dtype == np.float32
    np.testing.assert_array_equal(images[1, 2], gramian_angular_field(x[1, 2], image_size=8))
    ints = gramian_angular_field(np.arange(6))  # integer input
    assert ints.dtype == np.float32


@pytest.mark.parametrize(
    "kwargs, error, msg",
    [
        ({"method": "s"}, ValueError, "method must be one of {'summation', 'difference'}; got method='s'."),
        (
            {"image_size": (8, 8)},
            TypeError,
            "image_size must be an int >= 1 or None; got image_size=(8, 8) (tuple). Gramian "
            "angular fields are square: pass one int for both sides.",
        ),
        ({"image_size": 0}, ValueError, "image_size must be an int >= 1 or None; got image_size=0."),
        (
            {"sample_range": (1, -1)},
            ValueError,
            "sample_range must be None or a (min, max) pair of numbers with -1 <= min < max <= 1; "
            "got sample_range=(1, -1).",
        ),
        (
            {"sample_range": (-2, 1)},
            ValueError,
            "sample_range must be None or a (min, max) pair of numbers with -1 <= min < max <= 1; "
            "got sample_range=(-2, 1).",
        ),
        (
            {"sample_range": "minmax"},
            TypeError,
            "sample_range must be None or a (min, max) pair of numbers with -1 <= min < max <= 1; "
            "got sample_range='minmax'.",
        ),
    ],
)
def test_gaf_parameter_errors(kwargs, error, msg):
    with pytest.raises(error, match=re.escape(msg)):
        gramian_angular_field(np.arange(5.0), **kwargs)


def test_gaf_needs_a_timepoint():
    with pytest.raises(ValueError, match=re.escape("got x.shape=(3, 0)")):
        gramian_angular_field(np.zeros((3, 0)))


# -- Markov transition field -----------------------------------------------------------------


def _direct_mtf(x, n_bins, strategy, image_size=None):
    """The definition, one float64 series at a time: pyts's bins, counts, field, block means."""
    x = np.asarray(x, dtype=np.float64)
    if strategy == "quantile":
        edges = np.percentile(x, np.linspace(0, 100, n_bins + 1)[1:-1])
    elif strategy == "uniform":
        edges = x.min() + np.arange(1, n_bins) * ((x.max() - x.min()) / n_bins)
    else:
        edges = norm.ppf(np.linspace(0, 1, n_bins + 1)[1:-1])
    bins = np.searchsorted(edges, x, side="left")
    counts = np.zeros((n_bins, n_bins))
    for a, b in zip(bins[:-1], bins[1:]):
        counts[a, b] += 1
    totals = counts.sum(1, keepdims=True)
    matrix = counts / np.where(totals == 0, 1, totals)
    field = matrix[bins[:, None], bins[None, :]]
    if image_size is None:
        return field
    bounds = np.linspace(0, len(x), image_size + 1).astype(int)
    return np.array(
        [
            [field[bounds[i] : bounds[i + 1], bounds[j] : bounds[j + 1]].mean() for j in range(image_size)]
            for i in range(image_size)
        ]
    )


def test_mtf_by_hand():
    # quantile edges of [0, 1, 2, 0, 2, 1] with 3 bins: 2/3 and 4/3 -> bins 0, 1, 2, 0, 2, 1;
    # transitions 0->1, 1->2, 2->0, 0->2, 2->1: M = [[0, .5, .5], [0, 0, 1], [.5, .5, 0]]
    x = np.array([0.0, 1.0, 2.0, 0.0, 2.0, 1.0])
    bins = [0, 1, 2, 0, 2, 1]
    matrix = np.array([[0, 0.5, 0.5], [0, 0, 1], [0.5, 0.5, 0]])
    expected = matrix[np.ix_(bins, bins)]
    np.testing.assert_array_equal(markov_transition_field(x, n_bins=3), expected)
    # image_size=3: segments [0:2], [2:4], [4:6]; block (0, 0) = mean(M[0,0], M[0,1], M[1,0], M[1,1])
    blocks = expected.reshape(3, 2, 3, 2).mean(axis=(1, 3))
    assert blocks[0, 0] == pytest.approx((0 + 0.5 + 0 + 0) / 4)
    np.testing.assert_allclose(markov_transition_field(x, n_bins=3, image_size=3), blocks, atol=1e-7)


def test_mtf_uniform_by_hand():
    # [0..4], 2 uniform bins: edge 2, a point on the edge goes to the lower bin -> 0, 0, 0, 1, 1;
    # transitions 0->0, 0->0, 0->1, 1->1: M = [[2/3, 1/3], [0, 1]]
    matrix = np.array([[2 / 3, 1 / 3], [0, 1]])
    bins = [0, 0, 0, 1, 1]
    np.testing.assert_allclose(
        markov_transition_field(np.arange(5.0), n_bins=2, strategy="uniform"),
        matrix[np.ix_(bins, bins)],
        atol=1e-7,
    )


def test_mtf_normal_by_hand():
    # 2 normal bins: edge 0 -> bins 0, 1, 0, 0; transitions 0->1, 1->0, 0->0: M = [[.5, .5], [1, 0]]
    matrix = np.array([[0.5, 0.5], [1, 0]])
    bins = [0, 1, 0, 0]
    np.testing.assert_array_equal(
        markov_transition_field(np.array([-1.0, 1.0, -1.0, -1.0]), n_bins=2, strategy="normal"),
        matrix[np.ix_(bins, bins)],
    )


def test_mtf_tied_quantiles_leave_empty_bins_without_warning():
    # quantiles of [0, 0, 0, 0, 1] with 4 bins are 0, 0, 0 -> bins 0, 0, 0, 0, 3;
    # transitions 0->0 (three times), 0->3: M[0] = [.75, 0, 0, .25]; bin 3 is never left
    x = np.array([0.0, 0.0, 0.0, 0.0, 1.0])
    expected = np.array([[0.75] * 4 + [0.25]] * 4 + [[0.0] * 5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(markov_transition_field(x, n_bins=4), expected)


@pytest.mark.parametrize("strategy", ["quantile", "uniform", "normal"])
def test_mtf_constant_series_is_all_ones(strategy):
    images = markov_transition_field(np.full((2, 30), 0.3), n_bins=6, strategy=strategy, image_size=7)
    np.testing.assert_array_equal(images, 1.0)


@pytest.mark.parametrize("strategy", ["quantile", "uniform", "normal"])
@pytest.mark.parametrize("n_bins, n_timepoints, image_size", [(2, 30, None), (5, 47, 10), (8, 64, 16), (3, 20, 20)])
def test_mtf_matches_the_definition(strategy, n_bins, n_timepoints, image_size):
    x = RNG.normal(size=(4, n_timepoints)).astype(np.float32)
    images = markov_transition_field(x, n_bins=n_bins, strategy=strategy, image_size=image_size)
    assert images.dtype == np.float32
    for series, image in zip(x, images):
        np.testing.assert_allclose(image, _direct_mtf(series, n_bins, strategy, image_size), atol=1e-6)


def test_mtf_many_bins_and_ties():
    # more than 256 bins uses wider bin indices; integer values make many tied quantiles
    x = RNG.integers(0, 40, size=(3, 400)).astype(np.float32)
    for n_bins in (7, 300):
        images = markov_transition_field(x, n_bins=n_bins, image_size=25)
        for series, image in zip(x, images):
            np.testing.assert_allclose(image, _direct_mtf(series, n_bins, "quantile", 25), atol=1e-6)


def test_mtf_larger_image_size_interpolates_the_field():
    x = RNG.normal(size=(2, 12))
    np.testing.assert_allclose(
        markov_transition_field(x, image_size=30),
        resize_image(markov_transition_field(x), 30),
        atol=1e-6,
    )


def test_mtf_leading_axes():
    x = RNG.normal(size=(2, 3, 25))
    images = markov_transition_field(x, image_size=5)
    assert images.shape == (2, 3, 5, 5)
    np.testing.assert_array_equal(images[1, 0], markov_transition_field(x[1, 0], image_size=5))


@pytest.mark.parametrize(
    "kwargs, error, msg",
    [
        ({"n_bins": 1}, ValueError, "n_bins must be an int >= 2; got n_bins=1."),
        ({"n_bins": 2.0}, TypeError, "n_bins must be an int >= 2; got n_bins=2.0 (float)."),
        (
            {"strategy": "kmeans"},
            ValueError,
            "strategy must be one of {'quantile', 'uniform', 'normal'}; got strategy='kmeans'.",
        ),
        (
            {"image_size": (4, 4)},
            TypeError,
            "image_size must be an int >= 1 or None; got image_size=(4, 4) (tuple). Markov "
            "transition fields are square: pass one int for both sides.",
        ),
    ],
)
def test_mtf_parameter_errors(kwargs, error, msg):
    with pytest.raises(error, match=re.escape(msg)):
        markov_transition_field(np.arange(5.0), **kwargs)


def test_mtf_needs_two_timepoints():
    msg = "x must have at least 2 timepoints on its last axis (a transition needs two); got x.shape=(4, 1)."
    with pytest.raises(ValueError, match=re.escape(msg)):
        markov_transition_field(np.zeros((4, 1)))


# -- recurrence plot -------------------------------------------------------------------------


def _direct_rp(x, dimension=1, time_delay=1, threshold=None, epsilon=None, percentage=10.0):
    """The definition, one float64 series at a time, with the (L, L, m) array pyts builds."""
    x = np.asarray(x, dtype=np.float64)
    n_states = len(x) - (dimension - 1) * time_delay
    states = np.stack([x[k * time_delay : k * time_delay + n_states] for k in range(dimension)], axis=1)
    dist = np.linalg.norm(states[:, None, :] - states[None, :, :], axis=-1)
    if threshold is None:
        return dist, None
    if threshold == "absolute":
        limit = epsilon
    elif threshold == "point":
        limit = np.percentile(dist, percentage)
    else:
        limit = percentage / 100 * dist.max()
    return (dist < limit).astype(float), (dist, limit)


def test_rp_by_hand():
    # states 0, 1, 3, 7: distances 1, 3, 7, 2, 6, 4
    x = np.array([0.0, 1.0, 3.0, 7.0])
    dist = np.array([[0, 1, 3, 7], [1, 0, 2, 6], [3, 2, 0, 4], [7, 6, 4, 0]])
    np.testing.assert_array_equal(recurrence_plot(x), dist)
    # sorted values: 0 x4, 1, 1, 2, 2, 3, 3, 4, 4, 6, 6, 7, 7; the 50th percentile sits between
    # the 8th (2) and the 9th (3): 2.5
    np.testing.assert_array_equal(recurrence_plot(x, threshold="point", percentage=50), dist < 2.5)
    # 50 % of the largest distance (7): 3.5
    np.testing.assert_array_equal(recurrence_plot(x, threshold="distance", percentage=50), dist < 3.5)
    # the comparison is strict: a distance equal to epsilon does not recur
    np.testing.assert_array_equal(recurrence_plot(x, threshold="absolute", epsilon=2.0), dist < 2)


def test_rp_embedding_by_hand():
    # dimension=2, time_delay=2 on [0, 1, 3, 7]: states (0, 3) and (1, 7): distance sqrt(1 + 16)
    np.testing.assert_allclose(
        recurrence_plot(np.array([0.0, 1.0, 3.0, 7.0]), dimension=2, time_delay=2),
        [[0, np.sqrt(17)], [np.sqrt(17), 0]],
        rtol=1e-7,
    )


@pytest.mark.parametrize("dimension, time_delay", [(1, 1), (2, 1), (3, 2), (4, 5)])
@pytest.mark.parametrize(
    "threshold, kwargs",
    [
        (None, {}),
        ("absolute", {"epsilon": 1.0}),
        ("point", {"percentage": 10.0}),
        ("point", {"percentage": 63.7}),
        ("distance", {"percentage": 25.0}),
    ],
)
def test_rp_matches_the_definition(dimension, time_delay, threshold, kwargs):
    x = RNG.normal(size=(3, 40)).astype(np.float32)
    images = recurrence_plot(x, dimension=dimension, time_delay=time_delay, threshold=threshold, **kwargs)
    assert images.dtype == np.float32
    for series, image in zip(x, images):
        expected, thresholded = _direct_rp(series, dimension, time_delay, threshold, **kwargs)
        if thresholded is None:
            np.testing.assert_allclose(image, expected, rtol=1e-6, atol=1e-6)
            continue
        # binary: any difference must be a distance equal to the limit to float32 precision
        dist, limit = thresholded
        differ = image != expected
        assert np.all(np.abs(dist[differ] - limit) <= 1e-6 * max(1.0, limit))
        assert differ.mean() < 0.01


@pytest.mark.parametrize("n_states", [1, 2, 3, 10, 33])
def test_rp_percentile_from_the_triangle_equals_numpy(n_states):
    x = RNG.normal(size=(5, n_states)).astype(np.float32)
    dist = np.abs(x[:, :, None] - x[:, None, :])
    for percentage in (1e-3, 0.5, 10.0, 50.0, 77.7, 99.9, 100.0):
        expected = np.percentile(dist.reshape(5, -1).astype(np.float64), percentage, axis=-1)
        np.testing.assert_array_equal(_percentile(dist, percentage), expected)


def test_rp_point_threshold_marks_the_requested_share():
    images = recurrence_plot(RNG.normal(size=(4, 101)), threshold="point", percentage=30.0)
    np.testing.assert_allclose(images.mean(axis=(1, 2)), 0.3, atol=0.01)


def test_rp_image_size_applies_paa_with_the_embedding_span():
    x = RNG.normal(size=(2, 300))
    images = recurrence_plot(x, dimension=3, time_delay=4, image_size=20)
    assert images.shape == (2, 20, 20)
    np.testing.assert_array_equal(images, recurrence_plot(paa(x, 28), dimension=3, time_delay=4))
    # more points than the series has: interpolated, still 20 x 20
    assert recurrence_plot(x[:, :10], dimension=3, time_delay=4, image_size=20).shape == (2, 20, 20)


def test_rp_leading_axes_and_blocks():
    # enough series for several cache blocks
    x = RNG.normal(size=(3, 50, 40))
    images = recurrence_plot(x, dimension=2, threshold="point")
    assert images.shape == (3, 50, 39, 39)
    np.testing.assert_array_equal(images[2, 49], recurrence_plot(x[2, 49], dimension=2, threshold="point"))


def test_rp_too_short_series():
    msg = (
        "Series are too short for the embedding: dimension=3 and time_delay=4 need n_timepoints >= "
        "(dimension - 1) * time_delay + 1 = 9; got n_timepoints=8. Lower dimension or time_delay, "
        "or set image_size."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        recurrence_plot(np.zeros((2, 8)), dimension=3, time_delay=4)
    assert recurrence_plot(np.zeros((2, 9)), dimension=3, time_delay=4).shape == (2, 1, 1)


@pytest.mark.parametrize(
    "kwargs, error, msg",
    [
        (
            {"threshold": "absolute"},
            ValueError,
            "threshold='absolute' needs epsilon, the distance below which two states recur; got "
            "epsilon=None. Pass a positive epsilon.",
        ),
        (
            {"threshold": "point", "epsilon": 0.5},
            ValueError,
            "epsilon is only used with threshold='absolute'; got epsilon=0.5 with threshold='point'. "
            "Remove epsilon or set threshold='absolute'.",
        ),
        (
            {"epsilon": 0.5},
            ValueError,
            "epsilon is only used with threshold='absolute'; got epsilon=0.5 with threshold=None. "
            "Remove epsilon or set threshold='absolute'.",
        ),
        (
            {"threshold": "absolute", "epsilon": 0.0},
            ValueError,
            "epsilon must be a number > 0.0; got epsilon=0.0.",
        ),
        (
            {"threshold": 0.5},
            ValueError,
            "threshold must be one of {None, 'absolute', 'point', 'distance'}; got threshold=0.5. "
            "For a fixed recurrence radius (a number threshold in pyts), pass threshold='absolute', "
            "epsilon=0.5.",
        ),
        (
            {"threshold": "Point"},
            ValueError,
            "threshold must be one of {None, 'absolute', 'point', 'distance'}; got threshold='Point'.",
        ),
        ({"percentage": 0}, ValueError, "percentage must be a number in (0.0, 100.0]; got percentage=0.0."),
        ({"percentage": 101}, ValueError, "percentage must be a number in (0.0, 100.0]; got percentage=101.0."),
        ({"dimension": 0}, ValueError, "dimension must be an int >= 1; got dimension=0."),
        ({"time_delay": 1.5}, TypeError, "time_delay must be an int >= 1; got time_delay=1.5 (float)."),
        (
            {"image_size": (4, 4)},
            TypeError,
            "image_size must be an int >= 1 or None; got image_size=(4, 4) (tuple). Recurrence "
            "plots are square: pass one int for both sides.",
        ),
    ],
)
def test_rp_parameter_errors(kwargs, error, msg):
    with pytest.raises(error, match=re.escape(msg)):
        recurrence_plot(np.arange(5.0), **kwargs)
