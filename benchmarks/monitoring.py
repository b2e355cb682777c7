"""Condition monitoring: streaming throughput, time to the first window, detection quality.

1. Streaming, for each model: one channel, 1,024-sample windows with a 512
   hop, scored through ``sigconv.monitoring.StreamingPredictor`` on
   standardized windows. Chunks of ``--chunk`` samples are pushed as fast as
   they are consumed: windows per second, real-time factor (seconds of
   signal per second of compute) at 12 kHz and at 48 kHz, and p50 / p99
   latency from a chunk's arrival to its predictions (the time ``push``
   takes). The models:

   - ``fcn-small``: the FCN of ``examples/monitor_bearing.py`` (filters 16,
     32, 16), trained as that example trains it;
   - ``fcn-default``: ``FCNClassifier()``'s network (filters 128, 256, 128),
     trained for 2 epochs only: throughput does not depend on the weights,
     and the default budget would take far longer than the benchmark;
   - ``bearing`` (optional): ``sigconv.monitoring.BearingFaultClassifier``
     with the example's machine, when this sigconv has that class; the row
     says "not available" otherwise.

2. Launch: ``python -m sigconv monitor MODEL - --format f32 --predictions``
   in a fresh process, fed one window at once: seconds from launch to the
   first window line, and, in another fresh process, the part of it spent
   importing Keras (TensorFlow) and loading the model (median of
   ``--launches``).

3. Detection (``fcn-small`` only): the scenario of ``examples/monitor_bearing.py``
   (trained at 1,797 rpm and unit load, monitored at other speeds and loads,
   an outer-race fault appearing midway): accuracy per window and the
   alarm's delay after the true onset, in windows (hops).

    nice python benchmarks/monitoring.py                  # about 5 minutes on 2 shared cores
    nice python benchmarks/monitoring.py --seconds 10 --launches 1   # a quicker look

Goals: real-time factor >= 50 with p99 latency under 20 ms (issue 5); the first
window within 3 s of launch (issue 31).
"""

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
STREAM_SR, WINDOW, HOP = 48000.0, 1024, 512
CONDITIONS = [dict(rpm=1730.0, load=1.5), dict(rpm=1772.0, load=0.6), dict(rpm=1750.0, load=2.0)]


def _example():
    path = ROOT / "examples" / "monitor_bearing.py"
    spec = importlib.util.spec_from_file_location("monitor_bearing", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _models(example, X, y):
    """``{name: (fitted classifier or None, description, train seconds)}``."""
    from sigconv import monitoring
    from sigconv.estimators import FCNClassifier

    out = {}
    t = time.perf_counter()
    out["fcn-small"] = (example.train(X, y), "FCNClassifier(filters=(16, 32, 16), kernel_sizes=(8, 5, 3)), "
                        "60 epochs", time.perf_counter() - t)
    t = time.perf_counter()
    out["fcn-default"] = (FCNClassifier(epochs=2, random_state=0).fit(X, y),
                          "FCNClassifier() network, 2 epochs", time.perf_counter() - t)
    bearing = getattr(monitoring, "BearingFaultClassifier", None)
    if bearing is None:
        out["bearing"] = (None, "BearingFaultClassifier: not available in this sigconv", None)
    else:
        t = time.perf_counter()
        try:
            clf = bearing(sr=example.SR, rpm=example.TRAIN["rpm"], n_balls=9, ball_diameter=7.94,
                          pitch_diameter=39.04, contact_angle=0.0, random_state=0).fit(X, y)
        except (TypeError, ValueError) as exc:  # written before the class: report, do not stop
            out["bearing"] = (None, f"BearingFaultClassifier failed: {exc}", None)
        else:
            out["bearing"] = (clf, "BearingFaultClassifier, the example's machine", time.perf_counter() - t)
    return out


def streaming(clf, seconds, chunk):
    from sigconv.monitoring import StreamingPredictor

    signal = np.random.default_rng(0).normal(size=int(STREAM_SR * seconds)).astype(np.float32)
    warm = StreamingPredictor(clf, sr=STREAM_SR, window=WINDOW, hop=HOP, standardize=True)
    for part in np.array_split(signal[: 5 * chunk], 5):
        warm.push(part)  # compile / trace every batch size that will occur
    predictor = StreamingPredictor(clf, sr=STREAM_SR, window=WINDOW, hop=HOP, standardize=True)
    latencies, n_windows = [], 0
    start = time.perf_counter()
    for i in range(0, len(signal), chunk):
        t = time.perf_counter()
        n_windows += len(predictor.push(signal[i : i + chunk]))
        latencies.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - start
    latencies = np.asarray(latencies) * 1e3
    rate = n_windows / elapsed
    return {
        "signal_seconds": seconds, "chunk_samples": chunk, "n_windows": n_windows,
        "windows_per_second": rate,
        # a window every HOP samples: the factor at a rate sr is rate * HOP / sr
        "real_time_factor_12k": rate * HOP / 12000.0, "real_time_factor_48k": rate * HOP / 48000.0,
        "latency_p50_ms": float(np.percentile(latencies, 50)),
        "latency_p99_ms": float(np.percentile(latencies, 99)),
        "latency_max_ms": float(latencies.max()),
    }


_STAGES = """
import sys, time
t0 = time.perf_counter()
import keras
t1 = time.perf_counter()
from sigconv.cli import _load_model  # what sigconv monitor loads with
clf = _load_model(sys.argv[1])
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def launch(path, healthy, n_launches):
    """Median seconds from launching ``sigconv monitor`` to its first window line; import and load."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    window = np.random.default_rng(0).normal(size=WINDOW).astype("<f4").tobytes()
    firsts, imports, loads = [], [], []
    for _ in range(n_launches):
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "sigconv", "monitor", str(path), "-", "--sr", "12000",
             "--format", "f32", "--predictions", "--standardize", "--healthy-class", healthy],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        process.stdin.write(window)
        process.stdin.flush()
        for line in process.stdout:
            if json.loads(line)["kind"] == "window":
                firsts.append(time.perf_counter() - start)
                break
        process.stdin.close()
        process.wait(timeout=120)
        done = subprocess.run([sys.executable, "-c", _STAGES, str(path)], capture_output=True,
                              text=True, env=env, check=True)
        keras_s, load_s = map(float, done.stdout.split())
        imports.append(keras_s)
        loads.append(load_s)
    return {"first_window_s": float(np.median(firsts)), "import_keras_s": float(np.median(imports)),
            "load_model_s": float(np.median(loads)), "n_launches": n_launches}


