"""Tests of sigconv.estimators: training, validation, variable length, embeddings, persistence."""

import os
import pickle
import re
import subprocess
import sys
import textwrap
import zipfile

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.class_weight import compute_class_weight

import sigconv.estimators as estimators
from sigconv.estimators import (
    BaseDeepClassifier,
    BaseDeepRegressor,
    FCNClassifier,
    FCNRegressor,
    InceptionTimeClassifier,
    InceptionTimeRegressor,
    LSTMClassifier,
    LSTMRegressor,
    ResNetClassifier,
    ResNetRegressor,
    WaveNetClassifier,
    WaveNetRegressor,
    load,
)
from sigconv.estimators._checkpoint import CHECKPOINT_NAME
from sigconv.estimators._losses import SmoothedSparseCategoricalCrossentropy
from sigconv.estimators.lstm import LSTM_PAD_VALUE

TINY = {
    FCNClassifier: dict(filters=(4,), kernel_sizes=(3,)),
    FCNRegressor: dict(filters=(4,), kernel_sizes=(3,)),
    ResNetClassifier: dict(n_filters=2, n_blocks=1, kernel_sizes=(3,)),
    ResNetRegressor: dict(n_filters=2, n_blocks=1, kernel_sizes=(3,)),
    InceptionTimeClassifier: dict(ensemble_size=2, depth=1, n_filters=2, bottleneck_size=2, kernel_sizes=(3,)),
    InceptionTimeRegressor: dict(ensemble_size=2, depth=1, n_filters=2, bottleneck_size=2, kernel_sizes=(3,)),
    WaveNetClassifier: dict(n_filters=2, n_layers_per_stack=1, n_stacks=1),
    WaveNetRegressor: dict(n_filters=2, n_layers_per_stack=1, n_stacks=1),
    LSTMClassifier: dict(units=(3,)),
    LSTMRegressor: dict(units=(3,)),
}
CLASSIFIERS = [cls for cls in TINY if issubclass(cls, BaseDeepClassifier)]
REGRESSORS = [cls for cls in TINY if issubclass(cls, BaseDeepRegressor)]


def tiny(cls, **params):
    return cls(**{**TINY[cls], "epochs": 2, "random_state": 0, **params})


