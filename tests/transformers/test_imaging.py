"""GramianAngularField, MarkovTransitionField and RecurrencePlot as scikit-learn transformers."""

import pickle
import re
import tracemalloc

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from sigconv.exceptions import SeriesValueError
from sigconv.functional import gramian_angular_field, markov_transition_field, recurrence_plot
from sigconv.transformers import GramianAngularField, MarkovTransitionField, RecurrencePlot
from sigconv.transformers import _base

RNG = np.random.default_rng(0)

# (transformer, the functional it wraps, the parameters they share)
CASES = [
    (GramianAngularField, gramian_angular_field, {"method": "difference", "sample_range": (0.0, 1.0)}),
    (MarkovTransitionField, markov_transition_field, {"n_bins": 4, "strategy": "uniform"}),
    (RecurrencePlot, recurrence_plot, {"dimension": 2, "time_delay": 3, "threshold": "point", "percentage": 20.0}),
]
IDS = ["gaf", "mtf", "rp"]


@pytest.mark.parametrize("cls, function, params", CASES, ids=IDS)
@pytest.mark.parametrize("image_size", [None, 9])
def test_one_image_channel_per_series_channel(cls, function, params, image_size):
    X = RNG.normal(size=(5, 3, 30)).astype(np.float32)  # the transformers compute in float32
    images = cls(**params, image_size=image_size).fit_transform(X)
    expected = function(X, **params, image_size=image_size)  # (5, 3, side, side)
    assert images.dtype == np.float32
    assert images.shape == (5, *expected.shape[-2:], 3)
    np.testing.assert_array_equal(images, expected.transpose(0, 2, 3, 1))


@pytest.mark.parametrize("cls, function, params", CASES, ids=IDS)
def test_unequal_lengths_with_image_size(cls, function, params):
    X = [RNG.normal(size=(2, n)).astype(np.float32) for n in (40, 25, 40, 61)]
    images = cls(**params, image_size=8).fit(X).transform(X)
    assert images.shape == (4, 8, 8, 2) and images.dtype == np.float32
    for series, image in zip(X, images):
        np.testing.assert_array_equal(image, function(series, **params, image_size=8).transpose(1, 2, 0))


@pytest.mark.parametrize("cls, function, params", CASES, ids=IDS)
def test_unequal_lengths_need_image_size(cls, function, params):
    with pytest.raises(SeriesValueError, match="set image_size on the transform"):
        cls(**params).fit([np.zeros(20), np.zeros(25)])


@pytest.mark.parametrize("cls, function, params", CASES, ids=IDS)
def test_length_must_match_fit_without_image_size(cls, function, params):
    transformer = cls(**params).fit(RNG.normal(size=(3, 30)))
    msg = f"X has 31 features, but {cls.__name__} is expecting 30 features as input"
    with pytest.raises(ValueError, match=re.escape(msg)):
        transformer.transform(RNG.normal(size=(3, 31)))


def test_output_sizes():
    X = RNG.normal(size=(2, 50))
    assert GramianAngularField().fit_transform(X).shape == (2, 50, 50, 1)
    assert MarkovTransitionField().fit_transform(X).shape == (2, 50, 50, 1)
    assert RecurrencePlot(dimension=3, time_delay=5).fit_transform(X).shape == (2, 40, 40, 1)
    assert RecurrencePlot(dimension=3, time_delay=5, image_size=64).fit_transform(X).shape == (2, 64, 64, 1)


def test_chunks_give_the_same_images(monkeypatch):
    X = RNG.normal(size=(23, 2, 40))
    transformers = [
        GramianAngularField(image_size=10),
        MarkovTransitionField(),
        RecurrencePlot(dimension=2, threshold="distance"),
    ]
    whole = [t.fit_transform(X) for t in transformers]
    monkeypatch.setattr(_base, "_CHUNK_ELEMENTS", 5000)  # a few series per chunk
    for transformer, expected in zip(transformers, whole):
        np.testing.assert_array_equal(transformer.fit_transform(X), expected)


def test_recurrence_chunks_account_for_the_distance_matrix():
    params = RecurrencePlot(dimension=3, time_delay=2, image_size=64)._check_params()
    work = RecurrencePlot()._work_elements(1024, params)
    # the series, its 68-point reduction and two 64 x 64 plots
    assert work == 1024 + 68 + 2 * 64 * 64


