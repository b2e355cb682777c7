"""sigconv.benchmark: registry, resumable runs, failures, reproducibility, statistics, report, CLI, Dask."""

import csv
import io
import os
import re
import signal
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sigconv import benchmark
from sigconv.benchmark import (
    COLUMNS,
    Method,
    ResultsStore,
    critical_difference,
    friedman_test,
    get_method,
    list_methods,
    load_published,
    mean_ranks,
    pairwise_wilcoxon,
    run_benchmark,
    wilcoxon_cliques,
    write_report,
)
from sigconv.benchmark import _methods
from sigconv.cli import main

CALLS = []


def _flat(X):
    return np.asarray(X).reshape(len(X), -1)


def _counting(*, random_state, epochs, time_budget, work_dir):
    """1-NN, and a record of every call: the spy that proves a resumed run recomputes nothing."""
    CALLS.append(random_state)
    return make_pipeline(FunctionTransformer(_flat), KNeighborsClassifier(n_neighbors=1))


def _stratified(*, random_state, epochs, time_budget, work_dir):
    """Random guesses drawn from the class frequencies: deterministic given the seed."""
    return DummyClassifier(strategy="stratified", random_state=random_state)


class _FailsOnLength150:
    def fit(self, X, y):
        if np.shape(X)[-1] == 150:
            raise RuntimeError("cannot fit series of length 150")
        self.label_ = y[0]
        return self

    def predict(self, X):
        return np.full(len(X), self.label_)


def _fails_on_gunpoint(*, random_state, epochs, time_budget, work_dir):
    return _FailsOnLength150()


def _reports_backend(*, random_state, epochs, time_budget, work_dir):
    raise RuntimeError(f"KERAS_BACKEND={os.environ.get('KERAS_BACKEND')}, epochs={epochs}, budget={time_budget}")


def _hangs(*, random_state, epochs, time_budget, work_dir):
    import time

    time.sleep(600)


def _exits(*, random_state, epochs, time_budget, work_dir):
    os._exit(3)


def _killed(*, random_state, epochs, time_budget, work_dir):
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture(autouse=True)
def test_methods(monkeypatch):
    for name, factory in [("counting", _counting), ("stratified", _stratified),
                          ("fails-on-gunpoint", _fails_on_gunpoint), ("exits", _exits), ("killed", _killed),
                          ("hangs", _hangs)]:
        monkeypatch.setitem(_methods._REGISTRY, name, Method(name, factory, f"test method {name}"))
    monkeypatch.setitem(_methods._REGISTRY, "reports-backend", Method("reports-backend", _reports_backend,
                                                                      uses_keras=True))
    CALLS.clear()


def _run(tmp_path, datasets=("Coffee", "GunPoint"), methods=("counting",), **kwargs):
    kwargs = {"output_dir": tmp_path / "out", "isolation": "inline", "report": False, "progress": False,
              **kwargs}
    return run_benchmark(list(datasets), list(methods), **kwargs)


def _read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


# -- registry and parameters ----------------------------------------------------------------------

def test_registry_has_sigconv_estimators_baselines_and_peers():
    names = list_methods()
    for name in ("1nn-euclidean", "gaf-logreg", "fcn", "resnet", "inception",
                 "wavenet", "lstm", "image-gasf", "image-mtf", "image-rp", "image-spectrogram",
                 "image-gasf-mobilenetv2", "minirocket", "aeon-fcn", "aeon-resnet", "aeon-inception", "1nn-dtw"):
        assert name in names
    assert get_method("fcn").reference == "FCN" and get_method("fcn").uses_keras


@pytest.mark.parametrize("transform", _methods.IMAGE_TRANSFORMS)
def test_image_methods_build_the_transform_and_network_they_name(tmp_path, transform):
    import pickle

    from sigconv.estimators import ImageCNNClassifier

    for name, network in ((f"image-{transform}", "convnet"), (f"image-{transform}-mobilenetv2", "mobilenet_v2")):
        method = get_method(name)
        clf = method.factory(random_state=3, epochs=7, time_budget=5.0, work_dir=tmp_path)
        assert isinstance(clf, ImageCNNClassifier) and method.uses_keras
        params = clf.get_params()
        assert (params["image_transform"], params["network"], params["weights"]) == (transform, network, None)
        assert (params["random_state"], params["epochs"], params["max_time"]) == (3, 7, 5.0)
        assert pickle.loads(pickle.dumps(method.factory)) is method.factory  # worker processes get it by name


