"""results.csv: one row per data set x method x seed, rewritten atomically as each cell ends."""

import csv
import os
import threading
from pathlib import Path

__all__ = ["COLUMNS", "ResultsStore"]

#: Columns of ``results.csv``, in order. The first six identify a cell.
COLUMNS = (
    "dataset", "method", "seed", "epochs", "time_budget", "backend",
    "status", "accuracy", "balanced_accuracy", "fit_s", "predict_s", "peak_memory_mb", "epochs_run",
    "n_train", "n_test", "n_channels", "n_timepoints", "n_classes",
    "device", "versions", "host", "error",
)
KEY = COLUMNS[:6]
_INTS = ("seed", "epochs", "epochs_run", "n_train", "n_test", "n_channels", "n_timepoints", "n_classes")
_FLOATS = ("time_budget", "accuracy", "balanced_accuracy", "fit_s", "predict_s", "peak_memory_mb")


def _parse(row):
    out = {}
    for column in COLUMNS:
        text = row.get(column) or ""
        if column in _INTS:
            out[column] = int(float(text)) if text else None
        elif column in _FLOATS:
            out[column] = float(text) if text else None
        else:
            out[column] = text
    return out


def cell_key(row):
    """The identity of a cell: ``(dataset, method, seed, epochs, time_budget, backend)``."""
    return tuple("" if row.get(c) is None else str(row[c]) for c in KEY)


class ResultsStore:
    """The rows of a ``results.csv`` file, saved after every change.

    Parameters
    ----------
    path : str or path-like
        The CSV file; read if it exists, created (with its folder) on the
        first :meth:`add`.

    Notes
    -----
    Every :meth:`add` rewrites the whole file to a temporary name and renames
    it over the old one, so an interrupted run leaves a complete file holding
    every cell finished so far. A row whose key is already present replaces
    the old row.
    """

    def __init__(self, path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._rows = {}
        if self.path.is_file():
            with open(self.path, newline="", encoding="utf-8") as f:
                reader = csv.DictReader(f)
                missing = [c for c in KEY if c not in (reader.fieldnames or ())]
                if missing:
                    raise ValueError(
                        f"{self.path} is not a sigconv benchmark results file: it has no "
                        f"{missing[0]!r} column. Choose another output folder or delete the file."
                    )
                for row in reader:
                    row = _parse(row)
                    self._rows[cell_key(row)] = row

    def get(self, key):
        """The row of the cell ``key`` (see :func:`cell_key`), or None."""
        return self._rows.get(key)

    def rows(self):
        """All rows, in the order they were first added."""
        return list(self._rows.values())

    def add(self, row):
        """Add (or replace) a row and save the file."""
        row = {c: row.get(c) for c in COLUMNS}
        with self._lock:
            self._rows[cell_key(row)] = row
            self._save()

    def _save(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS)
            writer.writeheader()
            for row in self._rows.values():
                writer.writerow({c: "" if row[c] is None else row[c] for c in COLUMNS})
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
