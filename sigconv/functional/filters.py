"""The constant filters of the spectral transforms: window, mel filterbank, DCT, lifter, delta.

Each is a pure function of its parameters, cached and read-only, so the
NumPy functions of :mod:`sigconv.functional.spectral`, the transformers and
the Keras layers (which hold them as non-trainable weights) share one
definition of each constant.
"""

import functools

import numpy as np
import scipy.fft
import scipy.signal

from ..validation import check_bool, check_float, check_int, check_option

__all__ = ["get_window", "mel_filterbank", "dct_matrix", "lifter_weights", "delta_matrix"]

_MEL_NORMS = ("slaney", None)
_DCT_TYPES = (1, 2, 3)
_DCT_NORMS = ("ortho", None)


def _check_mel_params(*, sr, n_fft, n_mels, fmin, fmax, htk, norm, norm_name="norm"):
    """Validate the mel filterbank parameters; return them as keyword arguments."""
    sr = check_float(sr, "sr", min_value=0.0, closed="neither")
    n_fft = check_int(n_fft, "n_fft", min_value=2)
    n_mels = check_int(n_mels, "n_mels", min_value=1)
    nyquist = sr / 2
    fmin = check_float(fmin, "fmin", min_value=0.0, max_value=nyquist, closed="left")
    fmax = check_float(
        fmax,
        "fmax",
        min_value=fmin,
        max_value=nyquist,
        closed="right",
        allow_none=True,
        hint="fmax must be above fmin and at most the Nyquist frequency sr / 2.",
    )
    htk = check_bool(htk, "htk")
    norm = check_option(norm, norm_name, _MEL_NORMS)
    return {"sr": sr, "n_fft": n_fft, "n_mels": n_mels, "fmin": fmin, "fmax": fmax, "htk": htk, "norm": norm}


def _check_dct_params(*, n_mfcc, n_mels, dct_type, norm):
    """Validate the DCT parameters; return ``(n_mfcc, dct_type, norm)``."""
    n_mfcc = check_int(n_mfcc, "n_mfcc", min_value=1, max_value=n_mels, hint="n_mfcc cannot exceed n_mels.")
    dct_type = check_option(dct_type, "dct_type", _DCT_TYPES)
    norm = check_option(norm, "norm", _DCT_NORMS)
    if dct_type == 1 and n_mels < 2:
        raise ValueError(f"dct_type=1 needs n_mels >= 2; got n_mels={n_mels}. Use dct_type=2 or more mel bands.")
    return n_mfcc, dct_type, norm


@functools.lru_cache(maxsize=32)
def _window_cached(window, win_length, n_fft):
    values = scipy.signal.get_window(window, win_length, fftbins=True)
    left = (n_fft - win_length) // 2
    padded = np.zeros(n_fft)
    padded[left : left + win_length] = values
    padded.flags.writeable = False
    return padded


def get_window(window, win_length, n_fft, *, dtype=np.float64):
    """``scipy.signal.get_window(window, win_length)`` zero-padded (centred) to ``n_fft``, as librosa does.

    Parameters
    ----------
    window : str or tuple
        A window :func:`scipy.signal.get_window` knows (periodic form), e.g.
        ``"hann"`` or ``("kaiser", 8.0)``.
    win_length : int
        Window length, in ``[1, n_fft]``.
    n_fft : int
        Length of the padded window (the FFT length).
    dtype : dtype, default=np.float64
        Output dtype.

    Returns
    -------
    values : ndarray of shape (n_fft,)
        The window, read-only in float64 (cached).

    See Also
    --------
    sigconv.functional.stft : The STFT that applies it.

    Examples
    --------
    >>> from sigconv.functional.filters import get_window
    >>> get_window("hann", 4, 6).round(3).tolist()
    [0.0, 0.0, 0.5, 1.0, 0.5, 0.0]
    """
    message = (
        "window must be a window name or a (name, parameter, ...) tuple that "
        "scipy.signal.get_window accepts, e.g. 'hann' or ('kaiser', 8.0); "
        f"got window={window!r}"
    )
    if not (isinstance(window, str) or (isinstance(window, tuple) and window and isinstance(window[0], str))):
        raise TypeError(f"{message}.")
    try:
        values = _window_cached(window, win_length, n_fft)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{message} (scipy: {exc})") from exc
    return values.astype(dtype, copy=False)


@functools.lru_cache(maxsize=32)
def _mel_filterbank_cached(sr, n_fft, n_mels, fmin, fmax, htk, norm):
    import librosa  # lazy: librosa imports numba, which `import sigconv` must not

    weights = librosa.filters.mel(
        sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm, dtype=np.float32
    )
    weights.flags.writeable = False
    return weights


