"""sigconv.functional.spectral against librosa and scipy (the oracles)."""

import re
import subprocess
import sys

import librosa
import numpy as np
import pytest
import scipy.fft
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from sigconv.functional import (
    amplitude_to_db,
    dct_matrix,
    delta,
    mel_filterbank,
    mel_spectrogram,
    mfcc,
    power_to_db,
    spectrogram,
    stft,
)
from sigconv.functional import spectral as spectral_module

SHAPES = [(300,), (2, 300), (2, 3, 300)]

STFT_PARAMS = [
    {"n_fft": 64},
    {"n_fft": 64, "hop_length": 7, "center": False},
    {"n_fft": 63, "hop_length": 10, "win_length": 40, "window": "hamming", "pad_mode": "reflect"},
    {"n_fft": 128, "hop_length": 50, "pad_mode": "edge", "window": ("kaiser", 8.0)},
    {"n_fft": 32, "hop_length": 16, "win_length": 31, "pad_mode": "symmetric", "window": "blackman"},
]


def _rng(seed=0):
    return np.random.default_rng(seed)


def _series(shape, dtype, seed=0):
    return _rng(seed).standard_normal(shape).astype(dtype)


def _librosa_hop(params):
    """The hop sigconv uses for hop_length=None, passed to librosa explicitly.

    librosa.feature.melspectrogram defaults to a fixed hop of 512, librosa.stft
    to win_length // 4 (sigconv's default everywhere).
    """
    params = dict(params)
    if params.get("hop_length") is None:
        params["hop_length"] = params.get("win_length", params["n_fft"]) // 4
    return params


def _atol(reference, dtype):
    """Absolute tolerance scaled to the data: float32 rounding relative to the image's max."""
    scale = np.max(np.abs(reference))
    return (2e-5 if dtype == np.float32 else 1e-12) * scale


# --------------------------------------------------------------------------------------
# STFT and spectrogram
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("params", STFT_PARAMS)
def test_stft_matches_librosa(shape, dtype, params):
    x = _series(shape, dtype)
    expected = librosa.stft(x, **params)
    result = stft(x, **params)
    assert result.shape == expected.shape
    assert result.dtype == expected.dtype == (np.complex64 if dtype == np.float32 else np.complex128)
    assert_allclose(result, expected, rtol=0, atol=_atol(expected, dtype))


@settings(max_examples=40, deadline=None)
@given(
    n_fft=st.integers(2, 80),
    hop_length=st.integers(1, 40),
    win_fraction=st.floats(0.05, 1.0),
    extra=st.integers(0, 150),
    center=st.booleans(),
    pad_mode=st.sampled_from(["constant", "edge", "reflect", "symmetric"]),
    window=st.sampled_from(["hann", "hamming", "boxcar", "triang"]),
)
def test_stft_matches_librosa_hypothesis(n_fft, hop_length, win_fraction, extra, center, pad_mode, window):
    win_length = max(1, int(win_fraction * n_fft))
    x = _series((2, n_fft + extra), np.float64, seed=n_fft + extra)
    params = dict(
        n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window, center=center, pad_mode=pad_mode
    )
    expected = librosa.stft(x, **params)
    result = stft(x, **params)
    assert result.shape == expected.shape
    assert_allclose(result, expected, rtol=0, atol=_atol(expected, np.float64))


@pytest.mark.parametrize("power", [1.0, 2.0, 0.5, 1.5])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_spectrogram_is_stft_magnitude_to_power(power, dtype):
    x = _series((3, 2, 400), dtype)
    params = {"n_fft": 100, "hop_length": 30}
    expected = np.abs(librosa.stft(x, **params)) ** power
    result = spectrogram(x, **params, power=power)
    assert result.dtype == dtype
    assert_allclose(result, expected, rtol=0, atol=_atol(expected, dtype))


def test_stft_non_contiguous_and_integer_input():
    x = _series((4, 600), np.float64)
    assert_allclose(stft(x[:, ::2], n_fft=64), librosa.stft(np.ascontiguousarray(x[:, ::2]), n_fft=64))
    integers = _rng().integers(-100, 100, size=(2, 200))
    result = spectrogram(integers, n_fft=32)
    assert result.dtype == np.float64
    assert_allclose(result, np.abs(librosa.stft(integers.astype(np.float64), n_fft=32)) ** 2)


