"""Spectrogram, MelSpectrogram and MFCC transformers against sigconv.functional."""

import pickle
import re

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sigconv.exceptions import SeriesValueError
from sigconv.functional import (
    amplitude_to_db,
    delta,
    mel_spectrogram,
    mfcc,
    power_to_db,
    resize_image,
    spectrogram,
)
from sigconv.transformers import MFCC, MelSpectrogram, Spectrogram


def _series(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _channel_last(images):
    """(n, c, h, w) functional images to the transformer's (n, h, w, c)."""
    return np.moveaxis(images, 1, -1)


SPEC = {"n_fft": 64, "hop_length": 16}
MEL = {"sr": 8000, "n_fft": 128, "hop_length": 32, "n_mels": 24}
MFCC_PARAMS = {"sr": 8000, "n_fft": 128, "hop_length": 32, "n_mels": 24, "n_mfcc": 13}


# --------------------------------------------------------------------------------------
# Equal to the functional layer (itself tested against librosa), channel by channel
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("power", [1.0, 2.0])
@pytest.mark.parametrize("db", [False, True])
def test_spectrogram_equals_functional(power, db):
    X = _series((5, 3, 300)).astype(np.float32)
    result = Spectrogram(**SPEC, power=power, db=db, ref="max").fit_transform(X)
    expected = spectrogram(X, **SPEC, power=power)
    if db:
        expected = (power_to_db if power == 2.0 else amplitude_to_db)(expected, ref="max")
    assert result.dtype == np.float32
    assert result.shape == (5, 33, 1 + 300 // 16, 3)
    assert_array_equal(result, _channel_last(expected))


@pytest.mark.parametrize("db", [False, True])
def test_mel_spectrogram_equals_functional(db):
    X = _series((4, 2, 1000))
    result = MelSpectrogram(**MEL, db=db, top_db=60.0).fit_transform(X)
    expected = mel_spectrogram(X.astype(np.float32), **MEL)
    if db:
        expected = power_to_db(expected, top_db=60.0)
    assert result.dtype == np.float32
    assert result.shape == (4, 24, 1 + 1000 // 32, 2)
    assert_array_equal(result, _channel_last(expected))


def test_mfcc_equals_functional():
    X = _series((4, 2, 1000)) * np.array([1.0, 1e-3])[:, None]  # each channel has its own top_db floor
    params = {**MFCC_PARAMS, "lifter": 10.0, "dct_type": 3}
    result = MFCC(**params).fit_transform(X)
    expected = mfcc(X.astype(np.float32), **params)
    assert result.dtype == np.float32
    assert result.shape == (4, 13, 1 + 1000 // 32, 2)
    assert_array_equal(result, _channel_last(expected))


@pytest.mark.parametrize("deltas", [1, 2])
def test_mfcc_deltas_are_extra_channels_in_order(deltas):
    X = _series((3, 2, 1000)).astype(np.float32)
    result = MFCC(**MFCC_PARAMS, deltas=deltas, delta_width=5).fit_transform(X)
    static = mfcc(X, **MFCC_PARAMS)
    assert result.shape == (3, 13, 32, 2 * (1 + deltas))
    for channel in range(2):
        images = [static[:, channel]] + [delta(static[:, channel], width=5, order=k) for k in range(1, deltas + 1)]
        for k, image in enumerate(images):
            assert_allclose(result[..., channel * (1 + deltas) + k], image, rtol=1e-6, atol=1e-6)


def test_mfcc_mel_norm_reaches_the_filterbank():
    X = _series((2, 1000))
    result = MFCC(**MFCC_PARAMS, mel_norm=None, htk=True, fmin=100.0, fmax=3000.0).fit_transform(X)
    expected = mfcc(X.astype(np.float32), **MFCC_PARAMS, mel_norm=None, htk=True, fmin=100.0, fmax=3000.0)
    assert_array_equal(result[..., 0], expected)
    assert not np.allclose(result, MFCC(**MFCC_PARAMS).fit_transform(X))


# --------------------------------------------------------------------------------------
# image_size and series of unequal length
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("transformer", "function", "params"),
    [
        (Spectrogram, spectrogram, SPEC),
        (MelSpectrogram, mel_spectrogram, MEL),
        (MFCC, mfcc, MFCC_PARAMS),
    ],
)
def test_image_size_gives_one_size_for_any_length(transformer, function, params):
    lengths = [300, 1000, 457, 1000]
    X = [_series((2, n), seed=n) for n in lengths]
    model = transformer(**params, image_size=(16, 12)).fit(X)
    result = model.transform(X)
    assert result.shape == (4, 16, 12, 2)
    assert result.dtype == np.float32
    assert model.n_timepoints_in_ is None and model.n_channels_in_ == 2
    for i, x in enumerate(X):
        expected = resize_image(function(x.astype(np.float32), **params), (16, 12))
        assert_allclose(result[i], np.moveaxis(expected, 0, -1), rtol=1e-6, atol=1e-5 * np.abs(expected).max())
    # an int is a square image; a new length in transform is fine too
    assert transformer(**params, image_size=8).fit(X).transform(_series((3, 2, 700))).shape == (3, 8, 8, 2)


def test_mfcc_deltas_with_image_size():
    X = [_series(n, seed=n) for n in (600, 900)]
    result = MFCC(**MFCC_PARAMS, deltas=2, image_size=10).fit_transform(X)
    assert result.shape == (2, 10, 10, 3)


def test_flatten():
    X = _series((3, 2, 300))
    images = Spectrogram(**SPEC).fit_transform(X)
    flat = Spectrogram(**SPEC, flatten=True).fit_transform(X)
    assert_array_equal(flat, images.reshape(3, -1))


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("transformer", [Spectrogram, MelSpectrogram, MFCC])
def test_series_shorter_than_n_fft(transformer):
    message = (
        "X has a series of 100 timepoint(s) (sample 0); at least 2048 are needed (n_timepoints >= 2048). "
        "Pad or drop short series, or use parameters that need fewer timepoints."
    )
    with pytest.raises(SeriesValueError, match=re.escape(message)):
        transformer().fit(np.zeros((3, 100)))
    model = transformer(n_fft=64, image_size=8).fit(np.zeros((3, 100)))
    with pytest.raises(SeriesValueError, match=re.escape("X has a series of 50 timepoint(s) (sample 1)")):
        model.transform([np.zeros(100), np.zeros(50)])


def test_mfcc_deltas_need_delta_width_frames():
    # 1 + n // hop_length frames (center=True); 9 frames need 8 * 32 = 256 timepoints
    model = MFCC(**MFCC_PARAMS, deltas=1)
    assert model.fit(_series((2, 256))).transform(_series((2, 256))).shape == (2, 13, 9, 2)
    with pytest.raises(SeriesValueError, match=re.escape("at least 256 are needed (n_timepoints >= 256)")):
        model.fit(_series((2, 255)))
    # without center: n_fft + 8 * hop_length
    with pytest.raises(SeriesValueError, match=re.escape("at least 384 are needed")):
        MFCC(**MFCC_PARAMS, deltas=2, center=False).fit(_series((2, 383)))


def test_channel_and_length_mismatch():
    model = MelSpectrogram(**MEL).fit(_series((3, 2, 500)))
    with pytest.raises(SeriesValueError, match=re.escape("X has 3 channel(s), but 2 were seen in fit.")):
        model.transform(_series((3, 3, 500)))
    with pytest.raises(
        ValueError, match=re.escape("X has 600 features, but MelSpectrogram is expecting 500 features as input")
    ):
        model.transform(_series((3, 2, 600)))


@pytest.mark.parametrize(
    ("transformer", "kwargs", "error", "message"),
    [
        (Spectrogram, {"n_fft": 1}, ValueError, "n_fft must be an int >= 2; got n_fft=1."),
        (Spectrogram, {"hop_length": 0}, ValueError, "hop_length must be an int >= 1 or None; got hop_length=0."),
        (Spectrogram, {"window": "nope"}, ValueError, "got window='nope' (scipy: "),
        (Spectrogram, {"power": -2.0}, ValueError, "power must be a number > 0.0; got power=-2.0."),
        (
            Spectrogram,
            {"power": 1.5, "db": True},
            ValueError,
            "db=True needs power=2.0 (a power spectrogram, converted with power_to_db) or power=1.0 (a magnitude "
            "spectrogram, converted with amplitude_to_db); got power=1.5. Set db=False for other powers.",
        ),
        (Spectrogram, {"db": "yes"}, TypeError, "db must be True or False; got db='yes' (str)."),
        (Spectrogram, {"ref": "min"}, ValueError, "ref must be a positive number or 'max'; got ref='min'."),
        (Spectrogram, {"top_db": -1.0}, ValueError, "top_db must be a number >= 0.0 or None; got top_db=-1.0."),
        (Spectrogram, {"image_size": 0}, ValueError, "image_size must be a positive int (a square image)"),
        (Spectrogram, {"flatten": 1}, TypeError, "flatten must be True or False; got flatten=1 (int)."),
        (MelSpectrogram, {"sr": -1}, ValueError, "sr must be a number > 0.0; got sr=-1.0."),
        (MelSpectrogram, {"fmax": 20000.0}, ValueError, "fmax must be a number in (0.0, 11025.0] or None"),
        (MelSpectrogram, {"norm": "l2"}, ValueError, "norm must be one of {'slaney', None}; got norm='l2'."),
        (MFCC, {"n_mfcc": 200}, ValueError, "n_mfcc must be an int in [1, 128]; got n_mfcc=200."),
        (MFCC, {"mel_norm": "l2"}, ValueError, "mel_norm must be one of {'slaney', None}; got mel_norm='l2'."),
        (MFCC, {"norm": "slaney"}, ValueError, "norm must be one of {'ortho', None}; got norm='slaney'."),
        (MFCC, {"deltas": 3}, ValueError, "deltas must be one of {0, 1, 2}; got deltas=3."),
        (MFCC, {"delta_width": 4}, ValueError, "delta_width must be an odd int >= 3; got delta_width=4."),
        (MFCC, {"lifter": -1.0}, ValueError, "lifter must be a number >= 0.0; got lifter=-1.0."),
    ],
)
def test_parameter_errors_are_raised_in_fit(transformer, kwargs, error, message):
    model = transformer(**kwargs)  # __init__ only stores
    with pytest.raises(error, match=re.escape(message)):
        model.fit(np.zeros((2, 4096)))


# --------------------------------------------------------------------------------------
# scikit-learn integration
# --------------------------------------------------------------------------------------

_SHORT = (
    "sklearn passes series of 1 timepoint, shorter than n_fft=2; sigconv's error says so in its own "
    "words (n_timepoints >= 2) rather than sklearn's 'n_features = 1'."
)
_EXPECTED_FAILURES = {
    "check_complex_data": "complex series raise SeriesTypeError, a TypeError, where sklearn expects a ValueError.",
    "check_estimators_empty_data_messages": "sigconv's empty-input message differs from sklearn's wording.",
    "check_fit2d_1feature": _SHORT,
    "check_fit2d_predict1d": (
        "a 1D array is refused with sigconv's message (reshape(1, -1) or reshape(-1, 1)), which does "
        "not contain sklearn's 'Reshape your data'."
    ),
    "check_n_features_in_after_fitting": (
        "the 1-timepoint X of this check is first refused as shorter than n_fft=2, before the length "
        "check against n_features_in_ (which test_channel_and_length_mismatch covers)."
    ),
}
_IMAGE_SIZE_FAILURES = {
    **_EXPECTED_FAILURES,
    "check_transformer_general": (
        "with image_size set, series of any length are accepted by design, so transform does not "
        "refuse a number of features other than fit's."
    ),
}

# sklearn's tiny data has 2 or 3 features: n_fft=2 and hop_length=1 make them valid series.
# (Its mel filterbank is empty: with 2 FFT bins no triangle reaches a bin; librosa warns.)
_TINY = {"n_fft": 2, "hop_length": 1}
ESTIMATORS = [
    Spectrogram(**_TINY),
    Spectrogram(**_TINY, power=1.0, db=True, ref="max"),
    Spectrogram(**_TINY, image_size=(3, 2), flatten=True),
    MelSpectrogram(sr=100, **_TINY, n_mels=2, db=True),
    MFCC(sr=100, **_TINY, n_mels=2, n_mfcc=2),
    MFCC(sr=100, **_TINY, n_mels=2, n_mfcc=2, deltas=2, delta_width=3),
]


def _expected_failed_checks(estimator):
    return _IMAGE_SIZE_FAILURES if estimator.image_size is not None else _EXPECTED_FAILURES


@pytest.mark.filterwarnings("ignore:Empty filters detected")
@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _two_class_problem(n_per_class=40, n_timepoints=800, sr=8000):
    """Noisy tones at 500 Hz versus 2 kHz, random phase and amplitude."""
    rng = np.random.default_rng(0)
    t = np.arange(n_timepoints) / sr
    y = np.repeat([0, 1], n_per_class)
    frequency = np.where(y == 0, 500.0, 2000.0)[:, None]
    phase = rng.uniform(0, 2 * np.pi, (len(y), 1))
    amplitude = rng.uniform(0.5, 2.0, (len(y), 1))
    X = amplitude * np.sin(2 * np.pi * frequency * t + phase) + rng.normal(0, 1.0, (len(y), n_timepoints))
    return X, y


def test_pipeline_learns_above_chance():
    X, y = _two_class_problem()
    pipeline = make_pipeline(
        MFCC(sr=8000, n_mfcc=13, n_fft=256, hop_length=128, n_mels=40, flatten=True),
        StandardScaler(),
        LogisticRegression(max_iter=1000),
    )
    scores = cross_val_score(pipeline, X, y, cv=4)
    assert scores.mean() > 0.8


@pytest.mark.parametrize(
    "model",
    [Spectrogram(**SPEC, db=True), MelSpectrogram(**MEL, image_size=12), MFCC(**MFCC_PARAMS, deltas=2)],
)
def test_clone_and_pickle_round_trip(model):
    X = _series((3, 2, 500))
    cloned = clone(model)
    assert cloned.get_params() == model.get_params()
    assert not hasattr(cloned, "n_channels_in_")
    fitted = model.fit(X)
    restored = pickle.loads(pickle.dumps(fitted))
    assert_array_equal(restored.transform(X), fitted.transform(X))
    assert restored.n_channels_in_ == 2 and restored.n_timepoints_in_ == 500


def test_set_output_pandas():
    pd = pytest.importorskip("pandas")
    X = _series((3, 500))
    model = MelSpectrogram(**MEL, flatten=True).set_output(transform="pandas")
    frame = model.fit_transform(X)
    assert isinstance(frame, pd.DataFrame)
    assert frame.shape == (3, 24 * 16)
    assert list(frame.columns[:2]) == ["melspectrogram0", "melspectrogram1"]
    assert_array_equal(frame.to_numpy(), MelSpectrogram(**MEL, flatten=True).fit_transform(X))
    model = MFCC(**MFCC_PARAMS).set_output(transform="pandas")
    with pytest.raises(ValueError, match=re.escape("Set flatten=True for 2D output; set_output(transform='pandas')")):
        model.fit_transform(X)


def test_get_feature_names_out_counts_delta_channels():
    model = MFCC(**MFCC_PARAMS, deltas=2, flatten=True).fit(_series((2, 2, 500)))
    assert len(model.get_feature_names_out()) == model.transform(_series((2, 2, 500))).shape[1] == 13 * 16 * 6


# Series near the top of the float32 range: their power overflows float32, their decibels do not.
HUGE = [1e18, 1e20, 1e37]


@pytest.mark.parametrize("scale", HUGE)
@pytest.mark.parametrize(
    "transformer",
    [
        Spectrogram(**SPEC, db=True, top_db=None),
        Spectrogram(**SPEC, power=1.0, db=True, ref="max"),
        MelSpectrogram(**MEL, db=True),
        MFCC(**MFCC_PARAMS, deltas=1, delta_width=3),
    ],
    ids=["spectrogram", "magnitude-max", "mel", "mfcc"],
)
def test_decibels_of_huge_float32_series_are_finite(transformer, scale):
    X = (_series((3, 2, 512)) * scale).astype(np.float32)
    images = transformer.fit_transform(X)
    assert np.isfinite(images).all()
    # the same images as computed from the float64 series, to float32 rounding of decibels
    expected = clone(transformer).fit_transform(X.astype(np.float64))
    assert_allclose(images, expected, rtol=0, atol=2e-5 * max(1.0, float(np.max(np.abs(expected)))))


def test_decibels_of_huge_series_shift_by_the_scale():
    X = _series((2, 1, 512)).astype(np.float32)
    transformer = Spectrogram(**SPEC, db=True, top_db=None)
    shifted = transformer.fit_transform((X * np.float32(1e19)).astype(np.float32))
    # power scales by 1e38 (in float64 the product is exact enough): +380 dB
    assert_allclose(shifted, transformer.fit_transform(X.astype(np.float64)) + 380.0, rtol=0, atol=1e-3)


def test_power_spectrogram_beyond_float32_is_refused():
    X = (_series((2, 1, 512)) * 1e20).astype(np.float32)
    with pytest.raises(ValueError, match=re.escape("Spectrogram images of these series exceed the float32 range")):
        Spectrogram(**SPEC).fit_transform(X)
    with pytest.raises(ValueError, match=re.escape("Set db=True (decibels of any finite series are finite)")):
        MelSpectrogram(**MEL).fit_transform(X)


def test_large_series_whose_power_fits_float32_stay_finite_without_db():
    X = (_series((2, 1, 512)) * 1e16).astype(np.float32)
    images = Spectrogram(**SPEC).fit_transform(X)
    assert np.isfinite(images).all()
    assert_allclose(images, Spectrogram(**SPEC).fit_transform(X.astype(np.float64)), rtol=1e-5)
