"""Reusable blocks of the 1D networks, as functions on Keras tensors.

Each block is ``apply_*(x, *, ..., name=)``: it takes a channel-last tensor
``(batch, time, channels)``, creates its layers (every one named after
``name``) and returns the output tensor(s). The builders of
:mod:`sigconv.networks` are stacks of these blocks; they are public so that
a new network can reuse them.

Layer names, for a block called ``"net_block0"``:

- :func:`apply_conv_block`: ``net_block0_conv``, ``_bn``, ``_act``;
- :func:`apply_residual_block`: ``_conv{i}``, ``_bn{i}``, ``_act{i}``,
  ``_shortcut_conv``, ``_shortcut_bn``, ``_add``, ``_out_act``;
- :func:`apply_inception_module`: ``_bottleneck``, ``_conv{i}``,
  ``_maxpool``, ``_maxpool_conv``, ``_concat``, ``_bn``, ``_act``;
- :func:`apply_wavenet_block`: ``_filter_conv``, ``_gate_conv``, ``_gated``,
  ``_residual_conv``, ``_add``, ``_skip_conv``;
- :func:`apply_dense_block`: ``_layer{i}_bn``, ``_layer{i}_act``, ...,
  ``_layer{i}_conv``, ``_layer{i}_concat``.
"""

import keras

from ..validation import (
    check_bool,
    check_int_tuple,
    check_name,
    check_option,
    check_positive_int,
)
from .activations import _check_activation, activation_channel_factor, get_activation

__all__ = [
    "BN_MOMENTUM",
    "apply_conv_block",
    "apply_dense_block",
    "apply_inception_module",
    "apply_residual_block",
    "apply_wavenet_block",
]

#: Momentum of every batch normalization layer's moving mean and variance
#: (Keras' default is 0.99, PyTorch's 0.9 in these terms). At 0.99 the moving
#: statistics need several hundred steps to forget their initial values, so a
#: short fit predicted with statistics far from its own (docs/estimators.md,
#: "Training defaults", batch normalization); at 0.9 they follow the last ten
#: or so batches.
BN_MOMENTUM = 0.9


def _check_sequence_tensor(x, block):
    shape = getattr(x, "shape", None)
    if shape is None or len(shape) != 3:
        raise ValueError(
            f"{block} needs a channel-last sequence tensor of shape (batch, time, channels); "
            f"got x with shape {shape}."
        )
    if shape[-1] is None:
        raise ValueError(
            f"{block} needs a known number of channels (the last axis); got x with shape {shape}."
        )
    return shape


def _check_block_activation(activation, allow_none=True):
    if activation is None and allow_none:
        return None
    return _check_activation(activation)


def _conv_bn_act(
    x,
    *,
    filters,
    kernel_size,
    activation,
    conv_name,
    bn_name,
    act_name,
    strides=1,
    dilation_rate=1,
    padding="same",
    use_bias=True,
    use_batch_norm=True,
):
    """Conv1D -> BatchNorm -> activation, the conv widened for GLU / Maxout."""
    factor = 1 if activation is None else activation_channel_factor(activation)
    x = keras.layers.Conv1D(
        filters * factor,
        kernel_size,
        strides=strides,
        padding=padding,
        dilation_rate=dilation_rate,
        use_bias=use_bias,
        name=conv_name,
    )(x)
    if use_batch_norm:
        x = keras.layers.BatchNormalization(momentum=BN_MOMENTUM, name=bn_name)(x)
    if activation is not None:
        x = get_activation(activation, name=act_name)(x)
    return x