def test_unknown_method_lists_the_valid_ones(tmp_path):
    with pytest.raises(ValueError, match=re.escape(
            "unknown method 'fnc' in methods; valid methods are: 1nn-euclidean, gaf-logreg, fcn,")):
        _run(tmp_path, methods=["fnc"])
    with pytest.raises(ValueError, match=re.escape("unknown method 'fnc'; valid methods are: 1nn-euclidean")):
        get_method("fnc")


def test_unknown_dataset_lists_the_valid_ones(tmp_path):
    msg = ("unknown data set 'GunPiont' in datasets; valid data sets are: BasicMotions, Coffee, GunPoint, PigCVP. "
           "Data sets are read from data_home (or $SIGCONV_DATA) and the built-in copies; nothing is downloaded.")
    with pytest.raises(ValueError, match=re.escape(msg)):
        _run(tmp_path, datasets=["GunPiont"], data_home=tmp_path)


@pytest.mark.parametrize(("kwargs", "error", "msg"), [
    ({"seeds": 0}, TypeError, "seeds must be a list of ints; got seeds=0. Use seeds=[0]."),
    ({"seeds": [-1]}, ValueError, "seeds[0] must be an int in [0, 4294967295]; got seeds[0]=-1."),
    ({"seeds": [0, 2**32]}, ValueError, "seeds[1] must be an int in [0, 4294967295]; got seeds[1]=4294967296."),
    ({"output_dir": __file__}, ValueError, f"output_dir={__file__!r} is a file, not a folder"),
    ({"epochs": 0}, ValueError, "epochs must be an int >= 1 or None; got epochs=0."),
    ({"time_budget": 0}, ValueError, "time_budget must be a number > 0 or None; got time_budget=0.0."),
    ({"backend": "theano"}, ValueError,
     "backend must be one of {'tensorflow', 'jax', 'torch'}; got backend='theano'."),
    ({"isolation": "thread"}, ValueError, "isolation must be one of {'process', 'inline'}; got isolation='thread'."),
    ({"cluster": 8786}, TypeError, "cluster must be a scheduler address (str, e.g. 'tcp://10.0.0.1:8786')"),
])
def test_parameters_are_checked_before_any_work(tmp_path, kwargs, error, msg):
    if "cluster" in kwargs:
        pytest.importorskip("distributed")
    with pytest.raises(error, match=re.escape(msg)):
        _run(tmp_path, **kwargs)
    assert not CALLS


def test_a_single_name_must_be_in_a_list(tmp_path):
    with pytest.raises(TypeError, match=re.escape(
            "datasets must be a list of data set names; got datasets='Coffee'. Wrap a single name in a list: "
            "datasets=['Coffee'].")):
        run_benchmark("Coffee", ["counting"], output_dir=tmp_path)


def test_unavailable_methods_are_skipped_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setitem(_methods._REGISTRY, "needs-nothing-here", Method(
        "needs-nothing-here", _counting, requires=("surely_not_an_installed_module",)))
    run = _run(tmp_path, datasets=["Coffee"], methods=["counting", "needs-nothing-here"])
    assert run.skipped == ["skipped: method 'needs-nothing-here' needs the 'surely_not_an_installed_module' "
                           "package, which is not installed (pip install surely_not_an_installed_module)."]
    assert list(run.results["method"]) == ["counting"]
    write_report(run.results, tmp_path / "out", notes=run.skipped, gallery=False)
    assert f"## Notes\n\n{run.skipped[0]}" in (tmp_path / "out" / "report.md").read_text()
    with pytest.raises(ValueError, match="none of the methods can run here: skipped: method 'needs-nothing-here'"):
        _run(tmp_path, datasets=["Coffee"], methods=["needs-nothing-here"])


# -- running, saving, resuming --------------------------------------------------------------------

