"""Resuming an interrupted fit gives bitwise the predictions of the uninterrupted fit (on CPU)."""

import keras
import numpy as np
import pytest

from sigconv.augmentation import Augmenter
from sigconv.estimators import (
    FCNClassifier,
    FCNRegressor,
    ImageCNNClassifier,
    InceptionTimeClassifier,
    LSTMClassifier,
    ResNetClassifier,
    WaveNetRegressor,
)

TINY = {
    FCNClassifier: dict(filters=(4,), kernel_sizes=(3,)),
    FCNRegressor: dict(filters=(4,), kernel_sizes=(3,)),
    ResNetClassifier: dict(n_filters=2, n_blocks=1, kernel_sizes=(3,)),
    InceptionTimeClassifier: dict(ensemble_size=2, depth=1, n_filters=2, bottleneck_size=2, kernel_sizes=(3,)),
    WaveNetRegressor: dict(n_filters=2, n_layers_per_stack=1, n_stacks=1),
    LSTMClassifier: dict(units=(3,)),
    ImageCNNClassifier: dict(image_size=8, conv_filters=(2,), dense_units=(4,)),
}
ALL_STEPS = Augmenter([("time_warp", {}), ("scaling", {}), ("jitter", {}),
                       ("window_slice", {"stretch": "both"})], n_test_windows=2)


class _Kill(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            raise KeyboardInterrupt("simulated kill after the second epoch")


def _data(regression):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 1, 24)).astype(np.float32)
    y = np.arange(24) % 2
    X[y == 1] += np.sin(np.linspace(0, 6, 24, dtype=np.float32))
    return X, (X.std(axis=(1, 2)) if regression else y)


def _resumed_equals_uninterrupted(cls, tmp_path, **params):
    X, y = _data(cls is FCNRegressor or cls is WaveNetRegressor)
    params = {**TINY[cls], "epochs": 4, "batch_size": 8, "random_state": 0, **params}
    predict = "predict_proba" if hasattr(cls, "predict_proba") else "predict"
    uninterrupted = getattr(cls(**params).fit(X, y), predict)(X)
    with pytest.raises(KeyboardInterrupt):
        cls(**params, checkpoint_dir=tmp_path, callbacks=[_Kill()]).fit(X, y)
    resumed = cls(**params, checkpoint_dir=tmp_path).fit(X, y)
    assert resumed.n_epochs_ == 4
    np.testing.assert_array_equal(getattr(resumed, predict)(X), uninterrupted)


@pytest.mark.parametrize("augmentation", [None, "jitter", "window_slice", ALL_STEPS], ids=str)
def test_fcn_resumes_bitwise_with_every_augmentation(tmp_path, augmentation):
    _resumed_equals_uninterrupted(FCNClassifier, tmp_path, augmentation=augmentation)


def test_resnet_with_its_default_augmentation_resumes_bitwise(tmp_path):
    """The case of issue 32: ResNetClassifier's "auto" window slices differed on 2 of 150 GunPoint labels."""
    _resumed_equals_uninterrupted(ResNetClassifier, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("cls", [FCNRegressor, InceptionTimeClassifier, WaveNetRegressor, LSTMClassifier,
                                 ImageCNNClassifier])
def test_every_estimator_resumes_bitwise(tmp_path, cls):
    _resumed_equals_uninterrupted(cls, tmp_path, augmentation="scaling")
