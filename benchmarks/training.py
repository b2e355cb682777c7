"""Training speed of sigconv's 1D CNNs against aeon's, side by side, per Keras backend.

Same data, architecture (the parameter counts are printed as a check), epochs,
batch size, optimizer and learning-rate schedule for both libraries. Each case
runs in its own Python process (the Keras backend is chosen per process), one
after the other, so no two cases share the CPU. The time of an epoch is the
median interval between the starts of consecutive epochs, from the second
epoch on: the first carries the graph tracing or compilation, which is
reported apart as the "first epoch" column. Everything a library does between
epochs is counted (aeon saves its best model to a ``.keras`` file each time
the training loss improves; it runs in a temporary directory here). Test
accuracy after the last epoch is printed to check that both learn equally.

Epoch times on a shared machine drift by up to a third between runs, so the
cases run ``--repeats`` times (3 by default) in rounds: every case once, in
the same order, then the next round. A ratio to aeon is taken within a round,
against aeon's epoch of that round; the table shows the median over rounds
and their range, and the epoch times are medians over rounds.

The last three columns set the time against the work: the GFLOP of one
training epoch (the multiply-adds of the convolution and dense layers,
counted from the Keras layers), the rate achieved, and that rate as a share
of the machine's float32 matrix product, measured with numpy at the start of
each round. A final line per model gives the rate the 0.35x goal asks of
sigconv's network.

    python benchmarks/training.py                         # GunPoint (built in), all models and backends
    python benchmarks/training.py --dataset Strawberry    # a UCR set under $SIGCONV_DATA
    python benchmarks/training.py --models fcn --backends tensorflow jax --epochs 30
    python benchmarks/training.py --epochs 50 --long-fit-compile   # compiled as a default-length fit is
    python benchmarks/training.py --models resnet --backends tensorflow --mixed-precision bfloat16

Goals (issue 3): on TensorFlow at or below 0.7x aeon's time per epoch, on the
fastest backend at or below 0.35x, with equal accuracy within noise.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# model: (sigconv class and parameters, aeon class and parameters), the same network
# and schedule (aeon's: halve the rate after 50 epochs without a lower training loss)
MODELS = {
    "fcn": (
        ("FCNClassifier", {"lr_schedule": "plateau"}),
        ("FCNClassifier", {}),
    ),
    "resnet": (
        ("ResNetClassifier", {"lr_schedule": "plateau"}),
        ("ResNetClassifier", {}),
    ),
    "inception": (
        ("InceptionTimeClassifier", {"ensemble_size": 1, "lr_schedule": "plateau"}),
        ("IndividualInceptionClassifier", {}),
    ),
}
BACKENDS = ("tensorflow", "jax", "torch")


# Times of the start of each epoch and of the end of training, in a module
# global: sigconv trains on a deep copy of user callbacks (it never mutates
# them), and a copy of the timer still writes here.
_TIMES = []


def _epoch_timer():
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            _TIMES.append(time.perf_counter())

        def on_train_end(self, logs=None):
            _TIMES.append(time.perf_counter())

    return EpochTimer()


def _training_gflop(model, n_samples, layer_types=None):
    """GFLOP of one training epoch over ``n_samples`` series, counted from the layers.

    The multiply-adds of every ``Conv1D`` and ``Dense`` layer (or of the
    ``layer_types`` given; nested models included), twice for a FLOP, three
    times for a training step: the forward pass, the gradient with respect to
    the layer's input and the one with respect to its kernel. Normalization,
    activations, pooling and the optimizer update are left out; they are a few
    percent of the convolutions.
    """
    import math

    import keras

    from sigconv.estimators._base import _all_layers

    layer_types = layer_types or (keras.layers.Conv1D, keras.layers.Dense)
    macs = 0
    for layer in _all_layers(model):
        if isinstance(layer, layer_types):
            positions = math.prod(layer.output.shape[1:-1])  # time steps (1 for a dense layer on a vector)
            macs += positions * math.prod(layer.kernel.shape)
    return 3 * 2 * macs * n_samples / 1e9


def _matmul_gflops(size=2048, repeats=5):
    """The machine's float32 matrix-product rate (numpy's BLAS, every core): best of ``repeats``."""
    import numpy as np

    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, size, size), dtype=np.float32)
    a @ b  # warm-up: threads started, pages touched
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * size**3 / best / 1e9


def _timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _load(dataset):
    from sigconv.datasets import load_ucr

    return load_ucr(dataset)


def run_case(model, library, backend, dataset, epochs, batch_size, seed, long_fit_compile=False,
             mixed_precision=False):
    """Train one model with one library on one backend; return a result row.

    ``long_fit_compile`` compiles sigconv as ``jit_compile="auto"`` compiles a
    fit of the default length (at least 1,000 steps), not one of ``epochs``.
    ``mixed_precision`` is sigconv's parameter of that name (aeon trains in
    float32 either way).
    """
    import numpy as np

    X_train, y_train, X_test, y_test = _load(dataset)
    (sigconv_name, sigconv_params), (aeon_name, aeon_params) = MODELS[model]
    timer = _epoch_timer()
    if library == "sigconv":
        from sigconv import estimators

        cls = getattr(estimators, sigconv_name)
        if long_fit_compile and backend == "tensorflow":
            sigconv_params = {**sigconv_params, "jit_compile": cls._xla_on_tensorflow}
        clf = cls(epochs=epochs, batch_size=batch_size, random_state=seed, callbacks=[timer],
                  mixed_precision=mixed_precision, **sigconv_params)
        start = time.perf_counter()
        clf.fit(X_train, y_train)
        fit_seconds = time.perf_counter() - start
        n_params = clf.model_.count_params()
    else:
        import keras
        from aeon.classification import deep_learning

        # aeon replaces its default callbacks by the ones given: pass its own
        # learning-rate schedule back in with the timer (it adds its checkpoint).
        plateau = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=50, min_lr=1e-4)
        clf = getattr(deep_learning, aeon_name)(
            n_epochs=epochs, batch_size=batch_size, random_state=seed,
            callbacks=[plateau, timer], **aeon_params,
        )
        with tempfile.TemporaryDirectory() as directory:
            clf.file_path = directory + os.sep
            start = time.perf_counter()
            clf.fit(X_train, y_train)
            fit_seconds = time.perf_counter() - start
        n_params = clf.model_.count_params()
    gflop = _training_gflop(clf.model_, len(X_train))
    predictions = clf.predict(X_test)
    accuracy = float(np.mean(np.asarray(predictions) == np.asarray(y_test)))
    intervals = [b - a for a, b in zip(_TIMES, _TIMES[1:])]
    return {
        "model": model,
        "library": library,
        "backend": backend,
        "dataset": dataset,
        "epochs": epochs,
        "batch_size": batch_size,
        "n_params": int(n_params),
        "first_epoch_s": intervals[0],
        "epoch_s": statistics.median(intervals[1:]),
        "fit_s": fit_seconds,
        "accuracy": accuracy,
        "epoch_gflop": gflop,
    }


def _spawn(model, library, backend, args):
    env = {**os.environ, "KERAS_BACKEND": backend, "CUDA_VISIBLE_DEVICES": os.environ.get("CUDA_VISIBLE_DEVICES", "")}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    command = [
        sys.executable, __file__, "--worker", model, library, backend,
        "--dataset", args.dataset, "--epochs", str(args.epochs), "--batch-size", str(args.batch_size),
        "--seed", str(args.seed),
    ] + (["--long-fit-compile"] if args.long_fit_compile else []) + (
        ["--mixed-precision", args.mixed_precision] if args.mixed_precision else [])
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        return {"model": model, "library": library, "backend": backend, "error": result.stderr.strip()[-2000:]}
    return json.loads(lines[-1])


def _versions():
    versions = {"python": platform.python_version(), "machine": platform.processor() or platform.machine()}
    for name in ("sigconv", "keras", "tensorflow", "jax", "torch", "aeon", "numpy"):
        try:
            module = __import__(name)
        except ImportError:
            continue
        versions[name] = getattr(module, "__version__", "?")
    versions["cpus"] = os.cpu_count()
    return versions


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default="GunPoint", help="a UCR data set (built in or under $SIGCONV_DATA)")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--epochs", type=int, default=20, help="epochs per fit (default 20)")
    parser.add_argument("--batch-size", type=int, default=16, help="batch size of both libraries (default 16)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3, help="rounds of every case (default 3)")
    parser.add_argument(
        "--long-fit-compile", action="store_true",
        help="compile sigconv's TensorFlow fits with XLA where jit_compile='auto' compiles a fit of the "
        "default length (1,000 steps or more; FCN and ResNet), though --epochs makes this one shorter",
    )
    parser.add_argument("--mixed-precision", choices=("float16", "bfloat16"), default=False,
                        help="sigconv's mixed_precision (default: float32); aeon stays float32")
    parser.add_argument("--no-aeon", action="store_true", help="skip aeon (e.g. when it is not installed)")
    parser.add_argument("--output", default=None, help="JSON file (default benchmarks/results/training_<dataset>.json)")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.epochs < 3:
        parser.error(f"--epochs must be at least 3 to time epochs after the first; got {args.epochs}.")
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1; got {args.repeats}.")

    if args.worker:
        model, library, backend = args.worker
        row = run_case(
            model, library, backend, args.dataset, args.epochs, args.batch_size, args.seed, args.long_fit_compile,
            args.mixed_precision,
        )
        print(json.dumps(row))
        return 0

    libraries = [] if args.no_aeon else [("aeon", "tensorflow")]
    libraries += [("sigconv", backend) for backend in args.backends]
    cases = [(model, library, backend) for model in args.models for library, backend in libraries]
    runs, matmul = [], []
    for repeat in range(args.repeats):
        matmul.append(_matmul_gflops())
        print(f"round {repeat + 1}/{args.repeats}: float32 matrix product {matmul[-1]:.0f} GFLOP/s", flush=True)
        for model, library, backend in cases:
            run = {**_spawn(model, library, backend, args), "repeat": repeat, "matmul_gflops": matmul[-1]}
            runs.append(run)
            print(f"round {repeat + 1}/{args.repeats}: " + _format_row(_summary([run], runs)), flush=True)
    rows = [_summary([run for run in runs if _case(run) == case], runs) for case in cases]
    output = Path(args.output or f"benchmarks/results/training_{args.dataset}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    document = {"versions": _versions(), "args": vars(args), "matmul_gflops": matmul, "rows": rows, "runs": runs}
    output.write_text(json.dumps(document, indent=2) + "\n")
    print()
    print(_table(rows))
    print(_roofline(rows, statistics.median(matmul)))
    print(f"\nwritten: {output}")
    return 0 if all("error" not in row for row in rows) else 1


def _case(run):
    return run["model"], run["library"], run["backend"]


def _summary(case_runs, runs):
    """One row for a case: medians over its rounds, and its ratios to aeon's epoch round by round."""
    failed = [run for run in case_runs if "error" in run]
    if failed:
        return failed[0]
    keys = ("model", "library", "backend", "dataset", "epochs", "batch_size", "n_params")
    row = {key: case_runs[0][key] for key in keys}
    for key in ("first_epoch_s", "epoch_s", "fit_s", "accuracy"):
        row[key] = statistics.median(run[key] for run in case_runs)
    row["epoch_s_runs"] = [run["epoch_s"] for run in case_runs]
    row["epoch_gflop"] = case_runs[0]["epoch_gflop"]
    # Achieved rate, and its share of the float32 matrix product measured in the same round.
    row["gflops"] = statistics.median(run["epoch_gflop"] / run["epoch_s"] for run in case_runs)
    row["of_matmul"] = statistics.median(
        run["epoch_gflop"] / run["epoch_s"] / run["matmul_gflops"] for run in case_runs
    )
    ratios = []
    for run in case_runs:
        reference = [
            r for r in runs
            if _case(r) == (run["model"], "aeon", "tensorflow") and r["repeat"] == run["repeat"] and "error" not in r
        ]
        if reference:
            ratios.append(run["epoch_s"] / reference[0]["epoch_s"])
    if ratios:
        row.update(vs_aeon=statistics.median(ratios), vs_aeon_min=min(ratios), vs_aeon_max=max(ratios))
    return row