def test_results_csv_has_one_row_per_cell_with_every_column(tmp_path):
    run = _run(tmp_path, methods=["counting", "stratified"], seeds=[0, 1])
    rows = _read_csv(tmp_path / "out" / "results.csv")
    assert tuple(rows[0]) == (*COLUMNS, "checksum")
    assert [(r["dataset"], r["method"], r["seed"]) for r in rows] == [
        (d, m, s) for d in ("Coffee", "GunPoint") for m in ("counting", "stratified") for s in ("0", "1")]
    assert {r["status"] for r in rows} == {"ok"}
    coffee = rows[0]
    assert float(coffee["accuracy"]) == 1.0 and float(coffee["balanced_accuracy"]) == 1.0
    assert (coffee["n_train"], coffee["n_test"], coffee["n_timepoints"], coffee["n_classes"]) == ("28", "28", "286", "2")
    assert float(coffee["fit_s"]) >= 0 and float(coffee["predict_s"]) >= 0 and float(coffee["peak_memory_mb"]) >= 0
    assert coffee["device"] == "cpu" and "numpy=" in coffee["versions"] and coffee["error"] == ""
    # epochs, time budget and backend belong to deep methods only
    assert coffee["epochs"] == coffee["time_budget"] == coffee["backend"] == ""
    assert run.n_computed == 8 and run.n_reused == 0 and run.n_failed == 0


def test_an_interrupted_run_resumes_without_recomputing(tmp_path):
    _run(tmp_path, methods=["counting"], seeds=[0, 1])
    assert len(CALLS) == 4
    path = tmp_path / "out" / "results.csv"
    rows = _read_csv(path)
    with open(path, "w", newline="") as f:  # as if the run had stopped before its last cell
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[:3])
    CALLS.clear()
    run = _run(tmp_path, methods=["counting"], seeds=[0, 1])
    assert CALLS == [1]  # GunPoint, seed 1 only
    assert (run.n_computed, run.n_reused) == (1, 3)
    again = _read_csv(path)
    assert again[:3] == rows[:3] and [again[3][c] for c in COLUMNS[:6]] == [rows[3][c] for c in COLUMNS[:6]]
    CALLS.clear()
    run = _run(tmp_path, methods=["counting"], seeds=[0, 1])
    assert CALLS == [] and run.n_reused == 4


def test_another_configuration_is_another_cell(tmp_path, monkeypatch):
    monkeypatch.setitem(_methods._REGISTRY, "counting", Method("counting", _counting, uses_keras=True))
    _run(tmp_path, datasets=["Coffee"], epochs=3)
    _run(tmp_path, datasets=["Coffee"], epochs=4)
    assert len(CALLS) == 2
    rows = _read_csv(tmp_path / "out" / "results.csv")
    assert [r["epochs"] for r in rows] == ["3", "4"]
    write_report(tmp_path / "out" / "results.csv", tmp_path / "out", gallery=False)  # the whole file
    md = (tmp_path / "out" / "report.md").read_text()
    assert "| data set | train | test | length | classes | counting (epochs=3) | counting (epochs=4) |" in md


def test_inline_cells_cannot_run_in_parallel_threads(tmp_path):
    with pytest.raises(ValueError, match=re.escape(
            "n_jobs=2 needs isolation='process': cells run inline share one process")):
        _run(tmp_path, n_jobs=2)


def test_parallel_worker_processes(tmp_path):
    run = _run(tmp_path, datasets=["Coffee", "GunPoint"], methods=["stratified"], isolation="process", n_jobs=2)
    assert list(run.results["status"]) == ["ok", "ok"]


def test_progress_goes_to_stderr_with_time_left(tmp_path, capsys):
    _run(tmp_path, progress=True)
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("[##########..........] 1/2  50% | Coffee / counting / seed 0: ok, accuracy 1.0000")
    assert "elapsed 0:00:0" in err[0] and "left ~" in err[0]
    assert err[1].startswith("[####################] 2/2 100% | GunPoint / counting / seed 0: ok")
    _run(tmp_path, progress=True)
    assert capsys.readouterr().err.splitlines() == ["resuming: 2 of 2 cells are already in results.csv"]


def test_results_store_round_trip_and_wrong_file(tmp_path):
    store = ResultsStore(tmp_path / "r.csv")
    store.add({"dataset": "A", "method": "m", "seed": 0, "status": "ok", "accuracy": 0.5, "epochs": 3})
    row = ResultsStore(tmp_path / "r.csv").rows()[0]
    assert (row["seed"], row["accuracy"], row["epochs"], row["time_budget"]) == (0, 0.5, 3, None)
    (tmp_path / "other.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match=re.escape(
            "is not a sigconv benchmark results file: it has no 'dataset' column.")):
        ResultsStore(tmp_path / "other.csv")


