"""Pure NumPy/SciPy signal-to-image, vibration and augmentation functions: no state, no Keras.

Every function takes series with time on the last axis (any leading axes)
and keyword-only parameters. The transformers of :mod:`sigconv.transformers`
and the Keras layers are thin wrappers over these functions and reuse their
constants (windows, filterbanks, DCT and resampling matrices).

Each image transform has one spec (:mod:`sigconv.functional.specs`): its
parameters checked once, its image size, minimum length and constants, which
come from :mod:`sigconv.functional.filters` (window, mel filterbank, DCT,
lifter, delta filter) and :mod:`sigconv.functional.resampling`. Maths that
is the same in NumPy and ``keras.ops`` is written once in
:mod:`sigconv.functional.kernels`.
"""

from .augmentation import jitter, scaling, time_warp, window_at, window_slice
from .gramian import gramian_angular_field
from .markov import markov_transition_field
from .recurrence import recurrence_plot
from .resampling import paa, resampling_matrix, resize_image
from .filters import dct_matrix, mel_filterbank
from .spectral import (
    amplitude_to_db,
    delta,
    mel_spectrogram,
    mfcc,
    power_to_db,
    spectrogram,
    stft,
)
from .vibration import (
    bandpass,
    bandpass_sos,
    bearing_defect_frequencies,
    bearing_features,
    envelope_spectrum,
    kurtogram,
    order_spectrum,
    spectral_kurtosis,
)

__all__ = [
    "amplitude_to_db",
    "bandpass",
    "bandpass_sos",
    "bearing_defect_frequencies",
    "bearing_features",
    "dct_matrix",
    "delta",
    "envelope_spectrum",
    "gramian_angular_field",
    "jitter",
    "kurtogram",
    "markov_transition_field",
    "mel_filterbank",
    "mel_spectrogram",
    "mfcc",
    "order_spectrum",
    "paa",
    "power_to_db",
    "recurrence_plot",
    "resampling_matrix",
    "resize_image",
    "scaling",
    "spectral_kurtosis",
    "spectrogram",
    "stft",
    "time_warp",
    "window_at",
    "window_slice",
]
