"""weights= a fitted sigconv estimator or its .sigconv file: body copied, head rebuilt, bad input."""

import json
import re
import zipfile

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from sigconv.estimators import (
    FCNClassifier,
    FCNRegressor,
    ImageCNNClassifier,
    LSTMClassifier,
    ResNetClassifier,
    load,
)

TINY = {"filters": (4, 4), "kernel_sizes": (3, 3), "epochs": 1, "random_state": 0}
IMAGE = {"network": "convnet", "image_size": 16, "conv_filters": (4,), "dense_units": (4,), "epochs": 1,
         "random_state": 0}
BACKBONE = {"network": "mobilenet_v2", "alpha": 0.35, "image_size": 32, "epochs": 1, "random_state": 0}


class _AtTrainBegin(keras.callbacks.Callback):
    """Records a layer's weights when training begins (class attribute: callbacks are deep-copied)."""

    layer = None
    seen = []

    def on_train_begin(self, logs=None):
        _AtTrainBegin.seen.append([np.array(w) for w in self.model.get_layer(self.layer).get_weights()])


def _recorder(layer):
    _AtTrainBegin.layer = layer
    _AtTrainBegin.seen = []
    return [_AtTrainBegin()]


def _data(n_samples, n_timepoints, n_classes, n_channels=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_channels, n_timepoints)).astype("float32")
    return X, np.arange(n_samples) % n_classes


@pytest.fixture(scope="module")
def fcn_source():
    return FCNClassifier(**TINY).fit(*_data(16, 40, 2))


@pytest.fixture(scope="module")
def image_source():
    return ImageCNNClassifier(**IMAGE).fit(*_data(8, 16, 2))


def _assert_same_weights(actual, expected):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        np.testing.assert_array_equal(a, e)


def test_1d_body_copied_head_rebuilt_for_other_classes_and_length(fcn_source):
    X, y = _data(12, 30, 3, seed=1)  # 3 classes, shorter series: global pooling takes any length
    est = FCNClassifier(**TINY, weights=fcn_source, callbacks=_recorder("fcn_block1_conv")).fit(X, y)
    _assert_same_weights(_AtTrainBegin.seen[0], fcn_source.model_.get_layer("fcn_block1_conv").get_weights())
    assert est.model_.get_layer("fcn_classifier_logits").get_weights()[0].shape == (4, 3)
    assert est.predict_proba(X).shape == (12, 3)
    # trained after the copy: the whole network trains by default
    assert not np.array_equal(est.model_.get_layer("fcn_block1_conv").get_weights()[0], _AtTrainBegin.seen[0][0])


def test_regressor_starts_from_classifier(fcn_source):
    X, _ = _data(10, 40, 2, seed=2)
    est = FCNRegressor(**TINY, weights=fcn_source, callbacks=_recorder("fcn_block0_conv"))
    est.fit(X, np.linspace(0, 1, 10))
    _assert_same_weights(_AtTrainBegin.seen[0], fcn_source.model_.get_layer("fcn_block0_conv").get_weights())
    assert est.predict(X).shape == (10,)


def test_lstm_body_copied():
    source = LSTMClassifier(units=(4,), epochs=1, random_state=0).fit(*_data(10, 20, 2))
    layer = next(layer.name for layer in source.model_.layers if layer.weights)
    LSTMClassifier(units=(4,), epochs=1, random_state=0, weights=source, callbacks=_recorder(layer)).fit(
        *_data(9, 25, 3, seed=1))
    _assert_same_weights(_AtTrainBegin.seen[0], source.model_.get_layer(layer).get_weights())


def test_sigconv_file_as_weights(fcn_source, tmp_path):
    path = tmp_path / "source.sigconv"
    fcn_source.save(path)
    est = FCNClassifier(**TINY, weights=str(path), callbacks=_recorder("fcn_block0_conv")).fit(*_data(8, 40, 2))
    _assert_same_weights(_AtTrainBegin.seen[0], fcn_source.model_.get_layer("fcn_block0_conv").get_weights())
    # a path is saved as it is
    est.save(tmp_path / "target.sigconv")
    assert load(tmp_path / "target.sigconv").weights == str(path)


def test_clone_keeps_the_fitted_source(fcn_source):
    est = FCNClassifier(**TINY, weights=fcn_source)
    cloned = clone(est)
    assert cloned.weights is fcn_source
    assert cloned.get_params()["filters"] == (4, 4)
    cloned.fit(*_data(8, 40, 2))  # a clone of the source would be unfitted and raise


def test_save_writes_none_for_an_estimator_source(fcn_source, tmp_path):
    est = FCNClassifier(**TINY, weights=fcn_source).fit(*_data(8, 40, 2))
    path = tmp_path / "target.sigconv"
    est.save(path)
    loaded = load(path)
    assert loaded.weights is None
    np.testing.assert_array_equal(loaded.predict_proba(_data(4, 40, 2)[0]), est.predict_proba(_data(4, 40, 2)[0]))
    with zipfile.ZipFile(path) as archive:
        notes = json.loads(archive.read("estimator.json"))["notes"]
    assert notes == ["weights was a fitted FCNClassifier, saved as None"]


@pytest.mark.slow  # a MobileNetV2 fit, twice: about a minute on a shared CPU
def test_image_body_copied_and_frozen_keeps_it():
    source = ImageCNNClassifier(**BACKBONE).fit(*_data(12, 24, 2))
    layer = "Conv1"  # the backbone's first convolution
    X, y = _data(9, 24, 3, seed=1)
    est = ImageCNNClassifier(**BACKBONE, weights=source, fine_tuning="frozen", callbacks=_recorder(layer))
    est.fit(X, y)
    expected = source.model_.get_layer(layer).get_weights()
    _assert_same_weights(_AtTrainBegin.seen[0], expected)
    _assert_same_weights(est.model_.get_layer(layer).get_weights(), expected)
    assert est.predict_proba(X).shape == (9, 3)


