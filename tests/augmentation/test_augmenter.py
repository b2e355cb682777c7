"""Tests of series augmentation: the functions, the Augmenter, and augmentation inside the estimators."""

import json
import pickle
import re
import zipfile

import keras
import numpy as np
import pytest
from sklearn.base import clone

from sigconv.augmentation import AUGMENTATIONS, Augmenter
from sigconv.estimators import FCNClassifier, FCNRegressor, LSTMClassifier, ResNetClassifier, ResNetRegressor, load
from sigconv.estimators._batches import TrainingBatches
from sigconv.estimators._base import _all_layers
from sigconv.estimators._serialization import from_json
from sigconv.functional import jitter, scaling, time_warp, window_at, window_slice
from tests.helpers import tiny, waves

FUNCTIONS = [jitter, scaling, time_warp, window_slice]


# the functions ----------------------------------------------------------------------------


def test_jitter_adds_noise_of_mean_zero_and_std_sigma():
    x = np.zeros((4, 3, 5000), dtype=np.float32)
    noisy = jitter(x, sigma=0.5, rng=0)
    assert noisy.shape == x.shape and noisy.dtype == np.float32
    assert abs(float(noisy.mean())) < 0.01
    assert float(noisy.std()) == pytest.approx(0.5, rel=0.01)
    np.testing.assert_array_equal(jitter(x + 2, sigma=0.0, rng=0), x + 2)
    assert jitter(np.zeros((2, 5), dtype=int), rng=0).dtype == np.float64


def test_scaling_multiplies_each_series_by_one_factor():
    x = np.abs(np.random.default_rng(1).normal(size=(5, 3, 40))) + 1
    scaled = scaling(x, sigma=0.2, rng=0)
    factors = scaled / x
    np.testing.assert_allclose(factors, factors[..., :1].repeat(40, axis=-1), rtol=1e-12)
    assert len(np.unique(factors[..., 0])) == 15  # one per series and channel
    assert float(factors.std()) == pytest.approx(0.2, abs=0.1)
    np.testing.assert_array_equal(scaling(x, sigma=0.0, rng=0), x)


def test_time_warp_keeps_length_and_endpoints_and_is_monotone():
    ramp = np.tile(np.arange(50.0), (6, 2, 1))  # reading a ramp at the warped times gives the warp
    warped = time_warp(ramp, n_knots=4, sigma=0.3, rng=0)
    assert warped.shape == ramp.shape
    np.testing.assert_array_equal(warped[..., 0], 0.0)
    np.testing.assert_array_equal(warped[..., -1], 49.0)
    assert np.all(np.diff(warped, axis=-1) > 0)
    assert not np.allclose(warped, ramp)
    assert not np.allclose(warped[0, 0], warped[0, 1])  # each 1D series its own warp
    x = np.sin(np.linspace(0, 6, 50))[None]
    np.testing.assert_array_equal(time_warp(x, sigma=0.0, rng=0), x)
    # a huge sigma still gives a monotone warp (speeds are kept >= 0.01)
    assert np.all(np.diff(time_warp(ramp, sigma=5.0, rng=1), axis=-1) > 0)


def test_window_slice_is_a_crop_stretched_or_kept_as_it_is():
    ramp = np.arange(10.0)[None].repeat(50, axis=0)
    sliced = window_slice(ramp, ratio=0.5, stretch=False, rng=0)  # windows of ceil(0.5 * 10) = 5 timepoints
    assert sliced.shape == (50, 5)
    starts = sliced[:, 0]
    assert set(starts.tolist()) == {0.0, 1.0, 2.0, 3.0, 4.0, 5.0}
    np.testing.assert_array_equal(sliced, starts[:, None] + np.arange(5))  # the samples themselves
    stretched = window_slice(ramp, ratio=0.5, rng=0)  # the same draws, resampled to 10
    np.testing.assert_allclose(stretched, starts[:, None] + np.linspace(0, 4, 10), rtol=0, atol=1e-12)
    x = np.random.default_rng(0).normal(size=(3, 2, 17)).astype(np.float32)
    np.testing.assert_array_equal(window_slice(x, ratio=1.0, rng=0), x)
    np.testing.assert_array_equal(window_slice(x, ratio=1.0, stretch=False, rng=0), x)
    assert window_slice(x, stretch=False, rng=0).shape == (3, 2, 16)  # ceil(0.9 * 17)
    with pytest.raises(TypeError, match=re.escape("stretch must be True (resample the window to the "
                                                  "series' length) or False (keep its timepoints); got stretch=1.")):
        window_slice(x, stretch=1)


