"""A JSON encoding of parameter values and fitted attributes that keeps their types.

Plain JSON turns tuples into lists, drops dict keys that are not strings and
has no arrays or non-finite floats. :func:`to_json` tags each of those so that
:func:`from_json` gives back the same value, and nothing in a file can name a
class to build: loading runs no code from it. It imports only NumPy, so a
model that holds no Keras network (``sigconv.monitoring``) saves and loads
without importing Keras; :mod:`sigconv.estimators` adds its own tags
(augmenters, Keras objects) through ``extension``.
"""

import os

import numpy as np

__all__ = ["JSONExtension", "from_json", "to_json"]


class JSONExtension:
    """Tags for types :func:`to_json` does not know.

    ``encode(value, name)`` returns the tagged dict of ``value``, or None when
    the type is not one of its own; ``decode(value)`` inverts it for a tagged
    dict, or returns :data:`NotImplemented`; ``kinds`` is added to the error
    message that lists what can be saved.
    """

    kinds = ""

    def encode(self, value, name):
        return None

    def decode(self, value):
        return NotImplemented


_PLAIN = JSONExtension()


def to_json(value, name="value", *, extension=_PLAIN):
    """Encode ``value`` as JSON-able data, tagging what plain JSON would lose."""

    def encode(item):
        return to_json(item, name, extension=extension)

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if not np.isfinite(value):
            return {"__float__": repr(value)}
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufUO":
            raise TypeError(
                f"{name} is an array of dtype {value.dtype}, which sigconv cannot save as JSON. "
                "Use labels that are numbers or strings."
            )
        return {
            "__ndarray__": [encode(v) for v in value.tolist()],
            "dtype": value.dtype.str if value.dtype.kind != "O" else "object",
            "shape": list(value.shape),
        }
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, os.PathLike):
        return {"__path__": os.fspath(value)}
    encoded = extension.encode(value, name)
    if encoded is not None:
        return encoded
    saved = f"dicts, paths{extension.kinds}" if extension.kinds else "dicts and paths"
    raise TypeError(
        f"{name}={value!r} ({type(value).__name__}) cannot be saved as JSON; sigconv saves "
        f"numbers, strings, tuples, lists, {saved}."
    )


def from_json(value, *, extension=_PLAIN):
    """Invert :func:`to_json`."""

    def decode(item):
        return from_json(item, extension=extension)

    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(decode(v) for v in value["__tuple__"])
    if "__dict__" in value:
        return {_hashable(decode(k)): decode(v) for k, v in value["__dict__"]}
    if "__ndarray__" in value:
        dtype = object if value["dtype"] == "object" else np.dtype(value["dtype"])
        values = decode(value["__ndarray__"])
        if dtype is object:
            array = np.empty(len(values), dtype=object)
            array[:] = values
            return array.reshape(value["shape"])
        return np.asarray(values, dtype=dtype).reshape(value["shape"])
    if "__float__" in value:
        return float(value["__float__"])
    if "__path__" in value:
        return value["__path__"]
    decoded = extension.decode(value)
    if decoded is not NotImplemented:
        return decoded
    raise ValueError(f"Unknown JSON tag in {sorted(value)}.")


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key
