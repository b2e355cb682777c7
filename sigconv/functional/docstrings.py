"""Docstring sections shared by the function, the transformer and the layer of a transform.

A docstring holds a marker line ``%(name)s`` where a section goes;
:func:`fill_doc` replaces it with the section, indented as the marker.
"""

import re

__all__ = ["fill_doc"]

SECTIONS = {
    "stft_parameters": """\
n_fft : int, default=2048
    FFT length, at least 2 and at most the series length (shorter series
    are an error: pad them or use a smaller ``n_fft``).
hop_length : int or None, default=None
    Samples between frames; None means ``win_length // 4``.
win_length : int or None, default=None
    Window length in ``[1, n_fft]``, zero-padded to ``n_fft``; None means ``n_fft``.
window : str or tuple, default="hann"
    A window :func:`scipy.signal.get_window` knows, e.g. ``"hamming"`` or
    ``("kaiser", 8.0)``.
center : bool, default=True
    Pad ``n_fft // 2`` samples on both sides so frames are centred on
    ``t * hop_length``.
pad_mode : {"constant", "edge", "reflect", "symmetric"}, default="constant"
    How ``center`` pads.""",
    "mel_range_parameters": """\
fmin : float, default=0.0
    Lowest frequency, in Hz, in ``[0, sr / 2)``.
fmax : float or None, default=None
    Highest frequency, in Hz, in ``(fmin, sr / 2]``; None means ``sr / 2``.
htk : bool, default=False
    Use the HTK mel scale instead of Slaney's.""",
    "db_parameters": """\
db : bool, default=False
    Convert to decibels per image: :func:`~sigconv.functional.power_to_db`
    for ``power=2``, :func:`~sigconv.functional.amplitude_to_db` for
    ``power=1`` (other powers are an error with ``db=True``).
ref : float or "max", default=1.0
    Reference of 0 dB (used with ``db=True``); "max" is each image's maximum.
top_db : float or None, default=80.0
    With ``db=True``, clip each image at ``top_db`` below its maximum.""",
    "cepstral_parameters": """\
n_mfcc : int, default=20
    Number of coefficients (image height), in ``[1, n_mels]``.
dct_type : {1, 2, 3}, default=2
    DCT type.
norm : {"ortho", None}, default="ortho"
    DCT normalisation.
lifter : float, default=0.0
    Cepstral liftering coefficient, >= 0 (0 disables it).
deltas : {0, 1, 2}, default=0
    Add the first (1) or the first and second (2) time derivatives of the
    coefficients as extra image channels.
delta_width : int, default=9
    Odd number of frames the delta filter spans, >= 3; series must then
    give at least that many frames.""",
    "markov_parameters": """\
n_bins : int, default=5
    Number of bins, at least 2.
strategy : {"quantile", "uniform", "normal"}, default="quantile"
    Bin edges: the quantiles of each series, equal-width bins between its
    minimum and maximum, or the quantiles of the standard normal
    distribution (for standardised series).""",
    "recurrence_parameters": """\
dimension : int, default=1
    Embedding dimension, at least 1.
time_delay : int, default=1
    Delay between the coordinates of a state, at least 1.
threshold : {None, "absolute", "point", "distance"}, default=None
    None: distances. "absolute": 1 where the distance is below
    ``epsilon``. "point": 1 where it is below the ``percentage``-th
    percentile of the plot's distances. "distance": 1 where it is below
    ``percentage`` percent of the plot's largest distance.
epsilon : float or None, default=None
    Positive recurrence radius; required with ``threshold="absolute"``,
    an error with the other thresholds.
percentage : float, default=10.0
    In ``(0, 100]``; used with ``threshold="point"`` and ``"distance"``.""",
    "transformer_tail": """\
flatten : bool, default=False
    Return ``(n_samples, height * width * n_output_channels)`` instead of images.

Attributes
----------
n_channels_in_ : int
    Number of series channels seen in ``fit``.
n_timepoints_in_ : int or None
    Series length seen in ``fit``; None for series of unequal length.
n_features_in_ : int
    Same as ``n_timepoints_in_``; only set when the series have one length.""",
    "layer_kwargs": """\
**kwargs
    Arguments of :class:`keras.layers.Layer` (``name``, ...).

Input shape
-----------
``(batch, n_timepoints, n_channels)``, both known when the layer is built.""",
    "wang_oates_reference": """\
References
----------
.. [1] Z. Wang and T. Oates, "Encoding Time Series as Images for Visual
   Inspection and Classification Using Tiled Convolutional Neural
   Networks", AAAI Workshop on Trajectory-Based Behavior Analytics, 2015.""",
    "eckmann_reference": """\
References
----------
.. [1] J.-P. Eckmann, S. Oliffson Kamphorst and D. Ruelle, "Recurrence
   Plots of Dynamical Systems", Europhysics Letters 4(9), 973-977, 1987.""",
    "davis_mermelstein_reference": """\
.. [1] S. Davis and P. Mermelstein, "Comparison of parametric representations
   for monosyllabic word recognition in continuously spoken sentences",
   IEEE Transactions on Acoustics, Speech, and Signal Processing 28(4), 1980.""",
}

_MARKER = re.compile(r"^(?P<indent>[ ]*)%\((?P<name>\w+)\)s$", re.M)


def _section(match):
    indent = match["indent"]
    return "\n".join(indent + line if line else line for line in SECTIONS[match["name"]].splitlines())


def fill_doc(obj):
    """Replace the marker lines of ``obj.__doc__`` by their sections; return ``obj``."""
    obj.__doc__ = _MARKER.sub(_section, obj.__doc__)
    return obj
