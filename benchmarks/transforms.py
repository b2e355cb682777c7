"""Signal-to-image throughput and memory: sigconv against pyts and librosa, side by side.

Each case runs in its own Python process (so peak memory is that case's alone
and pyts's numba compilation is paid once per process, before timing), on
identical inputs for both libraries. Prints a table and writes JSON.

    python benchmarks/transforms.py                      # full sizes (about 2 minutes on 2 cores)
    python benchmarks/transforms.py --scale 0.1          # a quick look
    python benchmarks/transforms.py --output results.json

Goals (issue 2): GAF, MTF and RP at least 3x pyts's throughput; mel
spectrogram and MFCC at least as fast as librosa; 10,000 recurrence plots of
length-1,024 series with a peak under 1.5 GB.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

# name: (peer, n_series, n_timepoints, goal ratio sigconv/peer throughput)
CASES = {
    "gasf": ("pyts", 2000, 1024, 3.0),
    "mtf": ("pyts", 2000, 1024, 3.0),
    "rp": ("pyts", 2000, 1024, 3.0),
    "mel": ("librosa", 200, 16000, 1.0),
    "mfcc": ("librosa", 200, 16000, 1.0),
    "rp_memory": (None, 10000, 1024, None),
}
IMAGE_SIZE = 64
AUDIO = dict(sr=16000, n_fft=512, hop_length=128, n_mels=64)


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _data(n_series, n_timepoints):
    return np.random.default_rng(0).normal(size=(n_series, n_timepoints)).cumsum(axis=1)


def _sigconv_fn(case):
    from sigconv.transformers import (
        MFCC,
        GramianAngularField,
        MarkovTransitionField,
        MelSpectrogram,
        RecurrencePlot,
    )

    transformer = {
        "gasf": lambda: GramianAngularField(image_size=IMAGE_SIZE),
        "mtf": lambda: MarkovTransitionField(image_size=IMAGE_SIZE, n_bins=5, strategy="quantile"),
        "rp": lambda: RecurrencePlot(image_size=IMAGE_SIZE),
        "rp_memory": lambda: RecurrencePlot(image_size=IMAGE_SIZE),
        "mel": lambda: MelSpectrogram(**AUDIO),
        "mfcc": lambda: MFCC(n_mfcc=20, **AUDIO),
    }[case]()
    return lambda X: transformer.fit_transform(X)


def _peer_fn(case):
    if case in ("gasf", "mtf", "rp"):
        from pyts.approximation import PiecewiseAggregateApproximation
        from pyts.image import GramianAngularField, MarkovTransitionField, RecurrencePlot

        if case == "gasf":
            return GramianAngularField(image_size=IMAGE_SIZE).fit_transform
        if case == "mtf":
            return MarkovTransitionField(image_size=IMAGE_SIZE, n_bins=5, strategy="quantile").fit_transform
        paa = PiecewiseAggregateApproximation(window_size=None, output_size=IMAGE_SIZE)
        rp = RecurrencePlot()
        return lambda X: rp.fit_transform(paa.fit_transform(X))
    import librosa

    if case == "mel":
        return lambda X: librosa.feature.melspectrogram(y=X, **AUDIO)
    return lambda X: librosa.feature.mfcc(y=X, n_mfcc=20, **AUDIO)


def _as_images(out, case):
    """Both libraries' outputs as (n_samples, height, width) float64 for comparison."""
    out = np.asarray(out, dtype=np.float64)
    return out[..., 0] if out.ndim == 4 else out


def run_case(case, library, scale, repeats):
    """Time one library on one case in this process; return a dict of results."""
    _, n_series, n_timepoints, _ = CASES[case]
    n_series = max(2, int(round(n_series * scale)))
    dtype = np.float32 if case in ("mel", "mfcc") else np.float64
    X = _data(n_series, n_timepoints).astype(dtype)
    fn = _sigconv_fn(case) if library == "sigconv" else _peer_fn(case)
    fn(X)  # warm-up at full size: numba compilation, caches, first touch of memory
    baseline = _peak_rss_mb()
    times = []
    out = None
    for _ in range(repeats):
        out = None  # one output alive at a time, so peak memory is one call's
        start = time.perf_counter()
        out = fn(X)
        times.append(time.perf_counter() - start)
    # The fastest run: on a shared machine, other work only ever adds time.
    seconds = float(np.min(times))
    result = {
        "case": case,
        "library": library,
        "n_series": n_series,
        "n_timepoints": n_timepoints,
        "seconds": seconds,
        "median_seconds": float(np.median(times)),
        "series_per_second": n_series / seconds,
        "peak_rss_mb": _peak_rss_mb(),
        "peak_rss_increase_mb": _peak_rss_mb() - baseline,
        "output_shape": list(np.shape(out)),
        "output_dtype": str(np.asarray(out).dtype),
    }
    sample = _as_images(out[: min(50, n_series)], case)
    np.save(os.environ["SIGCONV_BENCH_SAMPLE"], sample)
    return result


