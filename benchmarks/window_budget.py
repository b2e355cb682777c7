"""Training budget on windows of recordings: the epochs FCNClassifier() needs, on a validation split.

The CWRU development recordings (``$SIGCONV_DATA/cwru``: drive-end channel,
faults of 0.007 in and 0.021 in at 12 kHz, the healthy baseline at 48 kHz
resampled to 12 kHz) are cut into standardized windows of 1,024 samples
(``--hop`` apart), 4 classes (healthy, inner_race, ball, outer_race). Each
recording is cut into ``--blocks`` time blocks, one group each. ``fit(X, y,
groups=groups)`` holds out 20% of the blocks (stratified by class) as the
validation set, trains about 1,000 steps and stops after 3 epochs without a
lower validation loss. The script prints the validation loss of every
epoch, the epochs run, the seconds an epoch takes and what the
default without groups (about 4,000 steps) would have taken at that rate.
No test split is used: the 0.014 in recordings and the rest of the healthy
baseline are kept aside for judging models, not budgets.

    nice python benchmarks/window_budget.py --max-time 1500     # FCNClassifier(): 25 min on 2 busy cores
    nice python benchmarks/window_budget.py --filters 16 32 16  # a quick look
"""

import argparse
import json
import os
import platform
import re
import time
from pathlib import Path

import numpy as np

WINDOW = 1024
SR = 12000.0
_CLASSES = {"IR": "inner_race", "B": "ball", "OR": "outer_race"}


def windows(directory, hop, n_blocks):
    """Standardized windows, labels and groups (recording, time block) of the CWRU recordings."""
    from sigconv.io import read_recording, resample
    from sigconv.monitoring import SlidingWindows

    cutter = SlidingWindows(window=WINDOW, hop=hop, standardize=True)
    X, y, groups = [], [], []
    for path in sorted(Path(directory).glob("*.mat")):
        if path.name.startswith("normal"):
            recording, label = resample(read_recording(path, sr=48000.0, channels=["DE"]), SR), "healthy"
        else:
            kind = re.match(r"12k_Drive_End_([A-Z]+)\d", path.name).group(1)
            recording, label = read_recording(path, sr=SR, channels=["DE"]), _CLASSES[kind]
        data = recording.data
        for block, part in enumerate(np.array_split(data, n_blocks, axis=1)):
            W = cutter.fit_transform(part)
            X.append(W)
            y += [label] * len(W)
            groups += [f"{path.stem}/{block}"] * len(W)
    return np.concatenate(X), np.asarray(y), np.asarray(groups)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None, help="folder holding cwru/ (default: $SIGCONV_DATA)")
    parser.add_argument("--hop", type=int, default=1024, help="samples between windows (default: 1024)")
    parser.add_argument("--blocks", type=int, default=10, help="time blocks (groups) per recording")
    parser.add_argument("--filters", type=int, nargs="+", default=None,
                        help="FCN filters (default: FCNClassifier()'s 128 256 128)")
    parser.add_argument("--max-time", type=float, default=None, help="stop the fit after this many seconds")
    parser.add_argument("--output", default="benchmarks/results/window_budget.json")
    args = parser.parse_args(argv)

    import keras

    from sigconv.estimators import FCNClassifier
    from sigconv.estimators._params import _default_epochs
    from sigconv.estimators._budget import window_epochs

    data_dir = Path(args.data_dir or os.environ.get("SIGCONV_DATA", "")) / "cwru"
    X, y, groups = windows(data_dir, args.hop, args.blocks)
    params = {} if args.filters is None else {"filters": tuple(args.filters), "kernel_sizes": (8, 5, 3)[: len(args.filters)]}
    clf = FCNClassifier(random_state=0, max_time=args.max_time, **params)
    start = time.perf_counter()
    clf.fit(X, y, groups=groups)
    seconds = time.perf_counter() - start
    history = clf.history_
    n_train = len(X) - round(0.2 * len(X))  # about: the held-out blocks are 1 fold of 5
    per_epoch = seconds / clf.n_epochs_
    report = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                    "keras_backend": keras.backend.backend()},
        "n_windows": len(X), "n_groups": len(set(groups)), "hop": args.hop,
        "model": "FCNClassifier()" if args.filters is None else f"FCNClassifier(filters={tuple(args.filters)})",
        "max_epochs_with_groups": window_epochs(n_train, 16), "default_epochs_without_groups": _default_epochs(n_train, 16),
        "n_epochs": clf.n_epochs_, "best_epoch": int(np.argmin(history["val_loss"])) + 1,
        "fit_seconds": seconds, "seconds_per_epoch": per_epoch,
        "val_loss": history["val_loss"],
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2))
    print(f"{report['model']} on {len(X)} CWRU windows ({len(set(groups))} groups), fit with groups:")
    print("| epoch | validation loss |")
    print("|---:|---:|")
    for i, loss in enumerate(history["val_loss"]):
        print(f"| {i + 1} | {loss:.4f} |")
    print(f"\n{clf.n_epochs_} epochs run of at most {report['max_epochs_with_groups']} (best {report['best_epoch']}), "
          f"{seconds:.0f} s, {per_epoch:.0f} s an epoch; without groups the default is "
          f"{report['default_epochs_without_groups']} epochs, about {per_epoch * report['default_epochs_without_groups'] / 60:.0f} min "
          f"at that rate.\nWrote {args.output}")


if __name__ == "__main__":
    main()