def test_recurrence_plots_of_many_long_series_stay_within_memory():
    # the target: 10,000 series of 1,024 points to 64 x 64 plots under 1.5 GB; numpy
    # reports its allocations to tracemalloc, so its peak bounds the arrays this call makes
    X = np.random.default_rng(0).normal(size=(10_000, 1024)).astype(np.float32)
    tracemalloc.start()
    try:
        images = RecurrencePlot(dimension=3, time_delay=2, threshold="point", image_size=64).fit_transform(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert images.shape == (10_000, 64, 64, 1)
    output = images.nbytes  # 164 MB
    assert peak < 2.5 * output < 1.5e9 - X.nbytes


@pytest.mark.parametrize(
    "transformer, error, msg",
    [
        (
            GramianAngularField(image_size=(16, 16)),
            TypeError,
            "image_size must be an int >= 1 or None; got image_size=(16, 16) (tuple). Gramian angular "
            "fields are square: pass one int for both sides.",
        ),
        (
            MarkovTransitionField(image_size=(16, 8)),
            TypeError,
            "image_size must be an int >= 1 or None; got image_size=(16, 8) (tuple). Markov transition "
            "fields are square: pass one int for both sides.",
        ),
        (
            RecurrencePlot(image_size=[16, 16]),
            TypeError,
            "image_size must be an int >= 1 or None; got image_size=[16, 16] (list). Recurrence plots "
            "are square: pass one int for both sides.",
        ),
        (
            RecurrencePlot(threshold="distance", epsilon=0.1),
            ValueError,
            "epsilon is only used with threshold='absolute'; got epsilon=0.1 with threshold='distance'. "
            "Remove epsilon or set threshold='absolute'.",
        ),
        (
            RecurrencePlot(threshold="absolute"),
            ValueError,
            "threshold='absolute' needs epsilon, the distance below which two states recur; got "
            "epsilon=None. Pass a positive epsilon.",
        ),
        (
            MarkovTransitionField(strategy="Quantile"),
            ValueError,
            "strategy must be one of {'quantile', 'uniform', 'normal'}; got strategy='Quantile'.",
        ),
        (GramianAngularField(flatten=1), TypeError, "flatten must be True or False; got flatten=1 (int)."),
    ],
)
def test_parameter_errors_in_fit(transformer, error, msg):
    with pytest.raises(error, match=re.escape(msg)):
        transformer.fit(RNG.normal(size=(2, 20)))


def test_short_series_errors():
    with pytest.raises(SeriesValueError, match=re.escape("at least 9 are needed (n_timepoints >= 9)")):
        RecurrencePlot(dimension=3, time_delay=4).fit(np.zeros((2, 8)))
    with pytest.raises(SeriesValueError, match=re.escape("at least 2 are needed (n_timepoints >= 2)")):
        MarkovTransitionField(image_size=4).fit(np.zeros((2, 1)))
    # with image_size, any length maps to the plot size
    assert RecurrencePlot(dimension=3, time_delay=4, image_size=5).fit_transform(np.zeros((2, 3))).shape == (
        2,
        5,
        5,
        1,
    )


@pytest.mark.parametrize(
    "transformer",
    [
        GramianAngularField(image_size=6, flatten=True),
        MarkovTransitionField(n_bins=3, image_size=6, flatten=True),
        RecurrencePlot(dimension=2, threshold="point", flatten=True),
    ],
    ids=IDS,
)
def test_clone_pickle_and_pandas_output(transformer):
    X = RNG.normal(size=(4, 2, 20))
    fitted = clone(transformer).fit(X)
    expected = fitted.transform(X)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(X), expected)
    assert clone(transformer).get_params() == transformer.get_params()

    frame = clone(transformer).set_output(transform="pandas").fit(X).transform(X)
    assert isinstance(frame, pd.DataFrame)
    assert frame.shape == expected.shape
    assert list(frame.columns) == list(fitted.get_feature_names_out())
    np.testing.assert_array_equal(frame.to_numpy(), expected)


def _two_class_problem(n_per_class=30, n_timepoints=120):
    """Noisy sines with 2 versus 5 periods, random phase, amplitude and offset."""
    rng = np.random.default_rng(1)
    y = np.repeat([0, 1], n_per_class)
    periods = np.where(y == 0, 2.0, 5.0)[:, None]
    t = np.linspace(0, 1, n_timepoints)[None, :]
    phase = rng.uniform(0, 2 * np.pi, (len(y), 1))
    X = rng.uniform(0.5, 2.0, (len(y), 1)) * np.sin(2 * np.pi * periods * t + phase)
    X += rng.normal(0, 0.3, X.shape) + rng.normal(0, 1, (len(y), 1))
    return X, y


@pytest.mark.parametrize(
    "transformer",
    [
        GramianAngularField(image_size=16, flatten=True),
        MarkovTransitionField(n_bins=4, image_size=16, flatten=True),
        RecurrencePlot(image_size=16, flatten=True),
    ],
    ids=IDS,
)
def test_pipeline_learns_a_two_class_problem(transformer):
    X, y = _two_class_problem()
    pipeline = make_pipeline(transformer, LogisticRegression(max_iter=2000))
    scores = cross_val_score(pipeline, X, y, cv=3)
    assert scores.mean() > 0.8  # chance is 0.5


