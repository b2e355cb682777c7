"""The benchmark report opens with a figure and a summary, and leaves out tests that cannot be significant."""

import ast
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sigconv.benchmark import COLUMNS, smallest_wilcoxon_pvalue, write_report

# UCR sets of the published table, so that the report compares them with the published columns.
SETS = ["Adiac", "Beef", "CBF", "Coffee", "ECG200", "GunPoint", "Lightning7"]


def _results(accuracy, n_test=100, seeds=(0,)):
    """A results table: ``accuracy[method]`` is a list of one accuracy per data set (in SETS order)."""
    rows = []
    for method, values in accuracy.items():
        for dataset, value in zip(SETS, values):
            for seed in seeds:
                row = dict.fromkeys(COLUMNS)
                row.update(dataset=dataset, method=method, seed=seed, status="ok", accuracy=value + 0.001 * seed,
                           balanced_accuracy=value, fit_s=1.0, predict_s=0.1, n_train=50, n_test=n_test,
                           n_timepoints=100, n_classes=2, n_channels=1)
                rows.append(row)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _report(tmp_path, results):
    write_report(results, tmp_path, gallery=False)
    return (tmp_path / "report.md").read_text()


def test_smallest_wilcoxon_pvalue_is_that_of_one_method_ahead_everywhere():
    from scipy.stats import wilcoxon

    for n in (1, 2, 3, 4, 5, 6, 9):
        assert smallest_wilcoxon_pvalue(n) == pytest.approx(2 / 2**n)
        assert smallest_wilcoxon_pvalue(n) == pytest.approx(wilcoxon(np.linspace(0.01, 0.2, n)).pvalue)
    assert smallest_wilcoxon_pvalue(0) == 1.0
    with pytest.raises(ValueError, match=re.escape("n_datasets must be an int >= 0; got n_datasets=-1.")):
        smallest_wilcoxon_pvalue(-1)


def test_report_opens_with_the_figure_and_who_won_by_how_much(tmp_path):
    md = _report(tmp_path, _results({"base": [0.70, 0.80, 0.60], "deep": [0.90, 0.95, 0.70],
                                     "image": [0.85, 0.80, 0.75]}))
    first = md.split("\n## ")[0]
    assert first.startswith("# sigconv benchmark\n\n![test accuracy of each method on each data set "
                            "(hollow: published HC2)](figures/accuracy.png)\n\n**deep won**: mean test accuracy "
                            "0.8500 over 3 data sets, 0.0500 ahead of image, the second (2 wins, 0 ties, 1 loss)."
                            " Mean accuracy of each method: deep 0.8500, image 0.8000, base 0.7000.")
    assert ("How sure: with 3 data sets no paired test across data sets can show a difference (the smallest "
            "Wilcoxon p-value is 0.25)") in first
    # Adiac: 0.05 apart on 100 series is within two standard errors (0.055); Beef's 0.15 is beyond.
    assert "exceeds twice its binomial standard error (from the size of the test split) on 1 of 3 data sets;" in first
    import matplotlib.image

    assert matplotlib.image.imread(tmp_path / "figures" / "accuracy.png").shape[0] > 100


def test_three_data_sets_show_no_pairwise_test_table(tmp_path):
    md = _report(tmp_path, _results({"a": [0.7, 0.8, 0.6], "b": [0.9, 0.95, 0.7], "c": [0.85, 0.8, 0.75]}))
    assert "Wilcoxon p |" not in md and "Holm threshold" not in md
    assert md.count("Left out: ") == 2
    assert ("Left out: the table of Wilcoxon tests against each published reference. With 3 data sets the "
            "Wilcoxon signed-rank test cannot give a p-value below 0.25") in md


def test_seven_data_sets_show_the_tests_and_the_winners_p_value(tmp_path):
    md = _report(tmp_path, _results({"a": [0.70, 0.80, 0.60, 0.7, 0.6, 0.8, 0.5],
                                     "b": [0.90, 0.95, 0.70, 0.8, 0.7, 0.9, 0.6]}, seeds=(0, 1)))
    assert "| method a | method b | a wins | ties | a losses | p-value | Holm threshold | significant |" in md
    assert "| a | b | 0 | 0 | 7 | 0.0156 | 0.05 | yes |" in md
    assert "Wilcoxon p |" in md and "Left out: " not in md
    assert ("How sure: across data sets, a Wilcoxon signed-rank test of b against a gives p = 0.0156 "
            "(a difference at alpha = 0.05).") in md
    assert "Over seeds, b's accuracy varies by 0.001 (mean standard deviation)." in md


def test_no_common_data_set_ranks_no_method(tmp_path):
    results = _results({"a": [0.7, 0.8], "b": [0.9, 0.95]})
    results.loc[(results["method"] == "a") & (results["dataset"] == "Beef"), "status"] = "failed"
    results.loc[(results["method"] == "b") & (results["dataset"] == "Adiac"), "status"] = "failed"
    assert "No data set has a result from every method, so no method is ranked" in _report(tmp_path, results)


def test_plot_never_imports_benchmark():
    # No import circle: sigconv.benchmark draws with sigconv.plot, so plot must not import benchmark.
    folder = Path(__file__).parents[2] / "sigconv" / "plot"
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                module = "." * node.level + (node.module or "")
                assert "benchmark" not in module.split(".")[:3] or module == ".benchmark", (path.name, module)
            elif isinstance(node, ast.Import):
                assert not any(alias.name.startswith("sigconv.benchmark") for alias in node.names), path.name
