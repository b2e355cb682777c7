"""sigconv.layers: the Keras layers against the transformers, serialization, errors, batching.

Runs on the current Keras backend (TensorFlow by default; the file also
passes with KERAS_BACKEND=jax and KERAS_BACKEND=torch).
"""

import inspect
import re

import keras
import numpy as np
import pytest

import sigconv.layers as L
import sigconv.transformers as T
from sigconv.functional import paa, resize_image

RNG = np.random.default_rng(0)
SERIES = RNG.normal(size=(4, 2, 200)).astype(np.float32).cumsum(axis=-1)  # random walks, 2 channels


def _numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def _keras_input(X):
    """(n, c, t) series in the layers' channel-last layout (n, t, c)."""
    return np.ascontiguousarray(np.asarray(X, dtype=np.float32).transpose(0, 2, 1))


def _assert_matches(layer, transformer, X, rtol=2e-5):
    expected = transformer.fit_transform(X)
    got = _numpy(layer(_keras_input(X)))
    assert got.shape == expected.shape
    assert got.dtype == np.float32
    scale = max(1.0, float(np.max(np.abs(expected))))
    np.testing.assert_allclose(got, expected, rtol=0, atol=rtol * scale)
    assert tuple(layer.compute_output_shape((None, X.shape[2], X.shape[1]))[1:]) == expected.shape[1:]


# name: (layer class, transformer class, parameter sets)
CASES = {
    "gaf": (
        L.GramianAngularField,
        T.GramianAngularField,
        [{}, {"method": "difference"}, {"image_size": 32}, {"image_size": 300, "method": "difference"},
         {"image_size": 20, "sample_range": (0.0, 1.0)}],
    ),
    "mtf": (
        L.MarkovTransitionField,
        T.MarkovTransitionField,
        [{}, {"n_bins": 3, "image_size": 24}, {"strategy": "uniform", "image_size": 50},
         {"strategy": "normal", "n_bins": 8}, {"image_size": 250}],
    ),
    "rp": (
        L.RecurrencePlot,
        T.RecurrencePlot,
        [{}, {"dimension": 3, "time_delay": 4}, {"image_size": 40, "dimension": 2},
         {"threshold": "absolute", "epsilon": 2.0}, {"threshold": "point", "percentage": 20.0, "image_size": 30},
         {"threshold": "point", "percentage": 50.0}, {"threshold": "distance", "percentage": 25.0, "image_size": 48}],
    ),
    "spectrogram": (
        L.Spectrogram,
        T.Spectrogram,
        [{"n_fft": 64}, {"n_fft": 32, "hop_length": 7, "win_length": 20, "window": ("kaiser", 8.0)},
         {"n_fft": 64, "db": True, "ref": "max", "image_size": (12, 10)},
         {"n_fft": 50, "power": 1.0, "db": True, "pad_mode": "reflect", "top_db": None},
         {"n_fft": 64, "center": False, "power": 1.5}, {"n_fft": 64, "pad_mode": "edge", "image_size": 16},
         {"n_fft": 64, "pad_mode": "symmetric", "db": True}],
    ),
    "mel": (
        L.MelSpectrogram,
        T.MelSpectrogram,
        [{"sr": 8000, "n_fft": 64, "n_mels": 16}, {"sr": 8000, "n_fft": 64, "n_mels": 20, "db": True, "htk": True,
         "fmin": 100.0, "fmax": 3000.0, "norm": None, "image_size": 16}],
    ),
    "mfcc": (
        L.MFCC,
        T.MFCC,
        [{"sr": 8000, "n_fft": 64, "n_mels": 20, "n_mfcc": 12},
         {"sr": 8000, "n_fft": 64, "hop_length": 8, "n_mels": 24, "n_mfcc": 10, "deltas": 2, "lifter": 22.0,
          "delta_width": 5},
         {"sr": 8000, "n_fft": 64, "hop_length": 16, "n_mels": 20, "n_mfcc": 20, "dct_type": 3, "norm": None,
          "deltas": 1, "image_size": 8}],
    ),
}
PARAMS = [(name, i) for name, (_, _, sets) in CASES.items() for i in range(len(sets))]


@pytest.mark.parametrize("name, index", PARAMS)
def test_layer_matches_transformer_on_random_walks(name, index):
    layer_cls, transformer_cls, sets = CASES[name]
    params = sets[index]
    # dB images span 80 dB and MFCC sums them: an absolute float32 tolerance on their scale
    rtol = 1e-4 if params.get("db") or name == "mfcc" else 2e-5
    _assert_matches(layer_cls(**params), transformer_cls(**params), SERIES, rtol=rtol)


