"""Pure NumPy/SciPy signal-to-image functions: no state, no Keras.

Every function takes series with time on the last axis (any leading axes)
and keyword-only parameters. The transformers of :mod:`sigconv.transformers`
and the Keras layers are thin wrappers over these functions and reuse their
constants (windows, filterbanks, DCT and resampling matrices).
"""

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

__all__ = [
    "amplitude_to_db",
    "dct_matrix",
    "delta",
    "gramian_angular_field",
    "markov_transition_field",
    "mel_filterbank",
    "mel_spectrogram",
    "mfcc",
    "paa",
    "power_to_db",
    "recurrence_plot",
    "resampling_matrix",
    "resize_image",
    "spectrogram",
    "stft",
]