def test_stft_chunking_gives_the_same_result(monkeypatch):
    x = _series((7, 3, 500), np.float32)
    whole = mel_spectrogram(x, sr=1000, n_fft=64, hop_length=16, n_mels=10)
    # two series per chunk, then a chunk of one: chunk boundaries must not show
    monkeypatch.setattr(spectral_module, "_FRAME_CHUNK_ELEMENTS", 2 * 32 * 64)
    chunked = mel_spectrogram(x, sr=1000, n_fft=64, hop_length=16, n_mels=10)
    assert_allclose(chunked, whole, rtol=0, atol=1e-6 * whole.max())  # BLAS blocking differs with size
    chunked_stft = stft(x, n_fft=64, hop_length=16)
    assert_allclose(chunked_stft, librosa.stft(x, n_fft=64, hop_length=16), atol=_atol(chunked_stft, np.float32))


def test_stft_empty_batch():
    assert stft(np.zeros((0, 3, 100), np.float32), n_fft=16).shape == (0, 3, 9, 26)


def test_n_timepoints_equal_to_n_fft_is_accepted():
    x = _series((2, 64), np.float64)
    for center in (True, False):
        assert_allclose(stft(x, n_fft=64, center=center), librosa.stft(x, n_fft=64, center=center))


# --------------------------------------------------------------------------------------
# Mel filterbank and mel spectrogram
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"sr": 22050, "n_fft": 2048},
        {"sr": 16000, "n_fft": 512, "n_mels": 40, "fmin": 20.0, "fmax": 7600.0},
        {"sr": 8000, "n_fft": 256, "n_mels": 20, "htk": True, "norm": None},
    ],
)
def test_mel_filterbank_is_librosas_cached_and_read_only(params):
    weights = mel_filterbank(**params)
    assert_array_equal(weights, librosa.filters.mel(**params))
    assert weights.dtype == np.float32
    assert mel_filterbank(**params) is weights
    with pytest.raises(ValueError, match="read-only"):
        weights[0, 0] = 1.0


MEL_PARAMS = [
    {"sr": 22050, "n_fft": 128, "n_mels": 32},
    {"sr": 16000, "n_fft": 200, "hop_length": 64, "n_mels": 24, "fmin": 50.0, "fmax": 6000.0, "htk": True},
    {
        "sr": 8000,
        "n_fft": 128,
        "hop_length": 100,
        "win_length": 100,
        "window": "hamming",
        "n_mels": 20,
        "norm": None,
        "center": False,
    },
    {"sr": 8000, "n_fft": 64, "n_mels": 12, "power": 1.0, "pad_mode": "reflect"},
]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("params", MEL_PARAMS)
def test_mel_spectrogram_matches_librosa(shape, dtype, params):
    x = _series(shape, dtype)
    expected = librosa.feature.melspectrogram(y=x, **_librosa_hop(params))
    result = mel_spectrogram(x, **params)
    assert result.shape == expected.shape
    assert result.dtype == expected.dtype == dtype
    assert_allclose(result, expected, rtol=0, atol=_atol(expected, dtype))


def test_mel_spectrogram_default_hop_matches_librosa_defaults():
    # sigconv's hop_length=None is win_length // 4 = 512 for the default n_fft=2048,
    # the fixed default of librosa.feature.melspectrogram
    x = _series((2, 5000), np.float32)
    expected = librosa.feature.melspectrogram(y=x)
    result = mel_spectrogram(x)
    assert_allclose(result, expected, rtol=0, atol=_atol(expected, np.float32))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mel_spectrogram_in_db_matches_librosa_per_image(dtype):
    x = _series((3, 2, 2000), dtype) * np.array([1.0, 1e-3], dtype=dtype)[:, None]  # a loud and a quiet channel
    params = {"sr": 8000, "n_fft": 256, "hop_length": 64, "n_mels": 40}
    result = power_to_db(mel_spectrogram(x, **params), ref="max")
    top_db = 80.0
    for index in np.ndindex(x.shape[:-1]):
        expected = librosa.power_to_db(librosa.feature.melspectrogram(y=x[index], **params), ref=np.max)
        unclipped = expected > expected.max() - top_db
        assert_allclose(result[index][unclipped], expected[unclipped], rtol=0, atol=1e-3)
        assert_allclose(result[index][~unclipped], -top_db, rtol=0, atol=1e-3)


# --------------------------------------------------------------------------------------
# Decibels
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("ref", [1.0, 0.3, "max"])
@pytest.mark.parametrize("top_db", [80.0, 20.0, None])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_power_to_db_is_librosa_per_image(ref, top_db, dtype):
    S = (_rng().random((2, 3, 5, 7)) ** 8 * np.logspace(-6, 2, 3)[:, None, None]).astype(dtype)
    result = power_to_db(S, ref=ref, top_db=top_db)
    assert result.dtype == dtype
    assert result.shape == S.shape
    librosa_ref = np.max if ref == "max" else ref
    for index in np.ndindex(S.shape[:-2]):
        expected = librosa.power_to_db(S[index], ref=librosa_ref, top_db=top_db)
        assert_allclose(result[index], expected, rtol=0, atol=1e-4)


