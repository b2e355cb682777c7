"""Estimators to bytes and files: the Keras model as ``.keras``, the rest as JSON.

- :func:`model_to_bytes` / :func:`model_from_bytes`: a Keras model through
  the native ``.keras`` format (used by pickling);
- :func:`save_estimator` / :func:`load`: one zip file holding
  ``model.keras`` and ``estimator.json`` (class, parameters, fitted
  attributes, versions), no pickle, so loading a file runs no code from it;
- :func:`to_json` / :func:`from_json`: a JSON encoding that keeps tuples,
  dicts with non-string keys, NumPy arrays (with their dtype), augmenters
  and Keras objects apart, so parameters and labels come back with their types.
"""

import json
import os
import tempfile
import zipfile

import keras
import numpy as np

from ..augmentation import Augmenter
from ..augmentation._augmenter import N_TEST_WINDOWS

__all__ = ["FORMAT", "FORMAT_VERSION", "from_json", "load", "model_from_bytes", "model_to_bytes", "to_json"]

#: Identifies sigconv estimator files (``estimator.json`` ``"format"`` entry).
FORMAT = "sigconv.estimator"
#: Version of the file layout written by :func:`save_estimator`.
FORMAT_VERSION = 1

_MODEL_NAME = "model.keras"
_METADATA_NAME = "estimator.json"


# JSON ----------------------------------------------------------------------------------


def to_json(value, name="value"):
    """Encode ``value`` as JSON-able data, tagging what plain JSON would lose."""
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
            "__ndarray__": [to_json(v, name) for v in value.tolist()],
            "dtype": value.dtype.str if value.dtype.kind != "O" else "object",
            "shape": list(value.shape),
        }
    if isinstance(value, tuple):
        return {"__tuple__": [to_json(v, name) for v in value]}
    if isinstance(value, list):
        return [to_json(v, name) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[to_json(k, name), to_json(v, name)] for k, v in value.items()]}
    if isinstance(value, os.PathLike):
        return {"__path__": os.fspath(value)}
    if isinstance(value, Augmenter):
        return {"__augmenter__": to_json(value.steps, name), "n_test_windows": value.n_test_windows}
    if isinstance(value, (keras.layers.Layer, keras.callbacks.Callback)) or hasattr(value, "get_config"):
        try:
            return {"__keras__": keras.saving.serialize_keras_object(value)}
        except Exception as exc:
            raise TypeError(f"{name}={value!r} could not be serialized by Keras ({exc}).") from exc
    raise TypeError(
        f"{name}={value!r} ({type(value).__name__}) cannot be saved as JSON; sigconv saves "
        "numbers, strings, tuples, lists, dicts, paths and Keras objects with get_config."
    )


