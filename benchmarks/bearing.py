"""Bearing faults on real CWRU recordings, with splits that do not leak (issue 31).

Data: the CWRU drive-end recordings of ``../shared/data/cwru`` (or ``--data``,
or ``$SIGCONV_CWRU``), read with ``sigconv.io.read_recording``: inner-race,
ball and outer-race faults of 0.007 in and 0.021 in at 12 kHz, and the
first 60% of the healthy baseline at 48 kHz, brought to 12 kHz with
``sigconv.io.resample`` (``scipy.signal.resample_poly``, 1/4). Windows of
``--window`` samples every ``--hop``; every split is by recording, and the
healthy recording is split in time (no window shares a sample across a
split).

(a) Leave one fault size out: train on the 0.007 in faults and the first
    half of the healthy recording, test on the 0.021 in faults and the
    second half; then the reverse. 4-class accuracy, and recall per class.
(b) Healthy only: ``BearingFaultClassifier(synthetic_faults=True)`` fitted
    on the first half of the healthy recording alone, tested on every real
    fault window (fault type right) and on the second half of the healthy
    recording (false alarms: windows not called healthy; windows every 256
    samples there, as the half holds 17,500 samples at 12 kHz).

Methods:

- ``bearing``: ``sigconv.monitoring.BearingFaultClassifier`` with its defaults;
- ``bearing+synthetic``: the same with ``synthetic_faults=True`` (real and
  synthetic faults together);
- ``rule``: the physics rule of the issue, no training: each window is
  labelled by whichever of BPFI, BPFO and 2 x BSF has the largest peak in
  its envelope spectrum (``sigconv.functional.envelope_spectrum`` in the
  window's kurtogram band), scored on fault windows only (it has no healthy
  class);
- ``fcn`` / ``resnet``: ``FCNClassifier()`` and ``ResNetClassifier()`` with
  their default architectures and ``--deep-epochs`` (3) epochs, on
  non-overlapping windows of ``--deep-window`` (1,024) samples standardised
  per window: a budget two shared CPU cores afford (the issue found 5
  epochs reach 100% within one recording; windows of 4,096 every 1,024
  samples cost 16 times as much per epoch).

How the defaults were chosen, without the 0.014 in recordings the judges
hold out: window 4,096 by physics (two bins per cage frequency FTF, 11.9 Hz,
and four per FTF sideband spacing at 12 kHz; 2,048 is the shortest
``BearingFaultClassifier`` accepts there); the features by physics (lines of
each defect, ambiguous lines dropped); the amplitude range of synthetic
impulses (1 to 64 x healthy RMS) by the false-alarm rate on a later time
block of the *training* half of the healthy recording. During development the
007 <-> 021 scores of (a) were looked at (the issue's tables, and to see that
features describing the spectral shape overfit one recording), so they are
not a clean test; the 0.014 in recordings are.

    python benchmarks/bearing.py                 # about 10 minutes on 2 cores
    python benchmarks/bearing.py --skip-deep     # about 1 minute: physics methods only
    python benchmarks/bearing.py --methods fcn,resnet --skip-healthy-only

Goals (issue 31): >= 95% 4-class accuracy leaving one size out; healthy only,
>= 85% of fault windows of the right type and <= 1% false alarms.
"""

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

SR = 12000.0
BEARING = dict(n_balls=9, ball_diameter=0.3126, pitch_diameter=1.537, contact_angle=0.0)
FILES = {
    ("inner_race", "007"): "12k_Drive_End_IR007_0_105.mat",
    ("inner_race", "021"): "12k_Drive_End_IR021_0_209.mat",
    ("ball", "007"): "12k_Drive_End_B007_0_118.mat",
    ("ball", "021"): "12k_Drive_End_B021_0_222.mat",
    ("outer_race", "007"): "12k_Drive_End_OR007@6_0_130.mat",
    ("outer_race", "021"): "12k_Drive_End_OR021@6_0_234.mat",
}
HEALTHY = "normal_0_97_first60.mat"
FAULTS = ("inner_race", "outer_race", "ball")


def _data_dir(path):
    if path:
        return Path(path)
    if os.environ.get("SIGCONV_CWRU"):
        return Path(os.environ["SIGCONV_CWRU"])
    # ../shared/data/cwru of the checkout, or of a folder above it (a git worktree)
    for parent in Path(__file__).resolve().parents[1:]:
        if (parent.parent / "shared" / "data" / "cwru").is_dir():
            return parent.parent / "shared" / "data" / "cwru"
    raise SystemExit("No CWRU data found: pass --data or set SIGCONV_CWRU to the folder of the .mat files.")


def load_recordings(directory):
    """``{(label, size): (signal at 12 kHz, rpm)}``, the healthy one under ``("healthy", "")``."""
    from sigconv.io import read_recording, resample

    out = {}
    for key, name in FILES.items():
        recording = read_recording(directory / name, sr=SR, channels=["DE"])
        out[key] = (np.asarray(recording.data[0], dtype=np.float64), recording.rpm)
    healthy = resample(read_recording(directory / HEALTHY, sr=48000.0, channels=["DE"]), SR)
    out[("healthy", "")] = (np.asarray(healthy.data[0], dtype=np.float64), healthy.rpm)
    return out