def test_window_slice_keeps_the_channels_of_a_series_aligned():
    ramps = np.arange(10.0) + 100.0 * np.arange(3)[:, None]  # channel c: 100 c + t
    x = np.tile(ramps, (60, 1, 1))
    sliced = window_slice(x, ratio=0.5, rng=0)
    starts = sliced[:, 0, 0]
    np.testing.assert_allclose(sliced - 100.0 * np.arange(3)[:, None], np.tile(sliced[:, :1], (1, 3, 1)), atol=1e-12)
    assert len(set(starts.tolist())) == 6  # the series still differ from each other
    # one channel: the same draws as rows of a 2D array, one window per series
    np.testing.assert_array_equal(window_slice(x[:, :1], ratio=0.5, rng=0)[:, 0], window_slice(x[:, 0], ratio=0.5, rng=0))


def test_window_at_is_the_window_slice_crop_at_a_given_start():
    ramp = np.arange(10.0)[None].repeat(3, axis=0)
    for position, start in [(0.0, 0.0), (0.5, 2.5), (1.0, 5.0)]:  # starts 0 to 5 fit a window of 5
        np.testing.assert_allclose(window_at(ramp, position, ratio=0.5), start + np.linspace(0, 4, 10)[None].repeat(3, 0))
        np.testing.assert_allclose(window_at(ramp, position, ratio=0.5, stretch=False),
                                   start + np.arange(5.0)[None].repeat(3, 0))
    x = np.random.default_rng(0).normal(size=(40, 2, 30)).astype(np.float32)
    sliced = window_slice(x, ratio=0.8, rng=0)  # windows of 24 timepoints, integer starts 0 to 6
    for start in range(7):
        window = window_at(x, start / 6, ratio=0.8)
        assert window.dtype == np.float32
        hit = np.all(sliced == window, axis=-1)
        assert hit.any(), f"no series was sliced from timepoint {start}"  # 80 draws over 7 starts
        crops = window_slice(x, ratio=0.8, stretch=False, rng=0)  # the same draws
        np.testing.assert_array_equal(np.all(crops == window_at(x, start / 6, ratio=0.8, stretch=False), axis=-1), hit)
    np.testing.assert_array_equal(window_at(x, 0.3, ratio=1.0), x)
    message = (
        "position must be a number in [0, 1]; got position=1.5. "
        "It is the start of the window as a fraction of the last start that fits."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        window_at(x, 1.5)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_same_seed_same_draws_and_input_untouched(function):
    x = np.random.default_rng(0).normal(size=(3, 2, 30)).astype(np.float32)
    copy = x.copy()
    first = function(x, rng=7)
    np.testing.assert_array_equal(first, function(x, rng=np.random.default_rng(7)))
    assert not np.array_equal(first, function(x, rng=8))
    assert first.dtype == np.float32
    np.testing.assert_array_equal(x, copy)


BAD_FUNCTION_PARAMS = [
    (jitter, dict(sigma=-1), ValueError, "sigma must be a number >= 0; got sigma=-1.0. It is the noise standard deviation."),
    (scaling, dict(sigma="big"), TypeError, "sigma must be a number >= 0; got sigma='big' (str)."),
    (time_warp, dict(n_knots=0), ValueError, "n_knots must be an int >= 1; got n_knots=0."),
    (time_warp, dict(sigma=np.inf), ValueError, "sigma must be a number >= 0; got sigma=inf."),
    (
        window_slice,
        dict(ratio=0),
        ValueError,
        "ratio must be a number in (0, 1]; got ratio=0.0. It is the fraction of the series kept by the crop.",
    ),
    (window_slice, dict(ratio=1.5), ValueError, "ratio must be a number in (0, 1]; got ratio=1.5."),
    (
        jitter,
        dict(rng=np.random.RandomState(0)),
        TypeError,
        "rng must be a numpy.random.Generator, an int seed or None; got rng=RandomState",
    ),
]


@pytest.mark.parametrize("function, params, error, message", BAD_FUNCTION_PARAMS, ids=lambda v: str(v)[:20])
def test_function_parameter_errors(function, params, error, message):
    with pytest.raises(error, match=re.escape(message)):
        function(np.zeros((2, 10)), **params)


def test_function_input_errors():
    with pytest.raises(TypeError, match=re.escape("x must hold real numbers; got an array of dtype <U1.")):
        jitter(np.array([["a"]]), rng=0)
    with pytest.raises(ValueError, match=re.escape("x must have time on its last axis, shape (..., n_timepoints); got a scalar")):
        scaling(np.float64(1.0), rng=0)
    single = np.ones((3, 1))  # one timepoint: every function leaves it in place but jitter and scaling
    np.testing.assert_array_equal(time_warp(single, rng=0), single)
    np.testing.assert_array_equal(window_slice(single, ratio=0.5, rng=0), single)


# the Augmenter ----------------------------------------------------------------------------


def test_augmenter_applies_its_steps_in_order():
    x = np.random.default_rng(0).normal(size=(4, 2, 30))
    augmenter = Augmenter([("scaling", {"sigma": 0.2}), ("jitter", {})])
    rng = np.random.default_rng(3)
    expected = jitter(scaling(x, sigma=0.2, rng=rng), sigma=0.03, rng=rng)
    np.testing.assert_array_equal(augmenter(x, rng=3), expected)
    assert sorted(AUGMENTATIONS) == ["jitter", "scaling", "time_warp", "window_slice"]


def test_augmenter_equality_repr_pickle():
    augmenter = Augmenter([("time_warp", {"n_knots": 3})])
    assert augmenter == Augmenter([("time_warp", {"n_knots": 3})])
    assert augmenter != Augmenter([("time_warp", {"n_knots": 4})])
    assert repr(augmenter) == "Augmenter([('time_warp', {'n_knots': 3})])"
    assert pickle.loads(pickle.dumps(augmenter)) == augmenter


BAD_STEPS = [
    ("jitter", TypeError, "steps must be a non-empty list of (name, params) pairs, e.g. [('jitter', {'sigma': 0.03}), ('time_warp', {})]; got steps='jitter'."),
    ([], TypeError, "steps must be a non-empty list of (name, params) pairs"),
    (["jitter"], TypeError, "steps[0] must be a (name, params) pair such as ('jitter', {'sigma': 0.03}); got 'jitter'."),
    (
        [("jitter", {}), ("jiter", {})],
        ValueError,
        "steps[1] names the augmentation 'jiter', which is not one of {'jitter', 'scaling', 'time_warp', 'window_slice'}.",
    ),
    ([("jitter", 0.1)], TypeError, "steps[0] ('jitter') must give its parameters as a dict (empty for the defaults); got 0.1."),
    (
        [("time_warp", {"knots": 3})],
        ValueError,
        "steps[0] ('time_warp') got the unknown parameter 'knots'; time_warp takes n_knots, sigma.",
    ),
    (
        [("window_slice", {"ratio": 2.0})],
        ValueError,
        "steps[0] ('window_slice'): ratio must be a number in (0, 1]; got ratio=2.0.",
    ),
    (
        [("window_slice", {"stretch": "half"})],
        TypeError,
        "steps[0] ('window_slice'): stretch must be True (resample the window to the series' length), False "
        "(keep its timepoints) or 'both' (each window either way, half and half); got stretch='half'.",
    ),
    (
        [("window_slice", {"ratio": 0.0, "stretch": "both"})],
        ValueError,
        "steps[0] ('window_slice'): ratio must be a number in (0, 1]; got ratio=0.0.",
    ),
]


@pytest.mark.parametrize("steps, error, message", BAD_STEPS, ids=lambda v: str(v)[:25])
def test_augmenter_checks_its_steps(steps, error, message):
    with pytest.raises(error, match=re.escape(message)):
        Augmenter(steps)


def test_test_views_are_the_windows_of_a_window_slice_step():
    x = np.random.default_rng(0).normal(size=(3, 2, 40))
    augmenter = Augmenter([("jitter", {}), ("window_slice", {"ratio": 0.75})], n_test_windows=5)
    views = augmenter.test_views()
    assert len(views) == 5
    for view, position in zip(views, [0, 0.25, 0.5, 0.75, 1]):
        np.testing.assert_array_equal(view(x), window_at(x, position, ratio=0.75))  # jitter: no test view
    (centre,) = augmenter.test_views(1)
    np.testing.assert_array_equal(centre(x), window_at(x, 0.5, ratio=0.75))
    two = Augmenter([("window_slice", {"ratio": 0.5}), ("window_slice", {"ratio": 0.8})], n_test_windows=2)
    np.testing.assert_array_equal(two.test_views()[1](x), window_at(window_at(x, 1, ratio=0.5), 1, ratio=0.8))
    (view,) = Augmenter([("time_warp", {}), ("scaling", {})], n_test_windows=5).test_views()
    assert view(x) is x  # centred on the series as they are


def test_stretch_both_gives_each_series_a_stretched_or_an_unstretched_window():
    ramps = np.arange(10.0) + 100.0 * np.arange(40)[:, None, None]  # (40, 1, 10): series i is 100 i + t
    augmenter = Augmenter([("window_slice", {"ratio": 0.5, "stretch": "both"}), ("scaling", {"sigma": 0.0})])
    out = augmenter(ramps, rng=0)
    assert isinstance(out, list) and len(out) == 40
    kinds = []
    for i, x in enumerate(out):
        start = x[0, 0] - 100.0 * i
        assert 0 <= start <= 5  # the window belongs to its own series and fits in it
        if x.shape == (1, 10):  # stretched: 5 timepoints resampled to 10
            np.testing.assert_allclose(x[0], 100.0 * i + start + np.linspace(0, 4, 10), atol=1e-9)
        else:  # kept: 5 timepoints
            np.testing.assert_array_equal(x[0], 100.0 * i + start + np.arange(5.0))
        kinds.append(x.shape[-1])
    assert 12 <= kinds.count(10) <= 28  # each kind about half of the series
    for a, b in zip(out, augmenter(ramps, rng=0)):
        np.testing.assert_array_equal(a, b)
    assert augmenter.changes_length and not Augmenter([("window_slice", {"ratio": 1.0, "stretch": "both"})]).changes_length
    np.testing.assert_array_equal(Augmenter([("window_slice", {"ratio": 1.0, "stretch": "both"})])(ramps, rng=0), ramps)
    assert augmenter(ramps[0, 0], rng=0).shape in [(5,), (10,)]  # one series: one kind
    views = Augmenter([("window_slice", {"ratio": 0.5, "stretch": "both"})], n_test_windows=3).test_views()
    expected = [window_at(ramps, p, ratio=0.5, stretch=kind) for kind in (True, False) for p in (0, 0.5, 1)]
    assert len(views) == 6
    for view, window in zip(views, expected):
        np.testing.assert_array_equal(view(ramps), window)


def test_n_test_windows_is_checked_compared_and_shown():
    with pytest.raises(ValueError, match=re.escape("n_test_windows must be an int >= 1; got n_test_windows=0.")):
        Augmenter([("window_slice", {})], n_test_windows=0)
    assert Augmenter([("window_slice", {})]) == Augmenter([("window_slice", {})], n_test_windows=9)
    assert Augmenter([("window_slice", {})]) != Augmenter([("window_slice", {})], n_test_windows=3)
    assert repr(Augmenter([("window_slice", {})])) == "Augmenter([('window_slice', {})])"
    assert repr(Augmenter([("jitter", {})], n_test_windows=3)) == "Augmenter([('jitter', {})], n_test_windows=3)"


# in the estimators ------------------------------------------------------------------------

JITTER = Augmenter([("jitter", {"sigma": 0.5})])


def _spy_augment(monkeypatch):
    seen = []
    original = TrainingBatches._augment

    def spy(self, series, rng):
        out = original(self, series, rng)
        seen.append((series, out))
        return out

    monkeypatch.setattr(TrainingBatches, "_augment", spy)
    return seen


def test_augmentation_changes_training_batches_only(monkeypatch):
    seen = _spy_augment(monkeypatch)
    X, y = waves()
    X_val = X[:6] + 100.0  # recognisable: validation series must never be augmented
    clf = tiny(augmentation=JITTER).fit(X, y, validation_data=(X_val, y[:6]))
    assert seen, "no training batch was augmented"
    for before, after in seen:
        assert before.shape[1:] == (1, 32) and np.all(np.abs(before) < 50)  # training series only
        assert float((after - before).std()) == pytest.approx(0.5, rel=0.3)
    n_calls = len(seen)
    proba = clf.predict_proba(X)
    np.testing.assert_array_equal(proba, clf.predict_proba(X))
    expected = clf.model_.predict(X[:, :, None], verbose=0).astype(np.float64)
    np.testing.assert_allclose(proba, expected / expected.sum(axis=1, keepdims=True), rtol=1e-6)
    clf.embed(X)
    assert len(seen) == n_calls  # predict and embed augment nothing


def _zero_padded(X, length):
    """Series ``(n, t)`` in Keras layout ``(n, length, 1)``, shorter ones (crops) padded at the end with zeros."""
    X = np.asarray(X, np.float32)
    padded = np.zeros((len(X), length, 1), np.float32)
    padded[:, : X.shape[-1], 0] = X
    return padded


def _network_outputs(clf, X):
    """The network's outputs for series ``(n, t)``, padded as the estimator pads them."""
    return clf.model_.predict(_zero_padded(X, clf.n_timepoints_in_), verbose=0).astype(np.float64)


@pytest.mark.parametrize("stretch", [False, True])
def test_a_window_slicing_estimator_predicts_from_its_test_windows(stretch):
    X, y = waves()
    augmenter = Augmenter([("window_slice", {"ratio": 0.8, "stretch": stretch})], n_test_windows=3)
    clf = tiny(augmentation=augmenter).fit(X, y)
    windows = [window_at(X, p, ratio=0.8, stretch=stretch) for p in (0, 0.5, 1)]
    assert windows[0].shape == (len(X), 32 if stretch else 26)  # ceil(0.8 * 32)
    expected = np.mean([_network_outputs(clf, window) for window in windows], axis=0)
    np.testing.assert_allclose(clf.predict_proba(X), expected, rtol=1e-5)
    assert not np.allclose(clf.predict_proba(X), _network_outputs(clf, X), rtol=1e-3)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[expected.argmax(axis=1)])
    regressor = tiny(FCNRegressor, augmentation=augmenter).fit(X, y.astype(float))
    expected = np.mean([_network_outputs(regressor, window) for window in windows], axis=0)
    # the network predicts standardised targets; predict maps them back
    expected = expected[:, 0] * regressor.target_scale_[0] + regressor.target_mean_[0]
    np.testing.assert_allclose(regressor.predict(X), expected, rtol=1e-5)


