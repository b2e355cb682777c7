"""Sliding windows, streaming prediction, alarms and stream faults."""

import re
import time

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sigconv.monitoring import (
    AlarmPolicy,
    Monitor,
    SlidingWindows,
    StreamError,
    StreamingPredictor,
    WindowPrediction,
    iter_windows,
)


def _energy(W):
    return np.log((np.asarray(W, dtype=np.float64) ** 2).mean(axis=-1) + 1e-12)


@pytest.fixture(scope="module")
def loudness():
    """A fast classifier of windows of 16 samples, 2 channels: "healthy" quiet, "fault" loud."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2, 16)) * np.repeat([1.0, 10.0], 30)[:, None, None]
    y = np.repeat(["healthy", "fault"], 30)
    return make_pipeline(FunctionTransformer(_energy), LogisticRegression()).fit(X, y)


def _stream(n=400, fault_from=200, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, n))
    x[:, fault_from:] *= 10
    return x


# ------------------------------------------------------------------------- windows


def test_sliding_windows_values_and_labels():
    x = np.arange(22.0).reshape(2, 11)
    windows = SlidingWindows(window=4, hop=3).fit(x)
    out = windows.transform(x)
    assert out.shape == (3, 2, 4) and out.dtype == np.float32
    np.testing.assert_array_equal(out[1], x[:, 3:7])
    y = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 1, 1])
    # windows [0:4] [3:7] [6:10]: majority (ties to the smallest) and the last sample
    assert windows.transform_y(y).tolist() == [0, 1, 2]
    assert SlidingWindows(window=4, hop=3, label="end").transform_y(y).tolist() == [1, 2, 1]
    two = windows.transform([x, x[:, :5]])
    assert two.shape == (4, 2, 4)
    assert windows.transform_y([y, y[:5]]).tolist() == [0, 1, 2, 0]


def test_sliding_windows_first_in_a_pipeline(loudness):
    # A fitted pipeline predicts one label per window straight from a recording, and
    # SlidingWindows feeds sigconv's transformers as any batch of series.
    from sklearn.pipeline import Pipeline

    from sigconv.transformers import GramianAngularField

    x = _stream()
    windows = SlidingWindows(window=16, hop=8).fit(x)
    monitor = Pipeline([("windows", windows), ("classify", loudness)])
    np.testing.assert_array_equal(monitor.predict(x), loudness.predict(windows.transform(x)))
    assert (monitor.predict(x)[-5:] == "fault").all()
    images = make_pipeline(SlidingWindows(window=16, hop=8), GramianAngularField(flatten=True))
    assert images.fit_transform(x).shape == (49, 16 * 16 * 2)


def test_sliding_windows_standardize_and_errors():
    x = np.random.default_rng(0).normal(3, 5, size=(1, 100))
    out = SlidingWindows(window=20, hop=10, standardize=True).fit_transform(x)
    np.testing.assert_allclose(out.mean(axis=-1), 0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=-1), 1, atol=1e-5)
    with pytest.raises(ValueError, match=re.escape("label must be one of {'majority', 'end'}; got label='last'.")):
        SlidingWindows(label="last").fit(x)
    with pytest.raises(ValueError, match=re.escape("window must be an int >= 2; got window=1.")):
        SlidingWindows(window=1).fit(x)
    with pytest.raises(ValueError, match="X must have the 1 channels seen first"):
        SlidingWindows(window=20).fit(x).transform(np.zeros((2, 50)))


def test_iter_windows_memory_mapped_matches_the_transformer(tmp_path):
    from sigconv.io import read_recording

    data = np.random.default_rng(0).normal(size=(3, 5000)).astype(np.float32)
    np.save(tmp_path / "big.npy", data)
    recording = read_recording(tmp_path / "big.npy", sr=1000.0, mmap=True)
    batches = list(iter_windows(recording, window=256, hop=100, chunk_size=777))
    starts = np.concatenate([s for s, _ in batches])
    windows = np.concatenate([w for _, w in batches])
    expected = SlidingWindows(window=256, hop=100).fit(data).transform(data)
    np.testing.assert_array_equal(windows, expected)
    np.testing.assert_array_equal(starts, np.arange(len(expected)) * 100)
    # chunks of irregular sizes from an iterator give the same windows
    cuts = np.cumsum(np.random.default_rng(1).integers(1, 400, size=40))
    chunks = np.split(data, cuts[cuts < data.shape[1]], axis=1)
    again = np.concatenate([w for _, w in iter_windows(iter(chunks), window=256, hop=100)])
    np.testing.assert_array_equal(again, expected)


# ------------------------------------------------------------------------- streaming


@pytest.mark.parametrize("chunk_sizes", [[1000], [1] * 50 + [350], [7, 13, 100, 3, 277]])
def test_stream_matches_batch_prediction(loudness, chunk_sizes):
    x = _stream()
    predictor = StreamingPredictor(loudness, sr=100.0, window=16, hop=8, n_channels=2)
    predictions, position = [], 0
    for size in chunk_sizes:
        predictions += predictor.push(x[:, position : position + size])
        position += size
    windows = SlidingWindows(window=16, hop=8).fit(x).transform(x)
    assert [p.start for p in predictions] == list(range(0, 400 - 16 + 1, 8))
    np.testing.assert_allclose(np.stack([p.proba for p in predictions]),
                               loudness.predict_proba(windows), rtol=1e-6)
    assert predictions[3].start_time == 0.24 and predictions[3].end_time == 0.40
    assert [p.label for p in predictions] == loudness.predict(windows).tolist()


def test_stream_refuses_rows_of_samples(loudness):
    x = _stream(64)
    predictor = StreamingPredictor(loudness, sr=100.0, window=16, hop=16, n_channels=2)
    assert len(predictor.push(x)) == 4
    with pytest.raises(StreamError, match=re.escape(
            "A chunk must have 2 channels, shaped (n_channels, n_samples); got a chunk of shape "
            "(64, 2). The chunk was dropped.")):
        predictor.push(x.T)  # rows of samples: the orientation is never guessed
    assert predictor.n_seen == 64


@pytest.fixture(scope="module")
def fcn():
    from sigconv.estimators import FCNClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 1, 32)).astype(np.float32)
    y = np.repeat(["healthy", "ball"], 8)
    return FCNClassifier(filters=(4, 4), kernel_sizes=(3, 3), epochs=1, random_state=0).fit(X, y)


def test_fast_path_of_deep_classifiers_equals_predict_proba(fcn):
    x = np.random.default_rng(2).normal(size=(1, 300)).astype(np.float32)
    predictor = StreamingPredictor(fcn, sr=10.0)
    assert (predictor.window, predictor.hop, predictor.n_channels) == (32, 16, 1)
    predictions = predictor.push(x)
    windows = SlidingWindows(window=32, hop=16).fit(x).transform(x)
    np.testing.assert_allclose(np.stack([p.proba for p in predictions]), fcn.predict_proba(windows),
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=re.escape(
            "window=64 differs from the 32 timepoints the estimator was fitted on; use window=32.")):
        StreamingPredictor(fcn, sr=10.0, window=64)


# ------------------------------------------------------------------------- alarms


def _predictions(labels, confidence=0.75):
    return [WindowPrediction(i, float(i), float(i) + 2, label=label, proba=None,
                             confidence=confidence) for i, label in enumerate(labels)]


def test_alarm_k_of_n_and_clear_after_m():
    policy = AlarmPolicy(k=3, n=5, m=2)
    labels = ["healthy", "ball", "healthy", "ball", "healthy", "ball", "ball", "healthy",
              "ball", "healthy", "healthy", "healthy"]
    events = [e for p in _predictions(labels) for e in policy.update(p)]
    # window 5 is the third "ball" among windows 1..5: alarm, onset at window 1
    assert [(e.kind, e.time, e.start_time, e.label) for e in events] == [
        ("alarm", 7.0, 1.0, "ball"),
        ("clear", 12.0, 9.0, "ball"),  # window 7 healthy, 8 ball breaks the run; 9, 10 clear
    ]
    assert events[0].confidence == 0.75 and events[0].n_windows == 3
    assert events[0].to_dict() == {"kind": "alarm", "time": 7.0, "start_time": 1.0,
                                   "label": "ball", "confidence": 0.75, "n_windows": 3}


def test_alarm_class_change_and_parameter_checks():
    policy = AlarmPolicy(k=2, n=3, m=5)
    labels = ["ball", "ball", "inner", "inner", "inner"]
    events = [e for p in _predictions(labels) for e in policy.update(p)]
    assert [(e.kind, e.label, e.start_time) for e in events] == [("alarm", "ball", 0.0),
                                                                 ("alarm", "inner", 2.0)]
    with pytest.raises(ValueError, match=re.escape("k must be an int in [1, 3]; got k=4.")):
        AlarmPolicy(k=4, n=3)


# ------------------------------------------------------------------------- stream faults


def test_monitor_raises_an_alarm_near_the_fault_onset(loudness):
    x = _stream(800, fault_from=400)
    monitor = Monitor(StreamingPredictor(loudness, sr=100.0, window=16, hop=8, n_channels=2),
                      AlarmPolicy(k=3, n=5, m=3))
    events = list(monitor.run(np.array_split(x, 13, axis=1)))
    alarms = [e for e in events if e.kind == "alarm"]
    assert len(alarms) == 1 and alarms[0].label == "fault"
    assert 3.8 <= alarms[0].start_time <= 4.0 and alarms[0].time <= 4.5


def test_nan_burst_is_reported_and_skipped(loudness):
    x = _stream(400, fault_from=400)
    x[:, 100:130] = np.nan
    monitor = Monitor(StreamingPredictor(loudness, sr=100.0, window=16, hop=8, n_channels=2))
    events = [e for chunk in np.array_split(x, 4, axis=1) for e in monitor.push(chunk)]
    bad = [e for e in events if e.kind == "bad_data"]
    skipped = [p for p in monitor.predictions if p.status == "bad_data"]
    # windows starting at 88..128 touch samples 100..129
    assert [p.start for p in skipped] == list(range(88, 129, 8))
    assert bad[0].start_time == 0.88 and sum(e.n_windows for e in bad) == len(skipped)
    assert len(monitor.predictions) == len(range(0, 385, 8))
    assert all(p.label == "healthy" for p in monitor.predictions if p.status == "ok")


def test_wrong_channel_count_is_an_event_and_keeps_scored_windows(loudness):
    monitor = Monitor(StreamingPredictor(loudness, sr=100.0, window=16, hop=8, n_channels=2))
    x = _stream(200, fault_from=200)
    monitor.push(x[:, :100])
    before = list(monitor.predictions)
    events = monitor.push(np.zeros((3, 5)))
    assert [e.kind for e in events] == ["bad_chunk"]
    assert "A chunk must have 2 channels" in events[0].message
    assert monitor.predictions == before
    monitor.push(x[:, 100:])
    # the dropped chunk counts as a 5-sample gap: windows restart at sample 105
    assert monitor.predictions[len(before)].start == 105


def test_gap_when_chunks_carry_their_start(loudness):
    monitor = Monitor(StreamingPredictor(loudness, sr=100.0, window=16, hop=8, n_channels=2))
    x = _stream(300, fault_from=300)
    events = list(monitor.run([(0, x[:, :100]), (150, x[:, 150:]), (140, x[:, 140:160])]))
    gaps = [e for e in events if e.kind == "gap"]
    assert len(gaps) == 1 and gaps[0].start_time == 1.0 and gaps[0].time == 1.5
    starts = [p.start for p in monitor.predictions]
    assert starts == list(range(0, 85, 8)) + list(range(150, 285, 8))


def test_stalled_stream_is_reported(loudness):
    monitor = Monitor(StreamingPredictor(loudness, sr=100.0, window=16, hop=8, n_channels=2))
    x = _stream(64, fault_from=64)

    def slow():
        yield x[:, :32]
        time.sleep(0.5)
        yield x[:, 32:]

    events = list(monitor.run(slow(), timeout=0.1))
    assert [e.kind for e in events] == ["stalled"]
    assert events[0].time == 0.32 and events[0].message == "no data for 0.1 s"
    assert len(monitor.predictions) == 7


def test_run_yields_each_window_before_the_events_it_raises(loudness):
    x = _stream(800, fault_from=400)
    x[:, 100:130] = np.nan
    chunks = np.array_split(x, 13, axis=1)
    policy = dict(k=3, n=5, m=3)
    kept = Monitor(StreamingPredictor(loudness, sr=100.0, window=16, hop=8, n_channels=2),
                   AlarmPolicy(**policy))
    events = list(kept.run(chunks))
    monitor = Monitor(StreamingPredictor(loudness, sr=100.0, window=16, hop=8, n_channels=2),
                      AlarmPolicy(**policy), keep_predictions=False)
    items = list(monitor.run(chunks, predictions=True))
    assert monitor.predictions == []
    assert ([p.to_dict() for p in items if isinstance(p, WindowPrediction)]
            == [p.to_dict() for p in kept.predictions])
    assert [i for i in items if not isinstance(i, WindowPrediction)] == events
    assert [e.kind for e in events] == ["bad_data", "alarm"]
    for i, item in enumerate(items):
        if not isinstance(item, WindowPrediction):
            # an alarm follows the window that decided it; bad_data the run's first window
            assert isinstance(items[i - 1], WindowPrediction)
            assert items[i - 1].end_time == item.time


def test_a_reader_s_stream_error_is_a_bad_chunk_and_the_stream_goes_on(loudness):
    monitor = Monitor(StreamingPredictor(loudness, sr=100.0, window=16, hop=8, n_channels=2))
    x = _stream(200, fault_from=200)
    unreadable = StreamError("line 101 is not numbers", n_samples=3)
    events = list(monitor.run([x[:, :100], unreadable, x[:, 103:]]))
    assert [e.to_dict() for e in events] == [
        {"kind": "bad_chunk", "time": 1.0, "start_time": 1.0, "message": "line 101 is not numbers"}]
    starts = [p.start for p in monitor.predictions]
    # the 3 unreadable samples are a gap: windows restart at sample 103
    assert starts == list(range(0, 85, 8)) + list(range(103, 185, 8))


def test_monitor_checks_keep_predictions(loudness):
    predictor = StreamingPredictor(loudness, sr=100.0, window=16, hop=8, n_channels=2)
    with pytest.raises(TypeError, match=re.escape("keep_predictions must be True or False; got "
                                                  "keep_predictions='no' (str).")):
        Monitor(predictor, keep_predictions="no")
    with pytest.raises(TypeError, match=re.escape("predictions must be True or False; got predictions=1 (int).")):
        next(Monitor(predictor).run([], predictions=1))
