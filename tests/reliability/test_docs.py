"""benchmarks/reliability.py: its cases still hold, and docs/reliability.md is what it writes."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def reliability():
    spec = importlib.util.spec_from_file_location("benchmarks_reliability", ROOT / "benchmarks" / "reliability.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_quick_cases_hold_and_the_docs_show_what_they_do(reliability):
    observations = [(case, reliability.observe(case)) for case in reliability.CASES if case.quick]
    failing = [(case.what, text) for case, (_, text, holds) in observations if not holds]
    assert failing == []
    docs = (ROOT / "docs" / "reliability.md").read_text().splitlines()
    rows = reliability.render(observations).splitlines()[-len(observations):]
    assert [row for row in rows if row not in docs] == []  # run the script to rewrite the docs


def test_a_case_that_no_longer_holds_is_reported(reliability):
    case = reliability.Case("validation", "finite series", lambda folder: "shape (1, 1, 3)", "refused", "X contains")
    assert reliability.observe(case) == ("result", "shape (1, 1, 3)", False)
    assert "| validation | finite series | result: `shape (1, 1, 3)` | NO |" in reliability.render(
        [(case, reliability.observe(case))])