def _training_inputs(monkeypatch):
    """A list that collects the inputs of every training batch made from now on."""
    seen = []
    original = TrainingBatches._batch

    def spy(self, index):
        batch = original(self, index)
        seen.append(batch[0])
        return batch

    monkeypatch.setattr(TrainingBatches, "_batch", spy)
    return seen


def test_stretch_both_trains_on_both_kinds_of_window_and_predicts_from_both(monkeypatch):
    seen = _training_inputs(monkeypatch)
    X, y = waves()
    augmenter = Augmenter([("window_slice", {"ratio": 0.8, "stretch": "both"})], n_test_windows=3)
    clf = tiny(augmentation=augmenter, epochs=3).fit(X + 5.0, y)
    rows = np.concatenate(seen)  # (rows, 32, 1): whole stretched windows, or 26 timepoints of a crop and zeros
    cropped = np.all(rows[:, 26:] == 0.0, axis=(1, 2))
    assert np.all(rows[:, :26] > 3.0) and np.all(rows[~cropped] > 3.0)
    assert 0.25 < cropped.mean() < 0.75
    windows = [window_at(X + 5.0, p, ratio=0.8, stretch=kind) for kind in (True, False) for p in (0, 0.5, 1)]
    expected = np.mean([_network_outputs(clf, window) for window in windows], axis=0)
    np.testing.assert_allclose(clf.predict_proba(X + 5.0), expected, rtol=1e-5)
    lstm = LSTMClassifier(units=(3,), epochs=1, batch_size=10, random_state=0, augmentation=augmenter).fit(X, y)
    assert lstm._masks_views(augmenter)  # crops padded with the LSTM's masked value, not zeros
    assert np.isfinite(lstm.predict_proba(X)).all()


