"""One cell of the benchmark matrix: load a data set, fit a method, score it.

:func:`run_cell` does the work in the calling process and never raises: a
failure becomes a row with ``status="failed"``. :func:`run_cell_in_subprocess`
runs it in a fresh Python process (``python -m sigconv.benchmark._worker``),
so that a crash, the Keras backend and the peak memory belong to that cell
alone.
"""

import os
import pickle
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

__all__ = ["run_cell", "run_cell_in_subprocess"]


def _error_text(exc):
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    message = str(exc).strip().replace("\n", " ")
    return f"{type(exc).__name__}: {message}{where}"


def _versions(method_uses_keras):
    versions = {"python": platform.python_version()}
    for name in ("sigconv", "numpy", "sklearn", "keras", "tensorflow", "jax", "torch", "aeon"):
        module = sys.modules.get(name)
        if module is not None and (method_uses_keras or name not in ("keras", "tensorflow", "jax", "torch")):
            versions[name] = getattr(module, "__version__", "?")
    return ";".join(f"{k}={v}" for k, v in versions.items())


def _device():
    """Where Keras computes: ``cpu`` or ``gpu:<name>`` (only asked when Keras is loaded)."""
    try:
        import keras

        backend = keras.backend.backend()
        if backend == "tensorflow":
            import tensorflow as tf

            gpus = tf.config.list_logical_devices("GPU")
            return f"gpu:{gpus[0].name}" if gpus else "cpu"
        if backend == "jax":
            import jax

            device = jax.devices()[0]
            return "cpu" if device.platform == "cpu" else f"{device.platform}:{device.device_kind}"
        if backend == "torch":
            import torch

            return f"cuda:{torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else "cpu"
    except Exception:  # noqa: BLE001 - the device is a label; never fail a cell over it
        return "unknown"
    return "cpu"


def _peak_rss_mb():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _epochs_run(estimator):
    for owner in (estimator, getattr(estimator, "steps", [[None, None]])[-1][1]):
        value = getattr(owner, "n_epochs_", None)
        if value is not None:
            return int(value)
    return None


def base_row(spec):
    """The key and configuration columns of a cell's row."""
    keras = spec["method"].uses_keras  # epochs, time budget and backend mean nothing to the others
    return {
        "dataset": spec["dataset"],
        "method": spec["method"].name,
        "seed": spec["seed"],
        "epochs": spec["epochs"] if keras else None,
        "time_budget": spec["time_budget"] if keras else None,
        "backend": spec["backend"] if keras else "",
    }


