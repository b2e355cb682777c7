"""`sigconv monitor MODEL RECORDING` with a tiny saved FCN: files, standard input, errors."""

import io
import json
import os
import sys
import threading
import time

import numpy as np
import pytest

from sigconv.cli import main


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    from sigconv.estimators import FCNClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 1, 32)).astype(np.float32) * np.repeat([1.0, 5.0], 8)[:, None, None]
    y = np.repeat(["healthy", "ball"], 8)
    clf = FCNClassifier(filters=(4, 4), kernel_sizes=(3, 3), epochs=1, random_state=0).fit(X, y)
    path = tmp_path_factory.mktemp("model") / "tiny.sigconv"
    clf.save(path)
    return path


def _lines(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def _check_alarms_follow_the_windows(lines):
    """With k=n=1 every change of the predicted fault class is an alarm at that window."""
    windows = [line for line in lines if line["kind"] == "window"]
    alarms = [line for line in lines if line["kind"] == "alarm"]
    expected, active = [], None
    for w in windows:
        if w["label"] == "none-healthy" or w["label"] == active:
            continue
        expected.append((w["end_time"], w["label"]))
        active = w["label"]
    assert [(a["time"], a["label"]) for a in alarms] == expected
    for w in windows:
        assert sum(w["proba"].values()) == pytest.approx(1.0)
        assert w["label"] == max(w["proba"], key=w["proba"].get)
    return windows


def test_monitor_a_npy_file(model_path, tmp_path, capsys):
    x = np.random.default_rng(1).normal(size=400).astype(np.float32)
    np.save(tmp_path / "rec.npy", x)
    status = main(["monitor", str(model_path), str(tmp_path / "rec.npy"), "--sr", "100",
                   "--k", "1", "--n", "1", "--healthy-class", "none-healthy", "--predictions",
                   "--chunk-size", "37"])
    assert status == 0
    windows = _check_alarms_follow_the_windows(_lines(capsys))
    assert [w["start"] for w in windows] == list(range(0, 400 - 32 + 1, 16))


def test_monitor_standard_input_text_and_f32(model_path, monkeypatch, capsys):
    x = np.random.default_rng(2).normal(size=200).astype(np.float32)
    text = "\n".join(f"{v!r}" for v in x.tolist()).replace("\n", "\nnan\n", 1) + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert main(["monitor", str(model_path), "-", "--sr", "100", "--predictions"]) == 0
    lines = _lines(capsys)
    assert lines[0]["kind"] == "bad_data" and lines[0]["start_time"] == 0.0
    windows = [line for line in lines if line["kind"] == "window"]
    assert len(windows) == len(range(0, 201 - 32 + 1, 16))
    assert [w["status"] for w in windows[:3]] == ["bad_data", "ok", "ok"]

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(x.astype("<f4").tobytes())))
    assert main(["monitor", str(model_path), "-", "--sr", "100", "--format", "f32",
                 "--predictions", "--k", "1", "--n", "1", "--healthy-class", "none-healthy"]) == 0
    windows = _check_alarms_follow_the_windows(_lines(capsys))
    assert len(windows) == len(range(0, 200 - 32 + 1, 16))


def test_monitor_reports_bad_rows_and_errors(model_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"1.0\n2.0 3.0\n" + b"0.5\n" * 40)))
    assert main(["monitor", str(model_path), "-", "--sr", "10"]) == 0
    lines = _lines(capsys)
    assert lines[0]["kind"] == "bad_chunk" and "got a chunk of shape (2, 1)" in lines[0]["message"]
    assert main(["monitor", str(model_path), "-"]) == 2
    assert "--sr is required when reading standard input" in capsys.readouterr().err
    assert main(["monitor", str(model_path), str(tmp_path / "missing.npy"), "--sr", "1"]) == 2


def test_monitor_scores_a_live_stream_as_it_arrives(model_path, monkeypatch, capsys):
    # Rows written, then a pause longer than --timeout, then more rows: the first rows are
    # scored before the pause (an alarm per window with k=n=1), the pause is one stall.
    read_end, write_end = os.pipe()

    def writer():
        with os.fdopen(write_end, "wb") as out:
            for part in range(2):
                out.write("".join(f"{v}\n" for v in np.linspace(-1, 1, 64).tolist()).encode())
                out.flush()
                time.sleep(1.0 if part == 0 else 0.0)

    thread = threading.Thread(target=writer)
    thread.start()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(os.fdopen(read_end, "rb")))
    assert main(["monitor", str(model_path), "-", "--sr", "100", "--timeout", "0.5",
                 "--k", "1", "--n", "1", "--healthy-class", "none-healthy"]) == 0
    thread.join()
    kinds = [line["kind"] for line in _lines(capsys)]
    assert kinds[0] == "alarm"
    assert kinds.count("stalled") == 1


def test_monitor_names_a_line_that_is_not_numbers(model_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"1.0\nabc\n")))
    assert main(["monitor", str(model_path), "-", "--sr", "10"]) == 2
    assert "standard input line 'abc' is not numbers" in capsys.readouterr().err