def _spawn(case, library, scale, repeats, sample_path):
    env = dict(os.environ, SIGCONV_BENCH_SAMPLE=str(sample_path))
    command = [sys.executable, __file__, "--worker", case, library, str(scale), str(repeats)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{library} on {case} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _versions():
    from importlib.metadata import version

    names = ("sigconv", "numpy", "scipy", "pyts", "librosa", "numba")
    return {name: version(name) for name in names}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the issue's sizes (default 1)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per case; the fastest is kept")
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--output", default="benchmarks/results/transforms.json")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        case, library, scale, repeats = args.worker
        print(json.dumps(run_case(case, library, float(scale), int(repeats))))
        return 0

    rows = []
    tmp = Path(args.output).parent
    tmp.mkdir(parents=True, exist_ok=True)
    for case in args.cases:
        peer, _, _, goal = CASES[case]
        mine = _spawn(case, "sigconv", args.scale, args.repeats, tmp / "_sample_sigconv.npy")
        row = {"case": case, "sigconv": mine, "goal_ratio": goal}
        if peer is not None:
            theirs = _spawn(case, peer, args.scale, args.repeats, tmp / "_sample_peer.npy")
            a, b = np.load(tmp / "_sample_sigconv.npy"), np.load(tmp / "_sample_peer.npy")
            row.update(peer=theirs, ratio=mine["series_per_second"] / theirs["series_per_second"])
            # relative to the peer's largest magnitude: spectral images span many decades
            row["max_rel_diff"] = (
                float(np.max(np.abs(a - b)) / np.max(np.abs(b))) if a.shape == b.shape else None
            )
            row["shapes"] = [list(a.shape), list(b.shape)]
        rows.append(row)
        print(_format_row(row), flush=True)
    for name in ("_sample_sigconv.npy", "_sample_peer.npy"):
        (tmp / name).unlink(missing_ok=True)

    report = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "versions": _versions(),
        "scale": args.scale,
        "repeats": args.repeats,
        "rows": rows,
    }
    Path(args.output).write_text(json.dumps(report, indent=2))
    print()
    print(_table(rows))
    print(f"\nwritten: {args.output}")
    return 0


def _format_row(row):
    mine = row["sigconv"]
    text = f"{row['case']}: sigconv {mine['series_per_second']:.0f} series/s, peak {mine['peak_rss_mb']:.0f} MB"
    if "peer" in row:
        text += f"; {row['peer']['library']} {row['peer']['series_per_second']:.0f} series/s; ratio {row['ratio']:.2f}"
    return text


def _table(rows):
    lines = [
        "| case | series x length | sigconv series/s | peer | peer series/s | ratio | goal "
        "| sigconv peak RSS MB | peer peak RSS MB | max diff / peer max |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        mine, peer = row["sigconv"], row.get("peer")
        cells = [row["case"], f"{mine['n_series']} x {mine['n_timepoints']}", f"{mine['series_per_second']:,.0f}"]
        if peer:
            cells += [
                peer["library"],
                f"{peer['series_per_second']:,.0f}",
                f"{row['ratio']:.2f}x",
                f">= {row['goal_ratio']:g}x",
                f"{mine['peak_rss_mb']:,.0f}",
                f"{peer['peak_rss_mb']:,.0f}",
                "-" if row["max_rel_diff"] is None else f"{row['max_rel_diff']:.1e}",
            ]
        else:
            cells += ["-", "-", "-", "peak < 1,500 MB", f"{mine['peak_rss_mb']:,.0f}", "-", "-"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