def from_json(value):
    """Invert :func:`to_json`."""
    if isinstance(value, list):
        return [from_json(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(from_json(v) for v in value["__tuple__"])
    if "__dict__" in value:
        return {_hashable(from_json(k)): from_json(v) for k, v in value["__dict__"]}
    if "__ndarray__" in value:
        dtype = object if value["dtype"] == "object" else np.dtype(value["dtype"])
        values = from_json(value["__ndarray__"])
        array = np.empty(len(values), dtype=object) if dtype is object else None
        if array is not None:
            array[:] = values
            return array.reshape(value["shape"])
        return np.asarray(values, dtype=dtype).reshape(value["shape"])
    if "__float__" in value:
        return float(value["__float__"])
    if "__path__" in value:
        return value["__path__"]
    if "__augmenter__" in value:
        # files written before n_test_windows existed hold the steps alone
        return Augmenter(from_json(value["__augmenter__"]), n_test_windows=value.get("n_test_windows", N_TEST_WINDOWS))
    if "__keras__" in value:
        return keras.saving.deserialize_keras_object(value["__keras__"])
    raise ValueError(f"Unknown JSON tag in {sorted(value)}.")


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key


# Keras models ---------------------------------------------------------------------------


def model_to_bytes(model):
    """The ``.keras`` archive of ``model`` (architecture, weights, optimizer state), as bytes.

    Written through a private temporary directory, which is removed: nothing
    is left on disk.
    """
    with tempfile.TemporaryDirectory(prefix="sigconv-") as directory:
        path = os.path.join(directory, _MODEL_NAME)
        model.save(path)
        with open(path, "rb") as file:
            return file.read()


def model_from_bytes(data):
    """Load a Keras model from the bytes of a ``.keras`` archive."""
    from .. import networks  # noqa: F401  (registers sigconv's custom layers)

    with tempfile.TemporaryDirectory(prefix="sigconv-") as directory:
        path = os.path.join(directory, _MODEL_NAME)
        with open(path, "wb") as file:
            file.write(data)
        return keras.saving.load_model(path)


# Estimator files ------------------------------------------------------------------------


def save_estimator(estimator, path, *, overwrite, fitted_attributes, version):
    """Write ``estimator`` to one zip file at ``path`` (see :meth:`BaseDeepEstimator.save`)."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"path={path!r} is a directory; pass the path of a file to write.")
    if os.path.exists(path) and not overwrite:
        raise FileExistsError(
            f"path={path!r} already exists; sigconv does not overwrite files unless asked. "
            "Pass overwrite=True to replace it, or choose another path."
        )
    params = estimator.get_params(deep=False)
    params["callbacks"] = None  # training-time objects; documented in save()
    notes = []
    if hasattr(params.get("weights"), "get_params"):  # a source estimator: its weights are in the model
        notes.append(f"weights was a fitted {type(params['weights']).__name__}, saved as None")
        params["weights"] = None
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sigconv_version": version,
        "keras_version": keras.version(),
        "keras_backend": keras.backend.backend(),
        "class": type(estimator).__name__,
        "notes": notes,
        "params": {key: to_json(value, key) for key, value in params.items()},
        "fitted": {
            key: to_json(getattr(estimator, key), key)
            for key in fitted_attributes
            if hasattr(estimator, key)
        },
    }
    model_bytes = model_to_bytes(estimator.model_)
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".sigconv-save-", dir=directory)
    try:
        with os.fdopen(handle, "wb") as file, zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(_METADATA_NAME, json.dumps(metadata, indent=1))
            archive.writestr(_MODEL_NAME, model_bytes)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def read_estimator_file(path):
    """Read and check a file written by :func:`save_estimator`; return ``(metadata, model_bytes)``."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No estimator file at path={path!r}.")
    hint = "Load files written by a sigconv estimator's save(path) method."
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path!r} is not a sigconv estimator file: it is not a zip archive. {hint}")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if _METADATA_NAME not in names or _MODEL_NAME not in names:
                raise ValueError(
                    f"{path!r} is not a sigconv estimator file: it holds {sorted(names)[:5]}, "
                    f"not {_METADATA_NAME!r} and {_MODEL_NAME!r}. {hint}"
                )
            metadata = json.loads(archive.read(_METADATA_NAME).decode("utf-8"))
            model_bytes = archive.read(_MODEL_NAME)
    except (zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError, OSError, EOFError) as exc:
        raise ValueError(f"{path!r} is a corrupt sigconv estimator file ({exc}). {hint}") from exc
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ValueError(f"{path!r} is not a sigconv estimator file: its {_METADATA_NAME} has no "
                         f"'format': {FORMAT!r} entry. {hint}")
    version = metadata.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(
            f"{path!r} was written in estimator file format {version!r}, newer than the "
            f"format {FORMAT_VERSION} this sigconv reads (the file says sigconv "
            f"{metadata.get('sigconv_version')!r}). Upgrade sigconv to load it."
        )
    for key in ("class", "params", "fitted"):
        if key not in metadata:
            raise ValueError(f"{path!r} is a corrupt sigconv estimator file: {key!r} is missing. {hint}")
    return metadata, model_bytes


def load(path):
    """Load an estimator saved with ``save(path)``, whatever its class.

    Parameters
    ----------
    path : str or os.PathLike
        A file written by the ``save`` method of a sigconv estimator.

    Returns
    -------
    estimator : BaseDeepEstimator
        The fitted estimator, with the parameters, fitted attributes and
        Keras model (weights and optimizer state) it was saved with, and
        ``callbacks=None``.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    ValueError
        If the file is not a sigconv estimator file, is corrupt, names an
        unknown estimator class or was written by a newer sigconv.

    See Also
    --------
    BaseDeepEstimator.save : Write the file.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sigconv.estimators import FCNClassifier, load
    >>> X = np.sin(np.linspace(0, 6, 20))[None, :] * np.arange(1, 9)[:, None]
    >>> clf = FCNClassifier(filters=(4,), kernel_sizes=(3,), epochs=2, random_state=0)
    >>> clf = clf.fit(X, [0, 1] * 4)
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     clf.save(os.path.join(directory, "clf.sigconv"))
    ...     loaded = load(os.path.join(directory, "clf.sigconv"))
    >>> type(loaded).__name__, loaded.get_params() == clf.get_params()
    ('FCNClassifier', True)
    >>> bool((loaded.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    metadata, model_bytes = read_estimator_file(path)
    return estimator_class(metadata["class"], path)._from_file_contents(metadata, model_bytes, path)


def estimator_class(name, path):
    """The public estimator class called ``name``; only sigconv's own classes are loaded."""
    from .. import estimators  # noqa: PLC0415  (the package, fully imported by now)

    classes = [n for n in estimators.__all__ if n != "load" and not n.startswith("Base")]
    if name not in classes:
        raise ValueError(
            f"{os.fspath(path)!r} names the estimator class {name!r}, which is not one of "
            f"sigconv.estimators ({', '.join(classes)})."
        )
    return getattr(estimators, name)
