"""Peak memory of training an image estimator on FordA at 128x128 images.

FordA has 3,601 training series of length 500. As 128x128 float32 images the
training set alone would take 3,601 x 128 x 128 x 4 bytes = 236 MB, and a
float64 NumPy transformer's output twice that; an ImageNet backbone's 224x224
RGB input would take 2.2 GB. sigconv makes the images inside the model, batch
by batch, so memory grows with the batch and not with the data set.

Each case runs in a fresh Python process so that its peak resident set size
(``ru_maxrss``) is its own: the Python process with Keras imported, the
series, the model and training. ``--source memmap`` first writes the series to
a ``.npy`` file and trains from it memory-mapped (``np.load(mmap_mode="r")``).
Prints a table and writes JSON.

    export SIGCONV_DATA=../shared/data/ucr
    python benchmarks/image_memory.py                                  # convnet and mobilenet_v2, 2 epochs
    python benchmarks/image_memory.py --networks convnet --sources memmap --epochs 1

Goal (issue 4): under 4 GB (4,096 MB) while training on FordA at 128x128.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_MB = 4096


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def run_case(network, source, transform, image_size, epochs, batch_size, data_dir):
    import keras
    import numpy as np

    from sigconv.datasets import load_ucr
    from sigconv.estimators import ImageCNNClassifier

    after_import_mb = _peak_rss_mb()
    X_train, y_train, X_test, y_test = load_ucr("FordA", data_home=data_dir, download=False)
    X_train = X_train.astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        if source == "memmap":
            path = Path(tmp) / "FordA_train.npy"
            np.save(path, X_train[:, 0, :])
            del X_train
            X_fit = np.load(path, mmap_mode="r")
        else:
            X_fit = X_train
        clf = ImageCNNClassifier(image_transform=transform, image_size=image_size, network=network,
                                 epochs=epochs, batch_size=batch_size, random_state=0)
        start = time.perf_counter()
        clf.fit(X_fit, y_train)
        fit_s = time.perf_counter() - start
        peak_fit_mb = _peak_rss_mb()
        accuracy = clf.score(X_test.astype(np.float32), y_test)
        del X_fit
    return {
        "network": network,
        "source": source,
        "transform": transform,
        "image_size": image_size,
        "epochs": epochs,
        "batch_size": batch_size,
        "backend": keras.backend.backend(),
        "n_train": int(len(y_train)),
        "fit_s": fit_s,
        "s_per_epoch": fit_s / epochs,
        "test_accuracy": float(accuracy),
        "rss_after_import_mb": after_import_mb,
        "peak_rss_fit_mb": peak_fit_mb,
        "peak_rss_mb": _peak_rss_mb(),
        "images_float32_mb": len(y_train) * image_size * image_size * 4 / 2**20,
    }


def _spawn(args, network, source):
    cmd = [sys.executable, __file__, "--worker", network, source, args.transform, str(args.image_size),
           str(args.epochs), str(args.batch_size), args.data_dir]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"case {network}/{source} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _table(rows):
    lines = ["| network | source | image | epochs | batch | s/epoch | test accuracy | RSS after import MB "
             "| peak RSS MB | goal | images as float32 MB |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['network']} | {r['source']} | {r['transform']} {r['image_size']}x{r['image_size']} | {r['epochs']} "
            f"| {r['batch_size']} | {r['s_per_epoch']:.1f} | {r['test_accuracy']:.3f} | {r['rss_after_import_mb']:,.0f} "
            f"| {r['peak_rss_mb']:,.0f} | {'met' if r['peak_rss_mb'] < GOAL_MB else 'NOT met'} (< {GOAL_MB:,}) "
            f"| {r['images_float32_mb']:,.0f} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=os.environ.get("SIGCONV_DATA"),
                        help="folder of UCR .tsv files holding FordA (default: $SIGCONV_DATA)")
    parser.add_argument("--networks", nargs="+", default=["convnet", "mobilenet_v2"])
    parser.add_argument("--sources", nargs="+", default=["memory", "memmap"], choices=["memory", "memmap"])
    parser.add_argument("--transform", default="gasf")
    parser.add_argument("--image-size", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--output", default="benchmarks/results/image_memory.json")
    parser.add_argument("--worker", nargs=7, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        network, source, transform, size, epochs, batch, data_dir = args.worker
        print(json.dumps(run_case(network, source, transform, int(size), int(epochs), int(batch), data_dir)))
        return 0
    if args.data_dir is None:
        parser.error("no data folder: pass --data-dir or set SIGCONV_DATA to a folder holding FordA_TRAIN.tsv.")

    rows = []
    for network in args.networks:
        for source in args.sources:
            row = _spawn(args, network, source)
            rows.append(row)
            print(f"{network}/{source}: peak {row['peak_rss_mb']:,.0f} MB, {row['s_per_epoch']:.1f} s/epoch", flush=True)
    report = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "goal_mb": GOAL_MB,
        "rows": rows,
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2))
    print()
    print(_table(rows))
    print(f"\nwritten: {args.output}")
    return 0 if all(r["peak_rss_mb"] < GOAL_MB for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
