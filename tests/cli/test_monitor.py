"""`sigconv monitor MODEL RECORDING` with a tiny saved FCN: files, standard input, errors."""

import io
import json
import os
import subprocess
import sys
import textwrap
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


def _check_alarms_follow_the_windows(lines, healthy):
    """With k=n=m=1 each window of a new fault class raises an alarm, printed right after it."""
    windows = [line for line in lines if line["kind"] == "window"]
    expected, active = [], None
    for i, line in enumerate(lines):
        if line["kind"] == "alarm":
            assert lines[i - 1]["kind"] == "window" and lines[i - 1]["end_time"] == line["time"]
    for w in windows:
        if w["label"] == healthy:
            active = None  # m=1: the first healthy window clears the alarm
        elif w["label"] != active:
            expected.append((w["end_time"], w["label"]))
            active = w["label"]
    assert [(a["time"], a["label"]) for a in lines if a["kind"] == "alarm"] == expected
    for w in windows:
        assert sum(w["proba"].values()) == pytest.approx(1.0)
        assert w["label"] == max(w["proba"], key=w["proba"].get)
    return windows


ALARM_EVERY_WINDOW = ["--k", "1", "--n", "1", "--m", "1", "--predictions"]


def test_monitor_a_npy_file(model_path, tmp_path, capsys):
    x = np.random.default_rng(1).normal(size=400).astype(np.float32) * np.repeat([1.0, 5.0], 200)
    np.save(tmp_path / "rec.npy", x)
    status = main(["monitor", str(model_path), str(tmp_path / "rec.npy"), "--sr", "100",
                   *ALARM_EVERY_WINDOW, "--chunk-size", "37"])
    assert status == 0
    windows = _check_alarms_follow_the_windows(_lines(capsys), "healthy")
    assert [w["start"] for w in windows] == list(range(0, 400 - 32 + 1, 16))


def test_monitor_standard_input_text_and_f32(model_path, monkeypatch, capsys):
    x = np.random.default_rng(2).normal(size=200).astype(np.float32)
    text = "\n".join(f"{v!r}" for v in x.tolist()).replace("\n", "\nnan\n", 1) + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert main(["monitor", str(model_path), "-", "--sr", "100", "--predictions"]) == 0
    lines = _lines(capsys)
    assert [line["kind"] for line in lines[:2]] == ["window", "bad_data"]
    assert lines[1]["start_time"] == 0.0
    windows = [line for line in lines if line["kind"] == "window"]
    assert len(windows) == len(range(0, 201 - 32 + 1, 16))
    assert [w["status"] for w in windows[:3]] == ["bad_data", "ok", "ok"]

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(x.astype("<f4").tobytes())))
    assert main(["monitor", str(model_path), "-", "--sr", "100", "--format", "f32",
                 *ALARM_EVERY_WINDOW, "--healthy-class", "ball"]) == 0
    windows = _check_alarms_follow_the_windows(_lines(capsys), "ball")
    assert len(windows) == len(range(0, 200 - 32 + 1, 16))


def test_monitor_reports_bad_rows_and_goes_on(model_path, monkeypatch, capsys):
    # A row of two numbers for a one-channel model, then a line that is not numbers: each is a
    # bad_chunk standing for its time steps, and the windows after them are scored.
    stream = b"1.0\n2.0 3.0\n" + b"0.5\n" * 40 + b"abc\n" + b"0.25\n" * 40
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stream)))
    assert main(["monitor", str(model_path), "-", "--sr", "10", "--predictions"]) == 0
    lines = _lines(capsys)
    bad = [line for line in lines if line["kind"] == "bad_chunk"]
    assert [b["start_time"] for b in bad] == [0.1, 4.2]
    assert "got a chunk of shape (2, 1)" in bad[0]["message"]
    assert bad[1]["message"].startswith("standard input line 43 ('abc') is not numbers; it was "
                                        "skipped as one missing time step.")
    windows = [line for line in lines if line["kind"] == "window"]
    # the lost time steps restart the windows: 40 rows after the first bad one, 40 after the other
    assert [w["start"] for w in windows] == [2, 43]
    assert all(w["status"] == "ok" for w in windows)