def test_power_to_db_clips_each_image_not_the_batch():
    loud = np.full((4, 4), 1.0)
    quiet = np.full((4, 4), 1e-8)
    quiet[0, 0] = 1e-7
    batch = np.stack([loud, quiet])
    result = power_to_db(batch, top_db=20.0)
    assert_allclose(result[0], 0.0)
    # per image the quiet one keeps -70 and -80 dB; librosa on the whole batch floors it at -20 dB
    assert_allclose(result[1], np.where(np.arange(16).reshape(4, 4) == 0, -70.0, -80.0))
    assert_allclose(librosa.power_to_db(batch, top_db=20.0)[1], -20.0)
    assert_allclose(power_to_db(batch, ref="max", top_db=None)[1], np.where(np.arange(16).reshape(4, 4) == 0, 0.0, -10.0))


@pytest.mark.parametrize("ref", [1.0, 2.0, "max"])
@pytest.mark.parametrize("top_db", [80.0, None])
def test_amplitude_to_db_is_librosa_per_image(ref, top_db):
    D = stft(_series((2, 3, 500), np.float32), n_fft=64)
    result = amplitude_to_db(D, ref=ref, top_db=top_db)  # complex input: the modulus
    assert result.dtype == np.float32
    librosa_ref = np.max if ref == "max" else ref
    for index in np.ndindex(D.shape[:-2]):
        expected = librosa.amplitude_to_db(np.abs(D[index]), ref=librosa_ref, top_db=top_db)
        assert_allclose(result[index], expected, rtol=0, atol=1e-3)


def test_db_functions_do_not_modify_their_input():
    S = _rng().random((3, 4, 5))
    copy = S.copy()
    power_to_db(S, ref="max")
    amplitude_to_db(S, ref="max")
    assert_array_equal(S, copy)


def test_power_to_db_hand_computed():
    assert_allclose(power_to_db(np.array([100.0, 1.0, 0.0]), top_db=None), [20.0, 0.0, -100.0])
    assert_allclose(power_to_db(np.array([100.0, 1.0, 0.0]), top_db=10.0), [20.0, 10.0, 10.0])
    assert_allclose(amplitude_to_db(np.array([-10.0, 1.0]), ref=10.0), [0.0, -20.0])


# --------------------------------------------------------------------------------------
# DCT, MFCC, deltas
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dct_type", [1, 2, 3])
@pytest.mark.parametrize("norm", ["ortho", None])
def test_dct_matrix_equals_scipy_dct(dct_type, norm):
    S = _rng().standard_normal((2, 16, 5))
    matrix = dct_matrix(6, 16, dct_type=dct_type, norm=norm)
    assert matrix.shape == (6, 16)
    expected = scipy.fft.dct(S, type=dct_type, norm=norm, axis=-2)[..., :6, :]
    assert_allclose(matrix @ S, expected, atol=1e-12)
    assert dct_matrix(6, 16, dct_type=dct_type, norm=norm) is matrix
    assert not matrix.flags.writeable


MFCC_PARAMS = [
    {"sr": 8000, "n_fft": 256, "hop_length": 64, "n_mels": 40, "n_mfcc": 13},
    {"sr": 16000, "n_fft": 200, "hop_length": 50, "n_mels": 30, "n_mfcc": 30, "dct_type": 3, "lifter": 22.0},
    {"sr": 8000, "n_fft": 128, "n_mels": 20, "n_mfcc": 10, "dct_type": 1, "norm": None, "htk": True},
    {"sr": 8000, "n_fft": 128, "hop_length": 40, "n_mels": 16, "n_mfcc": 16, "mel_norm": None, "center": False},
]


def _librosa_mfcc(x, params):
    params = _librosa_hop(params)
    return librosa.feature.mfcc(y=x, **params)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("params", MFCC_PARAMS)
def test_mfcc_matches_librosa_per_series(shape, dtype, params):
    # loud and quiet series in one batch: top_db clips each one as librosa clips one signal
    x = _series(shape, dtype) * np.logspace(0, -4, shape[-2] if len(shape) > 1 else 1)[:, None].astype(dtype)
    x = x.reshape(shape)
    result = mfcc(x, **params)
    assert result.dtype == dtype
    for index in np.ndindex(shape[:-1]):
        expected = _librosa_mfcc(x[index], params)
        assert result[index].shape == expected.shape
        assert_allclose(result[index], expected, rtol=0, atol=_atol(expected, dtype))