def apply_conv_block(
    x,
    *,
    filters,
    kernel_size,
    strides=1,
    dilation_rate=1,
    padding="same",
    use_bias=True,
    use_batch_norm=True,
    activation="relu",
    name,
):
    """Convolution, batch normalization, activation.

    The unit of FCN [1]_ and of the residual blocks of ResNet.

    Parameters
    ----------
    x : KerasTensor of shape (batch, time, channels)
        Input feature map.
    filters : int
        Output channels (after the activation: the convolution is made
        ``activation_channel_factor(activation)`` times wider for GLU and
        Maxout).
    kernel_size : int
        Length of the convolution kernel.
    strides : int, default=1
        Convolution stride.
    dilation_rate : int, default=1
        Convolution dilation.
    padding : {"same", "valid", "causal"}, default="same"
        Convolution padding.
    use_bias : bool, default=True
        Whether the convolution has a bias (redundant before batch
        normalization, kept by default as in the reference implementations).
    use_batch_norm : bool, default=True
        Whether to normalize the convolution output.
    activation : str, keras.layers.Layer or None, default="relu"
        See :func:`~sigconv.networks.get_activation`; None for no activation.
    name : str
        Prefix of the layer names: ``{name}_conv``, ``{name}_bn``,
        ``{name}_act``.

    Returns
    -------
    y : KerasTensor of shape (batch, time', filters)
        ``time' = time`` with ``"same"`` or ``"causal"`` padding and stride 1.

    References
    ----------
    .. [1] Z. Wang, W. Yan and T. Oates, "Time series classification from
       scratch with deep neural networks: a strong baseline", IJCNN 2017.

    Examples
    --------
    >>> import keras
    >>> from sigconv.networks import apply_conv_block
    >>> x = keras.Input((50, 3))
    >>> apply_conv_block(x, filters=8, kernel_size=5, activation="glu", name="b0").shape
    (None, 50, 8)
    """
    _check_sequence_tensor(x, "apply_conv_block")
    return _conv_bn_act(
        x,
        filters=check_positive_int(filters, "filters"),
        kernel_size=check_positive_int(kernel_size, "kernel_size"),
        strides=check_positive_int(strides, "strides"),
        dilation_rate=check_positive_int(dilation_rate, "dilation_rate"),
        padding=check_option(padding, "padding", ("same", "valid", "causal")),
        use_bias=check_bool(use_bias, "use_bias"),
        use_batch_norm=check_bool(use_batch_norm, "use_batch_norm"),
        activation=_check_block_activation(activation),
        conv_name=f"{check_name(name)}_conv",
        bn_name=f"{name}_bn",
        act_name=f"{name}_act",
    )


def _shortcut(x, *, channels, always_project, name, use_bias=True):
    """The residual path: 1x1 conv + BN when projecting, BN alone otherwise."""
    if always_project or x.shape[-1] != channels:
        x = keras.layers.Conv1D(
            channels, 1, padding="same", use_bias=use_bias, name=f"{name}_shortcut_conv"
        )(x)
    return keras.layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"{name}_shortcut_bn")(x)