def _format_row(row):
    if "error" in row:
        return f"{row['model']:<10} {row['library']:<8} {row['backend']:<11} FAILED: {row['error'][-300:]}"
    ratio = f"{row['vs_aeon']:.2f}x" if "vs_aeon" in row else ""
    spread = f"{row['vs_aeon_min']:.2f}-{row['vs_aeon_max']:.2f}" if "vs_aeon" in row else ""
    return (
        f"{row['model']:<10} {row['library']:<8} {row['backend']:<11} {row['n_params']:>9,d} "
        f"{row['first_epoch_s']:>9.2f} {row['epoch_s']:>9.3f} {ratio:>9} {spread:>11} {row['fit_s']:>8.1f} "
        f"{row['accuracy']:>9.3f} {row['epoch_gflop']:>8.2f} {row['gflops']:>8.0f} {row['of_matmul']:>8.0%}"
    )


def _table(rows):
    header = (
        f"{'model':<10} {'library':<8} {'backend':<11} {'params':>9} {'1st ep s':>9} {'epoch s':>9} "
        f"{'vs aeon':>9} {'range':>11} {'fit s':>8} {'test acc':>9} {'GFLOP/ep':>8} {'GFLOP/s':>8} {'% matmul':>8}"
    )
    return "\n".join([header, "-" * len(header), *(_format_row(row) for row in rows)])


def _roofline(rows, matmul_gflops):
    """For each model, the rate sigconv's network needs to train an epoch in 0.35x aeon's time.

    Set against the machine's float32 matrix-product rate: convolutions run at
    that rate at best, and the rest of a step (normalization, activations, the
    optimizer) only adds time.
    """
    lines = [f"\nfloat32 matrix product on this machine: {matmul_gflops:.0f} GFLOP/s (median over rounds)."]
    for model in dict.fromkeys(row["model"] for row in rows):
        aeon = [row for row in rows if row["model"] == model and row["library"] == "aeon" and "error" not in row]
        ours = [row for row in rows if row["model"] == model and row["library"] == "sigconv" and "error" not in row]
        if not aeon or not ours:
            continue
        gflop, goal_s = ours[0]["epoch_gflop"], 0.35 * aeon[0]["epoch_s"]
        lines.append(
            f"{model}: sigconv's epoch is {gflop:.2f} GFLOP, at least {gflop / matmul_gflops:.3f} s at that rate; "
            f"the 0.35x goal ({goal_s:.3f} s) needs {gflop / goal_s:.0f} GFLOP/s, "
            f"{gflop / goal_s / matmul_gflops:.0%} of it, over the whole step."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