def windows_of(signal, window, hop):
    return _windows_labels([(signal, 0)], window, hop)[0]


def split_healthy(signal, window):
    """First and second half of the healthy recording, a window's gap between them."""
    half = len(signal) // 2
    return signal[:half], signal[half + window :]


def rule_predict(X, rpm):
    """Largest envelope-spectrum peak among BPFI, BPFO and 2 x BSF, in the kurtogram band."""
    from sigconv.functional import bearing_defect_frequencies, envelope_spectrum, kurtogram

    lines = bearing_defect_frequencies(rpm, **BEARING)
    targets = {"inner_race": lines["BPFI"], "outer_race": lines["BPFO"], "ball": 2 * lines["BSF"]}
    bands, _ = kurtogram(X, sr=SR, min_bandwidth=4 * lines["BPFI"], n_ffts=(8, 12, 16, 24, 32, 48, 64))
    labels = []
    for x, band in zip(X, bands):
        freqs, spectrum = envelope_spectrum(x, sr=SR, band=tuple(float(b) for b in band))
        step = freqs[1]
        peaks = {k: spectrum[np.abs(freqs - f) <= max(0.01 * f, step)].max() for k, f in targets.items()}
        labels.append(max(peaks, key=peaks.get))
    return np.asarray(labels)


def _standardise(X):
    X = X - X.mean(axis=1, keepdims=True)
    return (X / X.std(axis=1, keepdims=True))[:, None, :].astype(np.float32)


def _recalls(y, pred):
    return {str(c): round(float(np.mean(pred[y == c] == c)), 4) for c in np.unique(y)}


def _split_signals(data, train_size, test_size, window):
    """``(train, test)`` lists of ``(signal, label)``: fault recordings by size, healthy by time."""
    train_healthy, test_healthy = split_healthy(data[("healthy", "")][0], window)
    train, test = [(train_healthy, "healthy")], [(test_healthy, "healthy")]
    for fault in FAULTS:
        train.append((data[(fault, train_size)][0], fault))
        test.append((data[(fault, test_size)][0], fault))
    return train, test


def _windows_labels(signals, window, hop):
    from sigconv.monitoring import recording_windows

    X, y, _ = recording_windows([s for s, _ in signals], [label for _, label in signals],
                                window=window, hop=hop)
    return X[:, 0], y


def fault_size_split(data, train_size, test_size, window, hop, methods, deep_epochs, seed,
                     deep_window):
    train, test = _split_signals(data, train_size, test_size, window)
    X_train, y_train = _windows_labels(train, window, hop)
    X_test, y_test = _windows_labels(test, window, hop)
    rpm = float(np.median([v[1] for v in data.values()]))
    rows = []
    for method in methods:
        start = time.perf_counter()
        n_train = len(X_train)
        if method == "rule":
            faulty = y_test != "healthy"
            pred = rule_predict(X_test[faulty], rpm)
            truth = y_test[faulty]
        elif method in ("fcn", "resnet"):
            # shorter windows without overlap: a budget CPUs can afford (module docstring)
            A, a = _windows_labels(train, deep_window, deep_window)
            B, truth = _windows_labels(test, deep_window, deep_window)
            clf = make_method(method, rpm, deep_epochs, seed).fit(_standardise(A), a)
            pred = np.asarray(clf.predict(_standardise(B)))
            n_train = len(A)
        else:
            clf = make_method(method, rpm, deep_epochs, seed).fit(X_train, y_train)
            pred = np.asarray(clf.predict(X_test))
            truth = y_test
        rows.append({
            "split": f"train {train_size} -> test {test_size}", "method": method,
            "accuracy": round(float(np.mean(pred == truth)), 4), "recall": _recalls(truth, pred),
            "n_train": int(n_train), "n_test": int(len(truth)),
            "seconds": round(time.perf_counter() - start, 1),
        })
        print(_row_text(rows[-1]), flush=True)
    return rows


def make_method(method, rpm, deep_epochs, seed):
    if method in ("bearing", "bearing+synthetic"):
        from sigconv.monitoring import BearingFaultClassifier

        return BearingFaultClassifier(sr=SR, rpm=rpm, **BEARING, synthetic_faults=method != "bearing",
                                      random_state=seed)
    if method == "fcn":
        from sigconv.estimators import FCNClassifier

        return FCNClassifier(epochs=deep_epochs, random_state=seed)
    if method == "resnet":
        from sigconv.estimators import ResNetClassifier

        return ResNetClassifier(epochs=deep_epochs, random_state=seed)
    raise ValueError(f"Unknown method {method!r}.")