def apply_residual_block(x, *, filters, kernel_sizes=(8, 5, 3), activation="relu", dilation_rate=1, name):
    """Residual block of the time-series ResNet: convolutions plus a shortcut.

    ``len(kernel_sizes)`` conv-BN-activation units, the last without its
    activation, added to a shortcut (a 1x1 convolution and batch
    normalization when the channel count changes, batch normalization alone
    otherwise, as in [2]_), then the activation.

    Parameters
    ----------
    x : KerasTensor of shape (batch, time, channels)
        Input feature map.
    filters : int
        Output channels (after the activation).
    kernel_sizes : tuple of int, default=(8, 5, 3)
        One kernel length per convolution.
    activation : str or keras.layers.Layer, default="relu"
        See :func:`~sigconv.networks.get_activation`.
    dilation_rate : int, default=1
        Dilation of the convolutions: a kernel of length ``k`` spans
        ``(k - 1) * dilation_rate + 1`` timepoints with the same weights and
        multiply-adds.
    name : str
        Prefix of the layer names.

    Returns
    -------
    y : KerasTensor of shape (batch, time, filters)

    References
    ----------
    .. [1] Z. Wang, W. Yan and T. Oates, "Time series classification from
       scratch with deep neural networks: a strong baseline", IJCNN 2017.
    .. [2] H. Ismail Fawaz, G. Forestier, J. Weber, L. Idoumghar and
       P.-A. Muller, "Deep learning for time series classification: a
       review", Data Mining and Knowledge Discovery 33, 2019.

    Examples
    --------
    >>> import keras
    >>> from sigconv.networks import apply_residual_block
    >>> x = keras.Input((None, 2))
    >>> apply_residual_block(x, filters=4, kernel_sizes=(5, 3), name="res0").shape
    (None, None, 4)
    """
    _check_sequence_tensor(x, "apply_residual_block")
    filters = check_positive_int(filters, "filters")
    kernel_sizes = check_int_tuple(kernel_sizes, "kernel_sizes")
    dilation_rate = check_positive_int(dilation_rate, "dilation_rate")
    activation = _check_block_activation(activation, allow_none=False)
    name = check_name(name)
    factor = activation_channel_factor(activation)
    shortcut = _shortcut(x, channels=filters * factor, always_project=False, name=name)
    y = x
    last = len(kernel_sizes) - 1
    for i, kernel_size in enumerate(kernel_sizes):
        y = _conv_bn_act(
            y,
            # The last unit stays linear and as wide as the pre-activation sum.
            filters=filters * factor if i == last else filters,
            kernel_size=kernel_size,
            dilation_rate=dilation_rate,
            activation=None if i == last else activation,
            conv_name=f"{name}_conv{i}",
            bn_name=f"{name}_bn{i}",
            act_name=f"{name}_act{i}",
        )
    y = keras.layers.Add(name=f"{name}_add")([shortcut, y])
    return get_activation(activation, name=f"{name}_out_act")(y)


def apply_inception_module(
    x,
    *,
    n_filters=32,
    kernel_sizes=(40, 20, 10),
    bottleneck_size=32,
    use_bottleneck=True,
    name,
):
    """Inception module of InceptionTime.

    A 1x1 bottleneck convolution (only when ``use_bottleneck`` and the input
    has more than one channel, as in the original code), parallel
    convolutions of the given lengths on it, a parallel branch of max
    pooling (size 3, stride 1) and 1x1 convolution on the input, the branches
    concatenated, batch normalized and passed through ReLU. The convolutions
    have no bias, as in [1]_.

    Parameters
    ----------
    x : KerasTensor of shape (batch, time, channels)
        Input feature map.
    n_filters : int, default=32
        Channels of each branch.
    kernel_sizes : tuple of int, default=(40, 20, 10)
        One branch per kernel length.
    bottleneck_size : int, default=32
        Channels of the bottleneck convolution.
    use_bottleneck : bool, default=True
        Whether to use the bottleneck (skipped anyway on a single channel).
    name : str
        Prefix of the layer names.

    Returns
    -------
    y : KerasTensor of shape (batch, time, (len(kernel_sizes) + 1) * n_filters)

    References
    ----------
    .. [1] H. Ismail Fawaz, B. Lucas, G. Forestier, C. Pelletier, D. F.
       Schmidt, J. Weber, G. I. Webb, L. Idoumghar, P.-A. Muller and
       F. Petitjean, "InceptionTime: finding AlexNet for time series
       classification", Data Mining and Knowledge Discovery 34, 2020.

    Examples
    --------
    >>> import keras
    >>> from sigconv.networks import apply_inception_module
    >>> x = keras.Input((64, 3))
    >>> apply_inception_module(x, n_filters=4, kernel_sizes=(9, 5), bottleneck_size=4, name="m0").shape
    (None, 64, 12)
    """
    shape = _check_sequence_tensor(x, "apply_inception_module")
    n_filters = check_positive_int(n_filters, "n_filters")
    kernel_sizes = check_int_tuple(kernel_sizes, "kernel_sizes")
    bottleneck_size = check_positive_int(bottleneck_size, "bottleneck_size")
    use_bottleneck = check_bool(use_bottleneck, "use_bottleneck")
    name = check_name(name)
    if use_bottleneck and shape[-1] > 1:
        bottleneck = keras.layers.Conv1D(
            bottleneck_size, 1, padding="same", use_bias=False, name=f"{name}_bottleneck"
        )(x)
    else:
        bottleneck = x
    branches = [
        keras.layers.Conv1D(
            n_filters, kernel_size, padding="same", use_bias=False, name=f"{name}_conv{i}"
        )(bottleneck)
        for i, kernel_size in enumerate(kernel_sizes)
    ]
    pooled = keras.layers.MaxPooling1D(pool_size=3, strides=1, padding="same", name=f"{name}_maxpool")(x)
    pooled = keras.layers.Conv1D(
        n_filters, 1, padding="same", use_bias=False, name=f"{name}_maxpool_conv"
    )(pooled)
    branches.append(pooled)
    y = keras.layers.Concatenate(axis=-1, name=f"{name}_concat")(branches)
    y = keras.layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"{name}_bn")(y)
    return keras.layers.Activation("relu", name=f"{name}_act")(y)