def test_a_row_cut_short_is_set_aside_and_its_cell_recomputed(tmp_path):
    """A results file cut mid-row (a crash, a full disk) must not give a finished cell with a wrong value."""
    _run(tmp_path, methods=["counting"], seeds=[0, 1])
    path = tmp_path / "out" / "results.csv"
    text = path.read_text()
    last = text.splitlines()[-1]
    cut = text[: len(text) - len(last) - 1] + last[: last.index(",ok,") + len(",ok,1")]  # accuracy "1" of "1.0"
    path.write_text(cut)
    CALLS.clear()
    with pytest.warns(UserWarning, match=re.escape(f"{path}: set aside 1 row(s) that cannot be trusted (line 5: ")):
        run = _run(tmp_path, methods=["counting"], seeds=[0, 1])
    assert CALLS == [1] and (run.n_computed, run.n_reused) == (1, 3)
    assert list(run.results["status"]) == ["ok"] * 4
    rejected = _read_csv(tmp_path / "out" / "results.rejected.csv")
    assert [r["line"] for r in rejected] == ["5"] and rejected[0]["dataset"] == "GunPoint"
    # the rewritten file is whole again
    assert len(_read_csv(path)) == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(ResultsStore(path).rows()) == 4


@pytest.mark.parametrize("edit, reason", [
    (lambda fields: fields[:-3], "cut short: no 'host' field"),
    (lambda fields: [*fields, "x"], "1 field(s) more than the header"),
    (lambda fields: [*fields[:7], "0.95", *fields[8:]], "its checksum does not match its fields"),
])
def test_rows_that_do_not_parse_completely_are_set_aside(tmp_path, edit, reason):
    store = ResultsStore(tmp_path / "r.csv")
    store.add({"dataset": "A", "method": "m", "seed": 0, "status": "ok", "accuracy": 0.5})
    store.add({"dataset": "B", "method": "m", "seed": 0, "status": "ok", "accuracy": 0.5})
    lines = (tmp_path / "r.csv").read_text().splitlines()
    fields = next(csv.reader([lines[2]]))
    buffer = io.StringIO()
    csv.writer(buffer).writerow(edit(fields))
    (tmp_path / "r.csv").write_text("\n".join(lines[:2]) + "\n" + buffer.getvalue())
    with pytest.warns(UserWarning, match=re.escape(f"(line 3: {reason}")):
        store = ResultsStore(tmp_path / "r.csv")
    assert [r["dataset"] for r in store.rows()] == ["A"]


def test_a_hand_written_file_without_checksums_is_checked_field_by_field(tmp_path):
    (tmp_path / "r.csv").write_text("dataset,method,seed,epochs,time_budget,backend,status,accuracy\n"
                                    "A,m,0,,,,ok,0.5\nB,m,0,,,,ok,\nC,m,zero,,,,ok,0.5\n")
    with pytest.warns(UserWarning, match="set aside 2 row"):
        store = ResultsStore(tmp_path / "r.csv")
    assert [r["dataset"] for r in store.rows()] == ["A"]
    assert store.set_aside[0] == "line 3: status ok without an accuracy in [0, 1] (accuracy='')"


# -- failures -------------------------------------------------------------------------------------

def test_a_method_that_raises_on_one_data_set_fails_that_cell_only(tmp_path):
    run = _run(tmp_path, methods=["fails-on-gunpoint", "counting"])
    status = dict(zip(zip(run.results["dataset"], run.results["method"]), run.results["status"]))
    assert status == {("Coffee", "fails-on-gunpoint"): "ok", ("Coffee", "counting"): "ok",
                      ("GunPoint", "fails-on-gunpoint"): "failed", ("GunPoint", "counting"): "ok"}
    error = run.results["error"][2]
    assert re.fullmatch(r"RuntimeError: cannot fit series of length 150 \(at test_runner\.py:\d+\)", error)
    assert run.n_failed == 1
    write_report(run.results, tmp_path / "out", gallery=False)
    report = (tmp_path / "out" / "report.md").read_text()
    assert "## Failed cells" in report and "cannot fit series of length 150" in report
    CALLS.clear()
    _run(tmp_path, methods=["fails-on-gunpoint", "counting"])  # failed cells are retried, ok ones are not
    assert CALLS == []