def healthy_only(data, window, hop, seed, healthy_test_hop=256):
    from sigconv.monitoring import BearingFaultClassifier

    train_healthy, test_healthy = split_healthy(data[("healthy", "")][0], window)
    X_healthy = windows_of(train_healthy, window, hop)
    rpm = float(np.median([v[1] for v in data.values()]))
    start = time.perf_counter()
    clf = BearingFaultClassifier(sr=SR, rpm=rpm, **BEARING, synthetic_faults=True, random_state=seed)
    clf.fit(X_healthy, np.full(len(X_healthy), "healthy"))
    fit_seconds = time.perf_counter() - start
    per_recording, rule = {}, {}
    right = total = rule_right = 0
    for fault, size in FILES:
        signal = data[(fault, size)][0]
        X = windows_of(signal, window, hop)
        pred = clf.predict(X)
        rule_pred = rule_predict(X, rpm)
        per_recording[f"{fault} {size}"] = {str(c): int(np.sum(pred == c)) for c in clf.classes_}
        rule[f"{fault} {size}"] = round(float(np.mean(rule_pred == fault)), 4)
        right += int(np.sum(pred == fault))
        rule_right += int(np.sum(rule_pred == fault))
        total += len(X)
    # every 256 samples: more (overlapping, so correlated) windows of the unseen healthy half,
    # for a false-alarm rate finer than one in ten
    X_held = windows_of(test_healthy, window, healthy_test_hop)
    held = clf.predict(X_held)
    result = {
        "method": "bearing (synthetic_faults=True, healthy windows only)",
        "n_train_healthy": int(len(X_healthy)),
        "fault_windows_right_type": round(right / total, 4),
        "rule_fault_windows_right_type": round(rule_right / total, 4),
        "n_fault_windows": total,
        "false_alarms": round(float(np.mean(held != "healthy")), 4),
        "n_held_out_healthy": int(len(X_held)), "held_out_healthy_hop": healthy_test_hop,
        "held_out_healthy_predictions": {str(c): int(np.sum(held == c)) for c in clf.classes_},
        "predictions_per_recording": per_recording,
        "rule_right_type_per_recording": rule,
        "fit_seconds": round(fit_seconds, 1),
    }
    print(f"healthy only: {100 * result['fault_windows_right_type']:.1f}% of {total} fault windows "
          f"of the right type (rule: {100 * result['rule_fault_windows_right_type']:.1f}%), "
          f"{100 * result['false_alarms']:.1f}% false alarms on {len(X_held)} held-out healthy windows",
          flush=True)
    for name, counts in per_recording.items():
        print(f"  {name:16s} {counts}")
    return result


def _row_text(row):
    recall = " ".join(f"{k}={v:.2f}" for k, v in row["recall"].items())
    return f"{row['split']:22s} {row['method']:18s} acc={row['accuracy']:.3f}  {recall}  ({row['seconds']} s)"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=None, help="folder of the CWRU .mat files")
    parser.add_argument("--window", type=int, default=4096, help="window length in samples (default 4096)")
    parser.add_argument("--hop", type=int, default=1024, help="samples between windows (default 1024)")
    parser.add_argument("--deep-epochs", type=int, default=3, help="epochs of FCN and ResNet (default 3)")
    parser.add_argument("--deep-window", type=int, default=1024,
                        help="window of FCN and ResNet, no overlap (default 1024)")
    parser.add_argument("--skip-deep", action="store_true", help="leave out FCN and ResNet")
    parser.add_argument("--methods", default=None,
                        help="comma-separated subset of rule,bearing,bearing+synthetic,fcn,resnet")
    parser.add_argument("--skip-healthy-only", action="store_true", help="leave out (b)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default="benchmarks/results/bearing.json")
    args = parser.parse_args(argv)
    data = load_recordings(_data_dir(args.data))
    methods = ["rule", "bearing", "bearing+synthetic"] + ([] if args.skip_deep else ["fcn", "resnet"])
    if args.methods:
        methods = args.methods.split(",")
        unknown = sorted(set(methods) - {"rule", "bearing", "bearing+synthetic", "fcn", "resnet"})
        if unknown:
            parser.error(f"--methods names unknown methods {unknown}")
    print(f"(a) leave one fault size out, windows of {args.window} every {args.hop} samples at 12 kHz")
    rows = []
    for train_size, test_size in (("007", "021"), ("021", "007")):
        rows += fault_size_split(data, train_size, test_size, args.window, args.hop, methods,
                                 args.deep_epochs, args.seed, args.deep_window)
    healthy = None
    if not args.skip_healthy_only:
        print("(b) healthy-only training")
        healthy = healthy_only(data, args.window, args.hop, args.seed)
    document = {
        "benchmark": "bearing", "window": args.window, "hop": args.hop, "sr": SR,
        "deep_epochs": args.deep_epochs if {"fcn", "resnet"} & set(methods) else None,
        "seed": args.seed,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs", "leave_one_size_out": rows,
        "healthy_only": healthy,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(document, indent=2) + "\n")
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
