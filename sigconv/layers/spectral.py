"""Spectrogram, mel spectrogram and MFCC layers.

Frames are gathered from the (padded) series with one index matrix, windowed
and transformed with ``keras.ops.rfft``; the mel filterbank, the DCT and the
delta filters are matrices taken from :mod:`sigconv.functional` and held as
non-trainable weights, so the layers and the transformers share one
definition of each constant.
"""

import keras
import numpy as np
from keras import ops

from ..functional import dct_matrix, delta, mel_filterbank
from ..functional.spectral import (
    _check_db_params,
    _check_delta_params,
    _check_mel_params,
    _check_mfcc_params,
    _check_power,
    _check_stft_params,
    _n_frames,
    _window,
)
from ..validation import check_bool, check_image_size, check_option
from ._base import BaseImageLayer, keras_errors

__all__ = ["Spectrogram", "MelSpectrogram", "MFCC"]


def _power_to_db(S, ref, amin, top_db):
    """:func:`sigconv.functional.power_to_db` per image (last two axes), in ``keras.ops``."""
    if ref == "max":
        largest = ops.max(S, axis=(-2, -1), keepdims=True)
        ref_db = 10.0 * ops.log10(ops.maximum(largest, amin))
    else:
        ref_db = 10.0 * float(np.log10(max(amin, ref)))
    log_spec = 10.0 * ops.log10(ops.maximum(S, amin)) - ref_db
    if top_db is not None:
        floor = ops.max(log_spec, axis=(-2, -1), keepdims=True) - top_db
        log_spec = ops.maximum(log_spec, floor)
    return log_spec


class _SpectralLayer(BaseImageLayer):
    """STFT framing, power, decibels and resizing shared by the spectral layers.

    A subclass sets ``self._params`` with the keys ``stft``, ``power``,
    ``height`` and ``image_size`` (plus its own) and implements
    ``_natural_images(power_frames)``: frame-major power ``(n, n_frames,
    n_bins)`` to images ``(n, n_images, height, n_frames)``.
    """

    def _check_stft(self, args):
        return _check_stft_params(**{k: args[k] for k in ("n_fft", "hop_length", "win_length", "window", "center", "pad_mode")})

    def _check_db(self, db, ref, top_db, power):
        db = check_bool(db, "db")
        ref, _, top_db = _check_db_params(ref=ref, amin=1.0, top_db=top_db)
        if db and power not in (1.0, 2.0):
            raise ValueError(
                "db=True needs power=2.0 (a power spectrogram, converted like power_to_db) "
                "or power=1.0 (a magnitude spectrogram, converted like amplitude_to_db); got "
                f"power={power}. Set db=False for other powers."
            )
        return {"db": db, "ref": ref, "top_db": top_db}

    def _n_frames(self, n_timepoints):
        return _n_frames(n_timepoints, **self._params["stft"])

    def _output_hw(self, n_timepoints):
        if self._params["image_size"] is not None:
            return self._params["image_size"]
        return self._params["height"], self._n_frames(n_timepoints)

    def _check_length(self, n_timepoints):
        n_fft = self._params["stft"]["n_fft"]
        if n_fft > n_timepoints:
            raise ValueError(
                f"n_fft must be an int in [2, n_timepoints={n_timepoints}]. Use a smaller "
                f"n_fft or pad the series. Received: n_fft={n_fft}"
            )

    def _build_constants(self, n_timepoints):
        stft = self._params["stft"]
        n_fft, hop_length = stft["n_fft"], stft["hop_length"]
        n_frames = self._n_frames(n_timepoints)
        # Frame t holds the padded samples [t * hop, t * hop + n_fft); positions of the
        # padded series point into the series, or at the zero appended to it.
        positions = np.arange(n_timepoints)
        if stft["center"]:
            half = n_fft // 2
            if stft["pad_mode"] == "constant":
                positions = np.pad(positions, half, mode="constant", constant_values=n_timepoints)
            else:
                positions = np.pad(positions, half, mode=stft["pad_mode"])
        starts = np.arange(n_frames) * hop_length
        self._frame_index = positions[starts[:, None] + np.arange(n_fft)].astype("int32")
        self._window = self._constant("window", _window(stft["window"], stft["win_length"], n_fft))
        height, width = self._params["height"], n_frames
        self._resize = None
        if self._params["image_size"] is not None:
            from ..functional import resampling_matrix

            out_h, out_w = self._params["image_size"]
            self._resize = (
                self._constant("resize_rows", resampling_matrix(height, out_h)),
                self._constant("resize_cols", resampling_matrix(width, out_w)),
            )
        self._build_transform_constants(n_frames)

    def _build_transform_constants(self, n_frames):
        return None

    def _power_frames(self, x, power):
        """``|stft(x)| ** power``, frame-major ``(n, n_frames, 1 + n_fft // 2)``."""
        padded = ops.concatenate([x, ops.zeros_like(x[:, :1])], axis=1)
        frames = ops.take(padded, self._frame_index, axis=1) * self._window
        real, imag = ops.rfft(frames)
        squared = ops.square(real) + ops.square(imag)
        if power == 2.0:
            return squared
        if power == 1.0:
            return ops.sqrt(squared)
        return ops.power(squared, power / 2.0)

    def _to_db(self, S):
        p = self._params
        if not p["db"]:
            return S
        if p["power"] == 2.0:
            return _power_to_db(S, p["ref"], 1e-10, p["top_db"])
        # amplitude_to_db: the power of the magnitudes, against ref ** 2 and amin ** 2
        return _power_to_db(ops.square(S), "max" if p["ref"] == "max" else p["ref"] ** 2, 1e-10, p["top_db"])

    def _images(self, x):
        images = self._natural_images(x)  # (n, n_images, height, n_frames)
        if self._resize is not None:
            rows, cols = self._resize
            images = ops.einsum("ph,nkhw->nkpw", rows, images)
            images = ops.einsum("nkhw,qw->nkhq", images, cols)
        return images