def test_a_broken_data_set_file_fails_its_cells_only(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "Broken_TRAIN.tsv").write_text("1\t0.5\t0.25\n2\tnot-a-number\t1.0\n")
    (data / "Broken_TEST.tsv").write_text("1\t0.5\t0.25\n")
    run = _run(tmp_path, datasets=["Broken", "Coffee"], methods=["counting"], data_home=data)
    assert list(run.results["status"]) == ["failed", "ok"]
    assert run.results["error"][0].startswith("ValueError: ")
    assert "Broken_TRAIN.tsv" in run.results["error"][0]


def test_a_worker_process_that_dies_fails_its_cell(tmp_path):
    run = _run(tmp_path, datasets=["Coffee"], methods=["exits"], isolation="process")
    assert run.results["status"].tolist() == ["failed"]
    assert run.results["error"][0].startswith(
        "WorkerDied: the worker process exited with status 3 before finishing the cell")


def test_a_hung_worker_process_is_killed_after_cell_timeout(tmp_path):
    run = _run(tmp_path, datasets=["Coffee"], methods=["hangs"], isolation="process", cell_timeout=4)
    assert run.results["error"][0] == (
        "WorkerTimeout: the worker process was still running after cell_timeout=4 s and was killed; give a "
        "larger cell_timeout (--cell-timeout) or a time budget.")
    with pytest.raises(ValueError, match=re.escape("cell_timeout=4 needs isolation='process'")):
        _run(tmp_path, cell_timeout=4)


@pytest.mark.slow
def test_a_killed_worker_process_fails_its_cell_only(tmp_path):
    run = _run(tmp_path, datasets=["Coffee"], methods=["killed", "stratified"], isolation="process")
    assert list(run.results["status"]) == ["failed", "ok"]
    assert run.results["error"][0].startswith(
        "WorkerDied: the worker process was killed by SIGKILL before finishing the cell")
    assert run.results["peak_memory_mb"][1] > 10  # the worker's whole resident set, Python included