def apply_wavenet_block(x, *, n_filters, kernel_size=2, dilation_rate=1, n_skip_filters=None, name):
    """Gated residual block of WaveNet, causal.

    ``z = tanh(W_f * x) * sigmoid(W_g * x)`` with causal dilated
    convolutions ``*``; the block returns the residual output ``x + 1x1(z)``
    and the skip output ``1x1(z)``. Output step ``t`` only depends on input
    steps ``<= t``.

    Parameters
    ----------
    x : KerasTensor of shape (batch, time, n_filters)
        Input feature map; it must already have ``n_filters`` channels, as
        it is added to the residual projection.
    n_filters : int
        Channels of the gated and residual outputs.
    kernel_size : int, default=2
        Length of the dilated convolutions.
    dilation_rate : int, default=1
        Dilation of the convolutions.
    n_skip_filters : int or None, default=None
        Channels of the skip output; None for ``n_filters``.
    name : str
        Prefix of the layer names.

    Returns
    -------
    residual : KerasTensor of shape (batch, time, n_filters)
        Input of the next block.
    skip : KerasTensor of shape (batch, time, n_skip_filters)
        Contribution to the network output.

    References
    ----------
    .. [1] A. van den Oord, S. Dieleman, H. Zen, K. Simonyan, O. Vinyals,
       A. Graves, N. Kalchbrenner, A. Senior and K. Kavukcuoglu, "WaveNet: a
       generative model for raw audio", arXiv:1609.03499, 2016.

    Examples
    --------
    >>> import keras
    >>> from sigconv.networks import apply_wavenet_block
    >>> x = keras.Input((None, 8))
    >>> residual, skip = apply_wavenet_block(x, n_filters=8, dilation_rate=4, n_skip_filters=16, name="w0")
    >>> residual.shape, skip.shape
    ((None, None, 8), (None, None, 16))
    """
    shape = _check_sequence_tensor(x, "apply_wavenet_block")
    n_filters = check_positive_int(n_filters, "n_filters")
    kernel_size = check_positive_int(kernel_size, "kernel_size")
    dilation_rate = check_positive_int(dilation_rate, "dilation_rate")
    n_skip_filters = check_positive_int(n_skip_filters, "n_skip_filters", allow_none=True)
    name = check_name(name)
    if shape[-1] != n_filters:
        raise ValueError(
            "apply_wavenet_block adds its input to a projection with n_filters channels, so the "
            f"input must have n_filters channels; got n_filters={n_filters}, x with shape {shape}. "
            "Project it first with a causal convolution."
        )
    conv = dict(kernel_size=kernel_size, dilation_rate=dilation_rate, padding="causal")
    filtered = keras.layers.Conv1D(n_filters, activation="tanh", name=f"{name}_filter_conv", **conv)(x)
    gate = keras.layers.Conv1D(n_filters, activation="sigmoid", name=f"{name}_gate_conv", **conv)(x)
    z = keras.layers.Multiply(name=f"{name}_gated")([filtered, gate])
    residual = keras.layers.Conv1D(n_filters, 1, name=f"{name}_residual_conv")(z)
    residual = keras.layers.Add(name=f"{name}_add")([x, residual])
    skip = keras.layers.Conv1D(n_skip_filters or n_filters, 1, name=f"{name}_skip_conv")(z)
    return residual, skip


