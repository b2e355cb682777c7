"""adapt(X): batch-normalization statistics re-estimated on a target domain (AdaBN)."""

import copy
import re

import keras
import numpy as np
import pytest
from sklearn.base import is_regressor
from sklearn.exceptions import NotFittedError

from sigconv.estimators import (
    FCNClassifier,
    ImageCNNClassifier,
    InceptionTimeClassifier,
    LSTMClassifier,
    ResNetClassifier,
    ResNetRegressor,
)
from sigconv.estimators._adapt import batch_normalization_layers


def _tones(n, rng):
    """Slow or fast tones of random phase in noise, 64 samples: a task a small FCN learns."""
    t = np.arange(64) / 64
    cycles = np.repeat([2.0, 6.0], n // 2)
    X = np.sin(2 * np.pi * cycles[:, None] * t + rng.uniform(0, 2 * np.pi, size=(n, 1)))
    X = X + 0.3 * rng.normal(size=(n, 64))
    return X[:, None, :].astype(np.float32), np.repeat(["slow", "fast"], n // 2)


@pytest.fixture(scope="module")
def tones():
    rng = np.random.default_rng(0)
    X, y = _tones(160, rng)
    X_test, y_test = _tones(200, rng)
    clf = FCNClassifier(filters=(16, 16), kernel_sizes=(7, 5), epochs=20, random_state=0).fit(X, y)
    return clf, X_test, y_test


def test_adapt_restores_accuracy_on_a_domain_of_another_gain_and_offset(tones):
    # Another sensor: a fifth of the gain and an offset. The convolutions are linear, so once
    # the first normalization follows the new statistics, the network sees what it was
    # trained on.
    clf, X_test, y_test = tones
    X_target = 0.2 * X_test - 2.0
    source = clf.score(X_test, y_test)
    before = clf.score(X_target, y_test)
    adapted = copy.deepcopy(clf)
    assert adapted.adapt(X_target) is adapted
    after = adapted.score(X_target, y_test)
    assert source >= 0.95
    assert before <= 0.6 < 0.95 <= after
    assert clf.score(X_target, y_test) == before  # the copy was adapted, not the original


def test_adapt_sets_each_layer_to_its_input_statistics(tones):
    # The oracle: the first BatchNormalization layer's inputs (the first convolution's
    # outputs, which no normalization precedes) over all target series, pooled across batches.
    clf, X_test, _ = tones
    X_target = 3.0 * X_test + 1.0
    adapted = copy.deepcopy(clf).adapt(X_target, batch_size=7)
    first = batch_normalization_layers(adapted.model_)[0]
    inputs = keras.Model(adapted.model_.inputs, first.input)([X_target.transpose(0, 2, 1)])
    inputs = keras.ops.convert_to_numpy(inputs).astype(np.float64).reshape(-1, first.input.shape[-1])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(first.moving_mean), inputs.mean(axis=0), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(first.moving_variance), inputs.var(axis=0), rtol=1e-4)
    # every layer moved, and the layers are left as they were (no batch statistics at predict)
    for layer, original in zip(batch_normalization_layers(adapted.model_), batch_normalization_layers(clf.model_)):
        assert not np.allclose(keras.ops.convert_to_numpy(layer.moving_mean),
                               keras.ops.convert_to_numpy(original.moving_mean))
        assert "call" not in layer.__dict__
    proba = adapted.predict_proba(X_target[:3])
    np.testing.assert_allclose(proba, adapted.predict_proba(X_target)[:3], rtol=1e-5)


@pytest.mark.parametrize("estimator", [
    ResNetClassifier(n_filters=2, n_blocks=1, kernel_sizes=(3,), epochs=1, random_state=0),
    InceptionTimeClassifier(ensemble_size=2, depth=1, n_filters=2, bottleneck_size=2, kernel_sizes=(3,),
                            epochs=1, random_state=0),
    ResNetRegressor(n_filters=2, n_blocks=1, kernel_sizes=(3,), epochs=1, random_state=0),
    pytest.param(ImageCNNClassifier(network="mobilenet_v2", alpha=0.35, image_size=16, epochs=1, random_state=0),
                 marks=pytest.mark.slow),
], ids=lambda e: type(e).__name__)
def test_adapt_every_estimator_with_batch_normalization(estimator):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(12, 1, 32)).astype(np.float32)
    y = rng.normal(size=12) if is_regressor(estimator) else np.arange(12) % 2
    estimator.fit(X, y)
    layers = batch_normalization_layers(estimator.model_)
    assert layers
    before = [keras.ops.convert_to_numpy(layer.moving_mean) for layer in layers]
    assert estimator.adapt(5.0 * X + 2.0) is estimator
    after = [keras.ops.convert_to_numpy(layer.moving_mean) for layer in layers]
    assert all(not np.allclose(a, b) for a, b in zip(after, before))
    assert np.all(np.isfinite(estimator.predict(X)))


def test_adapt_needs_batch_normalization_a_fitted_estimator_and_series():
    X = np.random.default_rng(2).normal(size=(8, 1, 16)).astype(np.float32)
    lstm = LSTMClassifier(units=(2,), epochs=1, random_state=0).fit(X, np.arange(8) % 2)
    with pytest.raises(TypeError, match=re.escape(
            "LSTMClassifier's network has no BatchNormalization layer, so adapt (AdaBN) has no "
            "statistics to re-estimate. Use an estimator whose network normalizes its batches (FCN, "
            "ResNet, InceptionTime, an ImageCNN backbone such as mobilenet_v2), or fit on labelled "
            "series of the target domain.")):
        lstm.adapt(X)
    with pytest.raises(NotFittedError):
        FCNClassifier().adapt(X)
    fcn = FCNClassifier(filters=(2,), kernel_sizes=(3,), epochs=1, random_state=0).fit(X, np.arange(8) % 2)
    with pytest.raises(ValueError, match=re.escape("batch_size must be an int >= 1; got batch_size=0")):
        fcn.adapt(X, batch_size=0)
    with pytest.raises(ValueError, match=re.escape(
            "X must hold at least 2 series to estimate statistics from; got 1. Pass the unlabelled "
            "series of the target domain (hundreds of windows, as many as there are).")):
        fcn.adapt(X[:1])
    with pytest.raises(ValueError, match="expecting 16 features"):
        fcn.adapt(X[:, :, :8])