STRUCTURED = {
    "sine": np.sin(np.linspace(0, 12 * np.pi, 128))[None, None],
    "ties": np.round(RNG.normal(size=(3, 1, 128)) * 2),  # repeated values: tied quantiles
    "constant": np.full((2, 1, 128), 3.5),
    "zeros": np.zeros((2, 1, 128)),
    "noise_3_channels": RNG.normal(size=(2, 3, 128)),
}


@pytest.mark.parametrize("series", list(STRUCTURED))
@pytest.mark.parametrize(
    "layer_cls, transformer_cls, params",
    [
        (L.GramianAngularField, T.GramianAngularField, {"image_size": 16}),
        (L.GramianAngularField, T.GramianAngularField, {"method": "difference"}),
        (L.MarkovTransitionField, T.MarkovTransitionField, {"n_bins": 4}),
        (L.MarkovTransitionField, T.MarkovTransitionField, {"n_bins": 6, "image_size": 20}),
        (L.MarkovTransitionField, T.MarkovTransitionField, {"strategy": "uniform", "image_size": 32}),
        (L.RecurrencePlot, T.RecurrencePlot, {"threshold": "point", "percentage": 30.0}),
        (L.RecurrencePlot, T.RecurrencePlot, {"dimension": 2, "threshold": "absolute", "epsilon": 0.5}),
        (L.Spectrogram, T.Spectrogram, {"n_fft": 32, "db": True}),
        (L.MFCC, T.MFCC, {"sr": 1000, "n_fft": 32, "n_mels": 12, "n_mfcc": 8}),
    ],
)
def test_layer_matches_transformer_on_structured_series(series, layer_cls, transformer_cls, params):
    X = STRUCTURED[series].astype(np.float32)
    rtol = 1e-4 if layer_cls in (L.Spectrogram, L.MFCC) else 2e-5
    _assert_matches(layer_cls(**params), transformer_cls(**params), X, rtol=rtol)


def test_documented_edge_cases():
    constant = np.full((1, 50, 1), 2.0, dtype=np.float32)
    np.testing.assert_array_equal(_numpy(L.GramianAngularField()(constant)), 1.0)
    np.testing.assert_array_equal(_numpy(L.GramianAngularField(method="difference")(constant)), 0.0)
    np.testing.assert_array_equal(_numpy(L.MarkovTransitionField()(constant)), 1.0)
    np.testing.assert_array_equal(_numpy(L.RecurrencePlot()(constant)), 0.0)
    zeros = np.zeros((1, 64, 1), dtype=np.float32)
    np.testing.assert_allclose(_numpy(L.Spectrogram(n_fft=16, db=True, top_db=None)(zeros)), -100.0, atol=1e-4)
    one = np.ones((2, 1, 1), dtype=np.float32)  # series of length 1
    np.testing.assert_array_equal(_numpy(L.GramianAngularField()(one)), np.ones((2, 1, 1, 1)))
    np.testing.assert_array_equal(_numpy(L.RecurrencePlot()(one)), np.zeros((2, 1, 1, 1)))


def test_percentile_threshold_ties_match_transformer():
    # integer series: many equal distances, so percentiles fall on tied order statistics
    X = np.round(RNG.normal(size=(6, 1, 60)) * 3).astype(np.float32)
    for percentage in (5.0, 10.0, 33.3, 50.0, 100.0):
        params = {"threshold": "point", "percentage": percentage}
        _assert_matches(L.RecurrencePlot(**params), T.RecurrencePlot(**params), X)


def test_image_stack_matches_transformer():
    layer = L.ImageStack([
        L.GramianAngularField(image_size=16),
        L.GramianAngularField(method="difference", image_size=16),
        L.MarkovTransitionField(image_size=16),
        L.RecurrencePlot(image_size=16),
    ])
    transformer = T.ImageStack([
        ("gasf", T.GramianAngularField(image_size=16)),
        ("gadf", T.GramianAngularField(method="difference", image_size=16)),
        ("mtf", T.MarkovTransitionField(image_size=16)),
        ("rp", T.RecurrencePlot(image_size=16)),
    ])
    _assert_matches(layer, transformer, SERIES)


def test_resize_matches_paa_and_resize_image():
    series = _keras_input(SERIES)
    for n_out in (50, 200, 333):
        got = _numpy(L.Resize(n_out)(series))
        np.testing.assert_allclose(got, paa(SERIES, n_out).transpose(0, 2, 1), rtol=1e-5, atol=1e-4)
    images = RNG.normal(size=(3, 20, 30, 2)).astype(np.float32)
    for size in (10, (40, 12), (20, 45)):
        expected = resize_image(images.transpose(0, 3, 1, 2), size).transpose(0, 2, 3, 1)
        got = _numpy(L.Resize(size)(images))
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
        assert tuple(L.Resize(size).compute_output_shape(images.shape)) == got.shape


