"""One frozen spec per image transform: its parameters checked once, and all that follows from them.

The NumPy function of :mod:`sigconv.functional`, the scikit-learn
transformer of :mod:`sigconv.transformers` and the Keras layer of
:mod:`sigconv.layers` of a transform each build its spec with
``<Spec>.create(**parameters)`` (the one validator of those parameters) and
ask it everything that depends on the parameters alone: the shortest series
accepted (``min_timepoints``, ``check_length``), the image size for a series
length (``output_hw``), the number of images per series channel
(``n_images``) and the constants (window, mel filterbank, DCT with lifter,
delta and resampling matrices). The maths itself lives in the functions of
:mod:`sigconv.functional` and in :mod:`sigconv.functional.kernels`.
"""

import dataclasses
import numbers

import numpy as np
from scipy.special import ndtri

from ..validation import check_bool, check_float, check_image_size, check_int, check_option
from .filters import (
    _check_dct_params,
    _check_mel_params,
    _dct_matrix_cached,
    _mel_filterbank_cached,
    delta_matrix,
    get_window,
    lifter_weights,
)
from .resampling import resampling_matrix

__all__ = [
    "STFTSpec",
    "SpectrogramSpec",
    "MelSpectrogramSpec",
    "MFCCSpec",
    "GramianAngularFieldSpec",
    "MarkovTransitionFieldSpec",
    "RecurrencePlotSpec",
]

_PAD_MODES = ("constant", "edge", "reflect", "symmetric")
_THRESHOLDS = (None, "absolute", "point", "distance")


def _frozen(cls):
    return dataclasses.dataclass(frozen=True)(cls)


