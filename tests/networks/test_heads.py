"""Tests of the task heads and of the registry of sigconv.networks."""

import inspect
import re

import keras
import numpy as np
import pytest

from sigconv.networks import (
    NETWORKS,
    MaskedGlobalMaxPooling1D,
    add_classification_head,
    add_forecasting_head,
    add_regression_head,
    build_fcn,
    build_lstm,
    build_network,
    build_wavenet,
    get_network_params,
)


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _random(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _tiny_fcn(n_timepoints=None, n_channels=2, name="fcn"):
    return build_fcn(n_timepoints, n_channels, filters=(3, 4), kernel_sizes=(3, 3), name=name)


@pytest.mark.parametrize("n_classes", [2, 5])
def test_classification_head_softmax(n_classes):
    model = add_classification_head(_tiny_fcn(), n_classes, dropout=0.5)
    assert model.name == "fcn_classifier"
    out = _np(model(_random((3, 20, 2))))
    assert out.shape == (3, n_classes)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)
    assert np.all(out > 0)
    assert {"fcn_classifier_pool", "fcn_classifier_dropout", "fcn_classifier_logits"} <= {
        layer.name for layer in model.layers
    }


@pytest.mark.parametrize("pooling, reduce", [("avg", np.mean), ("max", np.max)])
def test_classification_head_pools_the_feature_map(pooling, reduce):
    backbone = _tiny_fcn()
    model = add_classification_head(backbone, 3, pooling=pooling)
    x = _random((2, 12, 2))
    features = reduce(_np(backbone(x)), axis=1)
    dense = model.get_layer("fcn_classifier_logits")
    kernel, bias = dense.get_weights()
    logits = features @ kernel + bias
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(_np(model(x)), expected, rtol=1e-5, atol=1e-6)


def test_head_shares_backbone_layers():
    backbone = _tiny_fcn()
    model = add_classification_head(backbone, 2)
    assert model.get_layer("fcn_block1_act") is backbone.get_layer("fcn_block1_act")
    # a class activation map reads the last feature map through the head model
    cam = keras.Model(model.input, [model.get_layer("fcn_block1_act").output, model.output])
    feature_map, probabilities = cam(_random((1, 9, 2)))
    assert tuple(feature_map.shape) == (1, 9, 4) and tuple(probabilities.shape) == (1, 2)


def test_classification_head_on_2d_backbone():
    model = add_classification_head(build_lstm(10, 1, units=(4,)), 3)
    assert not any(layer.name.endswith("_pool") for layer in model.layers)
    assert _np(model(_random((2, 10, 1)))).shape == (2, 3)


def test_regression_head():
    backbone = _tiny_fcn()
    model = add_regression_head(backbone, 2, pooling="max", name="reg")
    assert model.name == "reg"
    x = _random((4, 11, 2))
    kernel, bias = model.get_layer("reg_dense").get_weights()
    expected = _np(backbone(x)).max(axis=1) @ kernel + bias  # linear output, no activation
    np.testing.assert_allclose(_np(model(x)), expected, rtol=1e-5, atol=1e-6)
    default = add_regression_head(build_lstm(10, 1, units=(2,)), 1)
    assert default.name == "lstm_regressor"


def test_forecasting_head_keeps_time_and_causality():
    keras.utils.set_random_seed(0)
    backbone = build_wavenet(None, 2, n_filters=3, n_layers_per_stack=2, n_stacks=1)
    model = add_forecasting_head(backbone, 2)
    assert model.name == "wavenet_forecaster"
    x = _random((1, 15, 2))
    out = _np(model(x))
    assert out.shape == (1, 15, 2)
    changed = x.copy()
    changed[:, 7] = -5.0
    np.testing.assert_array_equal(out[:, :7], _np(model(changed))[:, :7])


def test_masked_global_max_pooling():
    layer = MaskedGlobalMaxPooling1D()
    x = np.array([[[1.0, -4.0], [3.0, -2.0], [9.0, 5.0]], [[-1.0, 2.0], [0.0, 0.0], [0.0, 0.0]]], "float32")
    mask = np.array([[True, True, False], [False, False, False]])
    np.testing.assert_array_equal(_np(layer(x, mask=mask)), [[3.0, -2.0], [0.0, 0.0]])
    np.testing.assert_array_equal(_np(layer(x)), x.max(axis=1))


def test_head_validation():
    backbone = _tiny_fcn()
    msg = "n_classes must be an int >= 2; got n_classes=1. Binary problems use a two-class softmax."
    with pytest.raises(ValueError, match=re.escape(msg)):
        add_classification_head(backbone, 1)
    with pytest.raises(ValueError, match=re.escape("pooling must be one of {'avg', 'max'}; got pooling='mean'.")):
        add_classification_head(backbone, 2, pooling="mean")
    with pytest.raises(TypeError, match=re.escape(
        "add_regression_head needs a keras.Model backbone (e.g. from sigconv.networks.build_network); "
        "got backbone='fcn'."
    )):
        add_regression_head("fcn", 1)
    msg = (
        "add_forecasting_head needs a backbone output with a time axis, of shape (batch, time, channels); "
        "got a backbone output of shape (None, 3). For an LSTM, build it with return_sequences=True."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        add_forecasting_head(build_lstm(10, 1, units=(3,)), 1)


# -- registry --------------------------------------------------------------------------------


def test_registry_lists_every_builder():
    assert sorted(NETWORKS) == ["convnet", "fcn", "inception_time", "lstm", "resnet", "wavenet"]
    for name, builder in NETWORKS.items():
        assert builder.__name__ == f"build_{name}"
        assert get_network_params(name)["name"] == name
    with pytest.raises(TypeError):
        NETWORKS["mine"] = build_fcn


@pytest.mark.parametrize("network", sorted(NETWORKS))
def test_get_network_params_matches_signature(network):
    params = get_network_params(network)
    signature = inspect.signature(NETWORKS[network])
    assert list(signature.parameters)[:2] == ["n_timepoints", "n_channels"]
    assert list(params) == list(signature.parameters)[2:]
    assert all(params[key] == signature.parameters[key].default for key in params)


def test_build_network_passes_params():
    model = build_network("fcn", 30, 2, filters=(2, 3), kernel_sizes=(3, 3), name="my_fcn")
    assert model.name == "my_fcn" and tuple(model.output.shape) == (None, 30, 3)
    lstm = build_network("lstm", None, 1, units=(2,), bidirectional=True)
    assert tuple(lstm.output.shape) == (None, 4)


def test_build_network_unknown_name():
    msg = (
        "network must be one of {'convnet', 'fcn', 'inception_time', 'lstm', 'resnet', "
        "'wavenet'}; got network='FCN'."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        build_network("FCN", 30, 1)


def test_build_network_unknown_params():
    msg = (
        "build_fcn has no parameter 'filter', 'n_filters'; got params={'filter': (2,), 'n_filters': 3}. "
        "Valid parameters: 'filters', 'kernel_sizes', 'activation', 'name'."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        build_network("fcn", 30, 1, filter=(2,), n_filters=3)