@pytest.mark.parametrize("top_db", [None, 30.0])
def test_mfcc_top_db(top_db):
    x = _series((2, 1500), np.float64)
    params = {"sr": 8000, "n_fft": 256, "hop_length": 64, "n_mels": 40}
    result = mfcc(x, n_mfcc=13, top_db=top_db, **params)
    for i in range(2):
        log_mel = librosa.power_to_db(librosa.feature.melspectrogram(y=x[i], **params), top_db=top_db)
        expected = librosa.feature.mfcc(S=log_mel, n_mfcc=13)
        assert_allclose(result[i], expected, atol=1e-9)


@pytest.mark.parametrize("width", [3, 5, 9])
@pytest.mark.parametrize("order", [1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_delta_matches_librosa(width, order, dtype):
    data = _series((2, 3, 13, 20), dtype)
    result = delta(data, width=width, order=order)
    assert result.dtype == dtype
    assert_allclose(result, librosa.feature.delta(data, width=width, order=order), rtol=1e-6, atol=1e-6)


def test_delta_width_equal_to_frames_is_accepted():
    data = _series((4, 9), np.float64)
    assert_allclose(delta(data, width=9), librosa.feature.delta(data, width=9))


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


def test_series_shorter_than_n_fft():
    x = np.zeros((2, 128), np.float32)
    message = "n_fft must be an int in [2, n_timepoints=128]; got n_fft=4096. Use a smaller n_fft or pad the series."
    for function in (stft, spectrogram, mel_spectrogram, mfcc):
        with pytest.raises(ValueError, match=re.escape(message)):
            function(x, n_fft=4096)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_fft": 1}, ValueError, "n_fft must be an int >= 2; got n_fft=1."),
        ({"n_fft": 64.0}, TypeError, "n_fft must be an int >= 2; got n_fft=64.0 (float)."),
        ({"hop_length": 0}, ValueError, "hop_length must be an int >= 1 or None; got hop_length=0."),
        (
            {"n_fft": 64, "win_length": 65},
            ValueError,
            "win_length must be an int in [1, 64] or None; got win_length=65. The window is "
            "zero-padded to n_fft samples, so it cannot be longer than n_fft.",
        ),
        (
            {"n_fft": 4, "win_length": 3},
            ValueError,
            "hop_length=None means win_length // 4, which is 0 for win_length=3; set hop_length to an int >= 1.",
        ),
        (
            {"window": "nope"},
            ValueError,
            "window must be a window name or a (name, parameter, ...) tuple that scipy.signal.get_window "
            "accepts, e.g. 'hann' or ('kaiser', 8.0); got window='nope' (scipy: ",
        ),
        ({"window": "kaiser"}, ValueError, "got window='kaiser' (scipy: "),
        ({"window": 3}, TypeError, "got window=3."),
        ({"center": 1}, TypeError, "center must be True or False; got center=1 (int)."),
        (
            {"pad_mode": "wrap"},
            ValueError,
            "pad_mode must be one of {'constant', 'edge', 'reflect', 'symmetric'}; got pad_mode='wrap'.",
        ),
    ],
)
def test_stft_parameter_errors(kwargs, error, message):
    x = np.zeros((2, 256), np.float32)
    for function in (stft, spectrogram, mel_spectrogram, mfcc):
        with pytest.raises(error, match=re.escape(message)):
            function(x, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"power": 0}, ValueError, "power must be a number > 0.0; got power=0.0."),
        ({"power": "2"}, TypeError, "power must be a number > 0.0; got power='2' (str)."),
        ({"sr": 0}, ValueError, "sr must be a number > 0.0; got sr=0.0."),
        ({"n_mels": 0}, ValueError, "n_mels must be an int >= 1; got n_mels=0."),
        ({"fmin": -1.0}, ValueError, "fmin must be a number in [0.0, 4000.0); got fmin=-1.0."),
        (
            {"fmax": 5000.0},
            ValueError,
            "fmax must be a number in (0.0, 4000.0] or None; got fmax=5000.0. fmax must be above fmin and "
            "at most the Nyquist frequency sr / 2.",
        ),
        (
            {"fmin": 300.0, "fmax": 300.0},
            ValueError,
            "fmax must be a number in (300.0, 4000.0] or None; got fmax=300.0.",
        ),
        ({"htk": "yes"}, TypeError, "htk must be True or False; got htk='yes' (str)."),
        ({"norm": "l2"}, ValueError, "norm must be one of {'slaney', None}; got norm='l2'."),
    ],
)
def test_mel_spectrogram_parameter_errors(kwargs, error, message):
    x = np.zeros((2, 256), np.float32)
    params = {"sr": 8000, "n_fft": 64, **kwargs}
    with pytest.raises(error, match=re.escape(message)):
        mel_spectrogram(x, **params)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_mfcc": 21}, ValueError, "n_mfcc must be an int in [1, 20]; got n_mfcc=21. n_mfcc cannot exceed n_mels."),
        ({"n_mfcc": 0}, ValueError, "n_mfcc must be an int in [1, 20]; got n_mfcc=0."),
        ({"dct_type": 4}, ValueError, "dct_type must be one of {1, 2, 3}; got dct_type=4."),
        ({"norm": "forward"}, ValueError, "norm must be one of {'ortho', None}; got norm='forward'."),
        ({"mel_norm": "l1"}, ValueError, "mel_norm must be one of {'slaney', None}; got mel_norm='l1'."),
        ({"lifter": -1}, ValueError, "lifter must be a number >= 0.0; got lifter=-1.0."),
        ({"top_db": -1}, ValueError, "top_db must be a number >= 0.0 or None; got top_db=-1.0."),
        (
            {"dct_type": 1, "n_mels": 1, "n_mfcc": 1},
            ValueError,
            "dct_type=1 needs n_mels >= 2; got n_mels=1. Use dct_type=2 or more mel bands.",
        ),
    ],
)
def test_mfcc_parameter_errors(kwargs, error, message):
    x = np.zeros((2, 256), np.float32)
    params = {"sr": 8000, "n_fft": 64, "n_mels": 20, **kwargs}
    with pytest.raises(error, match=re.escape(message)):
        mfcc(x, **params)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"ref": "min"}, ValueError, "ref must be a positive number or 'max'; got ref='min'."),
        ({"ref": 0.0}, ValueError, "ref must be a positive number or 'max'; got ref=0.0."),
        ({"ref": np.max}, TypeError, "ref must be a positive number or 'max'; got ref=<function max"),
        ({"amin": 0.0}, ValueError, "amin must be a number > 0.0; got amin=0.0."),
        ({"top_db": -80.0}, ValueError, "top_db must be a number >= 0.0 or None; got top_db=-80.0."),
    ],
)
def test_db_parameter_errors(kwargs, error, message):
    for function in (power_to_db, amplitude_to_db):
        with pytest.raises(error, match=re.escape(message)):
            function(np.ones((2, 3)), **kwargs)