def mel_filterbank(*, sr, n_fft, n_mels=128, fmin=0.0, fmax=None, htk=False, norm="slaney"):
    """Mel filterbank: the matrix that maps STFT bins to mel bands.

    Parameters
    ----------
    sr : float
        Sampling rate of the series, in Hz.
    n_fft : int
        FFT length; the filterbank has ``1 + n_fft // 2`` columns.
    n_mels : int, default=128
        Number of mel bands.
    fmin : float, default=0.0
        Lowest frequency, in Hz, in ``[0, sr / 2)``.
    fmax : float or None, default=None
        Highest frequency, in Hz, in ``(fmin, sr / 2]``; None means ``sr / 2``.
    htk : bool, default=False
        Use the HTK mel scale instead of Slaney's.
    norm : {"slaney", None}, default="slaney"
        "slaney" divides each triangle by its width in Hz (constant energy per
        band); None leaves the triangles with peak 1.

    Returns
    -------
    weights : ndarray of shape (n_mels, 1 + n_fft // 2)
        float32, read-only (cached: the same parameters return the same array).
        ``weights @ S`` maps a spectrogram ``S`` to mel bands.

    See Also
    --------
    mel_spectrogram : Apply it to the power spectrogram of series.

    Notes
    -----
    This is ``librosa.filters.mel`` with the same parameters. Too many bands
    for the frequency resolution leave some filters empty; librosa warns then.

    Examples
    --------
    >>> from sigconv.functional import mel_filterbank
    >>> mel_filterbank(sr=16000, n_fft=512, n_mels=40).shape
    (40, 257)
    """
    params = _check_mel_params(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    return _mel_filterbank_cached(**params)


@functools.lru_cache(maxsize=32)
def _dct_matrix_cached(n_mfcc, n_mels, dct_type, norm):
    matrix = scipy.fft.dct(np.eye(n_mels), type=dct_type, norm=norm, axis=0)[:n_mfcc]
    matrix = np.ascontiguousarray(matrix)
    matrix.flags.writeable = False
    return matrix


def dct_matrix(n_mfcc, n_mels, *, dct_type=2, norm="ortho"):
    """The discrete cosine transform that turns log-mel bands into cepstral coefficients.

    Parameters
    ----------
    n_mfcc : int
        Number of coefficients kept, in ``[1, n_mels]``.
    n_mels : int
        Number of mel bands (length of the transformed axis).
    dct_type : {1, 2, 3}, default=2
        DCT type, as in :func:`scipy.fft.dct`.
    norm : {"ortho", None}, default="ortho"
        "ortho" for the orthonormal DCT; None for scipy's unnormalised one.

    Returns
    -------
    matrix : ndarray of shape (n_mfcc, n_mels)
        float64, read-only. ``matrix @ S`` equals
        ``scipy.fft.dct(S, type=dct_type, norm=norm, axis=-2)[..., :n_mfcc, :]``.

    See Also
    --------
    mfcc : Mel-frequency cepstral coefficients of series.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import dct_matrix
    >>> D = dct_matrix(3, 4)
    >>> D.shape
    (3, 4)
    >>> np.allclose(D @ D.T, np.eye(3))  # orthonormal rows
    True
    """
    n_mels = check_int(n_mels, "n_mels", min_value=1)
    n_mfcc, dct_type, norm = _check_dct_params(n_mfcc=n_mfcc, n_mels=n_mels, dct_type=dct_type, norm=norm)
    return _dct_matrix_cached(n_mfcc, n_mels, dct_type, norm)


def lifter_weights(n_mfcc, lifter):
    """librosa's cepstral lifter: coefficient ``k`` (from 1) times ``1 + lifter / 2 * sin(pi * k / lifter)``.

    Parameters
    ----------
    n_mfcc : int
        Number of coefficients.
    lifter : float
        Liftering coefficient, > 0.

    Returns
    -------
    weights : ndarray of shape (n_mfcc,)
        float64 weights of the coefficients.

    See Also
    --------
    mfcc : Folds them into the DCT rows.

    Examples
    --------
    >>> from sigconv.functional.filters import lifter_weights
    >>> lifter_weights(2, 2.0).round(6).tolist()
    [2.0, 1.0]
    """
    return 1.0 + (lifter / 2.0) * np.sin(np.pi * np.arange(1, n_mfcc + 1) / lifter)


def delta_matrix(n_frames, *, width=9, order=1):
    """The matrix of :func:`sigconv.functional.delta` on ``n_frames`` frames.

    ``delta`` is linear in time, so ``delta(X) == X @ delta_matrix(n_frames)``
    for ``X`` with ``n_frames`` frames on its last axis.

    Parameters
    ----------
    n_frames : int
        Number of frames, at least ``width``.
    width : int, default=9
        Odd number of frames the filter spans, >= 3.
    order : int, default=1
        Derivative order, >= 1.

    Returns
    -------
    matrix : ndarray of shape (n_frames, n_frames)
        float64.

    See Also
    --------
    sigconv.functional.delta : The filter itself.

    Examples
    --------
    >>> from sigconv.functional.filters import delta_matrix
    >>> delta_matrix(12, width=3).shape
    (12, 12)
    """
    from .spectral import delta  # the filter is defined once, by librosa, in delta()

    return delta(np.eye(n_frames), width=width, order=order)