def apply_dense_block(
    x, *, n_layers, growth_rate, kernel_size=3, use_bottleneck=True, activation="relu", name
):
    """DenseNet block: every layer sees the concatenation of all earlier ones.

    Each layer is batch normalization, activation and convolution
    (pre-activation order), preceded in DenseNet-B by a 1x1 bottleneck
    convolution to ``4 * growth_rate`` channels with its own normalization
    and activation; its ``growth_rate`` output channels are concatenated to
    its input.

    Parameters
    ----------
    x : KerasTensor of shape (batch, time, channels)
        Input feature map.
    n_layers : int
        Number of layers.
    growth_rate : int
        Channels added by each layer (``k`` in the paper).
    kernel_size : int, default=3
        Length of the convolutions.
    use_bottleneck : bool, default=True
        Whether each layer starts with a 1x1 bottleneck (DenseNet-B).
    activation : str or keras.layers.Layer, default="relu"
        An element-wise activation (the pre-activation order applies it to
        the concatenated features, so GLU and Maxout, which change the
        channel count, are refused).
    name : str
        Prefix of the layer names.

    Returns
    -------
    y : KerasTensor of shape (batch, time, channels + n_layers * growth_rate)

    References
    ----------
    .. [1] G. Huang, Z. Liu, L. van der Maaten and K. Q. Weinberger, "Densely
       connected convolutional networks", CVPR 2017.

    Examples
    --------
    >>> import keras
    >>> from sigconv.networks import apply_dense_block
    >>> x = keras.Input((32, 6))
    >>> apply_dense_block(x, n_layers=3, growth_rate=4, name="dense0").shape
    (None, 32, 18)
    """
    _check_sequence_tensor(x, "apply_dense_block")
    n_layers = check_positive_int(n_layers, "n_layers")
    growth_rate = check_positive_int(growth_rate, "growth_rate")
    kernel_size = check_positive_int(kernel_size, "kernel_size")
    use_bottleneck = check_bool(use_bottleneck, "use_bottleneck")
    activation = _check_block_activation(activation, allow_none=False)
    name = check_name(name)
    if activation_channel_factor(activation) != 1:
        raise ValueError(
            "apply_dense_block applies the activation before each convolution, so it needs an "
            "activation that keeps the channel count (not GLU or Maxout); "
            f"got activation={activation!r}."
        )
    for i in range(n_layers):
        prefix = f"{name}_layer{i}"
        y = x
        if use_bottleneck:
            y = keras.layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"{prefix}_bottleneck_bn")(y)
            y = get_activation(activation, name=f"{prefix}_bottleneck_act")(y)
            y = keras.layers.Conv1D(
                4 * growth_rate, 1, use_bias=False, name=f"{prefix}_bottleneck_conv"
            )(y)
        y = keras.layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"{prefix}_bn")(y)
        y = get_activation(activation, name=f"{prefix}_act")(y)
        y = keras.layers.Conv1D(
            growth_rate, kernel_size, padding="same", use_bias=False, name=f"{prefix}_conv"
        )(y)
        x = keras.layers.Concatenate(axis=-1, name=f"{prefix}_concat")([x, y])
    return x