class _WatchedOutput(io.StringIO):
    """Standard output that tells when the first window line is written."""

    def __init__(self):
        super().__init__()
        self.first_window = threading.Event()

    def write(self, text):
        if '"kind": "window"' in text:
            self.first_window.set()
        return super().write(text)


def _monitor_a_pipe(monkeypatch, argv, parts, pause=0.0):
    """Run ``main(argv)`` on a pipe; each part after the first is written once a window is out."""
    read_end, write_end = os.pipe()
    out = _WatchedOutput()
    waited = []

    def writer():
        with os.fdopen(write_end, "wb") as pipe:
            for i, part in enumerate(parts):
                if i:
                    waited.append(out.first_window.wait(timeout=60))
                    time.sleep(pause)
                pipe.write(part)
                pipe.flush()

    monkeypatch.setattr(sys, "stdout", out)
    thread = threading.Thread(target=writer)
    thread.start()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(os.fdopen(read_end, "rb")))
    status = main(argv)
    thread.join()
    return status, waited, [json.loads(line) for line in out.getvalue().splitlines()]


def test_monitor_writes_each_window_as_it_is_scored(model_path, monkeypatch):
    # The second half is sent only once a window line of the first half is out: with the
    # lines written at the end, the writer would wait in vain.
    status, waited, lines = _monitor_a_pipe(
        monkeypatch, ["monitor", str(model_path), "-", "--sr", "100", "--predictions"],
        [b"0.5\n" * 48, b"0.5\n" * 48])
    assert status == 0 and waited == [True]
    assert [line["start"] for line in lines if line["kind"] == "window"] == [0, 16, 32, 48, 64]


def test_monitor_reports_a_stalled_stream(model_path, monkeypatch):
    # A pause longer than --timeout between two parts of the stream is one stall.
    rows = "".join(f"{v}\n" for v in np.linspace(-1, 1, 64).tolist()).encode()
    status, waited, lines = _monitor_a_pipe(
        monkeypatch, ["monitor", str(model_path), "-", "--sr", "100", "--timeout", "0.5",
                      "--predictions"], [rows, rows], pause=1.0)
    assert status == 0 and waited == [True]
    kinds = [line["kind"] for line in lines]
    assert kinds.count("stalled") == 1
    assert kinds.index("stalled") > kinds.index("window")
    assert kinds.count("window") == len(range(0, 128 - 32 + 1, 16))


def test_monitor_checks_the_healthy_class(model_path, tmp_path, capsys):
    np.save(tmp_path / "rec.npy", np.zeros(64, dtype=np.float32))
    args = ["monitor", str(model_path), str(tmp_path / "rec.npy"), "--sr", "100"]
    assert main([*args, "--healthy-class", "helthy"]) == 2
    assert capsys.readouterr().err == (
        "sigconv monitor: error: --healthy-class must be one of the model's classes ('ball', "
        "'healthy'); got --healthy-class='helthy'. Pass --healthy-class with the label the model "
        "was trained with for healthy windows.\n")


def test_the_default_healthy_class_must_be_a_class(tmp_path, capsys):
    from sigconv.estimators import FCNClassifier

    X = np.random.default_rng(0).normal(size=(8, 1, 16)) * np.repeat([1.0, 5.0], 4)[:, None, None]
    FCNClassifier(filters=(2,), kernel_sizes=(3,), epochs=1, random_state=0).fit(
        X, np.repeat(["ok", "worn"], 4)).save(tmp_path / "m.sigconv")
    np.save(tmp_path / "rec.npy", np.zeros(64, dtype=np.float32))
    args = ["monitor", str(tmp_path / "m.sigconv"), str(tmp_path / "rec.npy"), "--sr", "100"]
    assert main(args) == 2
    assert capsys.readouterr().err == (
        "sigconv monitor: error: --healthy-class must be one of the model's classes ('ok', 'worn'); "
        "got the default 'healthy' (the model records no healthy_class_). Pass --healthy-class with "
        "the label the model was trained with for healthy windows.\n")
    assert main([*args, "--healthy-class", "ok"]) == 0


