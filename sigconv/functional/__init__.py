"""Pure NumPy/SciPy signal-to-image, vibration and augmentation functions: no state, no Keras.

Every function takes series with time on the last axis (any leading axes)
and keyword-only parameters. The transformers of :mod:`sigconv.transformers`
and the Keras layers are thin wrappers over these functions and reuse their
constants (windows, filterbanks, DCT and resampling matrices).
"""

from .augmentation import jitter, scaling, time_warp, window_at, window_slice
from .gramian import gramian_angular_field
from .markov import markov_transition_field
from .recurrence import recurrence_plot
from .resampling import paa, resampling_matrix, resize_image
from .spectral import (
    amplitude_to_db,
    delta,
    dct_matrix,
    mel_filterbank,
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
    cepstrum_prewhiten,
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
    "cepstrum_prewhiten",
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
