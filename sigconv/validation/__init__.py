"""Input validation: the one contract every sigconv component reads series through.

:func:`check_series` turns any accepted input into float32
``(n_samples, n_channels, n_timepoints)`` (or a list of ``(n_channels,
n_timepoints_i)`` arrays for unequal lengths) or raises an error that says
what was received and how to fix it. The ``check_*`` helpers validate
constructor parameters inside ``fit``.
"""

from ..exceptions import SeriesTypeError, SeriesValueError
from ._params import check_bool, check_float, check_image_size, check_int, check_option
from ._series import check_series, is_ragged, series_lengths

__all__ = [
    "SeriesTypeError",
    "SeriesValueError",
    "check_bool",
    "check_float",
    "check_image_size",
    "check_int",
    "check_option",
    "check_series",
    "is_ragged",
    "series_lengths",
]
