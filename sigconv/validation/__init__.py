"""Input validation: the one contract every sigconv component reads series through.

:func:`check_series` turns any accepted input into float32
``(n_samples, n_channels, n_timepoints)`` (or a list of ``(n_channels,
n_timepoints_i)`` arrays for unequal lengths) or raises an error that says
what was received and how to fix it. The ``check_*`` helpers validate
parameters (of estimators inside ``fit``, of layers and network builders
before a weight is made), all with one message style: ``<name> must be
<expected>; got <name>=<value>. <How to fix.>``
"""

from ..exceptions import SeriesTypeError, SeriesValueError
from ._params import (
    check_bool,
    check_float,
    check_image_size,
    check_input_shape,
    check_int,
    check_int_tuple,
    check_name,
    check_option,
    check_positive_int,
    check_rate,
    check_same_length,
)
from ._series import check_series, is_ragged, series_lengths

__all__ = [
    "SeriesTypeError",
    "SeriesValueError",
    "check_bool",
    "check_float",
    "check_image_size",
    "check_input_shape",
    "check_int",
    "check_int_tuple",
    "check_name",
    "check_option",
    "check_positive_int",
    "check_rate",
    "check_same_length",
    "check_series",
    "is_ragged",
    "series_lengths",
]
