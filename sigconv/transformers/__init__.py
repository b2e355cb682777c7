"""scikit-learn transformers that turn series into images.

Each is a thin class over one function of :mod:`sigconv.functional`. Input:
``(n_samples, n_timepoints)``, ``(n_samples, n_channels, n_timepoints)``, a
wide DataFrame or a list of series of unequal length. Output: float32 images
``(n_samples, height, width, n_channels)``, channel-last for Keras;
:class:`ImageStack` stacks several transforms as channels of one image.
An output larger than :func:`get_max_image_bytes` (4 GiB unless changed with
:func:`set_max_image_bytes`) is refused before anything is allocated.

The vibration front ends :class:`BandPass`, :class:`EnvelopeSpectrum` and
:class:`OrderSpectrum` output float32 series ``(n_samples, n_channels,
n_out)`` (filtered series or spectra) for 1D networks.
"""

from ._base import BaseImageTransformer, get_max_image_bytes, set_max_image_bytes
from .gramian import GramianAngularField
from .markov import MarkovTransitionField
from .recurrence import RecurrencePlot
from .spectral import MFCC, MelSpectrogram, Spectrogram
from .stack import ImageStack
from .vibration import BandPass, EnvelopeSpectrum, OrderSpectrum

__all__ = [
    "BandPass",
    "BaseImageTransformer",
    "EnvelopeSpectrum",
    "GramianAngularField",
    "ImageStack",
    "MFCC",
    "MarkovTransitionField",
    "OrderSpectrum",
    "MelSpectrogram",
    "RecurrencePlot",
    "Spectrogram",
    "get_max_image_bytes",
    "set_max_image_bytes",
]