def waves(n_per_class=10, n_timepoints=32, seed=0):
    """Sines (label "sine") and square waves ("square") of random phase and frequency."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, n_timepoints)
    freq = rng.uniform(2, 4, (2 * n_per_class, 1))
    phase = rng.uniform(0, 2 * np.pi, (2 * n_per_class, 1))
    x = np.sin(2 * np.pi * freq * t + phase)
    x[n_per_class:] = np.sign(x[n_per_class:])
    x += 0.05 * rng.normal(size=x.shape)
    y = np.array(["sine"] * n_per_class + ["square"] * n_per_class)
    order = rng.permutation(len(y))
    return x[order].astype(np.float32), y[order]


def amplitudes(n=16, n_timepoints=30, seed=0):
    rng = np.random.default_rng(seed)
    amplitude = rng.uniform(0.5, 2, n)
    return (amplitude[:, None] * np.sin(np.linspace(0, 6, n_timepoints))).astype(np.float32), amplitude


def no_build(*args, **kwargs):
    raise AssertionError("the network was built before the parameters were validated")


# the public API --------------------------------------------------------------------------


def test_public_names():
    expected = {
        "BaseDeepClassifier", "BaseDeepEstimator", "BaseDeepRegressor", "load",
        "DeepFeatures", "DiskSeries", "ImageCNNClassifier", "ImageCNNRegressor",
        *(cls.__name__ for cls in TINY),
    }
    assert set(estimators.__all__) == expected
    for name in estimators.__all__:
        assert getattr(estimators, name).__doc__


def test_tensorflow_only_code_stays_in_its_adapter():
    package = os.path.dirname(estimators.__file__)
    for name in sorted(os.listdir(package)):
        if name.endswith(".py") and name != "_tensorflow.py":
            with open(os.path.join(package, name)) as file:
                source = file.read()
            assert not re.search(r"^\s*(import|from)\s+tensorflow", source, re.MULTILINE), name


def test_init_stores_parameters_without_checking_them():
    clf = FCNClassifier(filters="nonsense", epochs=-3, distribution="everywhere")
    assert clf.get_params()["filters"] == "nonsense"
    assert clf.epochs == -3
    assert "bidirectional" in LSTMClassifier().get_params()


@pytest.mark.parametrize("cls", CLASSIFIERS, ids=lambda c: c.__name__)
def test_classifiers_fit_predict(cls):
    X, y = waves()
    clf = tiny(cls).fit(X, y)
    assert isinstance(clf.model_, keras.Model)
    assert list(clf.classes_) == ["sine", "square"]
    proba = clf.predict_proba(X)
    assert proba.shape == (20, 2) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert 0.0 <= clf.score(X, y) <= 1.0
    assert sorted(clf.history_) == ["learning_rate", "loss"]
    assert len(clf.history_["loss"]) == clf.n_epochs_ == 2
    assert (clf.n_channels_in_, clf.n_timepoints_in_, clf.n_features_in_, clf.pad_length_) == (1, 32, 32, None)


@pytest.mark.parametrize("cls", REGRESSORS, ids=lambda c: c.__name__)
def test_regressors_fit_predict(cls):
    X, y = amplitudes()
    reg = tiny(cls).fit(X, y)
    prediction = reg.predict(X)
    assert prediction.shape == (16,) and prediction.dtype == np.float64
    assert np.all(np.isfinite(prediction))
    assert reg.n_outputs_ == 1


def test_regressor_with_several_outputs():
    X, y = amplitudes()
    reg = tiny(FCNRegressor).fit(X, np.stack([y, -y], axis=1))
    assert reg.n_outputs_ == 2 and reg.predict(X).shape == (16, 2)
    column = tiny(FCNRegressor).fit(X, y[:, None])
    assert column.predict(X).shape == (16, 1)


def test_classifier_learns_sine_versus_square():
    X, y = waves(n_per_class=20, seed=1)
    X_test, y_test = waves(n_per_class=20, seed=2)
    # 60 epochs: the default cosine schedule halves the mean rate, and 30 were too few
    clf = FCNClassifier(filters=(8, 8), kernel_sizes=(5, 3), epochs=60, batch_size=4, random_state=0)
    assert clf.fit(X, y).score(X_test, y_test) >= 0.9
    assert clf.history_["loss"][-1] < clf.history_["loss"][0]


@pytest.mark.slow
def test_regressor_learns_amplitude():
    X, y = amplitudes(n=40, seed=1)
    X_test, y_test = amplitudes(n=40, seed=2)
    reg = FCNRegressor(filters=(8, 8), kernel_sizes=(5, 3), epochs=40, batch_size=4, random_state=0)
    assert reg.fit(X, y).score(X_test, y_test) >= 0.5


@pytest.mark.parametrize(
    "labels",
    [np.array([10, 30]), np.array(["b", "a"]), np.array([-1.0, 2.0]), np.array([True, False])],
    ids=["int", "str", "float", "bool"],
)
def test_labels_of_any_type(labels):
    X, y = waves()
    y = np.where(y == "sine", labels[0], labels[1])
    clf = tiny(FCNClassifier).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, np.sort(labels))
    assert clf.classes_.dtype == y.dtype
    prediction = clf.predict(X)
    assert prediction.dtype == y.dtype and set(prediction) <= set(labels)


def test_multichannel_and_dataframe_input():
    pd = pytest.importorskip("pandas")
    X, y = waves()
    X3 = np.stack([X, -X, X**2], axis=1)
    clf = tiny(FCNClassifier).fit(X3, y)
    assert clf.n_channels_in_ == 3 and clf.predict(X3).shape == (20,)
    frame = pd.DataFrame(X, columns=[f"t{i}" for i in range(32)])
    clf = tiny(FCNClassifier).fit(frame, y)
    assert list(clf.feature_names_in_) == list(frame.columns)
    np.testing.assert_array_equal(clf.predict_proba(frame), clf.predict_proba(X))


# validation before any work ----------------------------------------------------------------

BAD_PARAMS = [
    (dict(epochs=0), ValueError, "epochs must be an int >= 1 or None; got epochs=0."),
    (dict(batch_size="16"), TypeError, "batch_size must be an int >= 1 or None; got batch_size='16' (str)."),
    (dict(learning_rate=0.0), ValueError, "learning_rate must be a number > 0; got learning_rate=0.0."),
    (
        dict(validation_split=1.0),
        ValueError,
        "validation_split must be a number in (0, 1) or None; got validation_split=1.0. It is the "
        "fraction of the training series held out for validation.",
    ),
    (
        dict(early_stopping_patience=5),
        ValueError,
        "early_stopping_patience=5 needs a validation set to watch: set validation_split or pass "
        "validation_data to fit.",
    ),
    (
        dict(random_state=np.random.RandomState(0)),
        TypeError,
        "random_state must be an int in [0, 4294967295] or None; got random_state=RandomState",
    ),
    (
        dict(lr_schedule="step"),
        ValueError,
        "lr_schedule must be one of {'cosine', 'plateau', None}; got lr_schedule='step'.",
    ),
    (dict(reduce_lr_patience=None), TypeError, "reduce_lr_patience must be an int >= 1; got reduce_lr_patience=None"),
    (dict(jit_compile="xla"), ValueError, "jit_compile must be True, False or 'auto'; got jit_compile='xla'."),
    (dict(jit_compile=1), ValueError, "jit_compile must be True, False or 'auto'; got jit_compile=1."),
    (
        dict(distribution="everywhere"),
        ValueError,
        "distribution must be None (one device) or 'data_parallel' (the batch split over all local "
        "GPUs); got distribution='everywhere'.",
    ),
    (
        dict(callbacks=keras.callbacks.History()),
        TypeError,
        "callbacks must be a list of keras.callbacks.Callback instances or None",
    ),
    (dict(class_weight="auto"), ValueError, "class_weight must be None, 'balanced' or a dict {label: weight}"),
    (dict(label_smoothing=1), ValueError,
     "label_smoothing must be a number in [0, 1); got label_smoothing=1.0. It is the share of each target "
     "spread evenly over the classes (0 for none, 0.1 is common)."),
    (dict(mixed_precision=1), ValueError,
     "mixed_precision must be False, True (float16), 'float16' or 'bfloat16'; got mixed_precision=1. Use "
     "'bfloat16' on CPUs and TPUs, 'float16' on GPUs."),
    (dict(verbose=3), ValueError, "verbose must be an int in [0, 2]; got verbose=3."),
    (dict(checkpoint_every=0), ValueError, "checkpoint_every must be an int >= 1; got checkpoint_every=0."),
]


@pytest.mark.parametrize("params, error, message", BAD_PARAMS, ids=lambda v: str(v)[:30])
def test_bad_parameters_fail_before_building(monkeypatch, params, error, message):
    monkeypatch.setattr("sigconv.estimators._model.build_network", no_build)
    X, y = waves()
    clf = tiny(FCNClassifier, **params)
    with pytest.raises(error, match=re.escape(message)):
        clf.fit(X, y)
    assert not hasattr(clf, "model_")


@pytest.mark.parametrize("cls", [ResNetClassifier, ResNetRegressor])
def test_resnet_dilation_rates_reach_the_network(cls):
    X, y = waves() if cls is ResNetClassifier else amplitudes()
    est = tiny(cls, n_blocks=2, dilation_rates=(1, 3), epochs=1).fit(X, y)
    rates = [layer.dilation_rate for layer in est.model_.layers if layer.name.endswith("_conv0")]
    assert rates == [(1,), (3,)]
    with pytest.raises(ValueError, match=re.escape(
        "dilation_rates must have one entry per block (n_blocks=2), or be None; got dilation_rates=(2,)."
    )):
        tiny(cls, n_blocks=2, dilation_rates=(2,)).fit(X, y)


def test_bad_network_parameter_names_it():
    X, y = waves()
    with pytest.raises(ValueError, match=re.escape("filters must be a non-empty tuple of ints >= 1; got filters=(")):
        FCNClassifier(filters=(), kernel_sizes=(), epochs=1).fit(X, y)


ENSEMBLES = [cls for cls in TINY if cls._has_ensemble]


def test_every_1d_cnn_has_an_ensemble_size():
    assert {cls.__name__ for cls in ENSEMBLES} == {
        "FCNClassifier", "FCNRegressor", "ResNetClassifier", "ResNetRegressor",
        "InceptionTimeClassifier", "InceptionTimeRegressor",
    }


@pytest.mark.parametrize("cls", ENSEMBLES, ids=lambda cls: cls.__name__)
def test_an_ensemble_predicts_the_mean_of_its_members(cls):
    X, y = waves() if issubclass(cls, BaseDeepClassifier) else amplitudes()
    est = tiny(cls, ensemble_size=3, augmentation=None).fit(X, y)  # predict: the series as they are
    n_outputs = len(est.classes_) if issubclass(cls, BaseDeepClassifier) else 1
    assert est.model_.output.shape == (None, 3, n_outputs)
    members = est.model_.predict(X[:, :, None], verbose=0)
    assert not np.allclose(members[:, 0], members[:, 1])  # each from its own initialisation
    mean = members.mean(axis=1)
    if issubclass(cls, BaseDeepClassifier):
        np.testing.assert_allclose(est.predict_proba(X), mean, rtol=1e-5, atol=1e-6)
    else:
        # the network predicts standardized targets
        expected = mean[:, 0] * est.target_scale_[0] + est.target_mean_[0]
        np.testing.assert_allclose(est.predict(X), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", ENSEMBLES, ids=lambda cls: cls.__name__)
def test_ensemble_size_is_checked(cls, monkeypatch):
    monkeypatch.setattr("sigconv.estimators._model.build_network", no_build)
    X, y = waves() if issubclass(cls, BaseDeepClassifier) else amplitudes()
    with pytest.raises(ValueError, match=re.escape("ensemble_size must be an int >= 1; got ensemble_size=0.")):
        tiny(cls, ensemble_size=0).fit(X, y)


def test_validation_split_and_validation_data_are_exclusive(monkeypatch):
    monkeypatch.setattr("sigconv.estimators._model.build_network", no_build)
    X, y = waves()
    with pytest.raises(ValueError, match=re.escape("validation_split=0.2 and validation_data were both given")):
        tiny(FCNClassifier, validation_split=0.2).fit(X, y, validation_data=(X, y))


BAD_TARGETS = [
    (
        lambda y: np.full(len(y), "sine"),
        "y holds one class ('sine') for its 20 series; a classifier needs series of at least 2 classes.",
    ),
    (
        lambda y: np.where(np.arange(len(y)) == 3, np.nan, (y == "sine").astype(float)),
        "y contains NaN (first at sample 3; 1 in all); every series needs a label.",
    ),
    (
        lambda y: y[:-1],
        "X and y have different numbers of samples: X holds 20 series and y 19 labels.",
    ),
    (lambda y: np.linspace(0, 1, len(y)), "Unknown label type: continuous"),
]


@pytest.mark.parametrize("make_y, message", BAD_TARGETS, ids=["one-class", "nan", "length", "continuous"])
def test_bad_targets_fail_before_building(monkeypatch, make_y, message):
    monkeypatch.setattr("sigconv.estimators._model.build_network", no_build)
    X, y = waves()
    with pytest.raises(ValueError, match=re.escape(message)):
        tiny(FCNClassifier).fit(X, make_y(y))


def test_regressor_target_errors(monkeypatch):
    monkeypatch.setattr("sigconv.estimators._model.build_network", no_build)
    X, y = amplitudes()
    y[5] = np.inf
    with pytest.raises(ValueError, match=re.escape("y contains inf (first at sample 5; 1 in all)")):
        tiny(FCNRegressor).fit(X, y)
    with pytest.raises(ValueError, match=re.escape("requires y to be passed, but the target y is None")):
        tiny(FCNRegressor).fit(X, None)


def test_validation_split_needs_enough_series_per_class(monkeypatch):
    monkeypatch.setattr("sigconv.estimators._model.build_network", no_build)
    X, y = waves(n_per_class=3)
    y = np.array(["a", "b", "c", "a", "b", "c"])
    with pytest.raises(ValueError, match=re.escape(
        "validation_split=0.2 splits the 6 series into 4 for training and 2 for validation, but each "
        "part needs at least one series of each of the 3 classes."
    )):
        tiny(FCNClassifier, validation_split=0.2).fit(X, y)
    y = np.array(["a", "a", "a", "b", "b", "c"])
    with pytest.raises(ValueError, match=re.escape(
        "validation_split=0.5 draws a stratified validation set, which needs at least 2 series of "
        "each class; class 'c' has 1."
    )):
        tiny(FCNClassifier, validation_split=0.5).fit(X, y)


def test_weight_errors(monkeypatch):
    monkeypatch.setattr("sigconv.estimators._model.build_network", no_build)
    X, y = waves()
    clf = tiny(FCNClassifier)
    with pytest.raises(ValueError, match=re.escape("sample_weight must have shape (20,), one weight per series; got shape (3,).")):
        clf.fit(X, y, sample_weight=[1, 2, 3])
    with pytest.raises(ValueError, match=re.escape("sample_weight is zero for every series")):
        clf.fit(X, y, sample_weight=np.zeros(20))
    with pytest.raises(ValueError, match=re.escape("leave non-zero weight on a single class ('square')")):
        clf.fit(X, y, sample_weight=(y == "square").astype(float))
    with pytest.raises(ValueError, match=re.escape("class_weight has weights for labels that are not classes of y: ['circle']")):
        tiny(FCNClassifier, class_weight={"circle": 2.0}).fit(X, y)


def test_predict_checks_channels_and_length():
    X, y = waves()
    clf = tiny(FCNClassifier).fit(X, y)
    with pytest.raises(ValueError, match=re.escape("X has 2 channel(s), but 1 were seen in fit.")):
        clf.predict(np.stack([X, X], axis=1))
    with pytest.raises(ValueError, match=re.escape(
        "X has 20 features, but FCNClassifier is expecting 32 features as input: it was fitted on "
        "series of 32 timepoints and its network is built for that length."
    )):
        clf.predict(X[:, :20])
    with pytest.raises(ValueError, match=re.escape("X has 16 features, but FCNClassifier is expecting 32")):
        clf.predict([X[0], X[1, :16]])


def test_unfitted_estimator_raises_not_fitted():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        FCNClassifier().predict(np.zeros((2, 8)))
    with pytest.raises(NotFittedError):
        FCNClassifier().embed(np.zeros((2, 8)))


# series of unequal length -----------------------------------------------------------------


def ragged_waves():
    X, y = waves()
    lengths = np.linspace(20, 32, len(X)).astype(int)
    return [x[:n] for x, n in zip(X, lengths)], y


def test_unequal_lengths_pad_with_zeros_and_predict_any_length():
    X, y = ragged_waves()
    clf = tiny(FCNClassifier).fit(X, y)
    assert clf.n_timepoints_in_ is None and clf.pad_length_ == 32 and not hasattr(clf, "n_features_in_")
    short = X[0]  # 20 timepoints, padded to 32 with zeros as in fit
    padded = np.concatenate([short, np.zeros(12, dtype=np.float32)])
    np.testing.assert_allclose(clf.predict_proba([short]), clf.predict_proba([padded]), rtol=1e-6)
    long = np.tile(X[-1], 2)  # longer than any training series: its own length
    expected = clf.model_.predict(long[None, :, None], verbose=0).astype(np.float64)
    np.testing.assert_allclose(clf.predict_proba([long]), expected / expected.sum(), rtol=1e-5)
    # A prediction does not depend on the other series passed with it.
    together = clf.predict_proba([short, long, X[5]])
    np.testing.assert_allclose(together[0], clf.predict_proba([short])[0], rtol=1e-6)
    np.testing.assert_allclose(together[2], clf.predict_proba([X[5]])[0], rtol=1e-6)


def test_lstm_masks_its_padding():
    X, y = ragged_waves()
    clf = tiny(LSTMClassifier).fit(X, y)
    short = X[0]
    # The model sees the series padded with LSTM_PAD_VALUE to 32 steps; masking makes that
    # equal to running it on the unpadded series.
    unpadded = clf.model_.predict(short[None, :, None], verbose=0)
    np.testing.assert_allclose(clf.predict_proba([short]), unpadded, rtol=1e-5)
    bad = X[3].copy()
    bad[4] = LSTM_PAD_VALUE
    with pytest.raises(ValueError, match=re.escape(
        "Series 0 has a time step (timepoint 4) equal to -1537.0 in every channel"
    )):
        clf.predict([bad])


def test_equal_length_lstm_does_not_mask():
    X, y = waves()
    clf = tiny(LSTMClassifier).fit(X, y)
    assert not any(isinstance(layer, keras.layers.Masking) for layer in clf.model_.layers)


# training options -------------------------------------------------------------------------


def test_same_seed_same_predictions_and_global_random_state_untouched():
    X, y = waves()
    np.random.seed(123)
    expected_draw = np.random.rand()
    np.random.seed(123)
    first = tiny(FCNClassifier, random_state=7).fit(X, y).predict_proba(X)
    assert np.random.rand() == expected_draw
    second = tiny(FCNClassifier, random_state=7).fit(X, y).predict_proba(X)
    other = tiny(FCNClassifier, random_state=8).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


def test_best_weights_on_validation_data():
    X, y = waves(seed=1)
    X_val, y_val = waves(n_per_class=5, seed=2)
    clf = tiny(FCNClassifier, epochs=8, learning_rate=0.05).fit(X, y, validation_data=(X_val, y_val))
    val_loss = clf.history_["val_loss"]
    assert len(val_loss) == 8
    codes = np.searchsorted(clf.classes_, y_val)
    # The kept weights are those of the epoch with the lowest validation loss.
    kept = clf.model_.evaluate(X_val[:, :, None], codes, verbose=0)
    assert kept == pytest.approx(min(val_loss), rel=1e-5)


def test_early_stopping_patience():
    X, y = waves(seed=1)
    # A constant, far too large rate: the validation loss stops improving early
    # (under the default cosine schedule the shrinking rate keeps improving it).
    clf = tiny(
        FCNClassifier,
        epochs=40,
        learning_rate=5.0,
        lr_schedule=None,
        validation_split=0.25,
        early_stopping_patience=2,
    )
    clf.fit(X, y)
    val_loss = np.nan_to_num(clf.history_["val_loss"], nan=np.inf)
    assert clf.n_epochs_ < 40
    assert clf.n_epochs_ == int(np.argmin(val_loss)) + 1 + 2


def test_validation_split_is_stratified(monkeypatch):
    seen = {}
    original = keras.Model.fit

    def spy(model, x, y, **kwargs):
        seen["train"], seen["val"] = y, kwargs["validation_data"][1]
        return original(model, x, y, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", spy)
    X, y = waves(n_per_class=10)
    tiny(FCNClassifier, epochs=1, validation_split=0.2).fit(X, y)
    assert np.bincount(seen["val"]).tolist() == [2, 2]
    assert np.bincount(seen["train"]).tolist() == [8, 8]


def test_class_weight_equals_the_matching_sample_weight():
    X, y = waves()
    keep = np.r_[np.flatnonzero(y == "sine"), np.flatnonzero(y == "square")[:4]]
    X, y = X[keep], y[keep]
    balanced = tiny(FCNClassifier, class_weight="balanced").fit(X, y).predict_proba(X)
    weights = compute_class_weight("balanced", classes=np.unique(y), y=y)[(y == "square").astype(int)]
    by_sample = tiny(FCNClassifier).fit(X, y, sample_weight=weights).predict_proba(X)
    np.testing.assert_allclose(balanced, by_sample, rtol=1e-6)
    by_dict = tiny(FCNClassifier, class_weight={"square": 3.0}).fit(X, y).predict_proba(X)
    by_sample = tiny(FCNClassifier).fit(X, y, sample_weight=np.where(y == "square", 3.0, 1.0)).predict_proba(X)
    np.testing.assert_allclose(by_dict, by_sample, rtol=1e-6)
    assert not np.allclose(by_dict, balanced)  # the weights do reach the loss


def test_smoothed_crossentropy_is_keras_crossentropy_on_smoothed_one_hot_labels():
    rng = np.random.default_rng(0)
    proba = rng.dirichlet(np.ones(3), size=(4, 2)).astype(np.float32)  # (batch, ensemble members, classes)
    labels = rng.integers(0, 3, size=(4, 2))
    plain = keras.losses.SparseCategoricalCrossentropy()(labels[:, 0], proba[:, 0])
    np.testing.assert_allclose(SmoothedSparseCategoricalCrossentropy(0.0)(labels[:, 0], proba[:, 0]), plain, rtol=1e-6)
    target = np.full(proba.shape, 0.3 / 3)
    np.put_along_axis(target, labels[..., None], 1 - 0.3 + 0.3 / 3, axis=-1)
    expected = -np.mean(np.sum(target * np.log(proba), axis=-1))
    np.testing.assert_allclose(SmoothedSparseCategoricalCrossentropy(0.3)(labels, proba), expected, rtol=1e-5)
    np.testing.assert_allclose(SmoothedSparseCategoricalCrossentropy(0.3)(labels[..., None], proba), expected, rtol=1e-5)


def test_label_smoothing_reaches_the_loss():
    X, y = waves()
    clf = tiny(FCNClassifier, label_smoothing=0.2, epochs=1).fit(X, y, validation_data=(X, y))
    proba = clf.predict_proba(X)
    target = np.full(proba.shape, 0.2 / 2)
    target[np.arange(len(y)), np.searchsorted(clf.classes_, y)] += 0.8
    np.testing.assert_allclose(clf.history_["val_loss"][-1], -np.mean(np.sum(target * np.log(proba), axis=1)), rtol=1e-4)
    plain = tiny(FCNClassifier, epochs=1).fit(X, y, validation_data=(X, y))
    assert not np.allclose(plain.predict_proba(X), proba)  # and the gradients
    ensemble = tiny(InceptionTimeClassifier, label_smoothing=0.2, epochs=1).fit(X, y)  # targets (batch, members)
    assert ensemble.predict_proba(X).shape == (len(y), 2)


class _Counting(keras.callbacks.Callback):
    calls = []  # class attribute: shared by the deep copies

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append(epoch)
        _Counting.calls.append(epoch)


def test_user_callbacks_are_copied_never_mutated():
    X, y = waves()
    callback = _Counting()
    _Counting.calls.clear()
    clf = tiny(FCNClassifier, epochs=3, callbacks=[callback]).fit(X, y)
    assert _Counting.calls == [0, 1, 2]  # a copy ran
    assert callback.seen == [] and clf.callbacks[0] is callback


def test_max_time_stops_training():
    X, y = waves()
    clf = tiny(FCNClassifier, epochs=50, max_time=1e-9).fit(X, y)
    assert clf.n_epochs_ == 1 and len(clf.history_["loss"]) == 1


def test_verbose_reaches_keras(capsys):
    X, y = waves()
    tiny(FCNClassifier, epochs=1, verbose=2).fit(X, y)
    assert "loss:" in capsys.readouterr().out
    tiny(FCNClassifier, epochs=1).fit(X, y)
    assert "loss" not in capsys.readouterr().out


def test_reduce_lr_on_plateau_state_survives_a_restart():
    from sigconv.estimators._callbacks import ReduceLROnPlateau

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    callback = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2, min_lr=1e-4)
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, loss in enumerate([1.0, 1.0]):
        callback.on_epoch_end(epoch, {"loss": loss})
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-3)
    resumed = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2, min_lr=1e-4, state=callback.state())
    resumed.set_model(model)
    resumed.on_train_begin()
    resumed.on_epoch_end(2, {"loss": 1.0})  # third epoch without improvement
    assert float(model.optimizer.learning_rate) == pytest.approx(5e-4)


def test_validation_monitor_does_what_keras_early_stopping_does_not():
    """The reasons ValidationMonitor is not keras.callbacks.EarlyStopping, each shown."""
    from sigconv.estimators._callbacks import ValidationMonitor

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    losses = [float("nan"), 2.0, 1.0, 3.0]
    keras_stopping = keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    monitor = ValidationMonitor(patience=2)
    for callback in (keras_stopping, monitor):
        callback.set_model(model)
        callback.on_train_begin()
        for epoch, loss in enumerate(losses):
            callback.on_epoch_end(epoch, {"val_loss": loss})
    # Keras takes the NaN of the first epoch as the best for good and stops after two more.
    assert keras_stopping.best_epoch == 0 and model.stop_training
    assert monitor.best_epoch == 2 and monitor.best == 1.0 and not monitor.stopped
    # A resumed fit keeps the state: Keras' on_train_begin resets it.
    resumed = ValidationMonitor(patience=2, state=ValidationMonitor.decode_state(monitor.state()))
    resumed.set_model(model)
    resumed.on_train_begin()
    resumed.on_epoch_end(4, {"val_loss": 4.0})  # second epoch in a row without improvement
    assert resumed.stopped and resumed.best == 1.0
    # Without patience it never stops.
    endless = ValidationMonitor(patience=None)
    endless.set_model(model)
    model.stop_training = False
    for epoch, loss in enumerate([1.0] + [2.0] * 20):
        endless.on_epoch_end(epoch, {"val_loss": loss})
    assert not endless.stopped and not model.stop_training


def test_recorder_is_the_history_fit_returns(monkeypatch):
    from sigconv.estimators import _callbacks

    returned = {}
    original = keras.Model.fit

    def spy(model, *args, **kwargs):
        returned["history"] = original(model, *args, **kwargs)
        return returned["history"]

    monkeypatch.setattr(keras.Model, "fit", spy)
    X, y = waves()
    clf = tiny(FCNClassifier, epochs=2).fit(X, y)
    assert isinstance(returned["history"], _callbacks.Recorder)
    assert returned["history"].history is clf.history_
    assert all(type(value) is float for values in clf.history_.values() for value in values)


def test_learning_rate_schedule_in_history():
    X, y = waves()
    clf = tiny(FCNClassifier, epochs=10, lr_schedule="plateau", reduce_lr_patience=1, learning_rate=0.5).fit(X, y)
    rates = np.array(clf.history_["learning_rate"])
    assert rates[0] == pytest.approx(0.5)
    steps = rates[1:] / rates[:-1]
    assert np.all(np.isclose(steps, 1.0) | np.isclose(steps, 0.5)) and np.any(np.isclose(steps, 0.5))
    clf = tiny(FCNClassifier, epochs=3, lr_schedule=None, learning_rate=0.01).fit(X, y)
    assert clf.history_["learning_rate"] == pytest.approx([0.01] * 3)
    clf = tiny(FCNClassifier, epochs=4, learning_rate=0.01).fit(X, y)  # cosine, the default
    # 0.01 * (1 + cos(pi * e / 4)) / 2 for e = 0..3, computed by hand
    assert clf.history_["learning_rate"] == pytest.approx([0.01, 0.0085355339, 0.005, 0.0014644661])


def test_fit_params_are_read_only_and_replaced_by_copies():
    from sigconv.estimators._params import FitParams

    params = FitParams({"epochs": 2, "learning_rate": 1e-3})
    changed = params.replace(learning_rate=1e-5)
    assert dict(changed) == {"epochs": 2, "learning_rate": 1e-5} and params["learning_rate"] == 1e-3
    with pytest.raises(TypeError):
        params["epochs"] = 3
    with pytest.raises(AttributeError, match=re.escape("FitParams is read-only; use replace() to get changed parameters.")):
        params.epochs = 3
    with pytest.raises(KeyError, match=re.escape("FitParams has no parameters ['epoch'].")):
        params.replace(epoch=3)
    assert pickle.loads(pickle.dumps(params)) == params


def test_default_epochs_give_about_4000_steps_within_bounds(monkeypatch):
    from sigconv.estimators import _params

    # ceil(n / batch) steps per epoch; ceil(4000 / steps) epochs, clipped to [20, 300]
    assert _params._default_epochs(50, 5) == 300  # 10 steps: 400 epochs, clipped
    assert _params._default_epochs(613, 16) == 103  # Strawberry: 39 steps
    assert _params._default_epochs(3601, 16) == 20  # FordA: 226 steps: 18 epochs, raised to 20
    monkeypatch.setattr(_params, "_MIN_EPOCHS", 3)
    monkeypatch.setattr(_params, "_STEPS", 1)
    X, y = waves()
    clf = tiny(FCNClassifier, epochs=None).fit(X, y)
    assert clf.n_epochs_ == 3 and clf.epochs is None


@pytest.mark.parametrize("n_samples, expected", [(1, 1), (6, 6), (16, 16), (30, 16), (613, 16)])
def test_default_batch_size_is_16_or_every_series(n_samples, expected):
    # Not Fawaz et al.'s min(16, n // 10): batches of 3 on 30 series leave batch
    # normalization with the statistics of 3 series (ResNet on Beef: 0.43 against 0.73).
    for cls in (FCNClassifier, ResNetClassifier, LSTMClassifier, WaveNetRegressor):
        assert cls()._default_batch_size(n_samples) == expected


def test_default_batch_size_counts_the_training_part_only(monkeypatch):
    X, y = waves(20)
    seen = []
    rule = FCNClassifier._default_batch_size
    monkeypatch.setattr(FCNClassifier, "_default_batch_size", lambda self, n: seen.append(n) or rule(self, n))
    tiny(FCNClassifier, epochs=1, validation_split=0.25).fit(X, y)
    assert seen == [30]  # 40 series, 10 held out for validation


def test_mixed_precision_restores_the_global_policy():
    X, y = waves()
    clf = tiny(FCNClassifier, epochs=1, mixed_precision=True).fit(X, y)
    assert keras.config.dtype_policy().name == "float32"
    assert clf.model_.get_layer("fcn_block0_conv").dtype_policy.name == "mixed_float16"
    assert clf.model_.get_layer("fcn_classifier_softmax").dtype_policy.name == "float32"
    assert isinstance(clf.model_.optimizer, keras.optimizers.LossScaleOptimizer)
    proba = clf.predict_proba(X)
    assert np.all(np.isfinite(proba))


def test_mixed_precision_bfloat16_needs_no_loss_scaling():
    X, y = waves()
    clf = tiny(FCNClassifier, epochs=2, mixed_precision="bfloat16").fit(X, y)
    assert keras.config.dtype_policy().name == "float32"
    assert clf.model_.get_layer("fcn_block0_conv").dtype_policy.name == "mixed_bfloat16"
    assert clf.model_.get_layer("fcn_classifier_softmax").dtype_policy.name == "float32"
    assert not isinstance(clf.model_.optimizer, keras.optimizers.LossScaleOptimizer)
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float64 and np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    full = tiny(FCNClassifier, epochs=2).fit(X, y).predict_proba(X)
    assert np.max(np.abs(proba - full)) < 0.1  # the same training, at bfloat16's 3 significant digits


def test_jit_compile_reaches_keras():
    X, y = waves()
    # "auto" (the default) compiles a fit this short (2 steps) on JAX only.
    expected = keras.backend.backend() == "jax"
    assert tiny(FCNClassifier, epochs=1).fit(X, y).model_.jit_compile is expected
    assert tiny(FCNClassifier, epochs=1, jit_compile=False).fit(X, y).model_.jit_compile is False
    clf = tiny(FCNClassifier, epochs=1, jit_compile=True).fit(X, y)
    assert clf.model_.jit_compile is True
    assert np.all(np.isfinite(clf.predict_proba(X)))


@pytest.mark.parametrize("cls, compiles_long_fits", [(FCNClassifier, True), (LSTMClassifier, False)])
def test_auto_jit_compile_on_tensorflow_depends_on_the_network_and_the_steps(
    monkeypatch, cls, compiles_long_fits
):
    X, y = waves()  # 20 series: batches of 10 give 2 steps an epoch
    monkeypatch.setattr(estimators._params, "_XLA_MIN_STEPS", 4)
    jax = keras.backend.backend() == "jax"
    on_tensorflow = keras.backend.backend() == "tensorflow"
    short = tiny(cls, epochs=1, batch_size=10).fit(X, y)  # 2 steps
    assert short.model_.jit_compile is jax
    long = tiny(cls, epochs=2, batch_size=10).fit(X, y)  # 4 steps
    assert long.model_.jit_compile is (jax or (on_tensorflow and compiles_long_fits))
    # An explicit False is kept however long the fit.
    assert tiny(cls, epochs=2, batch_size=10, jit_compile=False).fit(X, y).model_.jit_compile is False


@pytest.mark.slow
def test_data_parallel_on_two_logical_cpus():
    script = textwrap.dedent(
        """
        import tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
        )
        import numpy as np
        from sigconv.estimators import FCNClassifier
        rng = np.random.default_rng(0)
        X = rng.normal(size=(16, 24)).astype("float32")
        y = np.arange(16) % 2
        clf = FCNClassifier(filters=(4,), kernel_sizes=(3,), epochs=2, batch_size=8,
                            distribution="data_parallel", random_state=0).fit(X, y)
        print("replicas", clf.model_.distribute_strategy.num_replicas_in_sync)
        print("finite", bool(np.isfinite(clf.predict_proba(X)).all()), len(clf.history_["loss"]))
        """
    )
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "replicas 2" in result.stdout
    assert "finite True 2" in result.stdout


# embeddings -------------------------------------------------------------------------------


def test_embed_default_layer_is_the_pooled_backbone_output():
    X, y = waves()
    clf = tiny(FCNClassifier, filters=(4, 3), kernel_sizes=(3, 3)).fit(X, y)
    features = clf.embed(X)
    assert features.shape == (20, 3) and features.dtype == np.float32
    pooled = keras.Model(clf.model_.input, clf.model_.get_layer("fcn_classifier_pool").output)
    np.testing.assert_allclose(features, pooled.predict(X[:, :, None], verbose=0), rtol=1e-5, atol=1e-6)
    feature_map = keras.Model(clf.model_.input, clf.model_.get_layer("fcn_block0_act").output)
    maps = feature_map.predict(X[:, :, None], verbose=0)
    np.testing.assert_allclose(clf.embed(X, layer="fcn_block0_act"), maps.mean(axis=1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        clf.embed(X, layer="fcn_block0_act", pooling="max"), maps.max(axis=1), rtol=1e-5, atol=1e-6
    )
    with pytest.raises(ValueError, match=re.escape("layer='nope' is not a layer of this FCNClassifier's network.")):
        clf.embed(X, layer="nope")


def test_embed_feeds_a_classical_model():
    X, y = waves(n_per_class=20, seed=1)
    X_test, y_test = waves(n_per_class=20, seed=2)
    clf = FCNClassifier(filters=(8, 8), kernel_sizes=(5, 3), epochs=30, batch_size=4, random_state=0).fit(X, y)
    head = LogisticRegression(max_iter=1000).fit(clf.embed(X), y)
    assert head.score(clf.embed(X_test), y_test) >= 0.85


def test_embed_of_an_ensemble_and_of_unequal_lengths():
    X, y = ragged_waves()
    clf = tiny(InceptionTimeClassifier).fit(X, y)
    features = clf.embed(X)
    assert features.shape == (20, 2 * 4)  # 2 members; 2 branches (conv, max-pool) of 2 filters
    member = clf.embed(X, layer="inception_time1_module0_act")
    np.testing.assert_allclose(member, features[:, 4:], rtol=1e-5, atol=1e-6)
    assert clf.model_.output.shape == (None, 2, 2)


# scikit-learn tools -----------------------------------------------------------------------


def _standardize(X):
    X = np.asarray(X, dtype=np.float32)
    return (X - X.mean(axis=-1, keepdims=True)) / (X.std(axis=-1, keepdims=True) + 1e-8)


def test_clone_and_pipeline():
    X, y = waves()
    clf = tiny(FCNClassifier).fit(X, y)
    fresh = clone(clf)
    assert not hasattr(fresh, "model_") and fresh.get_params() == clf.get_params()
    pipeline = make_pipeline(FunctionTransformer(_standardize), tiny(FCNClassifier)).fit(X, y)
    assert pipeline.predict(X).shape == (20,)


@pytest.mark.slow
def test_grid_search():
    X, y = waves()
    search = GridSearchCV(tiny(FCNClassifier, epochs=1), {"filters": [(2,), (4,)]}, cv=2).fit(X, y)
    assert search.best_params_["filters"] in [(2,), (4,)]
    assert search.best_estimator_.filters == search.best_params_["filters"]
    assert search.predict(X).shape == (20,)


def test_cross_val_score():
    scores = cross_val_score(tiny(FCNRegressor, epochs=1), *amplitudes(), cv=2)
    assert scores.shape == (2,) and np.all(np.isfinite(scores))


# persistence ------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [FCNClassifier, InceptionTimeRegressor, LSTMClassifier], ids=lambda c: c.__name__)
def test_pickle_round_trip(cls):
    X, y = (ragged_waves() if cls is LSTMClassifier else waves()) if cls in CLASSIFIERS else amplitudes()
    est = tiny(cls).fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    assert restored.model_ is not est.model_
    predict = "predict_proba" if cls in CLASSIFIERS else "predict"
    np.testing.assert_array_equal(getattr(restored, predict)(X), getattr(est, predict)(X))
    assert pickle.loads(pickle.dumps(clone(est))).get_params() == est.get_params()


def test_save_and_load(tmp_path):
    X, y = waves()
    y = np.where(y == "sine", 3, 11)
    clf = tiny(FCNClassifier, class_weight={3: 2.0}, label_smoothing=0.1, callbacks=[_Counting()]).fit(X, y)
    path = tmp_path / "clf.sigconv"
    clf.save(path)
    for loaded in (load(path), FCNClassifier.load(str(path))):
        assert type(loaded) is FCNClassifier
        np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
        assert loaded.classes_.dtype == clf.classes_.dtype
        np.testing.assert_array_equal(loaded.classes_, [3, 11])
        assert loaded.get_params() == {**clf.get_params(), "callbacks": None}
        assert loaded.history_ == clf.history_ and loaded.n_timepoints_in_ == 32
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["estimator.json", "model.keras"]
    with pytest.raises(FileExistsError, match=re.escape("already exists; sigconv does not overwrite files unless asked")):
        clf.save(path)
    reg = tiny(FCNRegressor).fit(*amplitudes())
    reg.save(path, overwrite=True)
    assert type(load(path)) is FCNRegressor
    with pytest.raises(ValueError, match=re.escape("holds a FCNRegressor, not a FCNClassifier")):
        FCNClassifier.load(path)
    assert sorted(os.listdir(tmp_path)) == ["clf.sigconv"]  # no temporary file left


def test_save_and_load_unequal_lengths_and_strings(tmp_path):
    X, y = ragged_waves()
    clf = tiny(LSTMClassifier).fit(X, y)
    clf.save(tmp_path / "lstm.sigconv")
    loaded = load(tmp_path / "lstm.sigconv")
    assert loaded.classes_.dtype == clf.classes_.dtype and loaded.pad_length_ == 32
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(loaded.embed(X), clf.embed(X))


def test_load_rejects_foreign_and_corrupt_files(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValueError, match=re.escape("is not a sigconv estimator file: it is not a zip archive")):
        load(text)
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("data.csv", "1,2,3")
    with pytest.raises(ValueError, match=re.escape("is not a sigconv estimator file: it holds ['data.csv']")):
        load(foreign)
    X, y = waves()
    path = tmp_path / "clf.sigconv"
    tiny(FCNClassifier, epochs=1).fit(X, y).save(path)
    data = path.read_bytes()
    truncated = tmp_path / "truncated.sigconv"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="sigconv estimator file"):
        load(truncated)
    wrong_class = tmp_path / "wrong.sigconv"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(wrong_class, "w") as target:
        target.writestr("model.keras", source.read("model.keras"))
        target.writestr("estimator.json", source.read("estimator.json").replace(b'"FCNClassifier"', b'"os.system"'))
    with pytest.raises(ValueError, match=re.escape("names the estimator class 'os.system', which is not one of")):
        load(wrong_class)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.sigconv")


# checkpoints ------------------------------------------------------------------------------


class _Kill(keras.callbacks.Callback):
    def __init__(self, after_epoch):
        super().__init__()
        self.after_epoch = after_epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.after_epoch:
            raise KeyboardInterrupt("simulated kill")


class _Epochs(keras.callbacks.Callback):
    seen = []

    def on_epoch_begin(self, epoch, logs=None):
        _Epochs.seen.append(epoch)


def test_no_file_is_written_unless_asked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    X, y = waves()
    tiny(FCNClassifier, validation_split=0.2).fit(X, y)
    assert os.listdir(tmp_path) == []


def test_checkpoint_resumes_an_interrupted_fit(tmp_path):
    X, y = waves()
    directory = tmp_path / "checkpoints"
    params = dict(epochs=5, checkpoint_dir=directory, validation_split=0.2)
    with pytest.raises(KeyboardInterrupt):
        tiny(FCNClassifier, **params, callbacks=[_Kill(after_epoch=1)]).fit(X, y)  # dies in epoch 2
    assert os.listdir(directory) == [CHECKPOINT_NAME]
    _Epochs.seen.clear()
    clf = tiny(FCNClassifier, **params, callbacks=[_Epochs()]).fit(X, y)
    assert _Epochs.seen == [2, 3, 4]  # resumed at epoch 3 (index 2), not from scratch
    assert clf.n_epochs_ == 5 and len(clf.history_["val_loss"]) == 5
    uninterrupted = tiny(FCNClassifier, epochs=5, validation_split=0.2).fit(X, y)
    assert clf.history_["loss"][:2] == uninterrupted.history_["loss"][:2]
    # A finished fit is not repeated; more epochs continue it.
    _Epochs.seen.clear()
    again = tiny(FCNClassifier, **params, callbacks=[_Epochs()]).fit(X, y)
    assert _Epochs.seen == [] and again.history_ == clf.history_
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))
    longer = tiny(FCNClassifier, **{**params, "epochs": 6}, callbacks=[_Epochs()]).fit(X, y)
    assert _Epochs.seen == [5] and longer.n_epochs_ == 6


def test_checkpoint_of_other_parameters_is_refused(tmp_path):
    X, y = waves()
    tiny(FCNClassifier, epochs=1, checkpoint_dir=tmp_path).fit(X, y)
    with pytest.raises(ValueError, match=re.escape(f"checkpoint_dir={str(tmp_path)!r} holds a checkpoint")):
        tiny(FCNClassifier, epochs=1, checkpoint_dir=tmp_path, learning_rate=0.01).fit(X, y)
    with pytest.raises(ValueError, match="of a fit with other parameters or data"):
        tiny(FCNClassifier, epochs=1, checkpoint_dir=tmp_path).fit(X[::-1], y[::-1])


def test_checkpoint_every_k_epochs(tmp_path, monkeypatch):
    from sigconv.estimators import _checkpoint

    written = []
    original = _checkpoint.write_checkpoint

    def spy(directory, **kwargs):
        written.append(kwargs["state"]["epoch"])
        return original(directory, **kwargs)

    monkeypatch.setattr(_checkpoint, "write_checkpoint", spy)
    X, y = waves()
    tiny(FCNClassifier, epochs=5, checkpoint_dir=tmp_path, checkpoint_every=2).fit(X, y)
    assert written == [2, 4, 5]  # every 2 epochs, and at the end


# a real data set --------------------------------------------------------------------------


@pytest.mark.slow
def test_fcn_reaches_published_accuracy_on_gunpoint():
    from sigconv.datasets import load_ucr

    X_train, y_train, X_test, y_test = load_ucr("GunPoint", data_home="/work/shared/data/ucr", download=False)
    clf = FCNClassifier(filters=(64, 128, 64), epochs=200, random_state=0)
    assert clf.fit(X_train, y_train).score(X_test, y_test) >= 0.9
