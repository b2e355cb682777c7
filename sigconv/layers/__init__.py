"""Keras 3 layers that turn series into images, on the accelerator, batch by batch.

Each layer is the ``keras.ops`` form of the transformer of the same name in
:mod:`sigconv.transformers`: the same parameters, the same images (to
float32 rounding, tested), and the same constants, taken from
:mod:`sigconv.functional` (windows, mel filterbanks, DCT, delta and
resampling matrices) and held as non-trainable weights. Input is
channel-last series ``(batch, n_timepoints, n_channels)``, as the
estimators feed them to Keras; output channel-last images ``(batch,
height, width, n_output_channels)``. Inside a model the images of one batch
exist at a time, so memory grows with the batch, not the data set. They run
on the TensorFlow, JAX and PyTorch backends.
"""

from ._base import BaseImageLayer
from .gramian import GramianAngularField
from .markov import MarkovTransitionField
from .recurrence import RecurrencePlot
from .resizing import Resize
from .spectral import MFCC, MelSpectrogram, Spectrogram
from .stack import ImageStack

__all__ = [
    "BaseImageLayer",
    "GramianAngularField",
    "ImageStack",
    "MFCC",
    "MarkovTransitionField",
    "MelSpectrogram",
    "RecurrencePlot",
    "Resize",
    "Spectrogram",
]