def test_window_slicing_trains_on_crops_padded_at_the_end(monkeypatch):
    seen = _training_inputs(monkeypatch)
    X, y = waves()
    tiny(augmentation=Augmenter([("window_slice", {"ratio": 0.8, "stretch": False})]), epochs=1).fit(X + 5.0, y)
    assert seen
    for batch in seen:  # (batch, 32, 1): 26 timepoints of a crop, then zeros
        assert batch.shape[1:] == (32, 1)
        assert np.all(batch[:, :26] > 3.0) and np.all(batch[:, 26:] == 0.0)


@pytest.mark.parametrize("stretch", [True, False])
def test_window_slicing_validates_on_the_centred_window(stretch):
    X, y = waves()
    augmenter = Augmenter([("window_slice", {"ratio": 0.8, "stretch": stretch})])
    clf = tiny(augmentation=augmenter, epochs=1).fit(X, y, validation_data=(X[:6], y[:6]))
    centre = _zero_padded(window_at(X[:6], 0.5, ratio=0.8, stretch=stretch), 32)  # a crop is padded with zeros
    loss = clf.model_.evaluate(centre, y[:6], verbose=0)
    loss = loss[0] if isinstance(loss, list) else loss
    assert clf.history_["val_loss"][-1] == pytest.approx(loss, rel=1e-4)
    split = tiny(augmentation=augmenter, epochs=1, validation_split=0.3).fit(X, y)
    assert np.isfinite(split.history_["val_loss"]).all()


