"""Short-time Fourier transform, mel spectrogram and MFCC of batches of series.

The numbers are librosa's (``librosa.stft``, ``librosa.feature.melspectrogram``,
``librosa.feature.mfcc``) to float rounding, computed for a whole batch at
once: frames are a strided view of the padded series, one real FFT runs over
all frames of a chunk of series, and the mel filterbank and the DCT are
single matrix products (BLAS) over all frames of the chunk. float32 series
are computed in float32 (complex64 STFT) end to end.

Two choices differ from librosa on purpose:

- a series shorter than ``n_fft`` is an error, not silently zero-padded;
- ``top_db`` clipping in :func:`power_to_db`, :func:`amplitude_to_db` and
  :func:`mfcc` is relative to the maximum of each image (the last two axes),
  so every series and channel of a batch is treated as librosa treats one 1D
  signal (librosa clips relative to the maximum of the whole batch).

The window, filterbank, DCT, lifter and delta filter are the functions of
:mod:`sigconv.functional.filters`, cached and read-only, so the Keras layers
reuse the same constants; the parameters are checked by the specs of
:mod:`sigconv.functional.specs`.
"""

import numpy as np
import scipy.fft
from numpy.lib.stride_tricks import sliding_window_view

from . import kernels
from .docstrings import fill_doc
from .filters import dct_matrix, mel_filterbank
from .specs import MFCCSpec, MelSpectrogramSpec, SpectrogramSpec, STFTSpec, check_db_params, check_delta_params

__all__ = [
    "stft",
    "spectrogram",
    "mel_filterbank",
    "mel_spectrogram",
    "power_to_db",
    "amplitude_to_db",
    "dct_matrix",
    "mfcc",
    "delta",
]

# The windowed frames of one chunk hold at most this many elements (4 MiB in
# float32): work arrays of a chunk stay in cache (measured fastest between 2**19
# and 2**20 on 200 series of 16,000 samples) and memory is bounded for any batch.
_FRAME_CHUNK_ELEMENTS = 2**20


def _as_series(x, name="x"):
    """Series as a float32 or float64 array (float64 for any other real dtype)."""
    x = np.asarray(x)
    if x.dtype.kind == "c":
        raise TypeError(f"{name} holds complex numbers; the STFT takes real-valued series.")
    if x.dtype not in (np.float32, np.float64):
        x = x.astype(np.float64)
    if x.ndim == 0:
        raise ValueError(f"{name} is a scalar; expected series with time on the last axis.")
    return x



# --------------------------------------------------------------------------------------
# The batched STFT engine
# --------------------------------------------------------------------------------------


