"""Serialization of the networks (.keras files, model configs) and a tiny training run."""

import keras
import numpy as np
import pytest

from sigconv.networks import (
    GLU,
    Maxout,
    add_classification_head,
    add_forecasting_head,
    add_regression_head,
    build_network,
)

# One tiny configuration per builder, covering the custom layers.
CASES = {
    "fcn_glu": ("fcn", 2, dict(filters=(2, 3), kernel_sizes=(3, 3), activation="glu")),
    "resnet_maxout": (
        "resnet",
        1,
        dict(n_filters=2, n_blocks=2, kernel_sizes=(3, 3), activation=Maxout(n_pieces=3)),
    ),
    "inception_time": ("inception_time", 2, dict(depth=3, n_filters=2, bottleneck_size=2, kernel_sizes=(5, 3))),
    "wavenet": ("wavenet", 1, dict(n_filters=2, n_layers_per_stack=2, n_stacks=1)),
    "lstm": ("lstm", 2, dict(units=(2, 3), bidirectional=True, mask_value=0.0, return_sequences=True)),
    "convnet": (
        "convnet",
        2,
        dict(conv_filters=(2, 3), dense_units=(4,), activation=keras.layers.LeakyReLU(negative_slope=0.2)),
    ),
}

HEADS = {
    "fcn_glu": lambda m: add_classification_head(m, 3, pooling="max"),
    "resnet_maxout": lambda m: m,
    "inception_time": lambda m: add_regression_head(m, 2),
    "wavenet": lambda m: add_forecasting_head(m, 1),
    "lstm": lambda m: add_classification_head(m, 2, pooling="max"),
    "convnet": lambda m: add_classification_head(m, 2, dropout=0.3),
}


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _build(case):
    network, n_channels, params = CASES[case]
    keras.utils.set_random_seed(0)
    model = HEADS[case](build_network(network, 16, n_channels, **params))
    x = np.random.default_rng(1).normal(size=(2, 16, n_channels)).astype("float32")
    x[1, 12:] = 0.0  # padding for the masked LSTM
    return model, x


@pytest.mark.parametrize("case", sorted(CASES))
def test_keras_file_round_trip(case, tmp_path):
    model, x = _build(case)
    path = tmp_path / f"{case}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.name == model.name
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    np.testing.assert_allclose(_np(loaded(x)), _np(model(x)), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("case", sorted(CASES))
def test_model_config_round_trip(case):
    model, x = _build(case)
    clone = keras.Model.from_config(model.get_config())
    assert [layer.get_config() for layer in clone.layers] == [layer.get_config() for layer in model.layers]
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(_np(clone(x)), _np(model(x)), rtol=1e-6, atol=1e-6)


def test_custom_layers_round_trip_through_serialize():
    for layer in (GLU(axis=-1, name="g"), Maxout(n_pieces=4, name="m")):
        restored = keras.layers.deserialize(keras.layers.serialize(layer))
        assert type(restored) is type(layer) and restored.get_config() == layer.get_config()


def test_tiny_fit_reduces_loss():
    # Two classes told apart by the sign of a bump: a few epochs of an FCN must learn it.
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    y = np.arange(32) % 2
    t = np.linspace(-1, 1, 24)
    x = (np.where(y[:, None] == 1, 1.0, -1.0) * np.exp(-10 * t**2)[None] + 0.3 * rng.normal(size=(32, 24)))
    x = x[..., None].astype("float32")
    model = add_classification_head(build_network("fcn", 24, 1, filters=(4, 4), kernel_sizes=(5, 3)), 2)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
