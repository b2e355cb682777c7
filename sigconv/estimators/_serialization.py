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

import io
import json
import os
import tempfile
import zipfile
import zlib

import keras
import numpy as np

from .. import _json
from .._json import JSONExtension
from ..augmentation import Augmenter
from ..augmentation._augmenter import N_TEST_WINDOWS

__all__ = ["FORMAT", "FORMAT_VERSION", "from_json", "load", "model_from_bytes", "model_to_bytes", "to_json"]

#: Identifies sigconv estimator files (``estimator.json`` ``"format"`` entry).
FORMAT = "sigconv.estimator"
#: Version of the file layout written by :func:`save_estimator`.
FORMAT_VERSION = 1

_MODEL_NAME = "model.keras"
_METADATA_NAME = "estimator.json"
#: Largest ``estimator.json`` read: parameters, labels and history fit in far less.
MAX_METADATA_BYTES = 64 * 2**20
#: Largest ``model.keras`` (and largest member inside it) read: above the biggest backbone sigconv builds.
MAX_MODEL_BYTES = 4 * 2**30
#: Largest ratio of a member's size to its compressed size accepted above 1 MiB. Weights compress
#: little (float32 noise), JSON about 10x; a zip bomb reaches 1000x.
MAX_EXPANSION = 200


# JSON ----------------------------------------------------------------------------------


class _EstimatorJSON(JSONExtension):
    """The tags of estimator parameters beyond :mod:`sigconv._json`'s: augmenters and Keras objects."""

    kinds = " and Keras objects with get_config"

    def encode(self, value, name):
        if isinstance(value, Augmenter):
            return {"__augmenter__": to_json(value.steps, name), "n_test_windows": value.n_test_windows}
        if isinstance(value, (keras.layers.Layer, keras.callbacks.Callback)) or hasattr(value, "get_config"):
            try:
                return {"__keras__": keras.saving.serialize_keras_object(value)}
            except Exception as exc:
                raise TypeError(f"{name}={value!r} could not be serialized by Keras ({exc}).") from exc
        return None

    def decode(self, value):
        if "__augmenter__" in value:
            # files written before n_test_windows existed hold the steps alone
            steps = from_json(value["__augmenter__"])
            return Augmenter(steps, n_test_windows=value.get("n_test_windows", N_TEST_WINDOWS))
        if "__keras__" in value:
            return keras.saving.deserialize_keras_object(value["__keras__"])
        return NotImplemented


_EXTENSION = _EstimatorJSON()


def to_json(value, name="value"):
    """Encode ``value`` as JSON-able data, tagging what plain JSON would lose (:func:`sigconv._json.to_json`)."""
    return _json.to_json(value, name, extension=_EXTENSION)


def from_json(value):
    """Invert :func:`to_json`."""
    return _json.from_json(value, extension=_EXTENSION)


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
            metadata = json.loads(_read_member(archive, _METADATA_NAME, MAX_METADATA_BYTES, path).decode("utf-8"))
            model_bytes = _read_member(archive, _MODEL_NAME, MAX_MODEL_BYTES, path)
        with zipfile.ZipFile(io.BytesIO(model_bytes)) as inner:  # Keras reads these members itself
            for info in inner.infolist():
                _check_member_size(info, MAX_MODEL_BYTES, path, f"{_MODEL_NAME}/")
    except (zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError, OSError, EOFError,
            RecursionError, zlib.error) as exc:
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


def _check_member_size(info, limit, path, prefix=""):
    """Refuse a member whose declared size is above ``limit`` or expands too much, before it is read."""
    expansion_ok = info.file_size <= 2**20 or info.file_size <= MAX_EXPANSION * max(info.compress_size, 1)
    if info.file_size > limit or not expansion_ok:
        raise ValueError(
            f"{path!r}: the member {prefix}{info.filename} declares {info.file_size} bytes "
            f"({info.compress_size} compressed), above what sigconv reads from an estimator file "
            f"({limit} bytes, at most {MAX_EXPANSION} times its compressed size). The file is "
            "damaged or was not written by sigconv; it was not read."
        )


def _read_member(archive, name, limit, path):
    """The bytes of member ``name``, never more than ``limit`` whatever its header claims."""
    info = archive.getinfo(name)
    _check_member_size(info, limit, path)
    with archive.open(info) as member:
        data = member.read(info.file_size + 1)  # the header's size is checked, not trusted
    if len(data) != info.file_size:
        raise ValueError(
            f"{path!r}: the member {name} holds {'more' if len(data) > info.file_size else 'fewer'} "
            f"bytes than its header declares ({info.file_size}). The file is damaged or was not "
            "written by sigconv."
        )
    return data


def check_file_contents(estimator, path):
    """Check that the fitted attributes read from a file agree with its Keras model.

    The metadata and the model are separate members, so a file can hold
    parts that disagree (edited, or assembled from two files): the number of
    classes or outputs against the network's outputs, the channels and length
    of the series against the network's input. Each disagreement is refused
    before the estimator is used.
    """
    where = f"{os.fspath(path)!r} is inconsistent:"
    fix = "The file was edited or assembled from two files; save the estimator again."
    model = estimator.model_
    if len(model.inputs) != 1 or len(model.inputs[0].shape) != 3:
        raise ValueError(f"{where} its model takes inputs {[tuple(i.shape) for i in model.inputs]}, not one "
                         f"(n_samples, n_timepoints, n_channels) input. {fix}")
    _, length, channels = model.inputs[0].shape
    n_channels = getattr(estimator, "n_channels_in_", None)
    if not isinstance(n_channels, int) or isinstance(n_channels, bool) or n_channels != channels:
        raise ValueError(f"{where} its metadata says n_channels_in_={n_channels!r}, its model takes "
                         f"{channels} channel(s). {fix}")
    n_timepoints = getattr(estimator, "n_timepoints_in_", None)
    if n_timepoints != length:
        raise ValueError(f"{where} its metadata says n_timepoints_in_={n_timepoints!r}, its model takes "
                         f"series of {'any length' if length is None else f'{length} timepoints'}. {fix}")
    n_outputs = model.outputs[0].shape[-1]
    if hasattr(estimator, "classes_"):
        classes = estimator.classes_
        if not isinstance(classes, np.ndarray) or classes.ndim != 1 or len(np.unique(classes)) != len(classes):
            raise ValueError(f"{where} its classes_ is not a 1D array of distinct labels. {fix}")
        if len(classes) != n_outputs:
            raise ValueError(f"{where} its metadata lists {len(classes)} classes, its model has {n_outputs} "
                             f"outputs. {fix}")
    elif getattr(estimator, "n_outputs_", n_outputs) != n_outputs:
        raise ValueError(f"{where} its metadata says n_outputs_={estimator.n_outputs_!r}, its model has "
                         f"{n_outputs} outputs. {fix}")


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
        unknown estimator class or was written by a newer sigconv; if a
        member is larger than sigconv reads (:data:`MAX_METADATA_BYTES`,
        :data:`MAX_MODEL_BYTES`, or :data:`MAX_EXPANSION` times its
        compressed size), checked before it is read; or if its metadata and
        its Keras model disagree (classes or outputs, input channels or
        length).

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
