"""Condition monitoring: streaming throughput and latency, and detection quality.

1. Streaming: one 48 kHz channel, 1,024-sample windows with a 512 hop,
   scored by a fitted FCN (filters 16, 32, 16) through
   ``sigconv.monitoring.StreamingPredictor``. Chunks of ``--chunk`` samples
   are pushed as fast as they are consumed: windows per second, real-time
   factor (seconds of signal per second of compute) and p50 / p99 latency
   from a chunk's arrival to its predictions (the time ``push`` takes).
2. Detection: the scenario of ``examples/monitor_bearing.py`` (trained at
   1,797 rpm and unit load, monitored at other speeds and loads, an
   outer-race fault appearing midway): accuracy per window and the alarm's
   delay after the true onset, in windows (hops).

    python benchmarks/monitoring.py                   # about 2 minutes on 2 cores
    python benchmarks/monitoring.py --seconds 20      # a quicker look

Goal (issue 5): real-time factor >= 50 with p99 latency under 20 ms.
"""

import argparse
import importlib.util
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

SR, WINDOW, HOP = 48000.0, 1024, 512
CONDITIONS = [dict(rpm=1730.0, load=1.5), dict(rpm=1772.0, load=0.6), dict(rpm=1750.0, load=2.0)]


def _example():
    path = Path(__file__).resolve().parent.parent / "examples" / "monitor_bearing.py"
    spec = importlib.util.spec_from_file_location("monitor_bearing", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def streaming(clf, seconds, chunk):
    from sigconv.monitoring import StreamingPredictor

    signal = np.random.default_rng(0).normal(size=int(SR * seconds)).astype(np.float32)
    warm = StreamingPredictor(clf, sr=SR, window=WINDOW, hop=HOP, standardize=True)
    for part in np.array_split(signal[: 20 * chunk], 20):
        warm.push(part)  # compile / trace every batch size that will occur
    predictor = StreamingPredictor(clf, sr=SR, window=WINDOW, hop=HOP, standardize=True)
    latencies, n_windows = [], 0
    start = time.perf_counter()
    for i in range(0, len(signal), chunk):
        t = time.perf_counter()
        n_windows += len(predictor.push(signal[i : i + chunk]))
        latencies.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - start
    latencies = np.asarray(latencies) * 1e3
    return {
        "signal_seconds": seconds, "chunk_samples": chunk, "n_windows": n_windows,
        "windows_per_second": n_windows / elapsed, "real_time_factor": seconds / elapsed,
        "latency_p50_ms": float(np.percentile(latencies, 50)),
        "latency_p99_ms": float(np.percentile(latencies, 99)),
        "latency_max_ms": float(latencies.max()),
    }


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
    parser.add_argument("--seconds", type=float, default=120.0, help="seconds of 48 kHz signal streamed")
    parser.add_argument("--chunk", type=int, default=24000, help="samples per chunk (default: 0.5 s)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of each detection recording")
    parser.add_argument("--output", default="benchmarks/results/monitoring.json")
    args = parser.parse_args(argv)

    import keras

    example = _example()
    X, y = example.make_training_set()
    t = time.perf_counter()
    clf = example.train(X, y)
    train_seconds = time.perf_counter() - t
    stream = streaming(clf, args.seconds, args.chunk)
    quality = detection(example, clf, args.duration)
    report = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                    "keras_backend": keras.backend.backend()},
        "model": "FCNClassifier(filters=(16, 32, 16), kernel_sizes=(8, 5, 3)), standardized windows",
        "train_seconds": train_seconds, "streaming": stream, "detection": quality,
        "goal": {"real_time_factor": 50, "latency_p99_ms": 20},
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2))
    print(f"Streaming, 1 channel at 48 kHz, window {WINDOW}, hop {HOP}, chunks of {args.chunk} "
          f"samples, Keras backend {report['machine']['keras_backend']}:")
    print(f"| windows/s | real-time factor | p50 latency (ms) | p99 latency (ms) | max (ms) |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| {stream['windows_per_second']:.0f} | {stream['real_time_factor']:.1f} | "
          f"{stream['latency_p50_ms']:.2f} | {stream['latency_p99_ms']:.2f} | {stream['latency_max_ms']:.2f} |")
    print("\nDetection at unseen speed and load (trained at 1797 rpm, load 1; fault midway):")
    print("| rpm | load | window accuracy | false alarms | alarm delay (windows) |")
    print("|---:|---:|---:|---:|---:|")
    for row in quality:
        delay = "none" if row["alarm_delay_windows"] is None else f"{row['alarm_delay_windows']:.1f}"
        print(f"| {row['rpm']:g} | {row['load']:g} | {row['window_accuracy']:.1%} | "
              f"{row['false_alarms']} | {delay} |")
    print(f"\nWrote {args.output}")


if __name__ == "__main__":
    main()