def _stft_apply(x, stft, finish, out_width, out_dtype):
    """Run the STFT of series ``x`` chunk by chunk and ``finish`` each chunk.

    Parameters
    ----------
    x : ndarray of shape (..., n_timepoints)
        float32 or float64 series, at least ``n_fft`` samples long.
    stft : STFTSpec
        The framing.
    finish : callable
        ``finish(Z, out)`` gets the frame-major STFT ``Z`` of a chunk, complex
        of shape ``(n_rows, n_frames, 1 + n_fft // 2)``, and writes its result
        into ``out`` of shape ``(n_rows, n_frames, out_width)``. ``Z`` is
        scratch: ``finish`` may overwrite it.

    Returns
    -------
    out : ndarray of shape (..., n_frames, out_width)
        Frame-major (time before frequency), C-contiguous.
    """
    n_fft = stft.n_fft
    hop_length = stft.hop_length
    n_timepoints = x.shape[-1]
    stft.check_length(n_timepoints)
    n_frames = stft.n_frames(n_timepoints)
    leading = x.shape[:-1]
    rows = x.reshape(-1, n_timepoints)
    out = np.empty((rows.shape[0], n_frames, out_width), dtype=out_dtype)
    window = stft.window_values(dtype=x.dtype)
    chunk = max(1, min(rows.shape[0], _FRAME_CHUNK_ELEMENTS // (n_frames * n_fft)))
    windowed = np.empty((chunk, n_frames, n_fft), dtype=x.dtype)  # reused by every chunk
    half = n_fft // 2
    for start in range(0, rows.shape[0], chunk):
        block = rows[start : start + chunk]
        if stft.center:
            block = np.pad(block, ((0, 0), (half, half)), mode=stft.pad_mode)
        frames = sliding_window_view(block, n_fft, axis=-1)[:, : (n_frames - 1) * hop_length + 1 : hop_length]
        frames = np.multiply(frames, window, out=windowed[: len(block)])
        spectrum = scipy.fft.rfft(frames, axis=-1, workers=-1)
        finish(spectrum, out[start : start + chunk])
    return out.reshape(leading + out.shape[1:])


def _power_into(spectrum, out, power):
    """``|spectrum| ** power`` written into ``out`` (``spectrum`` is scratch)."""
    if power == 2.0:
        parts = spectrum.view(out.dtype).reshape(spectrum.shape + (2,))
        np.square(parts, out=parts)
        np.add(parts[..., 0], parts[..., 1], out=out)
    else:
        np.abs(spectrum, out=out)
        if power != 1.0:
            np.power(out, power, out=out)
    return out


def _real_dtype(x):
    return np.float32 if x.dtype == np.float32 else np.float64


def _frames_last(frame_major):
    """``(..., n_frames, n_bins)`` to the ``(..., n_bins, n_frames)`` layout, as a view."""
    return np.swapaxes(frame_major, -1, -2)


def stft(x, *, n_fft=2048, hop_length=None, win_length=None, window="hann", center=True, pad_mode="constant"):
    """Short-time Fourier transform of series, batched over any leading axes.

    Parameters
    ----------
    x : ndarray of shape (..., n_timepoints)
        Real series, time on the last axis, at least ``n_fft`` samples long.
        float32 is computed in float32; other real dtypes in float64.
    n_fft : int, default=2048
        FFT length (frame length), in ``[2, n_timepoints]``.
    hop_length : int or None, default=None
        Samples between frames; None means ``win_length // 4``.
    win_length : int or None, default=None
        Window length in ``[1, n_fft]``; the window is zero-padded to ``n_fft``
        (centred). None means ``n_fft``.
    window : str or tuple, default="hann"
        A window :func:`scipy.signal.get_window` knows (periodic form), e.g.
        ``"hann"``, ``"hamming"`` or ``("kaiser", 8.0)``.
    center : bool, default=True
        Pad ``n_fft // 2`` samples on both sides so that frame ``t`` is centred
        at sample ``t * hop_length``; with False frame ``t`` starts there.
    pad_mode : {"constant", "edge", "reflect", "symmetric"}, default="constant"
        :func:`numpy.pad` mode of the centring padding ("constant" pads zeros).

    Returns
    -------
    D : ndarray of shape (..., 1 + n_fft // 2, n_frames)
        complex64 for float32 series, complex128 otherwise. ``n_frames`` is
        ``1 + (n_timepoints + 2 * (n_fft // 2) - n_fft) // hop_length`` with
        ``center=True`` and ``1 + (n_timepoints - n_fft) // hop_length`` without.
        A view with time-major memory layout (like librosa's Fortran-ordered
        result, transposed).

    Raises
    ------
    ValueError
        For series shorter than ``n_fft`` (librosa pads them silently; pad
        them yourself or use a smaller ``n_fft``) and invalid parameters.

    See Also
    --------
    spectrogram : Magnitude or power of the STFT.
    sigconv.transformers.Spectrogram : The same as a scikit-learn transformer.

    Notes
    -----
    Numerically ``librosa.stft`` with the same parameters. librosa windows
    float32 frames in float64; here float32 stays float32, which agrees to
    float32 rounding and is faster.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import stft
    >>> x = np.sin(np.linspace(0, 20 * np.pi, 64, dtype=np.float32))
    >>> D = stft(x, n_fft=16, hop_length=4)
    >>> D.shape, D.dtype
    ((9, 17), dtype('complex64'))
    """
    spec = STFTSpec.create(
        n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window, center=center, pad_mode=pad_mode
    )
    x = _as_series(x)
    complex_dtype = np.complex64 if x.dtype == np.float32 else np.complex128

    def finish(spectrum, out):
        out[...] = spectrum

    return _frames_last(_stft_apply(x, spec, finish, spec.n_bins, complex_dtype))


def _spectrogram_frames(x, stft, power):
    """Frame-major ``|stft(x)| ** power`` ``(..., n_frames, 1 + n_fft // 2)``."""
    return _stft_apply(x, stft, lambda z, out: _power_into(z, out, power), stft.n_bins, _real_dtype(x))


def spectrogram(
    x,
    *,
    n_fft=2048,
    hop_length=None,
    win_length=None,
    window="hann",
    center=True,
    pad_mode="constant",
    power=2.0,
):
    """Magnitude (``power=1``) or power (``power=2``) spectrogram: ``|stft(x)| ** power``.

    Parameters
    ----------
    x : ndarray of shape (..., n_timepoints)
        Real series, time on the last axis, at least ``n_fft`` samples long.
    n_fft, hop_length, win_length, window, center, pad_mode
        As in :func:`stft`.
    power : float, default=2.0
        Exponent of the magnitude, > 0.

    Returns
    -------
    S : ndarray of shape (..., 1 + n_fft // 2, n_frames)
        float32 for float32 series, float64 otherwise.

    See Also
    --------
    stft : The complex STFT.
    mel_spectrogram : The spectrogram mapped to mel bands.
    power_to_db : Decibels of a power spectrogram.
    sigconv.transformers.Spectrogram : The same as a scikit-learn transformer.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import spectrogram
    >>> x = np.random.default_rng(0).standard_normal((2, 3, 100)).astype(np.float32)
    >>> spectrogram(x, n_fft=32, hop_length=8).shape
    (2, 3, 17, 13)
    """
    spec = SpectrogramSpec.create(
        n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window, center=center, pad_mode=pad_mode,
        power=power, db=False, ref=1.0, top_db=None, image_size=None,
    )
    return _frames_last(_spectrogram_frames(_as_series(x), spec.stft, spec.power))


def _mel_frames(x, stft, power, mel):
    """Frame-major mel spectrogram ``(..., n_frames, n_mels)``."""
    weights = mel.filterbank()
    weights_t = weights.T.astype(_real_dtype(x), order="F")  # (n_bins, n_mels)
    n_bins = weights.shape[1]
    # One scratch power array per chunk, reused: the rfft output of the chunk is
    # turned into power in place, then multiplied by the filterbank (one GEMM).

    def finish(spectrum, out):
        n_rows, n_frames = spectrum.shape[:2]
        power_spec = np.empty((n_rows * n_frames, n_bins), dtype=out.dtype)
        _power_into(spectrum.reshape(-1, n_bins), power_spec, power)
        np.matmul(power_spec, weights_t, out=out.reshape(-1, out.shape[-1]))

    return _stft_apply(x, stft, finish, weights.shape[0], _real_dtype(x))


def mel_spectrogram(
    x,
    *,
    sr=22050,
    n_fft=2048,
    hop_length=None,
    win_length=None,
    window="hann",
    center=True,
    pad_mode="constant",
    power=2.0,
    n_mels=128,
    fmin=0.0,
    fmax=None,
    htk=False,
    norm="slaney",
):
    """Mel spectrogram: the mel filterbank applied to ``|stft(x)| ** power``.

    Parameters
    ----------
    x : ndarray of shape (..., n_timepoints)
        Real series, time on the last axis, at least ``n_fft`` samples long.
    sr : float, default=22050
        Sampling rate, in Hz.
    n_fft, hop_length, win_length, window, center, pad_mode
        As in :func:`stft`. ``hop_length=None`` means ``win_length // 4``
        (``librosa.feature.melspectrogram`` defaults to 512, which is the same
        for the default ``n_fft=2048``).
    power : float, default=2.0
        Exponent of the magnitude before the filterbank, > 0.
    n_mels, fmin, fmax, htk, norm
        As in :func:`mel_filterbank`.

    Returns
    -------
    M : ndarray of shape (..., n_mels, n_frames)
        float32 for float32 series, float64 otherwise.

    See Also
    --------
    mel_filterbank : The filterbank matrix.
    spectrogram : The linear-frequency spectrogram.
    mfcc : Cepstral coefficients of the log-mel spectrogram.
    sigconv.transformers.MelSpectrogram : The same as a scikit-learn transformer.

    Notes
    -----
    Numerically ``librosa.feature.melspectrogram`` with the same parameters.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import mel_spectrogram
    >>> x = np.random.default_rng(0).standard_normal((4, 1000)).astype(np.float32)
    >>> M = mel_spectrogram(x, sr=8000, n_fft=256, hop_length=128, n_mels=20)
    >>> M.shape, M.dtype
    ((4, 20, 8), dtype('float32'))
    """
    spec = MelSpectrogramSpec.create(
        sr=sr, n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window, center=center,
        pad_mode=pad_mode, power=power, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm,
        db=False, ref=1.0, top_db=None, image_size=None,
    )
    return _frames_last(_mel_frames(_as_series(x), spec.stft, spec.power, spec.mel))


# --------------------------------------------------------------------------------------
# Decibels
# --------------------------------------------------------------------------------------


def _as_real(S, name="S"):
    S = np.asarray(S)
    if S.dtype.kind == "c":
        raise TypeError(
            f"{name} holds complex numbers; power_to_db takes a power spectrogram. "
            f"Pass np.abs({name}) ** 2, or use amplitude_to_db."
        )
    if S.dtype not in (np.float32, np.float64):
        S = S.astype(np.float64)
    return S


def _power_to_db(S, ref, amin, top_db):
    """librosa's power_to_db with ``ref="max"`` and ``top_db`` per image (the last two axes)."""
    return kernels.decibels(S, ref=ref, amin=amin, top_db=top_db, xp=np, dtype=S.dtype)


def power_to_db(S, *, ref=1.0, amin=1e-10, top_db=80.0):
    """Convert a power spectrogram to decibels: ``10 * log10(S / ref)``.

    Parameters
    ----------
    S : ndarray of shape (..., height, width)
        Non-negative power values; each slice on the last two axes is one image
        (a 1D array is one image).
    ref : float or "max", default=1.0
        Reference power (0 dB), > 0; "max" uses the maximum of each image.
    amin : float, default=1e-10
        Floor applied to ``S`` and ``ref`` before the logarithm, > 0.
    top_db : float or None, default=80.0
        Clip each image at ``top_db`` decibels below its own maximum; >= 0, or
        None for no clipping.

    Returns
    -------
    S_db : ndarray of the shape of ``S``
        float32 for float32 input, float64 otherwise.

    See Also
    --------
    amplitude_to_db : The same for magnitudes (``20 * log10``).
    spectrogram, mel_spectrogram : Power spectrograms to convert.

    Notes
    -----
    ``librosa.power_to_db`` applied to each image separately: librosa takes
    ``ref=np.max`` and the ``top_db`` floor over the whole array, so on a
    batch a loud series would clip a quiet one. Complex input is an error
    here (librosa warns and takes the magnitude).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import power_to_db
    >>> power_to_db(np.array([[1.0, 10.0, 1e-12]]))
    array([[  0.,  10., -70.]])
    >>> power_to_db(np.array([[1.0, 10.0, 1e-12]]), ref="max", top_db=None)
    array([[ -10.,    0., -110.]])
    """
    ref, amin, top_db = check_db_params(ref=ref, amin=amin, top_db=top_db)
    return _power_to_db(_as_real(S), ref, amin, top_db)


def amplitude_to_db(S, *, ref=1.0, amin=1e-5, top_db=80.0):
    """Convert a magnitude spectrogram to decibels: ``20 * log10(|S| / ref)``.

    Parameters
    ----------
    S : ndarray of shape (..., height, width)
        Magnitudes (complex values are replaced by their modulus); each slice
        on the last two axes is one image.
    ref : float or "max", default=1.0
        Reference magnitude (0 dB), > 0; "max" uses the maximum of each image.
    amin : float, default=1e-5
        Floor applied to ``|S|`` and ``ref`` before the logarithm, > 0.
    top_db : float or None, default=80.0
        Clip each image at ``top_db`` decibels below its own maximum; >= 0, or
        None for no clipping.

    Returns
    -------
    S_db : ndarray of the shape of ``S``
        float32 for float32 or complex64 input, float64 otherwise.

    See Also
    --------
    power_to_db : The same for power values (``10 * log10``).

    Notes
    -----
    ``librosa.amplitude_to_db`` applied to each image separately, i.e.
    ``power_to_db(|S| ** 2, ref=ref ** 2, amin=amin ** 2, top_db=top_db)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import amplitude_to_db
    >>> amplitude_to_db(np.array([[1.0, 10.0, 0.1]]))
    array([[  0.,  20., -20.]])
    """
    ref, amin, top_db = check_db_params(ref=ref, amin=amin, top_db=top_db)
    S = np.asarray(S)
    magnitude = np.abs(S) if S.dtype.kind == "c" else np.abs(_as_real(S))
    power = np.square(magnitude, out=magnitude)
    return _power_to_db(power, "max" if ref == "max" else ref**2, amin**2, top_db)


# --------------------------------------------------------------------------------------
# MFCC and deltas
# --------------------------------------------------------------------------------------


def _mfcc_frames(x, spec):
    """Frame-major MFCC ``(..., n_frames, n_mfcc)`` of an :class:`MFCCSpec`."""
    mel = _mel_frames(x, spec.stft, 2.0, spec.mel)  # (..., n_frames, n_mels)
    mel_db = _power_to_db(mel, 1.0, 1e-10, spec.top_db)
    return mel_db @ spec.dct().T.astype(mel_db.dtype)


@fill_doc
def mfcc(
    x,
    *,
    sr=22050,
    n_mfcc=20,
    dct_type=2,
    norm="ortho",
    lifter=0.0,
    top_db=80.0,
    n_fft=2048,
    hop_length=None,
    win_length=None,
    window="hann",
    center=True,
    pad_mode="constant",
    n_mels=128,
    fmin=0.0,
    fmax=None,
    htk=False,
    mel_norm="slaney",
):
    """Mel-frequency cepstral coefficients of series.

    The DCT of the log-power mel spectrogram, as ``librosa.feature.mfcc``:
    ``dct(power_to_db(mel_spectrogram(x), top_db=top_db))[:n_mfcc]``, then
    optional liftering.

    Parameters
    ----------
    x : ndarray of shape (..., n_timepoints)
        Real series, time on the last axis, at least ``n_fft`` samples long.
    sr : float, default=22050
        Sampling rate, in Hz.
    n_mfcc : int, default=20
        Number of coefficients, in ``[1, n_mels]``.
    dct_type : {1, 2, 3}, default=2
        DCT type (see :func:`dct_matrix`).
    norm : {"ortho", None}, default="ortho"
        DCT normalisation.
    lifter : float, default=0.0
        Cepstral liftering coefficient, >= 0; 0 disables liftering. Coefficient
        ``k`` (from 1) is multiplied by ``1 + lifter / 2 * sin(pi * k / lifter)``.
    top_db : float or None, default=80.0
        Clip the log-mel spectrogram of each series and channel at ``top_db``
        below its own maximum, as librosa does for one signal; None: no clipping.
    n_fft, hop_length, win_length, window, center, pad_mode
        As in :func:`stft` (power spectrogram, ``power=2``).
    n_mels, fmin, fmax, htk
        As in :func:`mel_filterbank`.
    mel_norm : {"slaney", None}, default="slaney"
        The filterbank's ``norm`` (librosa's ``mel_norm``).

    Returns
    -------
    M : ndarray of shape (..., n_mfcc, n_frames)
        float32 for float32 series, float64 otherwise.

    See Also
    --------
    mel_spectrogram : The mel spectrogram it starts from.
    dct_matrix : The DCT as a matrix.
    delta : Time derivatives of the coefficients.
    sigconv.transformers.MFCC : The same as a scikit-learn transformer.

    References
    ----------
    %(davis_mermelstein_reference)s

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import mfcc
    >>> x = np.random.default_rng(0).standard_normal((2, 3, 2000)).astype(np.float32)
    >>> mfcc(x, sr=8000, n_mfcc=13, n_fft=256, hop_length=128, n_mels=40).shape
    (2, 3, 13, 16)
    """
    spec = MFCCSpec.create(
        sr=sr, n_mfcc=n_mfcc, dct_type=dct_type, norm=norm, lifter=lifter, top_db=top_db, n_fft=n_fft,
        hop_length=hop_length, win_length=win_length, window=window, center=center, pad_mode=pad_mode,
        n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, mel_norm=mel_norm, deltas=0, delta_width=9, image_size=None,
    )
    return _frames_last(_mfcc_frames(_as_series(x), spec))


def delta(data, *, width=9, order=1):
    """Local estimate of the time derivative of features (e.g. MFCC deltas).

    A Savitzky-Golay filter along the last axis (``librosa.feature.delta`` with
    ``axis=-1, mode="interp"``).

    Parameters
    ----------
    data : ndarray of shape (..., n_frames)
        Features, time (frames) on the last axis.
    width : int, default=9
        Odd number of frames the filter spans, in ``[3, n_frames]``.
    order : int, default=1
        Derivative order, >= 1 (2 for "delta-delta").

    Returns
    -------
    delta_data : ndarray of the shape of ``data``
        float32 for float32 input, float64 otherwise.

    See Also
    --------
    mfcc : The usual input.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import delta
    >>> delta(np.arange(10.0) ** 2, width=3).round(6)
    array([ 2.,  2.,  4.,  6.,  8., 10., 12., 14., 16., 16.])
    """
    width, order = check_delta_params(width=width, order=order)
    data = _as_real(data, "data")
    if data.ndim == 0 or data.shape[-1] < width:
        n_frames = data.shape[-1] if data.ndim else 0
        raise ValueError(
            f"width must be an odd int in [3, n_frames={n_frames}]; got width={width}. "
            "Use a smaller width, or longer series (more frames)."
        )
    import librosa  # lazy: librosa imports numba, which `import sigconv` must not

    return librosa.feature.delta(data, width=width, order=order, axis=-1, mode="interp").astype(
        data.dtype, copy=False
    )