# --------------------------------------------------------------------------------------
# Serialization
# --------------------------------------------------------------------------------------

CONFIG_CASES = [
    L.GramianAngularField(method="difference", image_size=16, sample_range=(0.0, 1.0)),
    L.MarkovTransitionField(n_bins=4, strategy="uniform", image_size=16),
    L.RecurrencePlot(dimension=2, time_delay=3, threshold="absolute", epsilon=1.5, image_size=16),
    L.Spectrogram(n_fft=32, hop_length=8, window=("kaiser", 8.0), db=True, ref="max", image_size=(16, 16)),
    L.MelSpectrogram(sr=8000, n_fft=32, n_mels=16, db=True, image_size=16),
    L.MFCC(sr=8000, n_fft=32, n_mels=16, n_mfcc=8, deltas=2, delta_width=3, image_size=16),
]


@pytest.mark.parametrize("layer", CONFIG_CASES, ids=lambda layer: type(layer).__name__)
def test_get_config_has_every_constructor_argument(layer):
    signature = inspect.signature(type(layer).__init__)
    arguments = {name for name, p in signature.parameters.items() if name != "self" and p.kind != p.VAR_KEYWORD}
    config = layer.get_config()
    assert arguments <= set(config)
    for name in arguments:
        assert config[name] == getattr(layer, name)
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    x = _keras_input(SERIES[:, :, :100])
    np.testing.assert_array_equal(_numpy(clone(x)), _numpy(layer(x)))


def test_keras_file_round_trip(tmp_path):
    inputs = keras.Input((100, 2))
    stack = L.ImageStack([type(layer).from_config(layer.get_config()) for layer in CONFIG_CASES])
    images = stack(inputs)
    resized = L.Resize((8, 8))(images)
    model = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(L.Resize(12)(images)) + 0 * keras.layers.GlobalAveragePooling2D()(resized))
    path = tmp_path / "layers.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    x = _keras_input(SERIES[:, :, :100])
    np.testing.assert_array_equal(_numpy(loaded(x)), _numpy(model(x)))
    inner = next(layer for layer in loaded.layers if isinstance(layer, L.ImageStack))
    assert [type(t) for t in inner.transforms] == [type(t) for t in CONFIG_CASES]
    np.testing.assert_array_equal(_numpy(inner(x)), _numpy(stack(x)))


def test_config_survives_json():
    layer = L.Spectrogram(n_fft=32, window=("kaiser", 8.0), image_size=(8, 12))
    config = keras.saving.serialize_keras_object(layer)
    import json

    clone = keras.saving.deserialize_keras_object(json.loads(json.dumps(config)))
    assert clone.window == ("kaiser", 8.0) and clone.image_size == (8, 12)


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: L.GramianAngularField(method="sum"), ValueError,
         "method must be one of {'summation', 'difference'}; got method='sum'."),
        (lambda: L.GramianAngularField(image_size=0), ValueError,
         "image_size must be an int >= 1 or None; got image_size=0. Gramian angular fields are "
         "square: pass one int for both sides."),
        (lambda: L.MarkovTransitionField(n_bins=1.5), TypeError,
         "n_bins must be an int >= 2; got n_bins=1.5 (float)."),
        (lambda: L.RecurrencePlot(threshold="absolute"), ValueError,
         "threshold='absolute' needs epsilon"),
        (lambda: L.Spectrogram(n_fft=1), ValueError, "n_fft must be an int >= 2; got n_fft=1."),
        (lambda: L.MFCC(n_mfcc=30, n_mels=20), ValueError,
         "n_mfcc must be an int in [1, 20]; got n_mfcc=30. n_mfcc cannot exceed n_mels."),
        (lambda: L.MelSpectrogram(db=True, power=3.0), ValueError, "db=True needs power=2.0"),
        (lambda: L.Resize(0), ValueError,
         "size must be a positive int (a square image), a (height, width) pair of positive ints; got size=0."),
        (lambda: L.ImageStack([]), ValueError, "layers must be a non-empty list of sigconv transform layers; got layers=[]."),
        (lambda: L.ImageStack([keras.layers.Dense(2)]), TypeError,
         "layers must hold sigconv transform layers (e.g. GramianAngularField); got a Dense in layers."),
    ],
)
def test_argument_errors_say_what_was_received(make, error, message):
    with pytest.raises(error, match=re.escape(message)):
        make()