def test_complex_input_errors():
    with pytest.raises(TypeError, match=re.escape("x holds complex numbers; the STFT takes real-valued series.")):
        stft(np.zeros((2, 64), np.complex64), n_fft=16)
    with pytest.raises(TypeError, match=re.escape("Pass np.abs(S) ** 2, or use amplitude_to_db.")):
        power_to_db(np.ones((2, 2), np.complex64))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"width": 4}, ValueError, "width must be an odd int >= 3; got width=4."),
        ({"width": 1}, ValueError, "width must be an int >= 3; got width=1."),
        ({"order": 0}, ValueError, "order must be an int >= 1; got order=0."),
        (
            {"width": 11},
            ValueError,
            "width must be an odd int in [3, n_frames=10]; got width=11. Use a smaller width, or longer "
            "series (more frames).",
        ),
    ],
)
def test_delta_errors(kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        delta(np.zeros((3, 10)), **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sr": 8000, "n_fft": 64, "fmax": 4001.0}, "fmax must be a number in (0.0, 4000.0] or None; got fmax=4001.0."),
        ({"sr": 8000, "n_fft": 1}, "n_fft must be an int >= 2; got n_fft=1."),
    ],
)
def test_mel_filterbank_errors(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        mel_filterbank(**kwargs)


def test_dct_matrix_errors():
    with pytest.raises(ValueError, match=re.escape("n_mfcc must be an int in [1, 8]; got n_mfcc=9.")):
        dct_matrix(9, 8)
    with pytest.raises(ValueError, match=re.escape("dct_type must be one of {1, 2, 3}; got dct_type=4.")):
        dct_matrix(4, 8, dct_type=4)


def test_importing_the_spectral_modules_does_not_import_librosa():
    code = (
        "import sys, sigconv.functional.spectral, sigconv.transformers.spectral; "
        "print('librosa' in sys.modules, 'numba' in sys.modules)"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.split()[0] == "False"
