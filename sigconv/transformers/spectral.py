"""Spectrogram, mel spectrogram and MFCC images of series.

Thin scikit-learn wrappers over :func:`sigconv.functional.spectrogram`,
:func:`sigconv.functional.mel_spectrogram` and :func:`sigconv.functional.mfcc`.
Images have frequency (or coefficient) on the height, row 0 the lowest, and
STFT frames on the width.

Series are float32; when one is so large that its float32 power could
overflow (beyond about ``4e15`` for ``n_fft=2048``), its chunk is computed
in float64, so decibels (``db=True``, MFCC) of any finite series are
finite, and a power or magnitude image beyond the float32 range is an error
rather than ``inf``.
"""

import numpy as np

from ..functional import amplitude_to_db, delta, mel_spectrogram, mfcc, power_to_db, resize_image, spectrogram
from ..functional.docstrings import fill_doc
from ..functional.specs import MelSpectrogramSpec, MFCCSpec, SpectrogramSpec
from ._base import BaseImageTransformer

__all__ = ["Spectrogram", "MelSpectrogram", "MFCC"]


class _SpectralTransformer(BaseImageTransformer):
    """What the three spectral transformers share: decibels, resizing and the chunk size.

    A subclass implements ``_natural_images(X, spec)``: series to images
    ``(n, c, n_images, height, n_frames)``.
    """

    def _to_db(self, S, spec):
        if not spec.db:
            return S
        to_db = power_to_db if spec.power == 2.0 else amplitude_to_db
        return to_db(S, ref=spec.ref, top_db=spec.top_db)

    def _work_elements(self, n_timepoints, spec):
        n_frames = spec.stft.n_frames(n_timepoints)
        height, width = spec.output_hw(n_timepoints)
        # the natural images and their dB copy, the power spectrum of a chunk, the output
        return n_frames * (2 * spec.height + spec.stft.n_bins) + 4 * height * width

    def _images(self, X, spec):
        wide = X.size and max(float(X.max()), -float(X.min())) > spec.overflow_amplitude()
        # Rare: the float32 power of these series could overflow; compute it in float64.
        images = self._natural_images(X.astype(np.float64) if wide else X, spec)  # (n, c, k, height, n_frames)
        if wide and not spec.db and not np.max(images) <= np.finfo(np.float32).max:
            raise ValueError(
                f"{type(self).__name__} images of these series exceed the float32 range: their "
                f"largest value is {float(np.max(images)):.3g} (float32 holds up to 3.4e+38; the "
                f"series reach {max(float(X.max()), -float(X.min())):.3g}). Set db=True (decibels of any finite "
                "series are finite), or scale the series down (e.g. divide them by their maximum)."
            )
        if spec.image_size is not None:
            images = resize_image(images, spec.image_size)
        return images


@fill_doc
class Spectrogram(_SpectralTransformer):
    """Spectrogram images of series: ``|STFT| ** power``, optionally in decibels.

    Each channel of each series becomes one image channel. Image height is
    frequency (row 0 is 0 Hz, ``1 + n_fft // 2`` rows), width is time
    (STFT frames).

    Parameters
    ----------
    %(stft_parameters)s
    power : float, default=2.0
        Exponent of the magnitude, > 0: 2 for power, 1 for magnitude.
    %(db_parameters)s
    image_size : int, (int, int) or None, default=None
        Resize images to ``(height, width)`` (an int for a square) with
        :func:`~sigconv.functional.resize_image`; then series of any length
        (a list of unequal-length series too) give images of one size. None
        keeps the natural size, which depends on the series length.
    %(transformer_tail)s

    See Also
    --------
    sigconv.functional.spectrogram : The function this class applies.
    MelSpectrogram : The spectrogram on the mel scale.
    MFCC : Mel-frequency cepstral coefficients.

    References
    ----------
    .. [1] J. B. Allen, "Short time spectral analysis, synthesis, and
       modification by discrete Fourier transform", IEEE Transactions on
       Acoustics, Speech, and Signal Processing 25(3), 1977.
    .. [2] B. McFee et al., "librosa: Audio and music signal analysis in
       Python", Proceedings of the 14th Python in Science Conference, 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.transformers import Spectrogram
    >>> X = np.random.default_rng(0).normal(size=(4, 2, 256))
    >>> Spectrogram(n_fft=32, hop_length=16, db=True).fit_transform(X).shape
    (4, 17, 17, 2)
    >>> Spectrogram(n_fft=32, image_size=16).fit_transform(X).shape
    (4, 16, 16, 2)
    """

    _spec_type = SpectrogramSpec

    def __init__(
        self,
        *,
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
        flatten=False,
    ):
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.win_length = win_length
        self.window = window
        self.center = center
        self.pad_mode = pad_mode
        self.power = power
        self.db = db
        self.ref = ref
        self.top_db = top_db
        self.image_size = image_size
        self.flatten = flatten

    def _natural_images(self, X, spec):
        S = spectrogram(X, **spec.stft.kwargs(), power=spec.power)
        return self._to_db(S, spec)[:, :, None]


