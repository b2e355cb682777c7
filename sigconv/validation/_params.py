"""Small checkers for constructor parameters, validated in ``fit``.

They raise the built-in :class:`ValueError` (bad value) and
:class:`TypeError` (bad type), as scikit-learn does for parameters.

Messages follow one pattern: which parameter, what was expected, what was
received, then how to fix it where a hint helps, e.g. ``n_fft must be an
int >= 2; got n_fft=1.`` The transformers, layers, network builders and
estimators all check their parameters with these.
"""

import numbers

import numpy as np

__all__ = [
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
]


def _describe(value):
    return f"{value!r} ({type(value).__name__})"


def _range_text(min_value, max_value, closed="both"):
    lo = "[" if closed in ("both", "left") else "("
    hi = "]" if closed in ("both", "right") else ")"
    if min_value is not None and max_value is not None:
        return f" in {lo}{min_value}, {max_value}{hi}"
    if min_value is not None:
        return f" {'>=' if lo == '[' else '>'} {min_value}"
    if max_value is not None:
        return f" {'<=' if hi == ']' else '<'} {max_value}"
    return ""


def check_int(value, name, *, min_value=None, max_value=None, allow_none=False, hint=""):
    """Check that ``value`` is an int in ``[min_value, max_value]``; return it as int."""
    if value is None and allow_none:
        return None
    none = " or None" if allow_none else ""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an int{_range_text(min_value, max_value)}{none}; "
            f"got {name}={_describe(value)}.{hint and ' ' + hint}"
        )
    if (min_value is not None and value < min_value) or (max_value is not None and value > max_value):
        raise ValueError(
            f"{name} must be an int{_range_text(min_value, max_value)}{none}; "
            f"got {name}={value}.{hint and ' ' + hint}"
        )
    return int(value)


def check_positive_int(value, name, *, allow_none=False, hint=""):
    """Check that ``value`` is an int >= 1 (or None where allowed); return it as int."""
    return check_int(value, name, min_value=1, allow_none=allow_none, hint=hint)


def check_float(
    value, name, *, min_value=None, max_value=None, closed="both", allow_none=False, hint=""
):
    """Check that ``value`` is a real number in the given interval; return it as float."""
    if value is None and allow_none:
        return None
    none = " or None" if allow_none else ""
    text = f"{name} must be a number{_range_text(min_value, max_value, closed)}{none}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{text}; got {name}={_describe(value)}.{hint and ' ' + hint}")
    value = float(value)
    low_ok = min_value is None or (value >= min_value if closed in ("both", "left") else value > min_value)
    high_ok = max_value is None or (value <= max_value if closed in ("both", "right") else value < max_value)
    if not (np.isfinite(value) and low_ok and high_ok):
        raise ValueError(f"{text}; got {name}={value}.{hint and ' ' + hint}")
    return value


def check_rate(value, name):
    """Check that ``value`` is a dropout rate, a number in ``[0, 1)``; return it as float."""
    return check_float(value, name, min_value=0, max_value=1, closed="left")


def check_bool(value, name):
    """Check that ``value`` is a bool."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {name}={_describe(value)}.")
    return bool(value)


def check_option(value, name, options):
    """Check that ``value`` is one of ``options`` (compared with ``==``, types kept)."""
    for option in options:
        if value is option or (
            type(value) is type(option) and value == option
        ):
            return value
    shown = ", ".join(repr(o) for o in options)
    raise ValueError(f"{name} must be one of {{{shown}}}; got {name}={value!r}.")


def check_image_size(value, name="image_size", *, allow_none=True):
    """Check an output image size: an int (square) or a (height, width) pair of ints.

    Returns
    -------
    size : tuple of (int, int) or None
    """
    if value is None and allow_none:
        return None
    message = (
        f"{name} must be a positive int (a square image), a (height, width) pair of "
        f"positive ints{' or None (the natural size)' if allow_none else ''}; got {name}={value!r}."
    )
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        if value < 1:
            raise ValueError(message)
        return (int(value), int(value))
    if isinstance(value, (tuple, list)) and len(value) == 2:
        if all(isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_)) for v in value):
            if min(value) < 1:
                raise ValueError(message)
            return (int(value[0]), int(value[1]))
    raise TypeError(message)


def check_int_tuple(value, name, *, allow_empty=False, min_value=1):
    """Check a list or tuple of ints >= ``min_value`` (one entry per layer); return a tuple."""
    expected = f"{'a' if allow_empty else 'a non-empty'} tuple of ints >= {min_value}"
    if not isinstance(value, (tuple, list)):
        raise TypeError(
            f"{name} must be {expected}; got {name}={value!r}. Give one entry per layer "
            "(write (8,) for a single layer)."
        )
    if not allow_empty and len(value) == 0:
        raise ValueError(f"{name} must be {expected}; got {name}={value!r}.")
    for item in value:
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, numbers.Integral):
            raise TypeError(f"{name} must be {expected}; got {name}={value!r}.")
        if item < min_value:
            raise ValueError(f"{name} must be {expected}; got {name}={value!r}.")
    return tuple(int(item) for item in value)


def check_same_length(first, first_name, second, second_name):
    """Check that two per-layer tuples have one entry per layer each."""
    if len(first) != len(second):
        raise ValueError(
            f"{first_name} and {second_name} must have the same length (one entry per layer); "
            f"got {first_name}={first!r} (length {len(first)}), "
            f"{second_name}={second!r} (length {len(second)})."
        )


def check_name(value, name="name"):
    """Check a model or layer name: a non-empty string."""
    if not isinstance(value, str) or not value:
        raise TypeError(f"{name} must be a non-empty string; got {name}={value!r}.")
    return value


def check_input_shape(n_timepoints, n_channels):
    """Check the ``(n_timepoints, n_channels)`` input of a network builder."""
    n_timepoints = check_positive_int(
        n_timepoints, "n_timepoints", allow_none=True, hint="Use None for variable-length series."
    )
    return n_timepoints, check_positive_int(n_channels, "n_channels")
