"""What the inspection functions share: the Keras model and the input it is fed.

A fitted sigconv estimator is inspected through its ``model_``, fed as its
``predict`` feeds it (series in any layout of
:func:`sigconv.validation.check_series`, channel-last, padded as in
training); a plain :class:`keras.Model` gets ready arrays.
"""

import keras
import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..estimators import BaseDeepEstimator
from ..estimators._base import _all_layers, _find_layer
from ..validation import is_ragged

__all__ = [
    "CONV_LAYERS",
    "Inputs",
    "all_layers",
    "conv_layer",
    "find_layer",
    "keras_inputs",
    "layer_summary",
    "model_of",
]

CONV_LAYERS = (keras.layers.Conv1D, keras.layers.Conv2D)


def model_of(model_or_estimator, name="model_or_estimator"):
    """The Keras model of a fitted sigconv estimator, or the model itself."""
    if isinstance(model_or_estimator, BaseDeepEstimator):
        check_is_fitted(model_or_estimator, "model_")
        return model_or_estimator.model_
    if isinstance(model_or_estimator, keras.Model):
        return model_or_estimator
    raise TypeError(
        f"{name} must be a fitted sigconv estimator (e.g. FCNClassifier) or a keras.Model; got "
        f"{type(model_or_estimator).__name__}."
    )


class Inputs:
    """A batch for Keras and the length of the series it holds.

    Attributes
    ----------
    batch : ndarray
        float32 input of the model: ``(n, t, c)`` series or ``(n, h, w, c)`` images.
    n_timepoints : int or None
        Length of the series before padding (maps are cropped to it); None
        for image input.
    """

    def __init__(self, batch, n_timepoints):
        self.batch = batch
        self.n_timepoints = n_timepoints


def keras_inputs(model_or_estimator, X, model):
    """``X`` as the model is fed: through the estimator's own preparation, or as given."""
    if isinstance(model_or_estimator, BaseDeepEstimator):
        estimator = model_or_estimator
        X = estimator._check_X_predict(X)
        if is_ragged(X):
            lengths = sorted({x.shape[-1] for x in X})
            raise ValueError(
                f"X holds series of unequal length ({lengths[0]} to {lengths[-1]} timepoints); the "
                "activations and maps of one call are stacked into one array, so they need series "
                "of one length. Call it once per length (e.g. once per series)."
            )
        ((_, batch),) = list(estimator._keras_groups(X))
        return Inputs(batch, int(X.shape[-1]))
    try:
        batch = np.asarray(X, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"X must be an array of numbers for a keras.Model ({exc}).") from exc
    expected = len(model.inputs[0].shape)
    if len(model.inputs) != 1 or batch.ndim != expected:
        raise ValueError(
            f"X must have the {expected} dimensions of the model's input {tuple(model.inputs[0].shape)} "
            f"(batch axis first, channel-last); got an array of shape {batch.shape}. A sigconv "
            "estimator reshapes series itself; a keras.Model takes ready arrays."
        )
    return Inputs(batch, int(batch.shape[1]) if batch.ndim == 3 else None)


def layer_summary(layers):
    """``'name' (Class)`` for each layer, comma-separated."""
    return ", ".join(f"{layer.name!r} ({type(layer).__name__})" for layer in layers)


def find_layer(model, name, param="layer"):
    """``(owner, layer)`` for a layer name, also inside nested models; a clear error otherwise."""
    if not isinstance(name, str):
        raise TypeError(f"{param} must be a layer name (str); got {param}={name!r}.")
    found = _find_layer(model, name)
    if found is None:
        names = [layer.name for layer in _all_layers(model)]
        raise ValueError(
            f"{param}={name!r} is not a layer of the network {model.name!r}. Its layers are "
            f"{', '.join(repr(n) for n in names)}."
        )
    return found


def all_layers(model):
    """Every layer, nested models' layers included, input layers left out, in graph order."""
    return [layer for layer in _all_layers(model) if not isinstance(layer, keras.layers.InputLayer)]


def conv_layer(model, layer=None):
    """The ``Conv1D`` or ``Conv2D`` layer called ``layer``, or the first one when None."""
    conv = [candidate for candidate in all_layers(model) if isinstance(candidate, CONV_LAYERS)]
    if layer is None:
        if not conv:
            raise ValueError(
                f"The network {model.name!r} has no Conv1D or Conv2D layer; its layers are "
                f"{layer_summary(all_layers(model))}."
            )
        return conv[0]
    _, found = find_layer(model, layer)
    if not isinstance(found, CONV_LAYERS):
        raise ValueError(
            f"layer={layer!r} is a {type(found).__name__}, not a Conv1D or Conv2D layer. "
            f"Convolution layers of this network: {', '.join(repr(c.name) for c in conv) or 'none'}."
        )
    return found
