"""Tests of sigconv.networks.activations: GLU, Maxout, get_activation."""

import inspect
import re

import keras
import numpy as np
import pytest

from sigconv.networks import (
    ACTIVATIONS,
    GLU,
    MaskedGlobalMaxPooling1D,
    Maxout,
    activation_channel_factor,
    get_activation,
)


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def test_glu_matches_numpy():
    x = np.random.default_rng(0).normal(size=(2, 5, 6)).astype("float32")
    expected = x[..., :3] * _sigmoid(x[..., 3:])
    np.testing.assert_allclose(_np(GLU()(x)), expected, rtol=1e-5, atol=1e-6)


def test_glu_other_axis():
    x = np.random.default_rng(1).normal(size=(2, 4, 3)).astype("float32")
    expected = x[:, :2] * _sigmoid(x[:, 2:])
    np.testing.assert_allclose(_np(GLU(axis=1)(x)), expected, rtol=1e-5, atol=1e-6)


def test_maxout_matches_numpy():
    x = np.random.default_rng(2).normal(size=(2, 5, 6)).astype("float32")
    # unit j is the max over channels j*k .. j*k + k - 1
    expected = np.stack([x[..., 3 * j : 3 * j + 3].max(axis=-1) for j in range(2)], axis=-1)
    np.testing.assert_allclose(_np(Maxout(n_pieces=3)(x)), expected)


def test_maxout_other_axis():
    x = np.random.default_rng(3).normal(size=(2, 4, 3)).astype("float32")
    # units along axis 1: max(x[:, 0], x[:, 1]) and max(x[:, 2], x[:, 3])
    expected = np.maximum(x[:, [0, 2]], x[:, [1, 3]])
    np.testing.assert_allclose(_np(Maxout(n_pieces=2, axis=1)(x)), expected)


def test_maxout_inside_model_with_variable_length():
    inputs = keras.Input((None, 4))
    model = keras.Model(inputs, Maxout()(inputs))
    x = np.arange(2 * 7 * 4, dtype="float32").reshape(2, 7, 4)
    out = model.predict(x, verbose=0)  # traced with an unknown time axis
    np.testing.assert_array_equal(out, np.maximum(x[..., 0::2], x[..., 1::2]))


def test_glu_refuses_odd_channels():
    msg = "GLU layer 'g' splits axis -1 in two halves, so its size must be even; got input_shape=(None, 10, 5)."
    with pytest.raises(ValueError, match=re.escape(msg)):
        GLU(name="g")(keras.Input((10, 5)))


def test_maxout_refuses_indivisible_channels():
    msg = (
        "Maxout layer 'm' needs the size of axis -1 to be a multiple of n_pieces=3; "
        "got input_shape=(None, 10, 4)."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        Maxout(n_pieces=3, name="m")(keras.Input((10, 4)))


def test_maxout_checks_n_pieces():
    with pytest.raises(ValueError, match=re.escape("n_pieces must be an int >= 1; got n_pieces=0.")):
        Maxout(n_pieces=0)


@pytest.mark.parametrize("cls", [GLU, Maxout, MaskedGlobalMaxPooling1D])
def test_get_config_has_every_constructor_argument(cls):
    config = cls().get_config()
    arguments = set(inspect.signature(cls.__init__).parameters) - {"self", "kwargs"}
    assert arguments <= set(config)


@pytest.mark.parametrize("layer", [GLU(axis=1, name="g"), Maxout(n_pieces=3, axis=2, name="m")])
def test_get_config_round_trip(layer):
    clone = layer.__class__.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


def test_custom_layers_are_registered():
    for cls in (GLU, Maxout, MaskedGlobalMaxPooling1D):
        assert keras.saving.get_registered_object(f"sigconv>{cls.__name__}") is cls


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_get_activation_names(name):
    layer = get_activation(name, name=f"act_{name}")
    assert isinstance(layer, keras.layers.Layer)
    assert layer.name == f"act_{name}"
    x = np.random.default_rng(4).normal(size=(2, 3, 4)).astype("float32")
    out = _np(layer(x))
    assert out.shape == (2, 3, 4 // activation_channel_factor(name))


def test_get_activation_values():
    x = np.array([[-2.0, -0.5, 0.0, 1.5]], dtype="float32")
    np.testing.assert_allclose(_np(get_activation("relu")(x)), np.maximum(x, 0))
    np.testing.assert_allclose(_np(get_activation("leaky_relu")(x)), np.where(x > 0, x, 0.3 * x), rtol=1e-6)
    np.testing.assert_allclose(_np(get_activation("linear")(x)), x)


def test_layer_template_is_copied_with_its_config():
    template = keras.layers.LeakyReLU(negative_slope=0.1, name="template")
    first = get_activation(template, name="a")
    second = get_activation(template, name="b")
    assert first is not template and first is not second
    assert (first.name, second.name) == ("a", "b")
    x = np.array([[-1.0, 2.0]], dtype="float32")
    np.testing.assert_allclose(_np(first(x)), [[-0.1, 2.0]], rtol=1e-6)


def test_channel_factor():
    assert activation_channel_factor("gelu") == 1
    assert activation_channel_factor("glu") == 2
    assert activation_channel_factor("maxout") == 2
    assert activation_channel_factor(Maxout(n_pieces=4)) == 4
    assert activation_channel_factor(keras.layers.LeakyReLU()) == 1


def test_channel_factor_refuses_other_axis():
    msg = (
        "Network builders apply activations on the channel axis (-1); a GLU template on another "
        "axis would reduce a different axis; got activation=GLU(axis=1)."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        activation_channel_factor(GLU(axis=1))


def test_unknown_activation():
    msg = "or a keras.layers.Layer instance (a template, e.g. keras.layers.LeakyReLU(negative_slope=0.1)); got activation='rellu'."
    with pytest.raises(ValueError, match=re.escape(msg)) as info:
        get_activation("rellu")
    assert "'leaky_relu'" in str(info.value) and "keras.layers.Layer instance" in str(info.value)
