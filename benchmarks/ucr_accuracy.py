"""Accuracy of a sigconv classifier on UCR data sets, next to the published figures.

Trains one classifier per data set on the standard train split, scores it on
the test split, and prints a table beside the published accuracies of
reference methods (``published_ucr_accuracy.csv``: dl-4-tsc FCN and ResNet,
InceptionTime, MiniRocket; see that file's README), with the mean over the
data sets run and the total time. Optionally runs aeon's MiniRocket on the
same splits. Results are written to JSON after every data set; running the
same command again skips the data sets already done (delete the file to start
over).

    export SIGCONV_DATA=../shared/data/ucr
    python benchmarks/ucr_accuracy.py                                 # ResNetClassifier(), all sets but FordA
    python benchmarks/ucr_accuracy.py --model fcn --datasets GunPoint Coffee
    python benchmarks/ucr_accuracy.py --params '{"epochs": 1500, "lr_schedule": "plateau"}'  # the papers' protocol
    python benchmarks/ucr_accuracy.py --peers minirocket

Goal (issue 3): the README's recommended classifier reaches at least the
published ResNet mean on the fifteen sets other than FordA (92.9%), training
all fifteen within 60 minutes on a 2-core CPU.
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

MODELS = {
    "fcn": "FCNClassifier",
    "resnet": "ResNetClassifier",
    "inception": "InceptionTimeClassifier",
    "wavenet": "WaveNetClassifier",
    "lstm": "LSTMClassifier",
}
# published columns shown in the table: (column of the CSV, short name)
REFERENCES = (
    ("ResNet (dl-4-tsc, 5-run mean)", "ResNet"),
    ("FCN (dl-4-tsc, 5-run mean)", "FCN"),
    ("InceptionTime (5-ens)", "InceptionT"),
    ("MiniRocket (split 0)", "MiniRocket"),
)
DEFAULT_PUBLISHED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "published_ucr_accuracy.csv"


def _available(data_dir):
    from sigconv.datasets import list_ucr_datasets

    return list(list_ucr_datasets(source="local", data_home=data_dir))


def _fit_sigconv(model, params, seed, X_train, y_train, X_test, y_test):
    from sigconv import estimators

    clf = getattr(estimators, MODELS[model])(random_state=seed, **params)
    start = time.perf_counter()
    clf.fit(X_train, y_train)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    accuracy = float(np.mean(clf.predict(X_test) == y_test))
    return {"accuracy": accuracy, "fit_s": fit_s, "predict_s": time.perf_counter() - start, "epochs": clf.n_epochs_}


def _fit_minirocket(seed, X_train, y_train, X_test, y_test):
    from aeon.classification.convolution_based import MiniRocketClassifier

    clf = MiniRocketClassifier(random_state=seed)
    start = time.perf_counter()
    clf.fit(X_train.astype(np.float64), y_train)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    accuracy = float(np.mean(clf.predict(X_test.astype(np.float64)) == y_test))
    return {"accuracy": accuracy, "fit_s": fit_s, "predict_s": time.perf_counter() - start, "epochs": None}


def _published(path, datasets):
    import pandas as pd

    if path is None or not Path(path).exists():
        return None
    table = pd.read_csv(path, index_col=0)
    return table.reindex(datasets)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=os.environ.get("SIGCONV_DATA"),
                        help="folder of UCR .tsv files (default: $SIGCONV_DATA)")
    parser.add_argument("--datasets", nargs="+", default=None, help="default: every set found in --data-dir")
    parser.add_argument("--exclude", nargs="*", default=["FordA"], help="sets to skip (default: FordA)")
    parser.add_argument("--model", default="resnet", choices=list(MODELS))
    parser.add_argument("--params", default="{}", help="JSON of estimator parameters (default: its defaults)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--peers", nargs="*", default=[], choices=["minirocket"], help="aeon peers on the same splits")
    parser.add_argument("--published", default=os.environ.get("SIGCONV_PUBLISHED", str(DEFAULT_PUBLISHED)),
                        help="published accuracies CSV (default: ../shared/data/published_ucr_accuracy.csv)")
    parser.add_argument("--output", default="benchmarks/results/ucr_accuracy.json")
    args = parser.parse_args(argv)
    params = json.loads(args.params)
    if args.data_dir is None:
        parser.error("no data folder: pass --data-dir or set SIGCONV_DATA to a folder of UCR .tsv files.")

    import keras

    from sigconv.datasets import load_ucr

    datasets = args.datasets or sorted(_available(args.data_dir))
    datasets = [name for name in datasets if name not in set(args.exclude or [])]
    methods = [f"sigconv-{args.model}", *args.peers]
    config = {"model": args.model, "params": params, "seed": args.seed, "backend": keras.backend.backend()}

    output = Path(args.output)
    done = {}
    if output.exists():
        previous = json.loads(output.read_text())
        if previous.get("config") == config:
            done = {(row["dataset"], row["method"]): row for row in previous["rows"]}
        else:
            print(f"{output} holds another configuration; it will be replaced.", file=sys.stderr)
    rows = list(done.values())
    output.parent.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    for name in datasets:
        X_train, y_train, X_test, y_test = load_ucr(name, data_home=args.data_dir, download=False)
        for method in methods:
            if (name, method) in done:
                continue
            if method == "minirocket":
                result = _fit_minirocket(args.seed, X_train, y_train, X_test, y_test)
            else:
                result = _fit_sigconv(args.model, params, args.seed, X_train, y_train, X_test, y_test)
            row = {"dataset": name, "method": method, "n_train": len(X_train),
                   "n_timepoints": int(np.shape(X_train)[-1]), **result}
            rows.append(row)
            print(f"{name:<18} {method:<16} acc {row['accuracy']:.4f}  fit {row['fit_s']:7.1f} s  "
                  f"epochs {row['epochs']}", flush=True)
            output.write_text(json.dumps(
                {"config": config, "versions": _versions(), "rows": rows}, indent=2) + "\n")
    elapsed = time.perf_counter() - start

    print()
    print(_table(rows, datasets, methods, _published(args.published, datasets)))
    print(f"\nthis run: {elapsed / 60:.1f} min; training time of all rows: "
          + ", ".join(f"{m} {sum(r['fit_s'] for r in rows if r['method'] == m) / 60:.1f} min" for m in methods))
    print(f"written: {output}")
    return 0


def _table(rows, datasets, methods, published):
    by = {(row["dataset"], row["method"]): row for row in rows}
    references = [] if published is None else [(c, s) for c, s in REFERENCES if c in published.columns]
    header = f"{'dataset':<18} {'train':>5} {'len':>4} {'epochs':>6} {'fit s':>7} " + " ".join(
        f"{m[:12]:>12}" for m in methods
    ) + "".join(f" {short:>10}" for _, short in references)
    lines = [header, "-" * len(header)]
    for name in datasets:
        first = by.get((name, methods[0]))
        if first is None:
            continue
        cells = " ".join(
            f"{by[(name, m)]['accuracy']:>12.4f}" if (name, m) in by else f"{'':>12}" for m in methods
        )
        refs = "".join(
            f" {published.loc[name, column]:>10.4f}" if np.isfinite(published.loc[name, column]) else f" {'':>10}"
            for column, _ in references
        )
        lines.append(f"{name:<18} {first['n_train']:>5} {first['n_timepoints']:>4} {str(first['epochs']):>6} "
                     f"{first['fit_s']:>7.1f} {cells}{refs}")
    ran = [name for name in datasets if all((name, m) in by for m in methods)]
    if ran:
        means = " ".join(f"{np.mean([by[(n, m)]['accuracy'] for n in ran]):>12.4f}" for m in methods)
        refs = "".join(f" {published.loc[ran, column].mean():>10.4f}" for column, _ in references)
        fit = sum(by[(n, methods[0])]["fit_s"] for n in ran)
        lines.append("-" * len(header))
        lines.append(f"{f'mean of {len(ran)}':<18} {'':>5} {'':>4} {'':>6} {fit:>7.0f} {means}{refs}")
    return "\n".join(lines)


def _versions():
    versions = {"python": platform.python_version(), "cpus": os.cpu_count()}
    for name in ("sigconv", "keras", "tensorflow", "jax", "torch", "aeon", "numpy"):
        module = sys.modules.get(name)
        if module is not None:
            versions[name] = getattr(module, "__version__", "?")
    return versions


if __name__ == "__main__":
    sys.exit(main())