class _Fields:
    def kwargs(self):
        """The fields as keyword arguments (for a flat spec, those of its function)."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


def _square_side(image_size, transform):
    return check_int(
        image_size,
        "image_size",
        min_value=1,
        allow_none=True,
        hint=f"{transform} are square: pass one int for both sides.",
    )


def check_db_params(*, ref, amin, top_db):
    """Validate the decibel parameters; return ``(ref, amin, top_db)``."""
    if isinstance(ref, str):
        if ref != "max":
            raise ValueError(f"ref must be a positive number or 'max'; got ref={ref!r}.")
    elif isinstance(ref, (bool, np.bool_)) or not isinstance(ref, numbers.Real):
        raise TypeError(f"ref must be a positive number or 'max'; got ref={ref!r} ({type(ref).__name__}).")
    else:
        if not (np.isfinite(ref) and ref > 0):
            raise ValueError(f"ref must be a positive number or 'max'; got ref={ref!r}.")
        ref = float(ref)
    amin = check_float(amin, "amin", min_value=0.0, closed="neither")
    top_db = check_float(top_db, "top_db", min_value=0.0, allow_none=True)
    return ref, amin, top_db


def check_delta_params(*, width, order, width_name="width"):
    """Validate the delta filter parameters; return ``(width, order)``."""
    width = check_int(width, width_name, min_value=3)
    if width % 2 != 1:
        raise ValueError(f"{width_name} must be an odd int >= 3; got {width_name}={width}.")
    order = check_int(order, "order", min_value=1)
    return width, order


def _square_hw(side):
    return side, side


# --------------------------------------------------------------------------------------
# Spectral transforms
# --------------------------------------------------------------------------------------


@_frozen
class STFTSpec(_Fields):
    """Framing of the short-time Fourier transform (``hop_length`` and ``win_length`` resolved)."""

    n_fft: int
    hop_length: int
    win_length: int
    window: object
    center: bool
    pad_mode: str

    @classmethod
    def create(cls, *, n_fft, hop_length, win_length, window, center, pad_mode):
        n_fft = check_int(n_fft, "n_fft", min_value=2)
        win_length = check_int(
            win_length,
            "win_length",
            min_value=1,
            max_value=n_fft,
            allow_none=True,
            hint="The window is zero-padded to n_fft samples, so it cannot be longer than n_fft.",
        )
        if win_length is None:
            win_length = n_fft
        if hop_length is None:
            if win_length // 4 < 1:
                raise ValueError(
                    f"hop_length=None means win_length // 4, which is 0 for win_length="
                    f"{win_length}; set hop_length to an int >= 1."
                )
            hop_length = win_length // 4
        else:
            hop_length = check_int(hop_length, "hop_length", min_value=1, allow_none=True)
        get_window(window, win_length, n_fft)  # raises for a window scipy does not know
        center = check_bool(center, "center")
        pad_mode = check_option(pad_mode, "pad_mode", _PAD_MODES)
        return cls(n_fft, hop_length, win_length, window, center, pad_mode)

    @property
    def n_bins(self):
        return 1 + self.n_fft // 2

    @property
    def min_timepoints(self):
        return self.n_fft

    def check_length(self, n_timepoints):
        if self.n_fft > n_timepoints:
            raise ValueError(
                f"n_fft must be an int in [2, n_timepoints={n_timepoints}]; got n_fft={self.n_fft}. "
                "Use a smaller n_fft or pad the series."
            )

    def n_frames(self, n_timepoints):
        """Number of frames of a series of ``n_timepoints`` samples (librosa's count)."""
        padded = n_timepoints + 2 * (self.n_fft // 2) if self.center else n_timepoints
        return 1 + (padded - self.n_fft) // self.hop_length

    def window_values(self, dtype=np.float64):
        return get_window(self.window, self.win_length, self.n_fft, dtype=dtype)

    def frame_index(self, n_timepoints):
        """``(n_frames, n_fft)`` int32 positions of each frame's samples in the series.

        Position ``n_timepoints`` stands for the zero of ``pad_mode="constant"``
        (a zero appended to the series).
        """
        positions = np.arange(n_timepoints)
        if self.center:
            half = self.n_fft // 2
            if self.pad_mode == "constant":
                positions = np.pad(positions, half, mode="constant", constant_values=n_timepoints)
            else:
                positions = np.pad(positions, half, mode=self.pad_mode)
        starts = np.arange(self.n_frames(n_timepoints)) * self.hop_length
        return positions[starts[:, None] + np.arange(self.n_fft)].astype("int32")


@_frozen
class MelSpec(_Fields):
    """The mel filterbank of a mel spectrogram or MFCC."""

    sr: float
    n_fft: int
    n_mels: int
    fmin: float
    fmax: object
    htk: bool
    norm: object

    @classmethod
    def create(cls, *, norm_name="norm", **params):
        return cls(**_check_mel_params(**params, norm_name=norm_name))

    def filterbank(self):
        """float32 ``(n_mels, 1 + n_fft // 2)``, read-only (:func:`sigconv.functional.mel_filterbank`)."""
        return _mel_filterbank_cached(self.sr, self.n_fft, self.n_mels, self.fmin, self.fmax, self.htk, self.norm)


class _ImageSpec:
    """Image size and length checks of the spectral specs (``stft``, ``height``, ``image_size``)."""

    n_images = 1

    @property
    def min_timepoints(self):
        return self.stft.min_timepoints

    def check_length(self, n_timepoints):
        self.stft.check_length(n_timepoints)

    def output_hw(self, n_timepoints):
        if self.image_size is not None:
            return self.image_size
        return self.height, self.stft.n_frames(n_timepoints)

    def overflow_amplitude(self):
        """The largest ``|x|`` of a series below which its float32 power spectrum cannot overflow.

        ``|STFT| <= max|x| * sum|window|``; the power (and the mel
        filterbank's sums over bins) must stay below the float32 maximum, with
        a margin of 16 for rounding and the later sums.
        """
        gain = float(np.sum(np.abs(self.stft.window_values())))
        bound = float(np.finfo(np.float32).max) / 16
        mel = getattr(self, "mel", None)
        if mel is not None:
            bound /= max(1.0, float(np.max(np.sum(mel.filterbank(), axis=1, dtype=np.float64))))
        return bound ** (1.0 / max(self.power, 2.0)) / gain

    def resize_matrices(self, n_timepoints):
        """``(rows, cols)`` resampling matrices from the natural size to ``image_size``, or None."""
        if self.image_size is None:
            return None
        out_h, out_w = self.image_size
        return resampling_matrix(self.height, out_h), resampling_matrix(self.stft.n_frames(n_timepoints), out_w)


def _check_decibels(db, ref, top_db, power, raw_power):
    db = check_bool(db, "db")
    ref, _, top_db = check_db_params(ref=ref, amin=1.0, top_db=top_db)
    if db and power not in (1.0, 2.0):
        raise ValueError(
            "db=True needs power=2.0 (a power spectrogram, converted with power_to_db) "
            f"or power=1.0 (a magnitude spectrogram, converted with amplitude_to_db); got "
            f"power={raw_power}. Set db=False for other powers."
        )
    return db, ref, top_db


def _check_power(power):
    return check_float(power, "power", min_value=0.0, closed="neither")


@_frozen
class SpectrogramSpec(_ImageSpec):
    """:class:`~sigconv.transformers.Spectrogram`: ``|STFT| ** power``, optionally in decibels."""

    stft: STFTSpec
    power: float
    db: bool
    ref: object
    top_db: object
    image_size: object

    @classmethod
    def create(cls, *, power, db, ref, top_db, image_size, **stft):
        stft = STFTSpec.create(**stft)
        checked_power = _check_power(power)
        db, ref, top_db = _check_decibels(db, ref, top_db, checked_power, power)
        return cls(stft, checked_power, db, ref, top_db, check_image_size(image_size))

    @property
    def height(self):
        return self.stft.n_bins


@_frozen
class MelSpectrogramSpec(_ImageSpec):
    """:class:`~sigconv.transformers.MelSpectrogram`: the mel filterbank applied to ``|STFT| ** power``."""

    stft: STFTSpec
    power: float
    mel: MelSpec
    db: bool
    ref: object
    top_db: object
    image_size: object

    @classmethod
    def create(cls, *, sr, power, n_mels, fmin, fmax, htk, norm, db, ref, top_db, image_size, **stft):
        stft = STFTSpec.create(**stft)
        checked_power = _check_power(power)
        mel = MelSpec.create(sr=sr, n_fft=stft.n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
        db, ref, top_db = _check_decibels(db, ref, top_db, checked_power, power)
        return cls(stft, checked_power, mel, db, ref, top_db, check_image_size(image_size))

    @property
    def height(self):
        return self.mel.n_mels


@_frozen
class MFCCSpec(_ImageSpec):
    """:class:`~sigconv.transformers.MFCC`: the DCT of the log-power mel spectrogram, with deltas."""

    stft: STFTSpec
    mel: MelSpec
    n_mfcc: int
    dct_type: int
    norm: object
    lifter: float
    top_db: object
    deltas: int
    delta_width: int
    image_size: object

    power = 2.0
    db = True  # the coefficients are those of the log-power (decibel) mel spectrogram

    @classmethod
    def create(
        cls, *, sr, n_mfcc, dct_type, norm, lifter, deltas, delta_width, n_mels, fmin, fmax, htk, mel_norm,
        top_db, image_size, **stft,
    ):
        stft = STFTSpec.create(**stft)
        mel = MelSpec.create(
            sr=sr, n_fft=stft.n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=mel_norm, norm_name="mel_norm"
        )
        n_mfcc, dct_type, norm = _check_dct_params(n_mfcc=n_mfcc, n_mels=mel.n_mels, dct_type=dct_type, norm=norm)
        lifter = check_float(lifter, "lifter", min_value=0.0)
        top_db = check_float(top_db, "top_db", min_value=0.0, allow_none=True)
        deltas = check_option(deltas, "deltas", (0, 1, 2))
        delta_width, _ = check_delta_params(width=delta_width, order=1, width_name="delta_width")
        return cls(
            stft, mel, n_mfcc, dct_type, norm, lifter, top_db, deltas, delta_width, check_image_size(image_size)
        )

    @property
    def height(self):
        return self.n_mfcc

    @property
    def n_images(self):
        return 1 + self.deltas

    @property
    def min_timepoints(self):
        stft = self.stft
        if self.deltas == 0:
            return stft.n_fft
        # the shortest series with at least delta_width frames
        padding = 2 * (stft.n_fft // 2) if stft.center else 0
        needed = (self.delta_width - 1) * stft.hop_length + stft.n_fft - padding
        return max(stft.n_fft, needed)

    def check_length(self, n_timepoints):
        self.stft.check_length(n_timepoints)
        n_frames = self.stft.n_frames(n_timepoints)
        if self.deltas and n_frames < self.delta_width:
            raise ValueError(
                f"delta_width must be an odd int in [3, n_frames={n_frames}]: series of "
                f"{n_timepoints} timepoints give {n_frames} frames; got delta_width={self.delta_width}. "
                "Use a smaller delta_width, or longer series (more frames)."
            )

    def dct(self):
        """float64 ``(n_mfcc, n_mels)``: the DCT rows, times librosa's lifter when ``lifter > 0``.

        Folding the lifter into the rows makes the whole MFCC one matrix product.
        """
        matrix = _dct_matrix_cached(self.n_mfcc, self.mel.n_mels, self.dct_type, self.norm)
        if self.lifter > 0:
            matrix = matrix * lifter_weights(self.n_mfcc, self.lifter)[:, np.newaxis]
        return matrix

    def mfcc_kwargs(self):
        """Keyword arguments of :func:`sigconv.functional.mfcc`."""
        mel = self.mel.kwargs()
        del mel["n_fft"]
        mel["mel_norm"] = mel.pop("norm")
        cepstral = {"n_mfcc": self.n_mfcc, "dct_type": self.dct_type, "norm": self.norm, "lifter": self.lifter}
        return {**self.stft.kwargs(), **mel, **cepstral, "top_db": self.top_db}

    def delta_matrices(self, n_frames):
        """The ``(n_frames, n_frames)`` matrices of the deltas of order 1 to ``deltas``."""
        return [delta_matrix(n_frames, width=self.delta_width, order=order) for order in range(1, self.deltas + 1)]


# --------------------------------------------------------------------------------------
# Gramian angular field, Markov transition field, recurrence plot
# --------------------------------------------------------------------------------------


class _SquareSpec(_Fields):
    """Square images of side ``image_size``, or of the (reduced) series length."""

    n_images = 1
    min_timepoints = 1

    def side(self, n_timepoints):
        return self.image_size or n_timepoints

    def output_hw(self, n_timepoints):
        return _square_hw(self.side(n_timepoints))

    def reduced_length(self, n_timepoints):
        """Length of the series after PAA (or interpolation) to the image."""
        return self.side(n_timepoints)

    def check_length(self, n_timepoints):
        if n_timepoints < self.min_timepoints:
            raise ValueError(
                f"{self.transform} needs series of at least {self.min_timepoints} timepoints; "
                f"got n_timepoints={n_timepoints}."
            )

    def paa_matrix(self, n_timepoints):
        """The ``(reduced_length, n_timepoints)`` PAA/interpolation matrix, or None when it is the identity."""
        n_out = self.reduced_length(n_timepoints)
        return None if n_out == n_timepoints else resampling_matrix(n_timepoints, n_out)


@_frozen
class GramianAngularFieldSpec(_SquareSpec):
    """:class:`~sigconv.transformers.GramianAngularField`."""

    method: str
    image_size: object
    sample_range: object

    transform = "GramianAngularField"

    @classmethod
    def create(cls, *, method, image_size, sample_range):
        method = check_option(method, "method", ("summation", "difference"))
        image_size = _square_side(image_size, "Gramian angular fields")
        if sample_range is not None:
            message = (
                "sample_range must be None or a (min, max) pair of numbers with "
                f"-1 <= min < max <= 1; got sample_range={sample_range!r}."
            )
            if not isinstance(sample_range, (tuple, list)) or len(sample_range) != 2:
                raise TypeError(message)
            if not all(isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) for v in sample_range):
                raise TypeError(message)
            low, high = float(sample_range[0]), float(sample_range[1])
            if not -1.0 <= low < high <= 1.0:
                raise ValueError(message)
            sample_range = (low, high)
        return cls(method, image_size, sample_range)


@_frozen
class MarkovTransitionFieldSpec(_SquareSpec):
    """:class:`~sigconv.transformers.MarkovTransitionField`."""

    n_bins: int
    strategy: str
    image_size: object

    transform = "MarkovTransitionField"
    min_timepoints = 2

    @classmethod
    def create(cls, *, n_bins, strategy, image_size):
        return cls(
            check_int(n_bins, "n_bins", min_value=2),
            check_option(strategy, "strategy", ("quantile", "uniform", "normal")),
            _square_side(image_size, "Markov transition fields"),
        )

    def check_length(self, n_timepoints):
        if n_timepoints < 2:
            raise ValueError(
                "MarkovTransitionField needs series of at least 2 timepoints (a transition "
                f"needs two); got n_timepoints={n_timepoints}."
            )

    def normal_edges(self):
        """float64 inner edges of ``strategy="normal"``: the quantiles of the standard normal."""
        return ndtri(np.linspace(0.0, 1.0, self.n_bins + 1)[1:-1])

    def quantile_positions(self, n_timepoints):
        """``(below, above, fraction)``: the ranks ``numpy.percentile`` interpolates the inner edges from."""
        quantiles = np.linspace(0.0, 100.0, self.n_bins + 1)[1:-1] / 100
        position = (n_timepoints - 1) * quantiles
        below = np.floor(position).astype(np.intp)
        above = np.minimum(below + 1, n_timepoints - 1)
        return below, above, position - below


@_frozen
class RecurrencePlotSpec(_SquareSpec):
    """:class:`~sigconv.transformers.RecurrencePlot`."""

    dimension: int
    time_delay: int
    threshold: object
    epsilon: object
    percentage: float
    image_size: object

    transform = "RecurrencePlot"

    @classmethod
    def create(cls, *, dimension, time_delay, threshold, epsilon, percentage, image_size):
        dimension = check_int(dimension, "dimension", min_value=1)
        time_delay = check_int(time_delay, "time_delay", min_value=1)
        if isinstance(threshold, numbers.Real) and not isinstance(threshold, (bool, np.bool_)):
            raise ValueError(
                "threshold must be one of {None, 'absolute', 'point', 'distance'}; got "
                f"threshold={threshold!r}. For a fixed recurrence radius (a number "
                f"threshold in pyts), pass threshold='absolute', epsilon={threshold!r}."
            )
        threshold = check_option(threshold, "threshold", _THRESHOLDS)
        if threshold == "absolute":
            if epsilon is None:
                raise ValueError(
                    "threshold='absolute' needs epsilon, the distance below which two "
                    "states recur; got epsilon=None. Pass a positive epsilon."
                )
            epsilon = check_float(epsilon, "epsilon", min_value=0.0, closed="right")
        elif epsilon is not None:
            raise ValueError(
                "epsilon is only used with threshold='absolute'; got "
                f"epsilon={epsilon!r} with threshold={threshold!r}. Remove epsilon "
                "or set threshold='absolute'."
            )
        percentage = check_float(percentage, "percentage", min_value=0.0, max_value=100.0, closed="right")
        image_size = _square_side(image_size, "Recurrence plots")
        return cls(dimension, time_delay, threshold, epsilon, percentage, image_size)

    @property
    def span(self):
        """Timepoints an embedded state spans beyond its first: ``(dimension - 1) * time_delay``."""
        return (self.dimension - 1) * self.time_delay

    @property
    def min_timepoints(self):
        return 1 if self.image_size is not None else self.span + 1

    def side(self, n_timepoints):
        return self.image_size or n_timepoints - self.span

    def reduced_length(self, n_timepoints):
        return self.side(n_timepoints) + self.span

    def check_length(self, n_timepoints):
        if self.image_size is None and n_timepoints < self.span + 1:
            raise ValueError(
                "Series are too short for the embedding: dimension=%d and time_delay=%d "
                "need n_timepoints >= (dimension - 1) * time_delay + 1 = %d; got "
                "n_timepoints=%d. Lower dimension or time_delay, or set image_size."
                % (self.dimension, self.time_delay, self.span + 1, n_timepoints)
            )

    def epsilon_float32(self):
        """The smallest float32 >= ``epsilon``: for float32 ``d``, ``d < epsilon`` iff ``d < it``."""
        return float(float32_above(np.array([self.epsilon]))[0])


def percentile_ranks(n_values, percentage):
    """``(below, above, fraction)``: ``numpy.percentile``'s (linear) virtual index among ``n_values`` sorted values."""
    position = (n_values - 1) * (percentage / 100.0)
    below = int(np.floor(position))
    return below, min(below + 1, n_values - 1), position - below


def float32_above(value):
    """Smallest float32 >= each float64 ``value``: for float32 ``d``, ``d < value`` iff ``d < it``."""
    rounded = value.astype(np.float32)
    low = rounded.astype(np.float64) < value
    rounded[low] = np.nextafter(rounded[low], np.float32(np.inf))
    return rounded


def float32_below(edges):
    """Largest float32 <= each float64 edge: for float32 ``v``, ``v > edge`` iff ``v > it``."""
    rounded = edges.astype(np.float32)
    high = rounded.astype(np.float64) > edges
    rounded[high] = np.nextafter(rounded[high], np.float32(-np.inf))
    return rounded
