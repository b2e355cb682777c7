"""results.csv: one row per data set x method x seed, rewritten atomically as each cell ends."""

import csv
import hashlib
import math
import os
import tempfile
import threading
import warnings
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
#: The last column of the file: a digest of the row's other fields, so a row cut short never parses.
CHECKSUM = "checksum"
_STATUSES = ("ok", "failed")
_INTS = ("seed", "epochs", "epochs_run", "n_train", "n_test", "n_channels", "n_timepoints", "n_classes")
_FLOATS = ("time_budget", "accuracy", "balanced_accuracy", "fit_s", "predict_s", "peak_memory_mb")


def _fields(row):
    """The text of each column of ``row`` as it is written to the file."""
    return ["" if row.get(c) is None else str(row[c]) for c in COLUMNS]


def _checksum(fields):
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:16]


def _parse(row):
    out = {}
    for column in COLUMNS:
        text = row.get(column) or ""
        if column in _INTS:
            out[column] = int(float(text)) if text else None
        elif column in _FLOATS:
            out[column] = float(text) if text else None
            if out[column] is not None and not math.isfinite(out[column]):
                raise ValueError(f"{column} is {text!r}")
        else:
            out[column] = text
    return out


def _why_incomplete(row, fieldnames):
    """Why a row read from the file cannot be trusted, or None when it can."""
    if None in row:
        return f"{len(row[None])} field(s) more than the header"
    missing = [c for c in fieldnames if row.get(c) is None]
    if missing:
        return f"cut short: no {missing[0]!r} field"
    if CHECKSUM in fieldnames and row[CHECKSUM] != _checksum([row.get(c) or "" for c in COLUMNS]):
        return "its checksum does not match its fields (cut short or edited)"
    try:
        parsed = _parse(row)
    except ValueError as exc:
        return f"a field does not parse ({exc})"
    if not parsed["dataset"] or not parsed["method"] or parsed["status"] not in _STATUSES:
        return f"no data set, method or status ok/failed (status={parsed['status']!r})"
    if parsed["status"] == "ok" and not (parsed["accuracy"] is not None and 0 <= parsed["accuracy"] <= 1):
        return f"status ok without an accuracy in [0, 1] (accuracy={row.get('accuracy')!r})"
    return None


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

    Attributes
    ----------
    set_aside : list of str
        One note per row of the file that could not be trusted (line and
        reason); those rows were copied to :attr:`rejected_path` and left
        out, so their cells are computed again.

    Notes
    -----
    Every :meth:`add` rewrites the whole file to a temporary name and renames
    it over the old one, so an interrupted run leaves a complete file holding
    every cell finished so far. A row whose key is already present replaces
    the old row. Each row ends with a checksum of its fields: a row that was
    cut short (a file truncated by a crash, a full disk or a copy), has too
    many fields or fields that do not parse is set aside with a warning,
    never read as a finished cell. Files without the checksum column
    (written by hand, or by an older sigconv) are checked field by field.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.rejected_path = self.path.with_name(f"{self.path.stem}.rejected{self.path.suffix}")
        self._lock = threading.Lock()
        self._rows = {}
        self.set_aside = []
        if self.path.is_file():
            self._load()

    def _load(self):
        rejected = []
        with open(self.path, newline="", encoding="utf-8", errors="replace") as f:
            reader = csv.DictReader(f)
            fieldnames = reader.fieldnames or ()
            missing = [c for c in KEY if c not in fieldnames]
            if missing:
                raise ValueError(
                    f"{self.path} is not a sigconv benchmark results file: it has no "
                    f"{missing[0]!r} column. Choose another output folder or delete the file."
                )
            try:
                for row in reader:
                    why = _why_incomplete(row, fieldnames)
                    if why is None:
                        row = _parse(row)
                        self._rows[cell_key(row)] = row
                    else:
                        self.set_aside.append(f"line {reader.line_num}: {why}")
                        rejected.append([str(reader.line_num), why, *_fields(row)])
            except csv.Error as exc:  # a NUL byte, an unclosed quote at the end
                why = f"unreadable from here on ({exc})"
                self.set_aside.append(f"line {reader.line_num}: {why}")
                rejected.append([str(reader.line_num), why, *[""] * len(COLUMNS)])
        if rejected:
            with open(self.rejected_path, "a", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                if f.tell() == 0:
                    writer.writerow(["line", "reason", *COLUMNS])
                writer.writerows(rejected)
            warnings.warn(
                f"{self.path}: set aside {len(rejected)} row(s) that cannot be trusted "
                f"({'; '.join(self.set_aside[:3])}{'; ...' if len(rejected) > 3 else ''}). They "
                f"were copied to {self.rejected_path}; their cells will be computed again.",
                stacklevel=3,
            )

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
        handle, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                writer.writerow([*COLUMNS, CHECKSUM])
                for row in self._rows.values():
                    fields = _fields(row)
                    writer.writerow([*fields, _checksum(fields)])
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
        _fsync_folder(self.path.parent)


def _fsync_folder(folder):
    """Make the rename durable where the platform allows it (POSIX)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
