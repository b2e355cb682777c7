"""Accuracy of sigconv classifiers on UCR data sets, next to the published figures.

A thin caller of :func:`sigconv.benchmark.run_benchmark` (the library code
behind ``sigconv benchmark``; see docs/benchmark.md) with this script's
historical defaults: ResNetClassifier() on every data set in $SIGCONV_DATA
except FordA, seed 0 (``--seeds`` for more, averaged in the report), each
estimator's own number of epochs. Results go to
``benchmarks/results/ucr_accuracy/`` (``results.csv``, ``report.md``,
``report.html``); running the same command again resumes, skipping the cells
already done.

    export SIGCONV_DATA=../shared/data/ucr
    python benchmarks/ucr_accuracy.py                                  # resnet, all sets but FordA
    python benchmarks/ucr_accuracy.py --model fcn --datasets GunPoint Coffee
    python benchmarks/ucr_accuracy.py --peers minirocket               # aeon's MiniRocket beside it
    python benchmarks/ucr_accuracy.py --epochs 1500                    # the papers' epoch count
    python benchmarks/ucr_accuracy.py --model resnet-ensemble3 --epochs 100 --datasets Lightning7 ArrowHead Beef
    python benchmarks/ucr_accuracy.py --model resnet-none               # ResNet without window slicing
    python benchmarks/ucr_accuracy.py --model resnet-stretch            # slices all stretched (the former default)
    python benchmarks/ucr_accuracy.py --model resnet-crop               # slices kept unstretched, padded
    python benchmarks/ucr_accuracy.py --model resnet-both               # half each on every set (the default up to 250 series)
    python benchmarks/ucr_accuracy.py --model resnet-smooth             # label smoothing 0.1
    python benchmarks/ucr_accuracy.py --model resnet-dilated            # dilations 1, 2, 4 by block
    python benchmarks/ucr_accuracy.py --model resnet-narrow3            # three half-width ResNets, averaged
    python benchmarks/ucr_accuracy.py --model resnet-bf16               # bfloat16, uncompiled
    python benchmarks/ucr_accuracy.py --seeds 0 1 2                    # three seeds, averaged in the report
    python benchmarks/ucr_accuracy.py --jobs 2                         # two cells at a time

The ``resnet-*`` variants are experiment configurations registered by
``benchmarks/configurations.py``, which this script imports; ``--model``
takes them and every method of ``sigconv benchmark --list-methods``.

Goal (issue 3): the recommended classifier (README) reaches at least the
published ResNet mean on the fifteen sets other than FordA (92.9%), training
all fifteen within 60 minutes on a 2-core CPU.

(Estimator parameters other than epochs and the time budget, formerly
``--params``, are set by registering a :class:`sigconv.benchmark.Method`
whose factory builds the estimator you want.)
"""

import argparse
import os
import sys
from pathlib import Path


def main(argv=None):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import configurations  # noqa: F401 - registers the experiment configurations (resnet-both, ...)

    from sigconv.benchmark import list_methods, run_benchmark
    from sigconv.datasets import list_ucr_datasets

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=os.environ.get("SIGCONV_DATA"),
                        help="folder of UCR .tsv files (default: $SIGCONV_DATA)")
    parser.add_argument("--datasets", nargs="+", default=None, help="default: every set found in --data-dir")
    parser.add_argument("--exclude", nargs="*", default=["FordA"], help="sets to skip (default: FordA)")
    parser.add_argument("--model", default="resnet", choices=list_methods(), metavar="MODEL",
                        help="a method of the benchmark's registry (docs/benchmark.md; default: resnet)")
    parser.add_argument("--peers", nargs="*", default=[], help="other methods on the same splits, e.g. minirocket")
    parser.add_argument("--epochs", type=int, default=None, help="default: the estimator's own")
    parser.add_argument("--time-budget", type=float, default=None, help="training seconds per fit")
    parser.add_argument("--seeds", "--seed", type=int, nargs="+", default=[0],
                        help="random_state of each repetition (default 0); the report averages over them")
    parser.add_argument("--jobs", type=int, default=1,
                        help="cells run at once, each in its own worker process (default 1)")
    parser.add_argument("--output", default="benchmarks/results/ucr_accuracy")
    args = parser.parse_args(argv)
    if args.data_dir is None:
        parser.error("no data folder: pass --data-dir or set SIGCONV_DATA to a folder of UCR .tsv files.")
    datasets = args.datasets or list_ucr_datasets(source="local", data_home=args.data_dir)
    datasets = [name for name in datasets if name not in set(args.exclude or [])]
    run = run_benchmark(datasets, [args.model, *args.peers], seeds=args.seeds, epochs=args.epochs,
                        time_budget=args.time_budget, data_home=args.data_dir, output_dir=args.output,
                        n_jobs=args.jobs)
    print((run.output_dir / "report.md").read_text())
    print(f"{run.n_computed} cells run in {run.elapsed_s / 60:.1f} min; written: {run.report}")
    return 1 if run.n_failed else 0


if __name__ == "__main__":
    sys.exit(main())
