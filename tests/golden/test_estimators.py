"""Every estimator's outputs after a short seeded fit on GunPoint equal the recorded ones, bitwise.

The cases and the recording script are in ``tests/golden/estimators.py``; a
refactoring of the estimators must leave these outputs unchanged on CPU.
"""

import importlib.util
import os

import numpy as np
import pytest

_spec = importlib.util.spec_from_file_location(
    "golden_estimators", os.path.join(os.path.dirname(__file__), "estimators.py")
)
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)


@pytest.fixture(scope="module")
def recorded():
    with np.load(golden.GOLDEN_PATH) as file:
        return dict(file)


# Greedy fine-tuning trains a head on every depth of MobileNetV2 (about a minute on 2 cores).
_SLOW = {"ImageCNNClassifier_mobilenet_greedy"}


@pytest.mark.parametrize(
    "name", [pytest.param(name, marks=pytest.mark.slow) if name in _SLOW else name for name in golden.case_names()]
)
def test_outputs_equal_the_recorded_ones(name, recorded):
    for key, value in golden.outputs(name).items():
        expected = recorded[key]
        assert value.dtype == expected.dtype and value.shape == expected.shape, key
        np.testing.assert_array_equal(value, expected, err_msg=key, strict=True)
