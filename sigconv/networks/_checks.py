"""Argument checks shared by the network builders.

Builders validate everything before creating a single layer. Messages follow
the Keras style: what was expected, then ``Received: name=value``, with a hint
on how to fix it where one helps.
"""

import numbers

import numpy as np


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def check_positive_int(value, name, *, allow_none=False, hint=""):
    """Return ``value`` as an int >= 1 (or None where allowed)."""
    if value is None and allow_none:
        return None
    if not _is_int(value) or value < 1:
        expected = "a positive int or None" if allow_none else "a positive int"
        error = TypeError if not _is_int(value) else ValueError
        raise error(f"`{name}` must be {expected}.{hint and ' ' + hint} Received: {name}={value!r}")
    return int(value)


def check_int_tuple(value, name, *, allow_empty=False, min_value=1):
    """Return ``value`` (a list or tuple of ints >= ``min_value``) as a tuple."""
    size = "a" if allow_empty else "a non-empty"
    expected = f"{size} tuple of ints >= {min_value}"
    if not isinstance(value, (tuple, list)):
        raise TypeError(
            f"`{name}` must be {expected} (one entry per layer; write (8,) for a single "
            f"layer). Received: {name}={value!r}"
        )
    if not allow_empty and len(value) == 0:
        raise ValueError(f"`{name}` must be {expected}. Received: {name}={value!r}")
    for item in value:
        if not _is_int(item):
            raise TypeError(f"`{name}` must be {expected}. Received: {name}={value!r}")
        if item < min_value:
            raise ValueError(f"`{name}` must be {expected}. Received: {name}={value!r}")
    return tuple(int(item) for item in value)


def check_same_length(first, first_name, second, second_name):
    """Raise when two per-layer tuples do not have one entry per layer each."""
    if len(first) != len(second):
        raise ValueError(
            f"`{first_name}` and `{second_name}` must have the same length (one entry per "
            f"layer). Received: {first_name}={first!r} (length {len(first)}), "
            f"{second_name}={second!r} (length {len(second)})"
        )


def check_rate(value, name):
    """Return a dropout rate in ``[0, 1)`` as a float."""
    if not _is_real(value):
        raise TypeError(f"`{name}` must be a number in [0, 1). Received: {name}={value!r}")
    if not (0.0 <= float(value) < 1.0):
        raise ValueError(f"`{name}` must be a number in [0, 1). Received: {name}={value!r}")
    return float(value)


def check_bool(value, name):
    """Return ``value`` when it is a bool."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False. Received: {name}={value!r}")
    return bool(value)


def check_option(value, name, options):
    """Return ``value`` when it is one of the string ``options``."""
    if not isinstance(value, str) or value not in options:
        shown = ", ".join(repr(option) for option in options)
        raise ValueError(f"`{name}` must be one of {{{shown}}}. Received: {name}={value!r}")
    return value


def check_name(value, name="name"):
    """Return a non-empty model or layer name."""
    if not isinstance(value, str) or not value:
        raise TypeError(f"`{name}` must be a non-empty string. Received: {name}={value!r}")
    return value


def check_input_shape(n_timepoints, n_channels):
    """Check the ``(n_timepoints, n_channels)`` input of a builder."""
    n_timepoints = check_positive_int(
        n_timepoints, "n_timepoints", allow_none=True, hint="Use None for variable-length series."
    )
    n_channels = check_positive_int(n_channels, "n_channels")
    return n_timepoints, n_channels
