"""Image throughput of the sigconv Keras layers against pyts, CPU and (when present) GPU.

10,000 series of length 1,024 to 64x64 Gramian angular fields, Markov
transition fields and recurrence plots. The layers run inside a
``keras.Sequential`` model with ``predict`` (batch by batch, on the backend
given by ``--backend`` and on whatever device it finds: the GPU when there
is one; ``--mode predict`` times ``Model.predict``
instead of the compiled forward pass); pyts runs on the CPU (numba), on the same series. Each case runs in
its own Python process, warmed up first (compilation of the model or of
numba's functions), and the fastest of ``--repeats`` runs is kept. Prints a
table and writes JSON.

    python benchmarks/layers.py                                  # full size, current backend
    python benchmarks/layers.py --backend jax --scale 0.2        # a quick look on JAX
    python benchmarks/layers.py --output benchmarks/results/layers.json

Goals (issue 4): on a GPU at least 50x pyts's CPU throughput; on the CPU at
least pyts's.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

CASES = ("gasf", "mtf", "rp")
N_SERIES, N_TIMEPOINTS, IMAGE_SIZE = 10000, 1024, 64
GOALS = {"cpu": 1.0, "gpu": 50.0}


def _data(n_series):
    return np.random.default_rng(0).normal(size=(n_series, N_TIMEPOINTS)).cumsum(axis=1)


def _device(backend):
    if backend == "tensorflow":
        import tensorflow as tf

        return "gpu" if tf.config.list_physical_devices("GPU") else "cpu"
    if backend == "jax":
        import jax

        return "gpu" if jax.default_backend() == "gpu" else "cpu"
    import torch

    return "gpu" if torch.cuda.is_available() else "cpu"


def _layer_fn(case, batch_size, mode):
    import keras

    from sigconv.layers import GramianAngularField, MarkovTransitionField, RecurrencePlot

    layer = {
        "gasf": lambda: GramianAngularField(image_size=IMAGE_SIZE),
        "mtf": lambda: MarkovTransitionField(image_size=IMAGE_SIZE, n_bins=5, strategy="quantile"),
        "rp": lambda: RecurrencePlot(image_size=IMAGE_SIZE),
    }[case]()
    model = keras.Sequential([keras.Input((N_TIMEPOINTS, 1)), layer])
    if mode == "predict":
        return lambda X: model.predict(X[:, :, None].astype(np.float32), batch_size=batch_size, verbose=0)[..., 0]
    forward = _compiled(model)

    def run(X):
        X = X[:, :, None].astype(np.float32)
        parts = [keras.ops.convert_to_numpy(forward(X[i : i + batch_size])) for i in range(0, len(X), batch_size)]
        return np.concatenate(parts)[..., 0]

    return run


def _compiled(model):
    """The model's forward pass compiled by its backend (graph, jit or no-grad eager)."""
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(lambda x: model(x, training=False), reduce_retracing=True)
    if backend == "jax":
        import jax

        variables = [v.value for v in model.non_trainable_variables]

        @jax.jit
        def forward(x):
            outputs, _ = model.stateless_call([], variables, x, training=False)
            return outputs

        return forward
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"

    def forward(x):
        with torch.no_grad():
            return model(torch.as_tensor(x, device=device), training=False)

    return forward


def _pyts_fn(case):
    from pyts.approximation import PiecewiseAggregateApproximation
    from pyts.image import GramianAngularField, MarkovTransitionField, RecurrencePlot

    if case == "gasf":
        return GramianAngularField(image_size=IMAGE_SIZE).fit_transform
    if case == "mtf":
        return MarkovTransitionField(image_size=IMAGE_SIZE, n_bins=5, strategy="quantile").fit_transform
    paa = PiecewiseAggregateApproximation(window_size=None, output_size=IMAGE_SIZE)
    rp = RecurrencePlot()
    return lambda X: rp.fit_transform(paa.fit_transform(X))


def run_case(case, library, scale, repeats, batch_size, mode):
    """Time one library on one case in this process; return a dict of results."""
    n_series = max(2, int(round(N_SERIES * scale)))
    X = _data(n_series)
    if library == "pyts":
        fn, backend, device = _pyts_fn(case), None, "cpu"
    else:
        import keras

        backend = keras.backend.backend()
        fn, device = _layer_fn(case, batch_size, mode), _device(backend)
    fn(X[: min(n_series, 2 * batch_size)])  # warm-up: graph compilation, numba compilation
    times = []
    out = None
    for _ in range(repeats):
        out = None
        start = time.perf_counter()
        out = fn(X)
        times.append(time.perf_counter() - start)
    seconds = float(np.min(times))  # on a shared machine, other work only ever adds time
    np.save(os.environ["SIGCONV_BENCH_SAMPLE"], np.asarray(out[:50], dtype=np.float64))
    return {
        "case": case,
        "library": library,
        "backend": backend,
        "device": device,
        "n_series": n_series,
        "n_timepoints": N_TIMEPOINTS,
        "batch_size": batch_size if library != "pyts" else None,
        "mode": mode if library != "pyts" else None,
        "seconds": seconds,
        "median_seconds": float(np.median(times)),
        "images_per_second": n_series / seconds,
        "output_shape": list(np.shape(out)),
    }