def detection(example, clf, duration):
    from sigconv.monitoring import AlarmPolicy, Monitor, StreamingPredictor

    rows = []
    for i, condition in enumerate(CONDITIONS):
        signal, onset = example.make_recording(duration=duration, random_state=10 + 2 * i, **condition)
        monitor = Monitor(StreamingPredictor(clf, sr=example.SR, window=example.WINDOW,
                                             hop=example.HOP, standardize=True),
                          AlarmPolicy(k=4, n=5, m=3))
        events = list(monitor.run(np.array_split(signal, max(1, len(signal) // 3000))))
        truth = ["healthy" if p.start + example.WINDOW // 2 < onset else "outer_race"
                 for p in monitor.predictions]
        accuracy = float(np.mean([p.label == t for p, t in zip(monitor.predictions, truth)]))
        onset_s = onset / example.SR
        alarms = [e for e in events if e.kind == "alarm"]
        after = [e for e in alarms if e.time >= onset_s]
        delay = None if not after else (after[0].time - onset_s) * example.SR / example.HOP
        rows.append({**condition, "window_accuracy": accuracy,
                     "false_alarms": len(alarms) - len(after),
                     "alarm_delay_windows": delay})
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds of 48 kHz signal streamed per model")
    parser.add_argument("--chunk", type=int, default=24000, help="samples per chunk (default: 0.5 s at 48 kHz)")
    parser.add_argument("--launches", type=int, default=3, help="fresh `sigconv monitor` processes per model")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of each detection recording")
    parser.add_argument("--output", default="benchmarks/results/monitoring.json")
    args = parser.parse_args(argv)

    load = os.getloadavg()  # other processes' share of the cores: the timings depend on it
    import keras

    example = _example()
    X, y = example.make_training_set()
    models = _models(example, X, y)
    rows = {}
    with tempfile.TemporaryDirectory(prefix="sigconv-bench-") as directory:
        for name, (clf, description, train_seconds) in models.items():
            row = {"model": description, "train_seconds": train_seconds}
            if clf is not None:
                row["streaming"] = streaming(clf, args.seconds, args.chunk)
                if hasattr(clf, "save"):
                    path = Path(directory) / f"{name}.sigconv"
                    clf.save(path)
                    row["launch"] = launch(path, "healthy", args.launches)
            rows[name] = row
    quality = detection(example, models["fcn-small"][0], args.duration)
    report = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                    "load_average_at_start": load, "keras_backend": keras.backend.backend()},
        "window": WINDOW, "hop": HOP, "models": rows, "detection_fcn_small": quality,
        "goal": {"real_time_factor": 50, "latency_p99_ms": 20, "first_window_s": 3},
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2))
    print(f"Streaming, 1 channel, window {WINDOW}, hop {HOP}, chunks of {args.chunk} samples, "
          f"{args.seconds:g} s at 48 kHz per model, Keras backend {report['machine']['keras_backend']}, "
          f"load average {load[0]:.1f} on {os.cpu_count()} cores at the start:")
    print("| model | windows/s | real-time factor 12 kHz | 48 kHz | p50 latency (ms) | p99 (ms) |"
          " first window after launch (s) | of which import Keras (s) | load model (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, row in rows.items():
        if "streaming" not in row:
            print(f"| {name} | {row['model']} | | | | | | | |")
            continue
        s, l = row["streaming"], row.get("launch")
        launch_cells = ("| | |" if l is None else
                        f"| {l['first_window_s']:.1f} | {l['import_keras_s']:.1f} | {l['load_model_s']:.1f} |")
        print(f"| {name} | {s['windows_per_second']:.0f} | {s['real_time_factor_12k']:.1f} | "
              f"{s['real_time_factor_48k']:.1f} | {s['latency_p50_ms']:.1f} | {s['latency_p99_ms']:.1f} "
              + launch_cells)
    print("\nDetection at unseen speed and load, fcn-small (trained at 1797 rpm, load 1; fault midway):")
    print("| rpm | load | window accuracy | false alarms | alarm delay (windows) |")
    print("|---:|---:|---:|---:|---:|")
    for row in quality:
        delay = "none" if row["alarm_delay_windows"] is None else f"{row['alarm_delay_windows']:.1f}"
        print(f"| {row['rpm']:g} | {row['load']:g} | {row['window_accuracy']:.1%} | "
              f"{row['false_alarms']} | {delay} |")
    print(f"\nWrote {args.output}")


if __name__ == "__main__":
    main()
