"""Spectrogram, mel spectrogram and MFCC layers.

Frames are gathered from the (padded) series with one index matrix, windowed
and transformed with ``keras.ops.rfft``; the mel filterbank, the DCT and the
delta filters are matrices taken from :mod:`sigconv.functional` and held as
non-trainable weights, so the layers and the transformers share one
definition of each constant. For decibels (``db=True``, MFCC), a series so
large that its float32 power could overflow is divided by its maximum and
the decibels of that scale added back, so decibels of any finite series are
finite; power and magnitude images beyond the float32 range are ``inf``.
"""

import keras
from keras import ops

from ..functional import kernels
from ..functional.docstrings import fill_doc
from ..functional.specs import MelSpectrogramSpec, MFCCSpec, SpectrogramSpec
from ._base import BaseImageLayer

__all__ = ["Spectrogram", "MelSpectrogram", "MFCC"]


def _power_to_db(S, ref, amin, top_db, offset_db):
    """:func:`sigconv.functional.power_to_db` per image (last two axes), in ``keras.ops``."""
    return kernels.decibels(S, ref=ref, amin=amin, top_db=top_db, xp=ops, dtype="float32", offset_db=offset_db)


class _SpectralLayer(BaseImageLayer):
    """STFT framing, power, decibels and resizing shared by the spectral layers.

    A subclass implements ``_natural_images(x, offset_db)``: series ``(n,
    n_timepoints)`` to images ``(n, n_images, height, n_frames)``, adding
    ``offset_db`` to decibels.
    """

    def _build_constants(self, n_timepoints):
        stft = self._spec.stft
        # Frame t holds the padded samples [t * hop, t * hop + n_fft); positions of the
        # padded series point into the series, or at the zero appended to it.
        self._frame_index = stft.frame_index(n_timepoints)
        self._window = self._constant("window", stft.window_values())
        self._resize = None
        resize = self._spec.resize_matrices(n_timepoints)
        if resize is not None:
            self._resize = (self._constant("resize_rows", resize[0]), self._constant("resize_cols", resize[1]))
        self._overflow_amplitude = self._spec.overflow_amplitude()
        self._build_transform_constants(stft.n_frames(n_timepoints))

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

    def _to_db(self, S, offset_db):
        spec = self._spec
        if not spec.db:
            return S
        if spec.power == 2.0:
            return _power_to_db(S, spec.ref, 1e-10, spec.top_db, offset_db)
        # amplitude_to_db: the power of the magnitudes, against ref ** 2 and amin ** 2
        ref = "max" if spec.ref == "max" else spec.ref**2
        return _power_to_db(ops.square(S), ref, 1e-10, spec.top_db, offset_db)

    def _scaled(self, x):
        """Series divided by their largest ``|x|`` where the float32 power could overflow, and its dB.

        Decibels are finite for any finite float32 series: a series whose power
        would overflow is divided by its maximum, and the dB of the square of
        that scale (``(n, 1, 1)``, 0 for the other series) is added back.
        """
        largest = ops.max(ops.abs(x), axis=-1, keepdims=True)
        scale = ops.where(ops.greater(largest, self._overflow_amplitude), largest, ops.ones_like(largest))
        return x / scale, (20.0 * ops.log10(scale))[:, :, None]

    def _images(self, x):
        offset_db = None
        if self._spec.db:
            x, offset_db = self._scaled(x)
        images = self._natural_images(x, offset_db)  # (n, n_images, height, n_frames)
        if self._resize is not None:
            rows, cols = self._resize
            images = ops.einsum("ph,nkhw->nkpw", rows, images)
            images = ops.einsum("nkhw,qw->nkhq", images, cols)
        return images


@keras.saving.register_keras_serializable(package="sigconv")
@fill_doc
class Spectrogram(_SpectralLayer):
    """Spectrogram images of series, ``|STFT| ** power``, optionally in decibels, as a Keras layer.

    The layer form of :class:`sigconv.transformers.Spectrogram`, with the
    same parameters and the same images (to float32 rounding). Image height
    is frequency (row 0 is 0 Hz), width is time (frames); one image channel
    per series channel.

    Parameters
    ----------
    %(stft_parameters)s
    power : float, default=2.0
        Exponent of the magnitude, > 0.
    %(db_parameters)s
    image_size : int, (int, int) or None, default=None
        Resize images to ``(height, width)`` with the matrices of
        :func:`sigconv.functional.resampling_matrix`; None keeps
        ``(1 + n_fft // 2, n_frames)``.
    %(layer_kwargs)s

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

    _spec_type = SpectrogramSpec

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
        self._set_args(locals())

    def _natural_images(self, x, offset_db):
        S = ops.transpose(self._power_frames(x, self._spec.power), (0, 2, 1))
        return self._to_db(S, offset_db)[:, None]


@keras.saving.register_keras_serializable(package="sigconv")
@fill_doc
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
    %(stft_parameters)s
    power : float, default=2.0
        Exponent of the magnitude before the filterbank, > 0.
    n_mels : int, default=128
        Number of mel bands (image height).
    %(mel_range_parameters)s
    norm : {"slaney", None}, default="slaney"
        Filterbank normalisation.
    %(db_parameters)s
    image_size : int, (int, int) or None, default=None
        Resize images to ``(height, width)``; None keeps ``(n_mels, n_frames)``.
    %(layer_kwargs)s

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

    _spec_type = MelSpectrogramSpec

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
        self._set_args(locals())

    def _build_transform_constants(self, n_frames):
        self._filterbank = self._constant("mel_filterbank", self._spec.mel.filterbank().T)

    def _natural_images(self, x, offset_db):
        mel = ops.matmul(self._power_frames(x, self._spec.power), self._filterbank)
        return self._to_db(ops.transpose(mel, (0, 2, 1)), offset_db)[:, None]


@keras.saving.register_keras_serializable(package="sigconv")
@fill_doc
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
    %(cepstral_parameters)s
    %(stft_parameters)s
    n_mels : int, default=128
        Number of mel bands the DCT is taken over.
    %(mel_range_parameters)s
    mel_norm : {"slaney", None}, default="slaney"
        Filterbank normalisation.
    top_db : float or None, default=80.0
        Clip each log-mel image at ``top_db`` below its maximum before the DCT.
    image_size : int, (int, int) or None, default=None
        Resize images to ``(height, width)``; None keeps ``(n_mfcc, n_frames)``.
    %(layer_kwargs)s

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

    _spec_type = MFCCSpec

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
        self._set_args(locals())

    def _build_transform_constants(self, n_frames):
        self._filterbank = self._constant("mel_filterbank", self._spec.mel.filterbank().T)
        self._dct = self._constant("dct", self._spec.dct().T)
        self._delta = [
            self._constant(f"delta{order}", matrix)
            for order, matrix in enumerate(self._spec.delta_matrices(n_frames), start=1)
        ]

    def _natural_images(self, x, offset_db):
        mel = ops.matmul(self._power_frames(x, 2.0), self._filterbank)  # (n, n_frames, n_mels)
        mel_db = _power_to_db(mel, 1.0, 1e-10, self._spec.top_db, offset_db)  # per image
        coefficients = ops.transpose(ops.matmul(mel_db, self._dct), (0, 2, 1))  # (n, n_mfcc, n_frames)
        images = [coefficients] + [ops.matmul(coefficients, matrix) for matrix in self._delta]
        return ops.stack(images, axis=1)