@fill_doc
class MelSpectrogram(_SpectralTransformer):
    """Mel spectrogram images of series, optionally in decibels.

    The power (or magnitude) spectrogram mapped to ``n_mels`` mel bands by a
    triangular filterbank. Image height is mel band (row 0 the lowest), width
    is time (STFT frames); one image channel per series channel.

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
        Filterbank normalisation (see :func:`~sigconv.functional.mel_filterbank`).
    %(db_parameters)s
    image_size : int, (int, int) or None, default=None
        Resize images to ``(height, width)``; None keeps ``(n_mels, n_frames)``.
    %(transformer_tail)s

    See Also
    --------
    sigconv.functional.mel_spectrogram : The function this class applies.
    sigconv.functional.mel_filterbank : The filterbank.
    Spectrogram : The linear-frequency spectrogram.
    MFCC : Cepstral coefficients of the log-mel spectrogram.

    References
    ----------
    .. [1] S. S. Stevens, J. Volkmann and E. B. Newman, "A scale for the
       measurement of the psychological magnitude pitch", Journal of the
       Acoustical Society of America 8(3), 1937.
    .. [2] M. Slaney, "Auditory Toolbox", Technical Report 1998-010, Interval
       Research Corporation, 1998.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.transformers import MelSpectrogram
    >>> X = np.random.default_rng(0).normal(size=(4, 1000))
    >>> mel = MelSpectrogram(sr=8000, n_fft=256, hop_length=128, n_mels=32, db=True)
    >>> mel.fit_transform(X).shape
    (4, 32, 8, 1)
    """

    _spec_type = MelSpectrogramSpec

    def __init__(
        self,
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
        db=False,
        ref=1.0,
        top_db=80.0,
        image_size=None,
        flatten=False,
    ):
        self.sr = sr
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.win_length = win_length
        self.window = window
        self.center = center
        self.pad_mode = pad_mode
        self.power = power
        self.n_mels = n_mels
        self.fmin = fmin
        self.fmax = fmax
        self.htk = htk
        self.norm = norm
        self.db = db
        self.ref = ref
        self.top_db = top_db
        self.image_size = image_size
        self.flatten = flatten

    def _natural_images(self, X, spec):
        mel = spec.mel.kwargs()
        del mel["n_fft"]
        M = mel_spectrogram(X, **spec.stft.kwargs(), power=spec.power, **mel)
        return self._to_db(M, spec)[:, :, None]


@fill_doc
class MFCC(_SpectralTransformer):
    """Mel-frequency cepstral coefficient images of series, with optional deltas.

    The DCT of the log-power mel spectrogram (``librosa.feature.mfcc``). Image
    height is the coefficient (row 0 the first), width is time (STFT frames).
    With ``deltas``, each series channel gives ``1 + deltas`` image channels,
    in the order static, delta, delta-delta.

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
    %(transformer_tail)s

    See Also
    --------
    sigconv.functional.mfcc : The function this class applies.
    sigconv.functional.delta : The deltas.
    MelSpectrogram : The mel spectrogram it starts from.
    Spectrogram : The linear-frequency spectrogram.

    References
    ----------
    %(davis_mermelstein_reference)s
    .. [2] S. Furui, "Speaker-independent isolated word recognition using
       dynamic features of speech spectrum", IEEE Transactions on Acoustics,
       Speech, and Signal Processing 34(1), 1986.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.transformers import MFCC
    >>> X = np.random.default_rng(0).normal(size=(4, 2, 2000))
    >>> mfcc = MFCC(sr=8000, n_mfcc=13, n_fft=256, hop_length=128, n_mels=40, deltas=2)
    >>> mfcc.fit_transform(X).shape  # 2 series channels x (static, delta, delta-delta)
    (4, 13, 16, 6)
    """

    _spec_type = MFCCSpec

    def __init__(
        self,
        *,
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
        flatten=False,
    ):
        self.sr = sr
        self.n_mfcc = n_mfcc
        self.dct_type = dct_type
        self.norm = norm
        self.lifter = lifter
        self.deltas = deltas
        self.delta_width = delta_width
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.win_length = win_length
        self.window = window
        self.center = center
        self.pad_mode = pad_mode
        self.n_mels = n_mels
        self.fmin = fmin
        self.fmax = fmax
        self.htk = htk
        self.mel_norm = mel_norm
        self.top_db = top_db
        self.image_size = image_size
        self.flatten = flatten

    def _natural_images(self, X, spec):
        M = mfcc(X, **spec.mfcc_kwargs())  # (n, c, n_mfcc, n_frames)
        images = [M] + [delta(M, width=spec.delta_width, order=k) for k in range(1, spec.deltas + 1)]
        return np.stack(images, axis=2)
