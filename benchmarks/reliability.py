"""Run the bad-input cases of issue 32 and write docs/reliability.md from what they do.

Each case feeds one kind of malformed or out-of-range input to a public entry
point and records what happened: the error type and the start of its message,
or the result. The table of docs/reliability.md is written from these
observations, so it cannot drift from the code; each case also states the
behaviour it must have, and the script exits with status 1 when one does not.
``tests/reliability/test_docs.py`` runs the quick cases (those that train
nothing) in the default suite.

    python benchmarks/reliability.py                       # every case; rewrite docs/reliability.md
    python benchmarks/reliability.py --quick               # the cases that train nothing; check only

Writes the JSON of the observations to ``--json``
(default ``benchmarks/results/reliability.json``).
"""

import argparse
import contextlib
import dataclasses
import io
import json
import os
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np

HEADER = """# Reliability: what sigconv does with bad input

Every public entry point either gives a correct result or raises a
`ValueError` / `TypeError` (or sigconv's subclasses in `sigconv.exceptions`)
that names the file, parameter or shape, what was expected and how to fix it
(issue 32). The table below is written by `benchmarks/reliability.py`, which
feeds each case to the code and records what happened; the last column says
whether that is the behaviour the case requires. Property-based tests
(`tests/reliability/test_properties.py`) drive the same entry points with
generated inputs.

Reproduce: `python benchmarks/reliability.py` (about a minute on 2 cores;
`--quick` skips the cases that train a network).

"""


@dataclasses.dataclass
class Case:
    area: str
    what: str
    run: object  # callable(folder) -> observed result (anything printable)
    expect: str  # "refused" or "result"
    contains: str  # a part of the message (refused) or of the result's description (result)
    quick: bool = True


def _tsv(folder, name, train, test=None):
    for split, text in (("TRAIN", train), ("TEST", test if test is not None else train)):
        (folder / f"{name}_{split}.tsv").write_text(text)


def _load(name, ext=".tsv", train=None, test=None):
    from sigconv.datasets import load_ucr

    def run(folder):
        for split, text in (("TRAIN", train), ("TEST", test if test is not None else train)):
            (folder / f"{name}_{split}{ext}").write_text(text)
        X, y, _, _ = load_ucr(name, data_home=folder, download=False)
        shapes = [x.shape for x in X] if isinstance(X, list) else X.shape
        return f"series {shapes}, labels {y.tolist()}"

    return run


def _recording(filename, write, **kwargs):
    def run(folder):
        from sigconv.io import read_recording

        path = folder / filename
        write(path)
        return repr(read_recording(path, **kwargs))

    return run


def _write_truncated_wav(path):
    import soundfile

    soundfile.write(path, np.zeros((4000, 1)), 8000, subtype="PCM_16")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _write_truncated_npy(path):
    np.save(path, np.zeros((2, 4000)))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _cut_results_row(folder):
    from sigconv.benchmark import ResultsStore

    store = ResultsStore(folder / "results.csv")
    for dataset in ("A", "B"):
        store.add({"dataset": dataset, "method": "m", "seed": 0, "status": "ok", "accuracy": 0.953})
    text = (folder / "results.csv").read_text()
    (folder / "results.csv").write_text(text[: text.rindex("0.953") + 3])  # accuracy "0.9" of "0.953"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = ResultsStore(folder / "results.csv").rows()
    return f"{len(rows)} row(s) kept ({[r['dataset'] for r in rows]}); warning: {caught[0].message}"


def _zip_bomb(folder):
    from sigconv.estimators import load

    path = folder / "bomb.sigconv"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("estimator.json", b" " * (100 * 2**20))
        archive.writestr("model.keras", b"")
    return load(path)


def _fit(cls_name, X, y, **params):
    from sigconv import estimators

    cls = getattr(estimators, cls_name)
    sizes = dict(filters=(4,), kernel_sizes=(3,)) if cls_name.startswith("FCN") else {}
    return cls(**{**sizes, "epochs": 2, "random_state": 0, **params}).fit(X, y)


def _waves(n=16, t=24, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 1, t)).astype(np.float32)
    y = np.arange(n) % 2
    X[y == 1] += np.sin(np.linspace(0, 6, t, dtype=np.float32))
    return X, y


