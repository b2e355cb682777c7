"""Checkpoints a fit can resume from: one file, written atomically.

A checkpoint is a zip archive ``sigconv_checkpoint.zip`` in the estimator's
``checkpoint_dir`` with the model weights, the optimizer state, the best
weights on validation (if any) and ``state.json``: the epochs done, the
history so far, the counters of the training callbacks, the state of the
Python and NumPy global generators at the end of the epoch, and a
fingerprint of the parameters and data. It is written to a temporary file in the same
directory and moved into place with :func:`os.replace`, so a fit killed at any
moment leaves either the previous checkpoint or the new one, never half of
one.
"""

import hashlib
import io
import json
import os
import random
import tempfile
import zipfile

import keras
import numpy as np

from ._serialization import to_json

__all__ = [
    "CHECKPOINT_NAME",
    "Checkpoint",
    "fingerprint",
    "read_checkpoint",
    "restore_checkpoint",
    "write_checkpoint",
]

#: File name of the checkpoint inside ``checkpoint_dir``.
CHECKPOINT_NAME = "sigconv_checkpoint.zip"
_FORMAT = "sigconv.checkpoint"


def fingerprint(estimator_name, params, arrays):
    """A digest of what a fit depends on: class, parameters and training data."""
    digest = hashlib.sha256()
    digest.update(estimator_name.encode())
    for key in sorted(params):
        try:
            value = json.dumps(to_json(params[key], key), sort_keys=True)
        except TypeError:  # an object sigconv cannot encode: its repr stands for it
            value = repr(params[key])
        digest.update(f"{key}={value};".encode())
    for array in arrays:
        if array is None:
            digest.update(b"none")
            continue
        if isinstance(array, list):  # series of unequal lengths
            digest.update(f"list{len(array)}".encode())
            for series in array:
                digest.update(f"{series.shape}".encode())
                digest.update(np.ascontiguousarray(series).tobytes())
            continue
        if hasattr(array, "iter_chunks"):  # series on disk: hashed a chunk at a time
            digest.update(f"disk{array.shape}".encode())
            for chunk in array.iter_chunks():
                digest.update(np.ascontiguousarray(chunk).tobytes())
            continue
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.tobytes() if array.dtype.kind != "O" else repr(array.tolist()).encode())
    return digest.hexdigest()


def _npz_bytes(arrays):
    buffer = io.BytesIO()
    np.savez(buffer, *arrays)
    return buffer.getvalue()


def _npz_arrays(data):
    with np.load(io.BytesIO(data)) as npz:
        return [npz[f"arr_{i}"] for i in range(len(npz.files))]


def write_checkpoint(directory, *, model, state, best_weights):
    """Write the checkpoint of ``model`` atomically into ``directory``."""
    members = {
        "state.json": json.dumps({"format": _FORMAT, **state}).encode(),
        "weights.npz": _npz_bytes(model.get_weights()),
        "optimizer.npz": _npz_bytes([np.asarray(v.numpy()) for v in model.optimizer.variables]),
    }
    if best_weights is not None:
        members["best_weights.npz"] = _npz_bytes(best_weights)
    handle, temporary = tempfile.mkstemp(prefix=".sigconv-checkpoint-", dir=directory)
    try:
        with os.fdopen(handle, "wb") as file, zipfile.ZipFile(file, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, os.path.join(directory, CHECKPOINT_NAME))
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def read_checkpoint(directory):
    """The checkpoint in ``directory`` as a dict, or None when there is none."""
    path = os.path.join(directory, CHECKPOINT_NAME)
    if not os.path.exists(path):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            state = json.loads(archive.read("state.json").decode())
            checkpoint = {
                "state": state,
                "weights": _npz_arrays(archive.read("weights.npz")),
                "optimizer": _npz_arrays(archive.read("optimizer.npz")),
                "best_weights": (
                    _npz_arrays(archive.read("best_weights.npz"))
                    if "best_weights.npz" in archive.namelist()
                    else None
                ),
            }
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValueError(
            f"{path!r} is not a readable sigconv checkpoint ({exc}). Delete it to start the "
            "fit from scratch, or use another checkpoint_dir."
        ) from exc
    if state.get("format") != _FORMAT:
        raise ValueError(f"{path!r} is not a sigconv checkpoint. Delete it or use another checkpoint_dir.")
    return checkpoint


def generator_states():
    """The states of Python's and NumPy's global generators, as JSON.

    Keras draws the order of the batches of a ``PyDataset`` (augmented or
    on-disk training) from Python's ``random`` at each epoch; a resumed fit
    that starts from a freshly seeded generator would train its epochs on the
    batches of the first ones in another order, and end elsewhere.
    """
    version, internal, gauss = random.getstate()
    kind, keys, position, has_gauss, cached = np.random.get_state()
    return {
        "python": [version, list(internal), gauss],
        "numpy": [kind, keys.tolist(), int(position), int(has_gauss), float(cached)],
    }


def restore_generator_states(states):
    """Put back what :func:`generator_states` saved (nothing for checkpoints written before it)."""
    if not states:
        return
    version, internal, gauss = states["python"]
    random.setstate((version, tuple(internal), gauss))
    kind, keys, position, has_gauss, cached = states["numpy"]
    np.random.set_state((kind, np.asarray(keys, dtype=np.uint32), position, has_gauss, cached))


def restore_checkpoint(model, checkpoint):
    """Put the weights, the optimizer state and the generators' states of ``checkpoint`` back.

    ``model`` is freshly built. The global generators are restored last, just
    before the fit goes on, so its next epoch draws what the uninterrupted
    fit drew.
    """
    model.set_weights(checkpoint["weights"])
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    variables = optimizer.variables
    arrays = checkpoint["optimizer"]
    if len(variables) != len(arrays) or any(
        tuple(v.shape) != a.shape for v, a in zip(variables, arrays)
    ):
        raise ValueError(
            "The checkpoint's optimizer state does not match the model built for this fit. "
            "Delete the checkpoint or use another checkpoint_dir."
        )
    for variable, array in zip(variables, arrays):
        variable.assign(array)
    restore_generator_states(checkpoint["state"].get("generators"))


class Checkpoint(keras.callbacks.Callback):
    """Write a checkpoint every ``every`` epochs and when training ends."""

    def __init__(self, directory, *, every, base_state, recorder, plateau, monitor):
        super().__init__()
        self.directory = directory
        self.every = every
        self.base_state = base_state
        self.recorder = recorder
        self.plateau = plateau
        self.monitor = monitor
        self._written = None

    def _write(self):
        history = self.recorder.history
        n_epochs = len(history.get("loss", []))
        state = {
            **self.base_state,
            "epoch": n_epochs,
            "history": history,
            "plateau": None if self.plateau is None else self.plateau.state(),
            "monitor": None if self.monitor is None else self.monitor.state(),
            "generators": generator_states(),
        }
        best = None if self.monitor is None else self.monitor.best_weights
        write_checkpoint(self.directory, model=self.model, state=state, best_weights=best)
        self._written = n_epochs

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self._write()

    def on_train_end(self, logs=None):
        if self._written != len(self.recorder.history.get("loss", [])):
            self._write()
