"""Estimator files whose parts disagree, or whose members claim more memory than they should."""

import json
import re
import zipfile

import numpy as np
import pytest

from sigconv.estimators import FCNClassifier, FCNRegressor, load
from sigconv.estimators import _serialization


def _fitted(cls=FCNClassifier, n_classes=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(12, 2, 16)).astype(np.float32)
    y = np.arange(12) % n_classes if cls is FCNClassifier else rng.normal(size=12)
    return cls(filters=(4,), kernel_sizes=(3,), epochs=1, random_state=0).fit(X, y)


def _rewrite(path, target, edit_metadata=None, model_from=None):
    with zipfile.ZipFile(path) as source:
        metadata = json.loads(source.read("estimator.json"))
        model = source.read("model.keras")
    if edit_metadata is not None:
        edit_metadata(metadata)
    if model_from is not None:
        with zipfile.ZipFile(model_from) as other:
            model = other.read("model.keras")
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("estimator.json", json.dumps(metadata))
        archive.writestr("model.keras", model)
    return target


def test_metadata_and_model_of_another_class_count_disagree(tmp_path):
    _fitted(n_classes=2).save(tmp_path / "two.sigconv")
    _fitted(n_classes=3).save(tmp_path / "three.sigconv")
    mixed = _rewrite(tmp_path / "two.sigconv", tmp_path / "mixed.sigconv", model_from=tmp_path / "three.sigconv")
    message = f"{str(mixed)!r} is inconsistent: its metadata lists 2 classes, its model has 3 outputs."
    with pytest.raises(ValueError, match=re.escape(message)):
        load(mixed)


@pytest.mark.parametrize("key, value, message", [
    ("n_channels_in_", 3, "its metadata says n_channels_in_=3, its model takes 2 channel(s)."),
    ("n_timepoints_in_", 17, "its metadata says n_timepoints_in_=17, its model takes series of 16 timepoints."),
    ("n_timepoints_in_", None, "its metadata says n_timepoints_in_=None, its model takes series of 16 timepoints."),
])
def test_metadata_that_contradicts_the_model_input(tmp_path, key, value, message):
    _fitted().save(tmp_path / "a.sigconv")

    def edit(metadata):
        metadata["fitted"][key] = value

    edited = _rewrite(tmp_path / "a.sigconv", tmp_path / "b.sigconv", edit)
    with pytest.raises(ValueError, match=re.escape(f"{str(edited)!r} is inconsistent: {message}")):
        load(edited)


def test_regressor_outputs_against_metadata(tmp_path):
    _fitted(FCNRegressor).save(tmp_path / "a.sigconv")

    def edit(metadata):
        metadata["fitted"]["n_outputs_"] = 4

    edited = _rewrite(tmp_path / "a.sigconv", tmp_path / "b.sigconv", edit)
    with pytest.raises(ValueError, match=re.escape("its metadata says n_outputs_=4, its model has 1 outputs.")):
        load(edited)
    assert load(tmp_path / "a.sigconv").n_outputs_ == 1  # the untouched file loads


def test_a_member_that_expands_far_beyond_its_file_is_not_read(tmp_path, monkeypatch):
    _fitted().save(tmp_path / "a.sigconv")
    with zipfile.ZipFile(tmp_path / "a.sigconv") as source:
        model = source.read("model.keras")
    bomb = tmp_path / "bomb.sigconv"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("estimator.json", b" " * (8 * 2**20))  # 8 MiB of spaces: a few KiB compressed
        archive.writestr("model.keras", model)
    read = []
    monkeypatch.setattr(zipfile.ZipExtFile, "read", lambda self, *a: read.append(a) or b"")
    with pytest.raises(ValueError, match=re.escape("the member estimator.json declares 8388608 bytes (")):
        load(bomb)
    assert read == []  # refused from the header, before any byte was decompressed


def test_the_member_size_limit_is_a_module_setting(tmp_path, monkeypatch):
    _fitted().save(tmp_path / "a.sigconv")
    monkeypatch.setattr(_serialization, "MAX_METADATA_BYTES", 10)
    with pytest.raises(ValueError, match=re.escape("above what sigconv reads from an estimator file (10 bytes")):
        load(tmp_path / "a.sigconv")