@keras.saving.register_keras_serializable(package="sigconv")
class Spectrogram(_SpectralLayer):
    """Spectrogram images of series, ``|STFT| ** power``, optionally in decibels, as a Keras layer.

    The layer form of :class:`sigconv.transformers.Spectrogram`, with the
    same parameters and the same images (to float32 rounding). Image height
    is frequency (row 0 is 0 Hz), width is time (frames); one image channel
    per series channel.

    Parameters
    ----------
    n_fft : int, default=2048
        FFT length, at least 2 and at most the series length.
    hop_length : int or None, default=None
        Samples between frames; None means ``win_length // 4``.
    win_length : int or None, default=None
        Window length in ``[1, n_fft]``; None means ``n_fft``.
    window : str or tuple, default="hann"
        A window :func:`scipy.signal.get_window` knows.
    center : bool, default=True
        Pad ``n_fft // 2`` samples on both sides so frames are centred.
    pad_mode : {"constant", "edge", "reflect", "symmetric"}, default="constant"
        How ``center`` pads.
    power : float, default=2.0
        Exponent of the magnitude, > 0.
    db : bool, default=False
        Convert to decibels per image (``power`` must then be 2 or 1).
    ref : float or "max", default=1.0
        Reference of 0 dB with ``db=True``; "max" is each image's maximum.
    top_db : float or None, default=80.0
        With ``db=True``, clip each image at ``top_db`` below its maximum.
    image_size : int, (int, int) or None, default=None
        Resize images to ``(height, width)`` with the matrices of
        :func:`sigconv.functional.resampling_matrix`; None keeps
        ``(1 + n_fft // 2, n_frames)``.
    **kwargs
        Arguments of :class:`keras.layers.Layer` (``name``, ...).

    Input shape
    -----------
    ``(batch, n_timepoints, n_channels)``, both known when the layer is built.

    Output shape
    ------------
    ``(batch, height, width, n_channels)`` float32.

    See Also
    --------
    sigconv.transformers.Spectrogram : The scikit-learn transformer.
    sigconv.functional.spectrogram : The NumPy function.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.layers import Spectrogram
    >>> x = np.random.default_rng(0).normal(size=(4, 256, 2)).astype("float32")
    >>> tuple(Spectrogram(n_fft=32, hop_length=16, db=True)(x).shape)
    (4, 17, 17, 2)
    """

    def __init__(
        self,
        n_fft=2048,
        hop_length=None,
        win_length=None,
        window="hann",
        center=True,
        pad_mode="constant",
        power=2.0,
        db=False,
        ref=1.0,
        top_db=80.0,
        image_size=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self._args = {
            "n_fft": n_fft,
            "hop_length": hop_length,
            "win_length": win_length,
            "window": window,
            "center": center,
            "pad_mode": pad_mode,
            "power": power,
            "db": db,
            "ref": ref,
            "top_db": top_db,
            "image_size": image_size,
        }
        with keras_errors():
            stft = self._check_stft(self._args)
            power = _check_power(power)
            self._params = {
                "stft": stft,
                "power": power,
                **self._check_db(db, ref, top_db, power),
                "height": 1 + stft["n_fft"] // 2,
                "image_size": check_image_size(image_size),
            }
        for key, value in self._args.items():
            setattr(self, key, value)

    def _natural_images(self, x):
        S = ops.transpose(self._power_frames(x, self._params["power"]), (0, 2, 1))
        return self._to_db(S)[:, None]


@keras.saving.register_keras_serializable(package="sigconv")
class MelSpectrogram(_SpectralLayer):
    """Mel spectrogram images of series, optionally in decibels, as a Keras layer.

    The layer form of :class:`sigconv.transformers.MelSpectrogram`, with the
    same parameters and the same images (to float32 rounding). The
    filterbank is :func:`sigconv.functional.mel_filterbank`, held as a
    non-trainable weight. Image height is mel band, width is time.

    Parameters
    ----------
    sr : float, default=22050
        Sampling rate of the series, in Hz.
    n_fft : int, default=2048
        FFT length, at least 2 and at most the series length.
    hop_length : int or None, default=None
        Samples between frames; None means ``win_length // 4``.
    win_length : int or None, default=None
        Window length in ``[1, n_fft]``; None means ``n_fft``.
    window : str or tuple, default="hann"
        A window :func:`scipy.signal.get_window` knows.
    center : bool, default=True
        Pad ``n_fft // 2`` samples on both sides so frames are centred.
    pad_mode : {"constant", "edge", "reflect", "symmetric"}, default="constant"
        How ``center`` pads.
    power : float, default=2.0
        Exponent of the magnitude before the filterbank, > 0.
    n_mels : int, default=128
        Number of mel bands (image height).
    fmin : float, default=0.0
        Lowest frequency, in Hz, in ``[0, sr / 2)``.
    fmax : float or None, default=None
        Highest frequency, in Hz, in ``(fmin, sr / 2]``; None means ``sr / 2``.
    htk : bool, default=False
        Use the HTK mel scale instead of Slaney's.
    norm : {"slaney", None}, default="slaney"
        Filterbank normalisation.
    db : bool, default=False
        Convert to decibels per image (``power`` must then be 2 or 1).
    ref : float or "max", default=1.0
        Reference of 0 dB with ``db=True``; "max" is each image's maximum.
    top_db : float or None, default=80.0
        With ``db=True``, clip each image at ``top_db`` below its maximum.
    image_size : int, (int, int) or None, default=None
        Resize images to ``(height, width)``; None keeps ``(n_mels, n_frames)``.
    **kwargs
        Arguments of :class:`keras.layers.Layer` (``name``, ...).

    Input shape
    -----------
    ``(batch, n_timepoints, n_channels)``, both known when the layer is built.

    Output shape
    ------------
    ``(batch, height, width, n_channels)`` float32.

    See Also
    --------
    sigconv.transformers.MelSpectrogram : The scikit-learn transformer.
    sigconv.functional.mel_spectrogram : The NumPy function.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.layers import MelSpectrogram
    >>> x = np.random.default_rng(0).normal(size=(4, 1000, 1)).astype("float32")
    >>> layer = MelSpectrogram(sr=8000, n_fft=256, hop_length=128, n_mels=32, db=True)
    >>> tuple(layer(x).shape)
    (4, 32, 8, 1)
    """

    def __init__(
        self,
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
        db=False,
        ref=1.0,
        top_db=80.0,
        image_size=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self._args = {
            "sr": sr,
            "n_fft": n_fft,
            "hop_length": hop_length,
            "win_length": win_length,
            "window": window,
            "center": center,
            "pad_mode": pad_mode,
            "power": power,
            "n_mels": n_mels,
            "fmin": fmin,
            "fmax": fmax,
            "htk": htk,
            "norm": norm,
            "db": db,
            "ref": ref,
            "top_db": top_db,
            "image_size": image_size,
        }
        with keras_errors():
            stft = self._check_stft(self._args)
            power = _check_power(power)
            mel = _check_mel_params(
                sr=sr, n_fft=stft["n_fft"], n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm
            )
            self._params = {
                "stft": stft,
                "power": power,
                "mel": mel,
                **self._check_db(db, ref, top_db, power),
                "height": mel["n_mels"],
                "image_size": check_image_size(image_size),
            }
        for key, value in self._args.items():
            setattr(self, key, value)

    def _build_transform_constants(self, n_frames):
        self._filterbank = self._constant("mel_filterbank", mel_filterbank(**self._params["mel"]).T)

    def _natural_images(self, x):
        mel = ops.matmul(self._power_frames(x, self._params["power"]), self._filterbank)
        return self._to_db(ops.transpose(mel, (0, 2, 1)))[:, None]


@keras.saving.register_keras_serializable(package="sigconv")
class MFCC(_SpectralLayer):
    """Mel-frequency cepstral coefficient images of series, with optional deltas, as a Keras layer.

    The layer form of :class:`sigconv.transformers.MFCC`, with the same
    parameters and the same images (to float32 rounding). The mel
    filterbank, the DCT matrix (:func:`sigconv.functional.dct_matrix`, with
    the lifter folded in) and the delta filters (the matrix of
    :func:`sigconv.functional.delta`, Savitzky-Golay with librosa's
    ``mode="interp"`` edges) are non-trainable weights. With ``deltas``,
    each series channel gives ``1 + deltas`` image channels, in the order
    static, delta, delta-delta.

    Parameters
    ----------
    sr : float, default=22050
        Sampling rate of the series, in Hz.
    n_mfcc : int, default=20
        Number of coefficients (image height), in ``[1, n_mels]``.
    dct_type : {1, 2, 3}, default=2
        DCT type.
    norm : {"ortho", None}, default="ortho"
        DCT normalisation.
    lifter : float, default=0.0
        Cepstral liftering coefficient, >= 0 (0 disables it).
    deltas : {0, 1, 2}, default=0
        Add the first (1) or the first and second (2) time derivatives.
    delta_width : int, default=9
        Odd number of frames the delta filter spans, >= 3, at most the number
        of frames.
    n_fft : int, default=2048
        FFT length, at least 2 and at most the series length.
    hop_length : int or None, default=None
        Samples between frames; None means ``win_length // 4``.
    win_length : int or None, default=None
        Window length in ``[1, n_fft]``; None means ``n_fft``.
    window : str or tuple, default="hann"
        A window :func:`scipy.signal.get_window` knows.
    center : bool, default=True
        Pad ``n_fft // 2`` samples on both sides so frames are centred.
    pad_mode : {"constant", "edge", "reflect", "symmetric"}, default="constant"
        How ``center`` pads.
    n_mels : int, default=128
        Number of mel bands the DCT is taken over.
    fmin : float, default=0.0
        Lowest frequency, in Hz, in ``[0, sr / 2)``.
    fmax : float or None, default=None
        Highest frequency, in Hz, in ``(fmin, sr / 2]``; None means ``sr / 2``.
    htk : bool, default=False
        Use the HTK mel scale instead of Slaney's.
    mel_norm : {"slaney", None}, default="slaney"
        Filterbank normalisation.
    top_db : float or None, default=80.0
        Clip each log-mel image at ``top_db`` below its maximum before the DCT.
    image_size : int, (int, int) or None, default=None
        Resize images to ``(height, width)``; None keeps ``(n_mfcc, n_frames)``.
    **kwargs
        Arguments of :class:`keras.layers.Layer` (``name``, ...).

    Input shape
    -----------
    ``(batch, n_timepoints, n_channels)``, both known when the layer is built.

    Output shape
    ------------
    ``(batch, height, width, n_channels * (1 + deltas))`` float32.

    See Also
    --------
    sigconv.transformers.MFCC : The scikit-learn transformer.
    sigconv.functional.mfcc : The NumPy function.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.layers import MFCC
    >>> x = np.random.default_rng(0).normal(size=(4, 2000, 2)).astype("float32")
    >>> layer = MFCC(sr=8000, n_mfcc=13, n_fft=256, hop_length=128, n_mels=40, deltas=2)
    >>> tuple(layer(x).shape)  # 2 series channels x (static, delta, delta-delta)
    (4, 13, 16, 6)
    """

    def __init__(
        self,
        sr=22050,
        n_mfcc=20,
        dct_type=2,
        norm="ortho",
        lifter=0.0,
        deltas=0,
        delta_width=9,
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
        top_db=80.0,
        image_size=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self._args = {
            "sr": sr,
            "n_mfcc": n_mfcc,
            "dct_type": dct_type,
            "norm": norm,
            "lifter": lifter,
            "deltas": deltas,
            "delta_width": delta_width,
            "n_fft": n_fft,
            "hop_length": hop_length,
            "win_length": win_length,
            "window": window,
            "center": center,
            "pad_mode": pad_mode,
            "n_mels": n_mels,
            "fmin": fmin,
            "fmax": fmax,
            "htk": htk,
            "mel_norm": mel_norm,
            "top_db": top_db,
            "image_size": image_size,
        }
        with keras_errors():
            stft = self._check_stft(self._args)
            mel = _check_mel_params(
                sr=sr,
                n_fft=stft["n_fft"],
                n_mels=n_mels,
                fmin=fmin,
                fmax=fmax,
                htk=htk,
                norm=mel_norm,
                norm_name="mel_norm",
            )
            cepstral = _check_mfcc_params(
                n_mfcc=n_mfcc, n_mels=mel["n_mels"], dct_type=dct_type, norm=norm, lifter=lifter, top_db=top_db
            )
            deltas = check_option(deltas, "deltas", (0, 1, 2))
            delta_width, _ = _check_delta_params(width=delta_width, order=1, width_name="delta_width")
            self._params = {
                "stft": stft,
                "power": 2.0,
                "mel": mel,
                "mfcc": cepstral,
                "deltas": deltas,
                "delta_width": delta_width,
                "height": cepstral["n_mfcc"],
                "image_size": check_image_size(image_size),
            }
        for key, value in self._args.items():
            setattr(self, key, value)

    def _n_images(self):
        return 1 + self._params["deltas"]

    def _check_length(self, n_timepoints):
        super()._check_length(n_timepoints)
        width = self._params["delta_width"]
        n_frames = self._n_frames(n_timepoints)
        if self._params["deltas"] and n_frames < width:
            raise ValueError(
                f"delta_width must be an odd int in [3, n_frames={n_frames}]: series of "
                f"{n_timepoints} timepoints give {n_frames} frames. Use a smaller delta_width, "
                f"or longer series (more frames). Received: delta_width={width}"
            )

    def _build_transform_constants(self, n_frames):
        mfcc = self._params["mfcc"]
        n_mfcc, lifter = mfcc["n_mfcc"], mfcc["lifter"]
        self._filterbank = self._constant("mel_filterbank", mel_filterbank(**self._params["mel"]).T)
        matrix = dct_matrix(n_mfcc, self._params["mel"]["n_mels"], dct_type=mfcc["dct_type"], norm=mfcc["norm"])
        if lifter > 0:  # librosa's lifter, folded into the DCT rows as sigconv.functional.mfcc does
            matrix = matrix * (1.0 + (lifter / 2.0) * np.sin(np.pi * np.arange(1, n_mfcc + 1) / lifter))[:, None]
        self._dct = self._constant("dct", matrix.T)
        # delta() is linear in time: its matrix D satisfies delta(X) = X @ delta(I)
        self._delta = [
            self._constant(f"delta{order}", delta(np.eye(n_frames), width=self._params["delta_width"], order=order))
            for order in range(1, self._params["deltas"] + 1)
        ]

    def _natural_images(self, x):
        mel = ops.matmul(self._power_frames(x, 2.0), self._filterbank)  # (n, n_frames, n_mels)
        mel_db = _power_to_db(mel, 1.0, 1e-10, self._params["mfcc"]["top_db"])  # per image
        coefficients = ops.transpose(ops.matmul(mel_db, self._dct), (0, 2, 1))  # (n, n_mfcc, n_frames)
        images = [coefficients] + [ops.matmul(coefficients, matrix) for matrix in self._delta]
        return ops.stack(images, axis=1)