@pytest.mark.parametrize(("options", "message"), [
    (["--chunk-size", "-5"], "--chunk-size must be an int >= 1; got --chunk-size=-5."),
    (["--chunk-size", "0"], "--chunk-size must be an int >= 1; got --chunk-size=0."),
    (["--window", "1"], "--window must be an int >= 2; got --window=1."),
    (["--hop", "0"], "--hop must be an int >= 1; got --hop=0."),
    (["--m", "0"], "--m must be an int >= 1; got --m=0."),
    (["--k", "6"], "--k must be at most --n=5 (k counts agreeing windows among the last n); got --k=6."),
    (["--sr", "0"], "--sr must be a finite number > 0; got --sr=0."),
    (["--sr", "nan"], "--sr must be a finite number > 0; got --sr=nan."),
    (["--timeout", "0"], "--timeout must be a finite number > 0; got --timeout=0."),
    (["--resample", "1000"], "--resample applies to recording files only; standard input (-) holds "
                             "the model's channels at --sr. Drop --resample, or save the stream to a file."),
    (["--channels", "DE"], "--channels applies to recording files only; standard input (-) holds "
                           "the model's channels at --sr. Drop --channels, or save the stream to a file."),
    ([], "--sr is required when reading standard input (-)."),
])
def test_monitor_options_are_checked_before_the_model_is_loaded(tmp_path, capsys, options, message):
    stdin_sr = [] if not options or options[0] == "--sr" else ["--sr", "100"]
    argv = ["monitor", str(tmp_path / "no-such-model.sigconv"), "-", *stdin_sr, *options]
    assert main(argv) == 2
    assert capsys.readouterr().err == f"sigconv monitor: error: {message}\n"


def test_format_is_for_standard_input_only(tmp_path, capsys):
    argv = ["monitor", str(tmp_path / "m.sigconv"), str(tmp_path / "rec.npy"), "--format", "f32"]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"sigconv monitor: error: --format applies to standard input only; got --format=f32 with the "
        f"file {str(tmp_path / 'rec.npy')!r}. Drop --format, or read the stream from -.\n")


def test_missing_model_file(tmp_path, capsys):
    np.save(tmp_path / "rec.npy", np.zeros(64, dtype=np.float32))
    assert main(["monitor", str(tmp_path / "missing.sigconv"), str(tmp_path / "rec.npy"), "--sr", "1"]) == 2
    assert "No estimator file at path=" in capsys.readouterr().err


_NO_KERAS_MODEL = textwrap.dedent("""
    import io, json, sys, zipfile
    import numpy as np
    from sklearn.dummy import DummyClassifier
    import sigconv.monitoring
    from sigconv.cli import main

    class LoudWindows:  # a model of sigconv.monitoring that holds no Keras network
        @classmethod
        def load(cls, path):
            clf = DummyClassifier(strategy="constant", constant="fault")
            clf = clf.fit(np.zeros((2, 1, 8)), ["fault", "ok"])
            clf.healthy_class_ = "ok"
            return clf

    sigconv.monitoring.LoudWindows = LoudWindows
    sigconv.monitoring.__all__ = [*sigconv.monitoring.__all__, "LoudWindows"]
    with zipfile.ZipFile(sys.argv[1], "w") as archive:
        archive.writestr("estimator.json", json.dumps({"class": "LoudWindows"}))
    status = main(["monitor", sys.argv[1], "-", "--sr", "8", "--window", "8", "--hop", "8",
                   "--k", "2", "--n", "2"])
    print(json.dumps({"status": status, "keras": "keras" in sys.modules,
                      "tensorflow": "tensorflow" in sys.modules}))
""")


def test_a_model_without_keras_never_imports_tensorflow(tmp_path):
    # A fresh interpreter: this one has TensorFlow loaded already. The model records its healthy
    # class, so no --healthy-class is needed.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", _NO_KERAS_MODEL, str(tmp_path / "m.sigconv")],
                          input="0\n" * 24, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    *events, result = [json.loads(line) for line in done.stdout.splitlines()]
    assert result == {"status": 0, "keras": False, "tensorflow": False}
    assert [(e["kind"], e["time"], e["label"]) for e in events] == [("alarm", 2.0, "fault")]
