"""Activations for the network builders: names, the GLU and Maxout layers.

Every builder that takes ``activation=`` resolves it with
:func:`get_activation`, so the same names work everywhere: ``"relu"``,
``"leaky_relu"``, ``"gelu"``, ``"glu"``, ``"maxout"`` and the element-wise
Keras activations listed in :data:`ACTIVATIONS`. A Keras layer instance is
also accepted as a template (``keras.layers.LeakyReLU(negative_slope=0.1)``,
``Maxout(n_pieces=3)``): each place that needs an activation gets a fresh
copy built from its config, with its own name.

GLU and Maxout reduce the channel axis (by 2 and by ``n_pieces``), so a layer
followed by one of them is built ``activation_channel_factor(activation)``
times wider: ``filters`` always counts the channels *after* the activation.
"""

import keras
from keras import ops

from ..validation import check_positive_int

__all__ = ["ACTIVATIONS", "GLU", "Maxout", "activation_channel_factor", "get_activation"]

#: Activation names accepted by :func:`get_activation` and by every builder.
ACTIVATIONS = (
    "elu",
    "gelu",
    "glu",
    "leaky_relu",
    "linear",
    "maxout",
    "relu",
    "selu",
    "sigmoid",
    "swish",
    "tanh",
)

_KERAS_ELEMENTWISE = ("elu", "gelu", "linear", "relu", "selu", "sigmoid", "swish", "tanh")


def _check_axis(axis):
    if isinstance(axis, bool) or not isinstance(axis, int) or axis == 0:
        raise ValueError(
            f"axis must be a nonzero int (axis 0 is the batch axis); got axis={axis!r}."
        )
    return axis


def _static_size(input_shape, axis, layer):
    rank = len(input_shape)
    if not -rank <= axis < rank:
        raise ValueError(
            f"axis is out of range for an input of rank {rank} in layer {layer.name!r}; "
            f"got axis={axis}, input_shape={tuple(input_shape)}."
        )
    size = input_shape[axis]
    if size is None:
        raise ValueError(
            f"Layer {layer.name!r} needs a known size on axis {axis}; "
            f"got input_shape={tuple(input_shape)}."
        )
    return size


