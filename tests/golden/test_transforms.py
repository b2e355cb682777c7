"""Every transform and layer gives, bitwise, the outputs recorded from the code before a refactor.

The outputs were written by ``tests/golden/record_transforms.py``; a change
that alters one must say why in its commit and re-record them.
"""

import importlib.util
import pathlib

import keras
import numpy as np
import pytest

_DIR = pathlib.Path(__file__).parent


def _recorder():
    spec = importlib.util.spec_from_file_location("record_transforms", _DIR / "record_transforms.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_RECORDER = _recorder()
_CASES = _RECORDER.build_cases()


@pytest.fixture(scope="module")
def golden():
    with np.load(_RECORDER.PATH) as data:
        return {name: data[name] for name in data.files}


def test_every_case_is_recorded(golden):
    assert sorted(golden) == sorted(_CASES)


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="recorded with the TensorFlow backend on CPU")
@pytest.mark.parametrize("name", sorted(_CASES))
def test_output_is_bitwise_unchanged(name, golden):
    expected = golden[name]
    actual = np.asarray(_CASES[name]())
    assert actual.dtype == expected.dtype
    assert actual.shape == expected.shape
    mismatch = ~((actual == expected) | (np.isnan(actual) & np.isnan(expected)))
    assert not mismatch.any(), (
        f"{name}: {int(mismatch.sum())} of {actual.size} values differ; largest difference "
        f"{np.max(np.abs(actual.astype(np.float64) - expected.astype(np.float64))):.3g}"
    )