@pytest.mark.parametrize("stretch", [True, False])
def test_window_slicing_predicts_series_of_unequal_length_from_their_own_windows(stretch):
    X, y = waves()
    lengths = np.linspace(20, 32, 20).astype(int)
    X = [x[:n] for x, n in zip(X, lengths)]
    augmenter = Augmenter([("window_slice", {"ratio": 0.5, "stretch": stretch})], n_test_windows=2)
    clf = LSTMClassifier(units=(3,), epochs=1, batch_size=10, random_state=0, augmentation=augmenter).fit(X, y)
    padded = np.full((len(X), 32, 1), clf._pad_value, np.float32)
    outputs = 0
    for position in (0, 1):
        for i, x in enumerate(X):
            window = window_at(x, position, ratio=0.5, stretch=stretch)
            assert len(window) == (len(x) if stretch else np.ceil(len(x) / 2))
            padded[i, : len(window), 0] = window
        outputs = outputs + clf.model_.predict(padded, verbose=0) / 2
    np.testing.assert_allclose(clf.predict_proba(X), outputs, rtol=1e-5)


def test_an_lstm_masks_the_padding_of_crops_of_series_of_equal_length():
    X, y = waves()
    augmenter = Augmenter([("window_slice", {"ratio": 0.5, "stretch": False})], n_test_windows=2)
    clf = LSTMClassifier(units=(3,), epochs=1, batch_size=10, random_state=0, augmentation=augmenter).fit(X, y)
    assert clf.n_timepoints_in_ == 32
    assert any(isinstance(layer, keras.layers.Masking) for layer in _all_layers(clf.model_))
    outputs = 0
    for position in (0, 1):
        window = window_at(X, position, ratio=0.5, stretch=False)[:, :, None]  # 16 timepoints, then masked padding
        padded = np.concatenate([window, np.full((len(X), 16, 1), clf._pad_value, np.float32)], axis=1)
        outputs = outputs + clf.model_.predict(padded, verbose=0) / 2
    np.testing.assert_allclose(clf.predict_proba(X), outputs, rtol=1e-5)
    stretched = Augmenter([("window_slice", {"ratio": 0.5})])
    assert not stretched.changes_length and augmenter.changes_length
    assert not clf._masks_views(stretched) and clf._masks_views(augmenter)