def test_image_convnet_body_copied_head_rebuilt(image_source):
    layer = next(layer.name for layer in image_source.model_.layers if isinstance(layer, keras.layers.Conv2D))
    est = ImageCNNClassifier(**IMAGE, weights=image_source, callbacks=_recorder(layer)).fit(*_data(9, 16, 3))
    _assert_same_weights(_AtTrainBegin.seen[0], image_source.model_.get_layer(layer).get_weights())
    assert est.predict_proba(_data(9, 16, 3)[0]).shape == (9, 3)


# bad input ------------------------------------------------------------------------------


def test_weights_of_another_type(fcn_source):
    X, y = _data(8, 40, 2)
    with pytest.raises(TypeError, match=re.escape(
        "weights must be None, the path of a .sigconv file or a fitted sigconv estimator; got weights=3 (int). "
        "Pass a fitted estimator, or the path of the file its save(path) wrote."
    )):
        FCNClassifier(**TINY, weights=3).fit(X, y)
    with pytest.raises(TypeError, match=re.escape(
        "weights must be None, 'imagenet', the path of a .weights.h5 file, the path of a .sigconv file or a "
        "fitted sigconv estimator; got weights=[1] (list)."
    )):
        ImageCNNClassifier(**BACKBONE, weights=[1]).fit(X, y)
    with pytest.raises(TypeError, match=re.escape(
        "weights must be None, the path of a .sigconv file or a fitted sigconv estimator; got a "
        "LogisticRegression, which has no sigconv network. Pass a fitted sigconv deep estimator "
        "(FCNClassifier, ResNetClassifier, ...)."
    )):
        FCNClassifier(**TINY, weights=LogisticRegression()).fit(X, y)


def test_weights_path_that_is_not_a_sigconv_file(tmp_path):
    X, y = _data(8, 40, 2)
    with pytest.raises(ValueError, match=re.escape(
        "weights must be None, the path of a .sigconv file or a fitted sigconv estimator; got "
        "weights='model.h5'. Pass the path of a file written by a fitted estimator's save(path) "
        "(it ends in '.sigconv')."
    )):
        FCNClassifier(**TINY, weights="model.h5").fit(X, y)
    missing = str(tmp_path / "missing.sigconv")
    with pytest.raises(FileNotFoundError, match=re.escape(
        f"weights must be the path of an existing .sigconv file; {missing!r} does not exist."
    )):
        FCNClassifier(**TINY, weights=missing).fit(X, y)


def test_weights_unfitted_estimator():
    with pytest.raises(ValueError, match=re.escape(
        "weights=FCNClassifier(...) is not fitted: FCNClassifier starts from the trained network of a "
        "fitted estimator. Fit it first, or pass the path of its saved .sigconv file."
    )):
        FCNClassifier(**TINY, weights=FCNClassifier()).fit(*_data(8, 40, 2))


def test_weights_of_another_network(fcn_source):
    with pytest.raises(ValueError, match=re.escape(
        "weights is a FCNClassifier, whose network ('fcn') is not ResNetClassifier's ('resnet'); the body "
        "of a network is copied only into the same network."
    )):
        ResNetClassifier(epochs=1, weights=fcn_source).fit(*_data(8, 40, 2))


def test_weights_of_other_parameters(fcn_source, image_source):
    with pytest.raises(ValueError, match=re.escape(
        "weights: the source FCNClassifier was built with filters=(4, 4), this FCNClassifier with "
        "filters=(4, 8); the network body is copied only between the same architecture. Set "
        "filters=(4, 4), or use weights=None."
    )):
        FCNClassifier(**{**TINY, "filters": (4, 8)}, weights=fcn_source).fit(*_data(8, 40, 2))
    with pytest.raises(ValueError, match=re.escape(
        "weights: the source ImageCNNClassifier was built with image_size=16, this ImageCNNClassifier "
        "with image_size=24;"
    )):
        ImageCNNClassifier(**{**IMAGE, "image_size": 24}, weights=image_source).fit(*_data(8, 16, 2))


@pytest.mark.parametrize("image", [False, True])
def test_weights_with_other_channels(fcn_source, image_source, image):
    est = (ImageCNNClassifier(**IMAGE, weights=image_source) if image
           else FCNClassifier(**TINY, weights=fcn_source))
    name = type(est).__name__
    with pytest.raises(ValueError, match=re.escape(
        f"weights: the source {name} was fitted on series with 1 channel(s); X has 3. Its first layer takes "
        "1 channel(s): pass series with that many channels (select or average channels), or use weights=None."
    )):
        est.fit(*_data(8, 16, 2, n_channels=3))


def test_weights_layer_of_another_shape(fcn_source):
    # same parameters, but a layer changed by hand: the copy names the layer and both shapes
    source = FCNClassifier(**TINY).fit(*_data(8, 40, 2))
    source.filters = (4, 4)
    est = FCNClassifier(**TINY, weights=source)
    source.kernel_sizes = est.kernel_sizes = (5, 3)
    with pytest.raises(ValueError, match=re.escape(
        "weights: layer 'fcn_block0_conv' has weights of shapes [(3, 1, 4), (4,)] in the source estimator's "
        "network and [(5, 1, 4), (4,)] here."
    )):
        est.fit(*_data(8, 40, 2))
