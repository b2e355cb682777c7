"""Task heads on top of a headless network: classification, regression, forecasting.

A head takes the backbone's output tensor and returns a new
:class:`keras.Model` from the backbone's input to the task output. The new
model shares the backbone's layers (and so its weights): its feature maps are
reachable by layer name, e.g. for class activation maps.
"""

import keras
from keras import ops

from ..validation import check_name, check_option, check_positive_int, check_rate

__all__ = [
    "MaskedGlobalMaxPooling1D",
    "add_classification_head",
    "add_forecasting_head",
    "add_regression_head",
]

POOLINGS = ("avg", "max")


@keras.saving.register_keras_serializable(package="sigconv")
class MaskedGlobalMaxPooling1D(keras.layers.Layer):
    """Global max pooling over time that skips masked (padded) steps.

    :class:`keras.layers.GlobalMaxPooling1D` ignores the mask, so padding
    could win the maximum; this layer takes the maximum over unmasked steps
    only (0 for a series that is all padding).

    Parameters
    ----------
    **kwargs
        Base layer arguments (``name``, ``dtype``, ...).

    Examples
    --------
    >>> import keras
    >>> import numpy as np
    >>> from sigconv.networks import MaskedGlobalMaxPooling1D
    >>> x = np.array([[[1.0], [3.0], [9.0]]], dtype="float32")
    >>> mask = np.array([[True, True, False]])
    >>> keras.ops.convert_to_numpy(MaskedGlobalMaxPooling1D()(x, mask=mask))
    array([[3.]], dtype=float32)
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.max(inputs, axis=1)
        keep = ops.expand_dims(ops.cast(mask, "bool"), -1)
        masked = ops.where(keep, inputs, ops.full_like(inputs, float("-inf")))
        return ops.where(ops.any(keep, axis=1), ops.max(masked, axis=1), ops.zeros_like(inputs[:, 0]))

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


def _check_backbone(backbone, head):
    if not isinstance(backbone, keras.Model):
        raise TypeError(
            f"{head} needs a keras.Model backbone (e.g. from sigconv.networks.build_network); "
            f"got backbone={backbone!r}."
        )
    outputs = backbone.outputs
    if len(outputs) != 1:
        raise ValueError(
            f"{head} needs a backbone with a single output; got a backbone with "
            f"{len(outputs)} outputs."
        )
    return outputs[0]


def _pool(x, *, pooling, dropout, name, head):
    if len(x.shape) == 3:
        if pooling == "avg":
            x = keras.layers.GlobalAveragePooling1D(name=f"{name}_pool")(x)
        else:
            x = MaskedGlobalMaxPooling1D(name=f"{name}_pool")(x)
    elif len(x.shape) != 2:
        raise ValueError(
            f"{head} needs a backbone output of shape (batch, time, channels) or (batch, features); "
            f"got a backbone output of shape {x.shape}."
        )
    if dropout > 0:
        x = keras.layers.Dropout(dropout, name=f"{name}_dropout")(x)
    return x


def add_classification_head(backbone, n_classes, *, pooling="avg", dropout=0.0, name=None):
    """Add global pooling over time and a softmax classifier to a backbone.

    A 3D backbone output ``(batch, time, channels)`` is pooled over time
    (masked steps excluded when the backbone propagates a mask, as
    :func:`~sigconv.networks.build_lstm` with ``mask_value`` does); a 2D
    output is used as is. Then optional dropout, a linear layer giving the
    logits (``{name}_logits``) and a softmax over ``n_classes``. Binary
    problems also get a two-class softmax, never a single sigmoid unit, so
    ``predict`` always returns ``(batch, n_classes)`` probabilities.

    Parameters
    ----------
    backbone : keras.Model
        Headless network with one output.
    n_classes : int
        Number of classes, >= 2.
    pooling : {"avg", "max"}, default="avg"
        Global pooling over time; used only when the backbone output has a
        time axis (global average pooling is the choice of FCN, ResNet and
        InceptionTime and the basis of class activation maps).
    dropout : float, default=0.0
        Dropout rate before the classifier, in [0, 1).
    name : str or None, default=None
        Model name and prefix of the head's layers; None for
        ``f"{backbone.name}_classifier"``.

    Returns
    -------
    model : keras.Model
        Output of shape ``(batch, n_classes)``, rows summing to 1.

    See Also
    --------
    add_regression_head : The same pooling with a linear output.

    Examples
    --------
    >>> from sigconv.networks import add_classification_head, build_fcn
    >>> model = add_classification_head(build_fcn(None, 2, filters=(4, 4), kernel_sizes=(3, 3)), 3)
    >>> model.name, model.output.shape
    ('fcn_classifier', (None, 3))
    """
    x = _check_backbone(backbone, "add_classification_head")
    n_classes = check_positive_int(n_classes, "n_classes")
    if n_classes < 2:
        raise ValueError(
            f"n_classes must be an int >= 2; got n_classes={n_classes}. Binary problems use a "
            "two-class softmax."
        )
    pooling = check_option(pooling, "pooling", POOLINGS)
    dropout = check_rate(dropout, "dropout")
    name = check_name(f"{backbone.name}_classifier" if name is None else name)
    x = _pool(x, pooling=pooling, dropout=dropout, name=name, head="add_classification_head")
    x = keras.layers.Dense(n_classes, name=f"{name}_logits")(x)
    outputs = keras.layers.Activation("softmax", name=f"{name}_softmax")(x)
    return keras.Model(backbone.input, outputs, name=name)


def add_regression_head(backbone, n_outputs, *, pooling="avg", dropout=0.0, name=None):
    """Add global pooling over time and a linear output to a backbone.

    Parameters
    ----------
    backbone : keras.Model
        Headless network with one output.
    n_outputs : int
        Number of regression targets.
    pooling : {"avg", "max"}, default="avg"
        Global pooling over time; used only when the backbone output has a
        time axis (masked steps excluded when a mask flows).
    dropout : float, default=0.0
        Dropout rate before the output layer, in [0, 1).
    name : str or None, default=None
        Model name and prefix of the head's layers; None for
        ``f"{backbone.name}_regressor"``.

    Returns
    -------
    model : keras.Model
        Output of shape ``(batch, n_outputs)``, linear.

    See Also
    --------
    add_classification_head : The same pooling with a softmax output.
    add_forecasting_head : A linear output at every time step.

    Examples
    --------
    >>> from sigconv.networks import add_regression_head, build_lstm
    >>> add_regression_head(build_lstm(20, 1, units=(4,)), 2).output.shape
    (None, 2)
    """
    x = _check_backbone(backbone, "add_regression_head")
    n_outputs = check_positive_int(n_outputs, "n_outputs")
    pooling = check_option(pooling, "pooling", POOLINGS)
    dropout = check_rate(dropout, "dropout")
    name = check_name(f"{backbone.name}_regressor" if name is None else name)
    x = _pool(x, pooling=pooling, dropout=dropout, name=name, head="add_regression_head")
    outputs = keras.layers.Dense(n_outputs, name=f"{name}_dense")(x)
    return keras.Model(backbone.input, outputs, name=name)


def add_forecasting_head(backbone, n_outputs, *, name=None):
    """Add a linear output at every time step, for next-step forecasting.

    The same dense layer is applied to each step of the backbone output
    ``(batch, time, channels)``, so the head is causal when the backbone is
    (as :func:`~sigconv.networks.build_wavenet` is): output step ``t`` only
    sees inputs up to ``t`` and is trained to predict step ``t + 1`` (targets
    are the input shifted one step to the left).

    Parameters
    ----------
    backbone : keras.Model
        Headless network with one output of shape ``(batch, time, channels)``.
    n_outputs : int
        Values predicted per step (usually the number of channels).
    name : str or None, default=None
        Model name and prefix of the head's layers; None for
        ``f"{backbone.name}_forecaster"``.

    Returns
    -------
    model : keras.Model
        Output of shape ``(batch, time, n_outputs)``, linear.

    Examples
    --------
    >>> from sigconv.networks import add_forecasting_head, build_wavenet
    >>> backbone = build_wavenet(None, 2, n_filters=4, n_layers_per_stack=2, n_stacks=1)
    >>> add_forecasting_head(backbone, 2).output.shape
    (None, None, 2)
    """
    x = _check_backbone(backbone, "add_forecasting_head")
    n_outputs = check_positive_int(n_outputs, "n_outputs")
    name = check_name(f"{backbone.name}_forecaster" if name is None else name)
    if len(x.shape) != 3:
        raise ValueError(
            "add_forecasting_head needs a backbone output with a time axis, of shape "
            f"(batch, time, channels); got a backbone output of shape {x.shape}. For an LSTM, "
            "build it with return_sequences=True."
        )
    outputs = keras.layers.Dense(n_outputs, name=f"{name}_dense")(x)
    return keras.Model(backbone.input, outputs, name=name)