def test_backend_is_set_in_the_worker_process(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    run = _run(tmp_path, datasets=["Coffee"], methods=["reports-backend"], isolation="process",
               backend="tensorflow", epochs=2)
    assert run.results["error"][0].startswith("RuntimeError: KERAS_BACKEND=tensorflow, epochs=2, budget=None")
    assert run.results["backend"][0] == "tensorflow"


def test_cli_gives_deep_methods_60_epochs_unless_a_time_budget_is_given(tmp_path):
    out = str(tmp_path / "o")
    main(["benchmark", "--datasets", "Coffee", "--methods", "reports-backend", "--inline", "--output", out])
    main(["benchmark", "--datasets", "Coffee", "--methods", "reports-backend", "--inline", "--time-budget", "3",
          "--output", out])
    rows = _read_csv(tmp_path / "o" / "results.csv")
    assert [(r["epochs"], r["time_budget"]) for r in rows] == [("60", ""), ("", "3.0")]
    line = _reports_backend.__code__.co_firstlineno + 1  # where it raises
    assert rows[0]["error"].endswith(f"epochs=60, budget=None (at test_runner.py:{line})")


# -- reproducibility ------------------------------------------------------------------------------

_TABLE = ["dataset", "method", "seed", "status", "accuracy", "balanced_accuracy", "n_train", "n_test"]


def test_same_command_and_seed_give_the_same_table(tmp_path):
    first = _run(tmp_path / "a", methods=["stratified", "counting"], seeds=[0, 1]).results[_TABLE]
    second = _run(tmp_path / "b", methods=["stratified", "counting"], seeds=[0, 1]).results[_TABLE]
    pd.testing.assert_frame_equal(first, second)
    stratified = first[first["method"] == "stratified"]
    assert stratified["accuracy"].nunique() > 1  # the seed matters, and is honoured


def test_1nn_euclidean_reproduces_the_published_figures(tmp_path):
    run = _run(tmp_path, datasets=["Coffee", "GunPoint", "PigCVP"], methods=["1nn-euclidean"])
    published = load_published().loc[["Coffee", "GunPoint", "PigCVP"], "1NN-ED"]
    assert run.results["accuracy"].round(4).tolist() == published.tolist()  # z-normalized, as the UCR's


# -- statistics -----------------------------------------------------------------------------------

def test_mean_ranks_by_hand():
    scores = pd.DataFrame({"a": [0.9, 0.8, 0.7], "b": [0.8, 0.8, 0.6], "c": [0.1, 0.9, 0.8]})
    # data set 1: a 1, b 2, c 3; data set 2: c 1, a and b 2.5; data set 3: c 1, a 2, b 3
    assert mean_ranks(scores).to_dict() == {"c": 5 / 3, "a": 11 / 6, "b": 2.5}


def test_critical_difference_matches_demsar_table():
    # Demšar (2006), Table 5(a): q_0.05 for k = 2..10
    q = [1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164]
    for k, expected in zip(range(2, 11), q):
        assert critical_difference(k, 30) == pytest.approx(expected * np.sqrt(k * (k + 1) / 180), abs=2e-3)


def test_friedman_matches_scipy_and_handles_small_cases():
    from scipy.stats import friedmanchisquare

    rng = np.random.default_rng(0)
    scores = pd.DataFrame(rng.uniform(size=(8, 4)), columns=list("abcd"))
    expected = friedmanchisquare(*scores.to_numpy().T)
    assert friedman_test(scores) == pytest.approx((expected.statistic, expected.pvalue))
    assert all(np.isnan(friedman_test(scores[["a", "b"]])))
    with pytest.raises(ValueError, match=re.escape("scores must have at least one data set (row) and no missing")):
        friedman_test(scores.where(scores > 0.1))


def test_pairwise_wilcoxon_holm_and_cliques():
    from scipy.stats import wilcoxon

    rng = np.random.default_rng(1)
    base = rng.uniform(0.5, 0.9, size=20)
    scores = pd.DataFrame({"good": base + 0.05 + rng.uniform(0, 0.01, 20), "same": base + rng.uniform(0, 0.01, 20),
                           "alike": base + rng.uniform(0, 0.01, 20)})
    tests = pairwise_wilcoxon(scores)
    assert list(tests["threshold"]) == pytest.approx([0.05 / 3, 0.05 / 2, 0.05])
    row = tests[(tests["a"] == "good") & (tests["b"] == "same")].iloc[0]
    assert row["pvalue"] == pytest.approx(wilcoxon(scores["good"] - scores["same"]).pvalue)
    assert row["significant"] and row["wins"] == 20
    assert tests[(tests["a"] == "same") & (tests["b"] == "alike")]["significant"].item() in (False, np.False_)
    assert sorted(map(sorted, wilcoxon_cliques(scores))) == [["alike", "same"]]


def test_published_table_ships_with_sources():
    table = load_published()
    assert table.shape == (128, 9)
    assert list(table.columns) == list(benchmark.PUBLISHED_SOURCES)
    assert table.loc["GunPoint", ["FCN", "ResNet", "1NN-ED"]].tolist() == [1.0, 0.9907, 0.9133]
    assert table.loc["Coffee"].min() == 1.0


# -- report ---------------------------------------------------------------------------------------

def _png_ok(path):
    import matplotlib.image

    pixels = matplotlib.image.imread(path)
    return pixels.shape[0] > 100 and pixels[..., :3].std() > 0.02


def test_report_has_tables_tests_and_figures(tmp_path):
    _run(tmp_path, datasets=["Coffee", "GunPoint"], methods=["counting", "stratified", "fails-on-gunpoint"],
         seeds=[0, 1])
    out = tmp_path / "out"
    page = write_report(out / "results.csv", out, gallery=False)
    assert page == out / "report.html"
    md = (out / "report.md").read_text()
    for heading in ("## Accuracy per data set", "## Summary per method", "## Critical-difference diagram",
                    "## Against published results", "## Failed cells"):
        assert heading in md
    assert "| Coffee | 28 | 28 | 286 | 2 | **1.0000 ± 0.000** |" in md  # per data set, best in bold
    assert "Means over the 1 data set where every method succeeded (Coffee)" in md
    assert "Pairwise Wilcoxon signed-rank tests" not in md  # one complete data set: no test
    html = page.read_text()
    assert "<table>" in html and 'src="figures/scatter_counting.png"' in html
    for png in ("scatter_counting.png", "scatter_stratified.png"):
        assert _png_ok(out / "figures" / png), png


@pytest.mark.slow
def test_report_shows_every_transform_of_the_first_data_set(tmp_path):
    run = _run(tmp_path, datasets=["GunPoint"], methods=["counting"], report=True)
    md = (run.output_dir / "report.md").read_text()
    assert "## The transforms on GunPoint" in md
    pngs = sorted((run.output_dir / "figures" / "gallery").glob("*.png"))
    assert len(pngs) == 7 and all(_png_ok(p) for p in pngs)
    assert f"![Recurrence plot](figures/gallery/{pngs[3].name})" in md


def test_report_draws_critical_difference_with_two_complete_data_sets(tmp_path):
    _run(tmp_path, methods=["counting", "stratified"])
    out = tmp_path / "out"
    write_report(out / "results.csv", out, gallery=False)
    md = (out / "report.md").read_text()
    assert "![critical-difference diagram](figures/critical_difference.png)" in md
    assert "| counting | stratified | 2 | 0 | 0 |" not in md  # 2 data sets: p >= 0.5, no table
    assert ("Left out: the pairwise Wilcoxon-Holm table. With 2 data sets the Wilcoxon signed-rank test cannot "
            "give a p-value below 0.5 (one method ahead on every data set), so no pair can differ at 0.05;") in md
    assert _png_ok(out / "figures" / "critical_difference.png")
    assert "## The transforms" not in md


def test_report_rejects_a_table_without_results_columns(tmp_path):
    with pytest.raises(ValueError, match=re.escape("results has no 'dataset' column; pass the rows of a results.csv")):
        write_report(pd.DataFrame({"x": [1]}), tmp_path)


def test_plots_are_figures_without_pyplot():
    from sigconv.plot import plot_accuracy_scatter, plot_critical_difference

    scores = pd.DataFrame({"a": [0.9, 0.8, 0.7, 0.9, 0.6], "b": [0.8, 0.7, 0.6, 0.8, 0.5],
                           "c": [0.85, 0.8, 0.7, 0.7, 0.6]}, index=list("vwxyz"))
    fig = plot_critical_difference(scores)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "a (1.30)" in labels and any(t.startswith("Nemenyi CD = ") for t in labels)
    fig = plot_accuracy_scatter(scores["a"], scores["b"], x_label="a", y_label="b")
    assert fig.axes[0].get_title() == "b vs a\n0 wins, 0 ties, 5 losses"
    assert fig.canvas.manager is None  # not a pyplot figure: no global state


# -- command line ---------------------------------------------------------------------------------

def test_cli_benchmark_writes_results_and_report(tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["benchmark", "--datasets", "Coffee", "--methods", "counting", "stratified", "--seeds", "0", "1",
                 "--inline", "--output", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"4 cells (4 run now, 0 from an earlier run, 0 failed) in ")
    assert f"Wrote {out / 'results.csv'}, {out / 'report.md'} and {out / 'report.html'}." in text
    assert len(_read_csv(out / "results.csv")) == 4
    assert main(["benchmark", "--datasets", "GunPoint", "--methods", "fails-on-gunpoint", "--inline",
                 "--output", str(out)]) == 1  # a failed cell: exit status 1, report written


def test_cli_benchmark_errors(tmp_path, capsys):
    assert main(["benchmark", "--methods", "nope", "--output", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(
        "sigconv benchmark: error: unknown method 'nope' in methods; valid methods are: 1nn-euclidean,")
    assert main(["benchmark", "--all", "--data-dir", str(tmp_path), "--output", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"sigconv benchmark: error: --all found no data sets in {tmp_path}: pass --data-dir (or set SIGCONV_DATA) "
        "to a folder of UCR/UEA files, or name sets with --datasets.\n")
    with pytest.raises(SystemExit):
        main(["benchmark", "--all", "--datasets", "Coffee"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_cli_all_runs_every_set_in_the_data_dir(tmp_path, capsys):
    from sigconv.datasets import load_ucr

    data = tmp_path / "data"
    data.mkdir()
    X, y, Xt, yt = load_ucr("Coffee")
    for split, (XX, yy) in {"TRAIN": (X, y), "TEST": (Xt, yt)}.items():
        np.savetxt(data / f"Cafe_{split}.tsv", np.column_stack([yy, XX[:, 0]]), delimiter="\t", fmt="%.6g")
    assert main(["benchmark", "--all", "--data-dir", str(data), "--methods", "counting", "--inline",
                 "--output", str(tmp_path / "o")]) == 0
    assert [r["dataset"] for r in _read_csv(tmp_path / "o" / "results.csv")] == ["Cafe"]


def test_cli_list_methods(capsys):
    assert main(["benchmark", "--list-methods"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("1nn-euclidean    1-nearest neighbour, Euclidean distance, z-normalized series")


# -- slow: real networks, worker processes, Dask --------------------------------------------------

@pytest.mark.slow
def test_tiny_fcn_in_a_worker_process(tmp_path):
    run = run_benchmark(["Coffee"], ["fcn"], epochs=2, output_dir=tmp_path, backend="tensorflow", progress=False)
    row = run.results.iloc[0]
    assert row["status"] == "ok", row["error"]
    assert (row["epochs"], row["epochs_run"], row["backend"], row["device"]) == (2, 2, "tensorflow", "cpu")
    assert "tensorflow=" in row["versions"] and row["peak_memory_mb"] > 100


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                           dashboard_address=None)
        yield cluster
        cluster.close()


@pytest.mark.slow
@pytest.mark.parametrize("isolation", ["inline", "process"])
def test_dask_cluster_gathers_the_same_table(tmp_path, dask_cluster, isolation):
    local = _run(tmp_path / "local", methods=["stratified", "fails-on-gunpoint"], seeds=[0, 1]).results
    remote = _run(tmp_path / "dask", methods=["stratified", "fails-on-gunpoint"], seeds=[0, 1],
                  cluster=dask_cluster.scheduler_address, isolation=isolation, report=True).results
    columns = ["dataset", "method", "seed", "status", "accuracy"]
    pd.testing.assert_frame_equal(local[columns], remote[columns])
    assert len(_read_csv(tmp_path / "dask" / "out" / "results.csv")) == 8
    assert (tmp_path / "dask" / "out" / "report.html").is_file()


@pytest.mark.slow
def test_dask_worker_that_dies_fails_its_cell_only(tmp_path, dask_cluster):
    run = _run(tmp_path, datasets=["Coffee"], methods=["killed", "stratified"], cluster=dask_cluster.scheduler_address)
    assert list(run.results["status"]) == ["failed", "ok"]
    assert run.results["error"][0].startswith("KilledWorker: ")


@pytest.mark.slow
def test_aeon_peers_reproduce_the_published_1nn_dtw(tmp_path):
    pytest.importorskip("aeon")
    run = _run(tmp_path, datasets=["GunPoint"], methods=["1nn-dtw", "minirocket"])
    assert list(run.results["status"]) == ["ok", "ok"], list(run.results["error"])
    # 1-NN DTW is deterministic: the UCR archive's own figure, to its four decimals
    assert round(run.results["accuracy"][0], 4) == load_published().loc["GunPoint", "1NN-DTW"]
    assert run.results["accuracy"][1] > 0.95


_HANGING_METHOD = '''
import os, time
def factory(*, random_state, epochs, time_budget, work_dir):
    with open(os.environ["SIGCONV_TEST_PID_FILE"], "w") as f:
        f.write(f"{os.getpid()} {work_dir}")
    time.sleep(600)
'''

_PARENT = '''
import sys
sys.path.insert(0, sys.argv[1])
import hangmod
from sigconv.benchmark import _methods, run_benchmark
_methods._REGISTRY["hang"] = _methods.Method("hang", hangmod.factory, "hangs")
run_benchmark(["Coffee"], ["hang"], output_dir=sys.argv[2], report=False, progress=False)
'''


def test_a_killed_benchmark_takes_its_worker_and_temporary_folder_with_it(tmp_path):
    import subprocess
    import sys
    import time

    (tmp_path / "hangmod.py").write_text(_HANGING_METHOD)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    pid_file = tmp_path / "worker.pid"
    env = dict(os.environ, TMPDIR=str(scratch), SIGCONV_TEST_PID_FILE=str(pid_file),
               PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, str(tmp_path), str(tmp_path / "out")], env=env)
    try:
        for _ in range(600):
            if pid_file.is_file() and pid_file.read_text():
                break
            time.sleep(0.1)
        worker_pid, cell_dir = pid_file.read_text().split()
        assert os.listdir(scratch) and os.path.isdir(cell_dir)
        parent.kill()
        parent.wait()
        for _ in range(100):
            try:
                os.kill(int(worker_pid), 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            os.kill(int(worker_pid), signal.SIGKILL)
            pytest.fail("the worker outlived its parent by 10 s")
        for _ in range(20):  # the worker removes its folder just before it exits
            if not os.listdir(scratch):
                break
            time.sleep(0.1)
        assert os.listdir(scratch) == []
    finally:
        if parent.poll() is None:
            parent.kill()
