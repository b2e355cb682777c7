"""benchmarks/bearing.py: the physics rule and the splits by recording and by time."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from sigconv.datasets import make_bearing_vibration


@pytest.fixture(scope="module")
def bearing():
    path = Path(__file__).parents[2] / "benchmarks" / "bearing.py"
    spec = importlib.util.spec_from_file_location("benchmarks_bearing", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rule_labels_synthetic_faults_by_their_line(bearing):
    # CWRU geometry in inches, as the benchmark's BEARING
    bunch = make_bearing_vibration(3, faults=("inner_race", "outer_race"), duration=0.34, noise=0.2,
                                   speed_variation=0.0, ball_diameter=0.3126, pitch_diameter=1.537,
                                   random_state=0, shuffle=False)
    assert bearing.rule_predict(bunch.data[:, 0], 1797.0).tolist() == ["inner_race"] * 3 + ["outer_race"] * 3


def test_splits_keep_recordings_apart_and_cut_the_healthy_one_in_time(bearing):
    rng = np.random.default_rng(0)
    data = {key: (rng.normal(size=20000), 1797.0) for key in bearing.FILES}
    healthy = np.arange(30000.0)
    data[("healthy", "")] = (healthy, 1797.0)
    train, test = bearing._split_signals(data, "007", "021", window=4096)
    assert [label for _, label in train] == ["healthy", "inner_race", "outer_race", "ball"]
    assert train[1][0] is data[("inner_race", "007")][0] and test[1][0] is data[("inner_race", "021")][0]
    first, second = train[0][0], test[0][0]
    assert first[-1] + 4096 < second[0]  # a window's gap: no test window shares a training sample
    X, y = bearing._windows_labels(train, 4096, 1024)
    assert X.shape[1] == 4096 and set(y) == {"healthy", "inner_race", "outer_race", "ball"}