def _spawn(case, library, args, sample_path):
    env = dict(os.environ, SIGCONV_BENCH_SAMPLE=str(sample_path))
    if library != "pyts":
        env["KERAS_BACKEND"] = args.backend
    command = [sys.executable, __file__, "--worker", case, library, str(args.scale), str(args.repeats),
               str(args.batch_size), args.mode]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{library} on {case} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _versions(backend):
    from importlib.metadata import version

    names = ("sigconv", "keras", backend if backend != "torch" else "torch", "numpy", "pyts", "numba")
    return {name: version(name) for name in names}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", default=None, choices=["tensorflow", "jax", "torch"],
                        help="Keras backend of the layers (default: the current one)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 10,000 series (default 1)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per case; the fastest is kept")
    parser.add_argument("--batch-size", type=int, default=256, help="series per batch in predict")
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--output", default="benchmarks/results/layers.json")
    parser.add_argument(
        "--mode",
        default="compiled",
        choices=["compiled", "predict"],
        help="compiled: the model's forward pass compiled by the backend, called batch by batch "
        "(image making alone); predict: keras Model.predict (adds its per-step overhead)",
    )
    parser.add_argument("--worker", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        case, library, scale, repeats, batch_size, mode = args.worker
        print(json.dumps(run_case(case, library, float(scale), int(repeats), int(batch_size), mode)))
        return 0
    if args.backend is None:
        import keras

        args.backend = keras.backend.backend()

    rows = []
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    samples = output.parent / "_sample_layer.npy", output.parent / "_sample_pyts.npy"
    for case in args.cases:
        mine = _spawn(case, "sigconv", args, samples[0])
        theirs = _spawn(case, "pyts", args, samples[1])
        a, b = np.load(samples[0]), np.load(samples[1])
        row = {
            "case": case,
            "sigconv": mine,
            "pyts": theirs,
            "ratio": mine["images_per_second"] / theirs["images_per_second"],
            "goal_ratio": GOALS[mine["device"]],
            "max_abs_diff": float(np.max(np.abs(a - b))) if a.shape == b.shape else None,
        }
        rows.append(row)
        print(
            f"{case}: sigconv ({args.backend}, {mine['device']}) {mine['images_per_second']:,.0f} images/s; "
            f"pyts {theirs['images_per_second']:,.0f} images/s; ratio {row['ratio']:.2f}",
            flush=True,
        )
    for path in samples:
        path.unlink(missing_ok=True)
    report = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "versions": _versions(args.backend),
        "backend": args.backend,
        "scale": args.scale,
        "repeats": args.repeats,
        "mode": args.mode,
        "batch_size": args.batch_size,
        "rows": rows,
    }
    if output.exists():  # one file for every backend and device: replace this run's rows only
        previous = json.loads(output.read_text())
        runs = previous.get("runs", []) if isinstance(previous, dict) else []
    else:
        runs = []
    def key(run):
        return run.get("backend"), run.get("mode"), run["rows"][0]["sigconv"]["device"] if run.get("rows") else None

    runs = [r for r in runs if key(r) != key(report)]
    runs.append(report)
    output.write_text(json.dumps({"runs": runs}, indent=2))
    print()
    print(_table(rows))
    print(f"\nwritten: {output}")
    return 0


def _table(rows):
    lines = [
        "| case | series x length | layer backend / device | layer images/s | pyts images/s (CPU) | ratio | goal "
        "| max abs diff |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        mine, peer = row["sigconv"], row["pyts"]
        cells = [
            row["case"],
            f"{mine['n_series']} x {mine['n_timepoints']}",
            f"{mine['backend']} / {mine['device']}",
            f"{mine['images_per_second']:,.0f}",
            f"{peer['images_per_second']:,.0f}",
            f"{row['ratio']:.2f}x",
            f">= {row['goal_ratio']:g}x",
            "-" if row["max_abs_diff"] is None else f"{row['max_abs_diff']:.1e}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