@pytest.mark.parametrize(
    "layer, shape, message",
    [
        (L.Spectrogram(n_fft=64), (2, 32, 1),
         "n_fft must be an int in [2, n_timepoints=32]; got n_fft=64. Use a smaller n_fft or pad the series."),
        (L.MarkovTransitionField(), (2, 1, 1),
         "MarkovTransitionField needs series of at least 2 timepoints (a transition needs two); "
         "got n_timepoints=1."),
        (L.RecurrencePlot(dimension=3, time_delay=5), (2, 10, 1), "= 11; got n_timepoints=10. Lower dimension "
         "or time_delay, or set image_size."),
        (L.MFCC(n_fft=32, hop_length=16, deltas=1), (2, 64, 1),
         "delta_width must be an odd int in [3, n_frames=5]"),
        (L.GramianAngularField(), (2, 64), "channel-last; got input_shape=(2, 64). Add a channel axis"),
        (L.GramianAngularField(), (2, None, 1), "; got input_shape=(2, None, 1). Give the model a fixed input shape"),
        (L.ImageStack([L.GramianAngularField(image_size=8), L.RecurrencePlot(image_size=9)]), (2, 30, 1),
         "makes 9x9; got input_shape=(2, 30, 1). Give every layer the same image_size."),
        (L.Resize((4, 4)), (2, 30, 1), "size must be an int >= 1; got size=(4, 4) (tuple). Series have one length: pass one int."),
    ],
)
def test_input_shape_errors(layer, shape, message):
    error = TypeError if isinstance(layer, L.Resize) else ValueError
    with pytest.raises(error, match=re.escape(message)):
        layer.build(shape)


# --------------------------------------------------------------------------------------
# Inside a model: images made batch by batch
# --------------------------------------------------------------------------------------


def test_model_makes_images_batch_by_batch():
    """The layer sees one batch at a time: predictions in batches equal the whole set at once.

    The transform is part of the model graph, so ``predict(X, batch_size=b)``
    materialises the images of ``b`` series at a time (on the accelerator
    when there is one); memory grows with the batch, not the data set.
    """
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((128, 1)),
        L.GramianAngularField(image_size=32),
        keras.layers.Conv2D(4, 3, activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(2, activation="softmax"),
    ])
    X = RNG.normal(size=(20, 128, 1)).astype(np.float32)
    y = np.arange(20) % 2
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(X, y, epochs=1, batch_size=8, verbose=0)
    in_batches = model.predict(X, batch_size=3, verbose=0)
    at_once = model.predict(X, batch_size=20, verbose=0)
    np.testing.assert_allclose(in_batches, at_once, rtol=1e-5, atol=1e-6)
    # the layer has no trainable weights: its constants stay what the functional layer says
    assert model.layers[0].trainable_weights == []


@pytest.mark.parametrize("scale", [1e18, 1e20, 1e37])
@pytest.mark.parametrize(
    "layer, transformer",
    [
        (L.Spectrogram(n_fft=32, hop_length=16, db=True, top_db=None), T.Spectrogram(n_fft=32, hop_length=16, db=True, top_db=None)),
        (
            L.Spectrogram(n_fft=32, hop_length=16, power=1.0, db=True, ref="max"),
            T.Spectrogram(n_fft=32, hop_length=16, power=1.0, db=True, ref="max"),
        ),
        (L.MelSpectrogram(sr=800, n_fft=32, n_mels=10, db=True), T.MelSpectrogram(sr=800, n_fft=32, n_mels=10, db=True)),
        (
            L.MFCC(sr=800, n_fft=32, n_mels=12, n_mfcc=6, deltas=1, delta_width=3),
            T.MFCC(sr=800, n_fft=32, n_mels=12, n_mfcc=6, deltas=1, delta_width=3),
        ),
    ],
    ids=["spectrogram", "magnitude-max", "mel", "mfcc"],
)
def test_decibel_layers_of_huge_float32_series_are_finite(layer, transformer, scale):
    # a series of ordinary size beside a huge one: each is scaled on its own
    X = np.concatenate([SERIES[:2], (SERIES[2:] * scale).astype(np.float32)])
    images = _numpy(layer(_keras_input(X)))
    assert np.isfinite(images).all()
    expected = transformer.fit_transform(X.astype(np.float64))
    np.testing.assert_allclose(images, expected, rtol=0, atol=1e-4 * max(1.0, float(np.max(np.abs(expected)))))