def test_grid_search_over_transformer_parameters():
    X, y = _two_class_problem()
    pipeline = make_pipeline(GramianAngularField(image_size=8, flatten=True), LogisticRegression(max_iter=2000))
    search = GridSearchCV(pipeline, {"gramianangularfield__method": ["summation", "difference"]}, cv=2)
    search.fit(X, y)
    assert search.best_params_["gramianangularfield__method"] in ("summation", "difference")
    assert search.best_score_ > 0.7


_COMPLEX = "complex series raise SeriesTypeError, a TypeError, where sklearn expects a ValueError."
_EXPECTED_FAILURES = {
    "check_complex_data": _COMPLEX,
    "check_estimators_empty_data_messages": "sigconv's empty-input message differs from sklearn's wording.",
    "check_fit2d_predict1d": (
        "a 1D array is refused with sigconv's message (reshape(1, -1) or reshape(-1, 1)), which does "
        "not contain sklearn's 'Reshape your data'."
    ),
}
_ANY_LENGTH = {
    "check_transformer_general": (
        "with image_size set, series of any length are accepted by design, so transform does not "
        "refuse a number of features other than fit's."
    ),
    "check_n_features_in_after_fitting": (
        "with image_size set, series of any length are accepted by design, so transform does not "
        "check n_features_in_ (test_length_must_match_fit_without_image_size covers image_size=None)."
    ),
}
_TWO_TIMEPOINTS = {
    "check_fit2d_1feature": (
        "a Markov transition field needs transitions, so series of one timepoint are refused "
        "(n_timepoints >= 2) where sklearn expects 1 feature to be accepted."
    ),
    "check_n_features_in_after_fitting": (
        "the 1-timepoint X of this check is first refused as shorter than the 2 timepoints a "
        "transition needs, before the length check against n_features_in_ (which "
        "test_length_must_match_fit_without_image_size covers)."
    ),
}

ESTIMATORS = [
    GramianAngularField(),
    GramianAngularField(method="difference", image_size=4, flatten=True),
    MarkovTransitionField(n_bins=2),
    MarkovTransitionField(n_bins=3, strategy="uniform", image_size=3, flatten=True),
    RecurrencePlot(),
    RecurrencePlot(dimension=2, threshold="point", image_size=3, flatten=True),
]


def _expected_failed_checks(estimator):
    failures = dict(_EXPECTED_FAILURES)
    if estimator.image_size is not None:
        failures.update(_ANY_LENGTH)
    if isinstance(estimator, MarkovTransitionField):
        failures.update(_TWO_TIMEPOINTS)
    return failures


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "transformer, side", [(GramianAngularField(), 60_000), (RecurrencePlot(dimension=2), 59_999), (MarkovTransitionField(), 60_000)]
)
def test_images_above_the_memory_limit_are_refused_before_any_allocation(transformer, side):
    X = np.random.default_rng(0).normal(size=(2, 60_000)).astype(np.float32)
    size = 4 * 2 * side * side / 2**30
    message = (
        f"{type(transformer).__name__} would make 2 float32 images of {side} x {side} x 1: {size:.1f} GiB, above "
        "the limit of 4.0 GiB (sigconv.transformers.get_max_image_bytes()). Set image_size (e.g. image_size=64) "
        "for smaller images, transform fewer series at a time, or raise the limit with "
        "sigconv.transformers.set_max_image_bytes."
    )
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=re.escape(message)):
            transformer.fit(X).transform(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20  # nothing near the size of the images was allocated


def test_the_memory_limit_can_be_set():
    from sigconv.transformers import get_max_image_bytes, set_max_image_bytes

    X = np.random.default_rng(0).normal(size=(2, 2, 20))
    transformer = GramianAngularField().fit(X)
    previous = set_max_image_bytes(4 * 2 * 20 * 20 * 2 - 1)  # one byte less than the images
    try:
        assert get_max_image_bytes() == 6399
        with pytest.raises(ValueError, match=re.escape("would make 2 float32 images of 20 x 20 x 2")):
            transformer.transform(X)
        set_max_image_bytes(6400)
        assert transformer.transform(X).shape == (2, 20, 20, 2)
    finally:
        set_max_image_bytes(previous)
    assert get_max_image_bytes() == previous == 4 * 2**30
    with pytest.raises(ValueError, match=re.escape("n_bytes must be an int >= 1; got n_bytes=0.")):
        set_max_image_bytes(0)