def test_augmentation_is_reproducible_from_random_state():
    X, y = waves()
    augmenter = Augmenter([("time_warp", {}), ("window_slice", {"ratio": 0.8}), ("jitter", {})])
    first = tiny(augmentation=augmenter).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, tiny(augmentation=augmenter).fit(X, y).predict_proba(X))
    assert not np.array_equal(first, tiny().fit(X, y).predict_proba(X))


def test_new_draws_at_every_epoch():
    X, y = waves(n=8)
    batches = TrainingBatches(
        X[:, None, :], y, np.ones(8, np.float32), batch_size=8, seed=0, augmentation=JITTER,
        to_keras=lambda series: series.transpose(0, 2, 1),
    )
    batches.on_epoch_begin()
    first = batches[0][0]
    np.testing.assert_array_equal(first, batches[0][0])  # a batch depends on (seed, epoch, index) only
    batches.on_epoch_begin()
    assert not np.allclose(np.sort(first, axis=0), np.sort(batches[0][0], axis=0))


def test_unequal_lengths_are_augmented_before_padding(monkeypatch):
    seen = _spy_augment(monkeypatch)
    X, y = waves()
    X = [x[:n] for x, n in zip(X, np.linspace(20, 32, 20).astype(int))]
    clf = LSTMClassifier(
        units=(3,), epochs=1, batch_size=10, random_state=0, augmentation=Augmenter([("time_warp", {})])
    )
    clf.fit(X, y)  # the LSTM masks its padding value: augmenting it would make it a signal
    assert seen
    for before, after in seen:  # lists of unpadded series, augmented at their own length
        assert isinstance(before, list) and len({x.shape[-1] for x in before}) > 1
        assert [x.shape for x in after] == [x.shape for x in before]
        assert all(not np.array_equal(a, b) for a, b in zip(after, before))
    assert clf.predict(X).shape == (20,)