def run_cell(spec, *, measure="rss"):
    """Fit and score one method on one data set; return the row of ``results.csv``.

    Parameters
    ----------
    spec : dict
        ``dataset``, ``method`` (a :class:`~sigconv.benchmark.Method`),
        ``seed``, ``epochs``, ``time_budget``, ``data_home`` and ``backend``.
    measure : {"rss", "tracemalloc"}, default="rss"
        How peak memory is measured: the process's peak resident set size
        (right for a fresh worker process) or the peak of Python allocations
        during the cell (when the cell shares a process with others).

    Returns
    -------
    row : dict
        Every column of ``results.csv``; ``status`` is ``"ok"`` or
        ``"failed"`` with ``error`` saying why.
    """
    from sklearn.metrics import accuracy_score, balanced_accuracy_score

    from ..datasets import load_ucr

    row = base_row(spec)
    method = spec["method"]
    work_dir = Path(tempfile.mkdtemp(prefix="sigconv_cell_"))
    if measure == "tracemalloc":
        import tracemalloc

        tracemalloc.start()
    try:
        X_train, y_train, X_test, y_test = load_ucr(spec["dataset"], data_home=spec["data_home"], download=False)
        if isinstance(X_train, list):
            raise ValueError(f"data set {spec['dataset']!r} has series of unequal lengths, which the "
                             "benchmark does not run; pad or truncate them into another folder first.")
        row.update(n_train=len(X_train), n_test=len(X_test), n_channels=X_train.shape[1],
                   n_timepoints=X_train.shape[2], n_classes=len(np.unique(y_train)))
        estimator = method.factory(random_state=spec["seed"], epochs=spec["epochs"],
                                   time_budget=spec["time_budget"], work_dir=work_dir)
        start = time.perf_counter()
        estimator.fit(X_train, y_train)
        row["fit_s"] = round(time.perf_counter() - start, 3)
        start = time.perf_counter()
        predicted = np.asarray(estimator.predict(X_test))
        row["predict_s"] = round(time.perf_counter() - start, 3)
        row["accuracy"] = float(accuracy_score(y_test, predicted))
        row["balanced_accuracy"] = float(balanced_accuracy_score(y_test, predicted))
        row["epochs_run"] = _epochs_run(estimator)
        row["status"] = "ok"
        row["error"] = ""
    except Exception as exc:  # noqa: BLE001 - every failure is reported in its row
        row["status"] = "failed"
        row["error"] = _error_text(exc)
    finally:
        if measure == "tracemalloc":
            row["peak_memory_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
            tracemalloc.stop()
        else:
            row["peak_memory_mb"] = _peak_rss_mb()
        shutil.rmtree(work_dir, ignore_errors=True)
    row["device"] = _device() if method.uses_keras and "keras" in sys.modules else "cpu"
    row["versions"] = _versions(method.uses_keras)
    row["host"] = platform.node()
    return row


def _signal_name(returncode):
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def run_cell_in_subprocess(spec, *, timeout=None):
    """Run :func:`run_cell` in a fresh Python process; a process that dies gives a failed row.

    The child gets ``KERAS_BACKEND=spec["backend"]``, this process's
    ``sys.path`` (so it imports the same sigconv and the same method
    factories) and an empty working directory of its own. A child still
    running after ``timeout`` seconds is killed and its cell fails.
    """
    work_dir = Path(tempfile.mkdtemp(prefix="sigconv_worker_"))
    spec_path, result_path, log_path = work_dir / "spec.pkl", work_dir / "row.pkl", work_dir / "stderr.txt"
    try:
        spec_path.write_bytes(pickle.dumps(spec))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        if spec["backend"]:
            env["KERAS_BACKEND"] = spec["backend"]
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        with open(log_path, "wb") as log:
            try:
                # The child is given this process's id: it ends (and removes its folder) when this
                # process is gone, however it went (SIGKILL included), instead of running on orphaned.
                process = subprocess.run(
                    [sys.executable, "-m", "sigconv.benchmark._worker", str(spec_path), str(result_path),
                     str(os.getpid())],
                    cwd=work_dir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    check=False, timeout=timeout,
                )
            except subprocess.TimeoutExpired:  # run() has killed the child
                row = base_row(spec)
                row.update(status="failed", host=platform.node(), error=(
                    f"WorkerTimeout: the worker process was still running after cell_timeout={timeout:g} s "
                    "and was killed; give a larger cell_timeout (--cell-timeout) or a time budget."))
                return row
        if process.returncode == 0 and result_path.is_file():
            return pickle.loads(result_path.read_bytes())
        how = (f"was killed by {_signal_name(process.returncode)}" if process.returncode < 0
               else f"exited with status {process.returncode}")
        lines = [line for line in log_path.read_text(errors="replace").splitlines() if line.strip()]
        tail = f"; its last output: {lines[-1].strip()[:300]}" if lines else ""
        row = base_row(spec)
        row.update(status="failed", error=f"WorkerDied: the worker process {how} before finishing the cell"
                   f"{tail}", host=platform.node())
        return row
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


#: Seconds between the worker's checks that the process that started it is still there.
_PARENT_POLL_S = 0.5


def _end_with_parent(parent_pid, work_dir):
    """Watch the parent from a daemon thread; when it is gone, remove ``work_dir`` and exit at once.

    ``os.getppid()`` changes when the parent dies (the child is re-parented),
    on every POSIX system; Windows keeps no such link, so there the worker
    lives until its cell ends.
    """
    import threading

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(_PARENT_POLL_S)
        shutil.rmtree(work_dir, ignore_errors=True)
        os._exit(70)

    if os.name == "posix" and os.getppid() == parent_pid:
        threading.Thread(target=watch, name="sigconv-parent-watch", daemon=True).start()


def _main(spec_path, result_path, parent_pid=None):
    work_dir = Path(spec_path).parent
    # The cell's own scratch folders go inside the worker's, so one removal cleans up everything.
    tempfile.tempdir = str(work_dir)
    if parent_pid is not None:
        _end_with_parent(int(parent_pid), work_dir)
    spec = pickle.loads(Path(spec_path).read_bytes())
    row = run_cell(spec)
    tmp = Path(f"{result_path}.tmp")
    tmp.write_bytes(pickle.dumps(row))
    os.replace(tmp, result_path)
    return 0


if __name__ == "__main__":
    sys.exit(_main(*sys.argv[1:]))