def _classifier_on(scale):
    def run(folder):
        X, y = _waves()
        proba = _fit("FCNClassifier", X * np.float32(scale), y).predict_proba(X * np.float32(scale))
        return f"probabilities from {proba.min():.3f} to {proba.max():.3f}"

    return run


def _regressor_on_targets(scale):
    def run(folder):
        X, _ = _waves()
        y = np.linspace(-1, 1, len(X)) * scale
        predicted = _fit("FCNRegressor", X, y).predict(X)
        return f"finite predictions: {bool(np.isfinite(predicted).all())}, range {predicted.min():.3g} to {predicted.max():.3g}"

    return run


def _mismatched_file(folder):
    from sigconv.estimators import load

    X, y = _waves()
    _fit("FCNClassifier", X, y, epochs=1).save(folder / "two.sigconv")
    _fit("FCNClassifier", X, np.arange(len(X)) % 3, epochs=1).save(folder / "three.sigconv")
    with zipfile.ZipFile(folder / "two.sigconv") as a, zipfile.ZipFile(folder / "three.sigconv") as b:
        members = {"estimator.json": a.read("estimator.json"), "model.keras": b.read("model.keras")}
    with zipfile.ZipFile(folder / "mixed.sigconv", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return load(folder / "mixed.sigconv")


def _resume(folder):
    import keras

    from sigconv.estimators import ResNetClassifier

    class Kill(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    X, y = _waves(n=24)
    params = dict(n_filters=2, n_blocks=1, kernel_sizes=(3,), epochs=4, batch_size=8, random_state=0)
    uninterrupted = ResNetClassifier(**params).fit(X, y).predict_proba(X)
    with contextlib.suppress(KeyboardInterrupt):
        ResNetClassifier(**params, checkpoint_dir=folder, callbacks=[Kill()]).fit(X, y)
    resumed = ResNetClassifier(**params, checkpoint_dir=folder).fit(X, y).predict_proba(X)
    return f"resumed == uninterrupted, bitwise: {bool(np.array_equal(resumed, uninterrupted))}"


def _check_series(X):
    def run(folder):
        from sigconv.validation import check_series

        out = check_series(X)
        return f"shape {getattr(out, 'shape', None)}"

    return run


TS_HEADER = "@univariate true\n@equalLength {equal}\n@classLabel true a b\n@data\n"

CASES = [
    Case("UCR reader", ".tsv cut mid-line (last row 1 value of 3)",
         _load("Cut", train="1\t1\t2\t3\n", test="1\t1\t2\t3\n2\t4\t5\t6\n1\t7"),
         "refused", "line 3: this row has 1 fields after the label, the others 3"),
    Case("UCR reader", ".tsv row with an empty label (leading tab)",
         _load("NoLabel", train="1\t1\t2\n\t3\t4\n"), "refused", "line 2: the class label (the first field) is empty"),
    Case("UCR reader", ".tsv integer labels and one '1.5'",
         _load("Mixed", train="1\t1\t2\n2\t3\t4\n", test="1.5\t5\t6\n"),
         "refused", "class label '1.5' is not an integer"),
    Case("UCR reader", ".tsv padded with trailing NaN (unequal lengths)",
         _load("Ragged", train="1\t1\t2\t3\n2\t4\tNaN\tNaN\n"), "result", "[(1, 3), (1, 1)]"),
    Case("UCR reader", ".ts with @equalLength true and a short series",
         _load("ShortTs", ".ts", TS_HEADER.format(equal="true") + "1,2,3:a\n4,5:b\n"),
         "refused", "this series has 2 values per channel, the others 3"),
    Case("UCR reader", ".ts with @equalLength false",
         _load("VaryTs", ".ts", TS_HEADER.format(equal="false") + "1,2,3:a\n4,5:b\n"),
         "result", "[(1, 3), (1, 2)]"),
    Case("UCR reader", ".arff cut inside a quoted multivariate value",
         _load("CutArff", ".arff", "@relation x\n@attribute r relational\n@attribute a numeric\n@end r\n"
               "@attribute c {u,v}\n@data\n'1,2\\n3,4',u\n'5,6\\n7,"),
         "refused", "the quoted relational value that starts here is never closed"),
    Case("recordings", "CSV with a text value in a channel column",
         _recording("a.csv", lambda p: p.write_text("x,y\n1,2\n3,oops\n"), sr=10.0),
         "refused", "column 'y' holds values that are not numbers (first 'oops' at line 3)"),
    Case("recordings", "CSV cut mid-line",
         _recording("a.csv", lambda p: p.write_text("x,y\n1,2\n3"), sr=10.0),
         "refused", "holds NaN in channel 'y' at timepoint 1"),
    Case("recordings", "WAV cut to half its length",
         _recording("a.wav", _write_truncated_wav), "refused", "its header declares 4000 frames, the file holds"),
    Case("recordings", ".npy cut to half its length",
         _recording("a.npy", _write_truncated_npy, sr=1.0), "refused", "could not be read as a .npy array"),
    Case("benchmark store", "results.csv whose last row was cut inside its accuracy",
         _cut_results_row, "result", "1 row(s) kept (['A'])"),
    Case("estimator files", "a 100 MiB estimator.json compressed to 100 KiB (zip bomb)",
         _zip_bomb, "refused", "the member estimator.json declares 104857600 bytes"),
    Case("estimator files", "metadata of a 2-class fit beside the model of a 3-class fit",
         _mismatched_file, "refused", "its metadata lists 2 classes, its model has 3 outputs", quick=False),
    Case("validation", "series holding NaN",
         _check_series(np.array([[1.0, np.nan, 2.0]])), "refused", "X contains NaN"),
    Case("training", "FCNClassifier on series of about 1e30",
         _classifier_on(1e30), "refused", "X holds values up to", quick=False),
    Case("training", "FCNClassifier on series of about 1e6 (large, within reach)",
         _classifier_on(1e6), "result", "probabilities from", quick=False),
    Case("training", "FCNRegressor on targets of about 1e20",
         _regressor_on_targets(1e20), "result", "finite predictions: True", quick=False),
    Case("resume", "ResNetClassifier (default augmentation) killed after epoch 2, then resumed",
         _resume, "result", "bitwise: True", quick=False),
]


def observe(case):
    """Run ``case`` in a fresh folder; return ``(outcome, text, holds)``."""
    with tempfile.TemporaryDirectory() as folder:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = case.run(Path(folder))
        except (ValueError, TypeError) as exc:
            outcome, text = "refused", f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # noqa: BLE001 - recorded: a case must never end here
            outcome, text = "crashed", f"{type(exc).__name__}: {exc}"
        else:
            outcome, text = "result", str(result)
    text = text.replace(folder, "<folder>")
    return outcome, text, outcome == case.expect and case.contains in text


def _cell(text, limit=160):
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def render(observations):
    lines = [HEADER.rstrip() + "\n", "| area | input | what sigconv does | as required |", "|---|---|---|---|"]
    for case, (outcome, text, holds) in observations:
        lines.append(f"| {case.area} | {_cell(case.what)} | {outcome}: `{_cell(text)}` | {'yes' if holds else 'NO'} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="only the cases that train nothing; the docs are not rewritten")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/reliability.md")
    parser.add_argument("--docs", default=str(Path(__file__).resolve().parents[1] / "docs" / "reliability.md"))
    parser.add_argument("--json", default="benchmarks/results/reliability.json")
    args = parser.parse_args(argv)
    cases = [case for case in CASES if case.quick or not args.quick]
    observations = [(case, observe(case)) for case in cases]
    for case, (outcome, text, holds) in observations:
        print(f"{'ok  ' if holds else 'FAIL'} {case.area:16} {case.what[:60]:60} {outcome}: {text[:90]}")
    if not (args.no_docs or args.quick):  # the docs show every case
        Path(args.docs).write_text(render(observations))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(
        [{"area": c.area, "input": c.what, "outcome": o, "observed": t, "expected": c.expect, "holds": h}
         for c, (o, t, h) in observations], indent=1))
    return 0 if all(holds for _, (_, _, holds) in observations) else 1


if __name__ == "__main__":
    sys.exit(main())