def test_augmentation_parameter_is_checked(monkeypatch):
    X, y = waves()
    message = (
        "augmentation must be a sigconv.augmentation.Augmenter, a str (\"auto\" or the name of one augmentation) "
        "or None; got augmentation=[('jitter', {})]. Wrap the steps: "
        "augmentation=Augmenter([('jitter', {'sigma': 0.03})])."
    )
    with pytest.raises(TypeError, match=re.escape(message)):
        tiny(augmentation=[("jitter", {})]).fit(X, y)
    message = (
        "augmentation must be one of {'auto', 'jitter', 'scaling', 'time_warp', 'window_slice'} when it is a str; "
        "got augmentation='window_slicing'. Pass None to train on the series as they are."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        tiny(augmentation="window_slicing").fit(X, y)


@pytest.mark.parametrize("name", sorted(AUGMENTATIONS))
def test_a_name_is_that_augmentation_with_its_defaults(name, tmp_path):
    X, y = waves()
    by_name = tiny(augmentation=name).fit(X, y)
    assert by_name.augmentation == name  # the parameter is kept as given
    np.testing.assert_array_equal(
        by_name.predict_proba(X), tiny(augmentation=Augmenter([(name, {})])).fit(X, y).predict_proba(X)
    )
    assert not np.array_equal(by_name.predict_proba(X), tiny().fit(X, y).predict_proba(X))
    by_name.save(tmp_path / "clf.sigconv")
    assert load(tmp_path / "clf.sigconv").augmentation == name


def test_auto_is_the_measured_augmentation_of_each_estimator(tmp_path):
    X, y = waves()
    both = Augmenter([("window_slice", {"stretch": "both"})])
    resnet = ResNetClassifier(n_filters=2, n_blocks=1, kernel_sizes=(3, 3, 3), epochs=2, random_state=0)
    assert ResNetClassifier().augmentation == "auto"
    fitted = clone(resnet).fit(X, y)
    assert fitted.augmentation == "auto" and fitted.augmentation_ == both
    np.testing.assert_array_equal(
        fitted.predict_proba(X), clone(resnet).set_params(augmentation=both).fit(X, y).predict_proba(X)
    )
    fitted.save(tmp_path / "resnet.sigconv")
    loaded = load(tmp_path / "resnet.sigconv")
    assert loaded.augmentation == "auto" and loaded.augmentation_ == both
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))
    # above its measured limit of training series, ResNet's "auto" trains on the series as they are
    limit = ResNetClassifier._auto_augmentation_max_samples
    X_many, y_many = waves(n=limit + 1, n_timepoints=16)
    small = clone(resnet).set_params(epochs=1)
    assert clone(small).fit(X_many[:limit], y_many[:limit]).augmentation_ == both
    many = clone(small).fit(X_many, y_many)
    assert many.augmentation == "auto" and many.augmentation_ is None
    np.testing.assert_array_equal(
        many.predict_proba(X_many), clone(small).set_params(augmentation=None).fit(X_many, y_many).predict_proba(X_many)
    )
    # the others have none measured: "auto" trains on the series as they are
    assert ResNetRegressor().augmentation is None and FCNClassifier().augmentation is None
    np.testing.assert_array_equal(
        tiny(augmentation="auto").fit(X, y).predict_proba(X), tiny(augmentation=None).fit(X, y).predict_proba(X)
    )
    assert tiny(augmentation="auto").fit(X, y).augmentation_ is None


