"""Losses the estimators compile their networks with, beyond Keras' own names."""

import keras
from keras import ops

__all__ = ["SmoothedSparseCategoricalCrossentropy"]


@keras.saving.register_keras_serializable(package="sigconv")
class SmoothedSparseCategoricalCrossentropy(keras.losses.Loss):
    """Cross-entropy of integer labels against probabilities, with label smoothing.

    Keras' ``SparseCategoricalCrossentropy`` has no ``label_smoothing``; this
    is ``CategoricalCrossentropy(label_smoothing=...)`` on the one-hot labels,
    so that the targets stay integers (one per series, or one per series and
    ensemble member) everywhere else in the estimators. The target of the
    true class is ``1 - label_smoothing + label_smoothing / n_classes`` and
    that of every other class ``label_smoothing / n_classes``.

    Parameters
    ----------
    label_smoothing : float, default=0.1
        In [0, 1).
    name : str, default="sparse_categorical_crossentropy"
    """

    def __init__(self, label_smoothing=0.1, name="sparse_categorical_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.label_smoothing = float(label_smoothing)

    def call(self, y_true, y_pred):
        labels = ops.cast(y_true, "int32")
        if len(labels.shape) == len(y_pred.shape):  # (..., 1)
            labels = ops.squeeze(labels, axis=-1)
        one_hot = ops.one_hot(labels, ops.shape(y_pred)[-1], dtype=y_pred.dtype)
        return keras.losses.categorical_crossentropy(one_hot, y_pred, label_smoothing=self.label_smoothing)

    def get_config(self):
        return {**super().get_config(), "label_smoothing": self.label_smoothing}
