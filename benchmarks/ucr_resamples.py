"""Methods compared on resamples of UCR data sets, not on their standard split.

The standard test split is what ``benchmarks/ucr_accuracy.py`` reports, and
what sigconv's defaults were chosen on. This script checks a choice on other
splits: it pools each set's train and test series and draws
``--resamples`` stratified train/test splits of the standard train size
(``StratifiedShuffleSplit(random_state=r)``), then fits each method of the
benchmark's registry (docs/benchmark.md) with ``random_state=0`` on each.
It prints a table and writes the rows as JSON.

    export SIGCONV_DATA=../shared/data/ucr
    python benchmarks/ucr_resamples.py      # resnet-both against resnet-none on the four largest sets

The default is the check behind ``ResNetClassifier``'s limit of 250
training series for window slicing (docs/augmentation.md, "Large training
sets"). Each fit runs in this process, one after the other.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def main(argv=None):
    import numpy as np
    from sklearn.model_selection import StratifiedShuffleSplit

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import configurations  # noqa: F401 - registers the experiment configurations (resnet-both, ...)

    from sigconv.benchmark import get_method, list_methods
    from sigconv.datasets import load_ucr

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=os.environ.get("SIGCONV_DATA"),
                        help="folder of UCR .tsv files (default: $SIGCONV_DATA)")
    parser.add_argument("--datasets", nargs="+",
                        default=["MedicalImages", "Strawberry", "SwedishLeaf", "SyntheticControl"])
    parser.add_argument("--methods", nargs="+", default=["resnet-both", "resnet-none"], choices=list_methods(),
                        metavar="METHOD", help="methods of the benchmark's registry (default: resnet-both resnet-none)")
    parser.add_argument("--resamples", type=int, nargs="+", default=[1, 2],
                        help="random_state of each train/test split (default: 1 2)")
    parser.add_argument("--output", default="benchmarks/results/ucr_resamples.json")
    args = parser.parse_args(argv)
    if args.data_dir is None:
        parser.error("no data folder: pass --data-dir or set SIGCONV_DATA to a folder of UCR .tsv files.")

    rows = []
    for name in args.datasets:
        X_train, y_train, X_test, y_test = load_ucr(name, data_home=args.data_dir, download=False)
        X, y = np.concatenate([X_train, X_test]), np.concatenate([y_train, y_test])
        for resample in args.resamples:
            split = StratifiedShuffleSplit(n_splits=1, train_size=len(y_train), random_state=resample)
            train, test = next(split.split(X, y))
            for method in args.methods:
                with tempfile.TemporaryDirectory() as work_dir:
                    estimator = get_method(method).factory(random_state=0, epochs=None, time_budget=None,
                                                           work_dir=work_dir)
                    start = time.perf_counter()
                    estimator.fit(X[train], y[train])
                    fit_s = time.perf_counter() - start
                    accuracy = float(np.mean(estimator.predict(X[test]) == y[test]))
                rows.append({"dataset": name, "resample": resample, "method": method, "n_train": len(train),
                             "accuracy": accuracy, "fit_s": round(fit_s, 1)})
                print(f"{name} resample {resample} {method}: accuracy {accuracy:.4f}, fit {fit_s:.0f} s", flush=True)

    print(_table(rows, args.methods))
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"argv": sys.argv[1:], "rows": rows}, indent=1))
    print(f"written: {output}")
    return 0


def _table(rows, methods):
    """One line per data set and resample, accuracy of each method side by side."""
    accuracy = {(r["dataset"], r["resample"], r["method"]): r["accuracy"] for r in rows}
    keys = list(dict.fromkeys((r["dataset"], r["resample"]) for r in rows))
    lines = ["| data set | resample | " + " | ".join(methods) + " |", "|---|---|" + "---|" * len(methods)]
    for dataset, resample in keys:
        cells = " | ".join(f"{accuracy[dataset, resample, m]:.4f}" for m in methods)
        lines.append(f"| {dataset} | {resample} | {cells} |")
    means = " | ".join(f"{sum(accuracy[k + (m,)] for k in keys) / len(keys):.4f}" for m in methods)
    lines.append(f"| **mean** | | {means} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