def test_save_load_keep_n_test_windows_and_read_files_without_it(tmp_path):
    X, y = waves()
    clf = tiny(augmentation=Augmenter([("window_slice", {})], n_test_windows=4)).fit(X, y)
    clf.save(tmp_path / "clf.sigconv")
    loaded = load(tmp_path / "clf.sigconv")
    assert loaded.augmentation.n_test_windows == 4
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    # files saved before n_test_windows existed hold the steps alone: the default of 9 windows
    assert from_json({"__augmenter__": [{"__tuple__": ["window_slice", {"__dict__": []}]}]}) == Augmenter(
        [("window_slice", {})]
    )


def test_predict_keeps_the_test_windows_of_the_fit(tmp_path):
    X, y = waves()
    augmenter = Augmenter([("window_slice", {"ratio": 0.8})], n_test_windows=3)
    clf = tiny(augmentation=augmenter).fit(X, y)
    proba = clf.predict_proba(X)
    assert clf.augmentation_ == augmenter and clf.augmentation_ is not augmenter
    augmenter.n_test_windows = 1  # the user's object, changed after the fit
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    clf.set_params(augmentation=None)  # a parameter counts from the next fit
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    assert tiny(augmentation="jitter").fit(X, y).augmentation_ == Augmenter([("jitter", {})])
    assert tiny().fit(X, y).augmentation_ is None
    # files written before augmentation_ was saved take it from the parameter
    clf.set_params(augmentation=Augmenter([("window_slice", {"ratio": 0.8})], n_test_windows=3))
    clf.save(tmp_path / "clf.sigconv")
    with zipfile.ZipFile(tmp_path / "clf.sigconv") as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    metadata = json.loads(contents["estimator.json"])
    del metadata["fitted"]["augmentation_"]
    contents["estimator.json"] = json.dumps(metadata).encode()
    with zipfile.ZipFile(tmp_path / "old.sigconv", "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    old = load(tmp_path / "old.sigconv")
    assert old.augmentation_ == clf.augmentation_ and old.augmentation_ is not old.augmentation
    np.testing.assert_array_equal(old.predict_proba(X), proba)


def test_clone_pickle_save_load_and_checkpoint_keep_the_augmentation(tmp_path):
    X, y = waves()
    clf = tiny(augmentation=JITTER, checkpoint_dir=str(tmp_path / "ckpt")).fit(X, y)
    assert clone(clf).augmentation == JITTER
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    clf.save(tmp_path / "clf.sigconv")
    loaded = load(tmp_path / "clf.sigconv")
    assert loaded.get_params() == clf.get_params() and isinstance(loaded.augmentation, Augmenter)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    # the finished fit resumes from its checkpoint; another augmentation is another fit
    again = tiny(augmentation=JITTER, checkpoint_dir=str(tmp_path / "ckpt")).fit(X, y)
    assert again.history_ == clf.history_
    with pytest.raises(ValueError, match="of a fit with other parameters or data"):
        tiny(augmentation=Augmenter([("jitter", {"sigma": 0.1})]), checkpoint_dir=str(tmp_path / "ckpt")).fit(X, y)