@keras.saving.register_keras_serializable(package="sigconv")
class GLU(keras.layers.Layer):
    """Gated linear unit: split the channels in halves ``a, b``; return ``a * sigmoid(b)``.

    Parameters
    ----------
    axis : int, default=-1
        Axis split in two halves; its size must be even and is halved.
    **kwargs
        Base layer arguments (``name``, ``dtype``, ...).

    See Also
    --------
    Maxout : The other channel-reducing activation.
    get_activation : Resolve an activation name, ``"glu"`` included.

    References
    ----------
    .. [1] Y. N. Dauphin, A. Fan, M. Auli and D. Grangier, "Language modeling
       with gated convolutional networks", ICML 2017.

    Examples
    --------
    >>> import keras
    >>> import numpy as np
    >>> from sigconv.networks import GLU
    >>> x = np.array([[1.0, 2.0, 0.0, 0.0]], dtype="float32")
    >>> keras.ops.convert_to_numpy(GLU()(x))  # [1, 2] * sigmoid([0, 0])
    array([[0.5, 1. ]], dtype=float32)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = _check_axis(axis)
        self.supports_masking = True

    def build(self, input_shape):
        size = _static_size(input_shape, self.axis, self)
        if size % 2:
            raise ValueError(
                f"GLU layer {self.name!r} splits axis {self.axis} in two halves, so its size must "
                f"be even; got input_shape={tuple(input_shape)}."
            )
        self.built = True

    def call(self, inputs):
        a, b = ops.split(inputs, 2, axis=self.axis)
        return a * ops.sigmoid(b)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        if shape[self.axis] is not None:
            shape[self.axis] = shape[self.axis] // 2
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


@keras.saving.register_keras_serializable(package="sigconv")
class Maxout(keras.layers.Layer):
    """Maxout: the maximum over ``n_pieces`` consecutive channels.

    Output channel ``j`` is ``max(x[..., j * n_pieces : (j + 1) * n_pieces])``,
    so the channel axis shrinks by a factor ``n_pieces``.

    Parameters
    ----------
    n_pieces : int, default=2
        Number of linear pieces per output unit (``k`` in the paper); the
        size of ``axis`` must be a multiple of it.
    axis : int, default=-1
        The channel axis.
    **kwargs
        Base layer arguments (``name``, ``dtype``, ...).

    See Also
    --------
    GLU : The other channel-reducing activation.
    get_activation : Resolve an activation name, ``"maxout"`` included.

    References
    ----------
    .. [1] I. J. Goodfellow, D. Warde-Farley, M. Mirza, A. Courville and
       Y. Bengio, "Maxout networks", ICML 2013.

    Examples
    --------
    >>> import keras
    >>> import numpy as np
    >>> from sigconv.networks import Maxout
    >>> x = np.array([[1.0, 5.0, 3.0, 2.0]], dtype="float32")
    >>> keras.ops.convert_to_numpy(Maxout(n_pieces=2)(x))
    array([[5., 3.]], dtype=float32)
    """

    def __init__(self, n_pieces=2, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.n_pieces = check_positive_int(n_pieces, "n_pieces")
        self.axis = _check_axis(axis)
        self.supports_masking = True

    def build(self, input_shape):
        size = _static_size(input_shape, self.axis, self)
        if size % self.n_pieces:
            raise ValueError(
                f"Maxout layer {self.name!r} needs the size of axis {self.axis} to be a multiple "
                f"of n_pieces={self.n_pieces}; got input_shape={tuple(input_shape)}."
            )
        self.built = True

    def call(self, inputs):
        x = ops.moveaxis(inputs, self.axis, -1)
        shape = ops.shape(x)
        units = shape[-1] // self.n_pieces
        x = ops.reshape(x, (*shape[:-1], units, self.n_pieces))
        return ops.moveaxis(ops.max(x, axis=-1), -1, self.axis)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        if shape[self.axis] is not None:
            shape[self.axis] = shape[self.axis] // self.n_pieces
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "n_pieces": self.n_pieces, "axis": self.axis}


def _check_activation(activation, name="activation"):
    if isinstance(activation, keras.layers.Layer):
        return activation
    if isinstance(activation, str) and activation in ACTIVATIONS:
        return activation
    shown = ", ".join(repr(option) for option in ACTIVATIONS)
    raise ValueError(
        f"{name} must be one of {{{shown}}} or a keras.layers.Layer instance (a template, "
        f"e.g. keras.layers.LeakyReLU(negative_slope=0.1)); got {name}={activation!r}."
    )


def get_activation(activation, *, name=None):
    """Return a new activation layer for a name or a layer template.

    Parameters
    ----------
    activation : str or keras.layers.Layer
        One of :data:`ACTIVATIONS` (``"leaky_relu"`` uses the Keras default
        slope 0.3; ``"maxout"`` uses two pieces), or a layer instance used
        as a template: the result is a fresh layer built from its config,
        so one template can serve many places of a network.
    name : str, optional
        Name of the new layer.

    Returns
    -------
    layer : keras.layers.Layer
        A new, unbuilt layer.

    See Also
    --------
    activation_channel_factor : How much wider the layer before it must be.

    Examples
    --------
    >>> import keras
    >>> from sigconv.networks import get_activation
    >>> get_activation("glu", name="block0_act")
    <GLU name=block0_act, built=False>
    >>> layer = get_activation(keras.layers.LeakyReLU(negative_slope=0.1), name="act")
    >>> float(layer.negative_slope)
    0.1
    """
    activation = _check_activation(activation)
    if isinstance(activation, keras.layers.Layer):
        config = activation.get_config()
        if name is not None:
            config["name"] = name
        else:
            config.pop("name", None)
        return activation.__class__.from_config(config)
    if activation in _KERAS_ELEMENTWISE:
        return keras.layers.Activation(activation, name=name)
    if activation == "leaky_relu":
        return keras.layers.LeakyReLU(name=name)
    if activation == "glu":
        return GLU(name=name)
    return Maxout(name=name)


def activation_channel_factor(activation):
    """Return how many input channels the activation needs per output channel.

    2 for GLU, ``n_pieces`` for Maxout, 1 for element-wise activations.
    Builders multiply the width of the layer feeding the activation by this
    factor, so ``filters`` counts the channels after the activation.

    Parameters
    ----------
    activation : str or keras.layers.Layer
        As for :func:`get_activation`.

    Returns
    -------
    factor : int

    Examples
    --------
    >>> from sigconv.networks import Maxout, activation_channel_factor
    >>> activation_channel_factor("relu"), activation_channel_factor("glu")
    (1, 2)
    >>> activation_channel_factor(Maxout(n_pieces=3))
    3
    """
    activation = _check_activation(activation)
    if isinstance(activation, keras.layers.Layer):
        layer = activation
    elif activation == "glu":
        layer = GLU()
    elif activation == "maxout":
        layer = Maxout()
    else:
        return 1
    if isinstance(layer, (GLU, Maxout)):
        if layer.axis != -1:
            raise ValueError(
                "Network builders apply activations on the channel axis (-1); a "
                f"{type(layer).__name__} template on another axis would reduce a different "
                f"axis; got activation={type(layer).__name__}(axis={layer.axis})."
            )
        return 2 if isinstance(layer, GLU) else layer.n_pieces
    return 1
