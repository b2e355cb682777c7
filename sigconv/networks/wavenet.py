"""WaveNet: a causal stack of gated dilated convolutions."""

import keras

from ..validation import check_input_shape, check_name, check_positive_int
from .blocks import apply_wavenet_block

__all__ = ["build_wavenet", "wavenet_receptive_field"]


def wavenet_receptive_field(*, kernel_size=2, n_layers_per_stack=4, n_stacks=2):
    """Number of input steps that one output step of :func:`build_wavenet` sees.

    The input causal convolution sees ``kernel_size`` steps and each gated
    block with dilation ``d`` adds ``(kernel_size - 1) * d``; dilations are
    ``1, 2, ..., 2 ** (n_layers_per_stack - 1)`` in each stack, so the field
    is ``1 + (kernel_size - 1) * (1 + n_stacks * (2 ** n_layers_per_stack - 1))``.

    Parameters
    ----------
    kernel_size : int, default=2
        As for :func:`build_wavenet`.
    n_layers_per_stack : int, default=4
        As for :func:`build_wavenet`.
    n_stacks : int, default=2
        As for :func:`build_wavenet`.

    Returns
    -------
    receptive_field : int
        Output step ``t`` depends on input steps ``t - receptive_field + 1``
        to ``t``.

    Examples
    --------
    >>> from sigconv.networks import wavenet_receptive_field
    >>> wavenet_receptive_field(kernel_size=2, n_layers_per_stack=4, n_stacks=2)
    32
    """
    kernel_size = check_positive_int(kernel_size, "kernel_size")
    n_layers_per_stack = check_positive_int(n_layers_per_stack, "n_layers_per_stack")
    n_stacks = check_positive_int(n_stacks, "n_stacks")
    return 1 + (kernel_size - 1) * (1 + n_stacks * (2**n_layers_per_stack - 1))


def build_wavenet(
    n_timepoints,
    n_channels,
    *,
    n_filters=32,
    kernel_size=2,
    n_layers_per_stack=4,
    n_stacks=2,
    n_skip_filters=None,
    name="wavenet",
):
    """Build a WaveNet of van den Oord et al. (2016), headless and causal.

    A causal convolution projects the input to ``n_filters`` channels; then
    ``n_stacks`` stacks of ``n_layers_per_stack`` gated residual blocks
    (:func:`~sigconv.networks.apply_wavenet_block`) with dilations
    ``1, 2, 4, ..., 2 ** (n_layers_per_stack - 1)``. The skip outputs of all
    blocks are summed, passed through ReLU, a 1x1 convolution and ReLU. Every
    layer is causal or per-step, so output step ``t`` depends only on input
    steps ``<= t`` (see :func:`wavenet_receptive_field`). Add
    :func:`~sigconv.networks.add_forecasting_head` for next-step forecasting
    or :func:`~sigconv.networks.add_classification_head` for classification.

    Parameters
    ----------
    n_timepoints : int or None
        Length of the series; None for variable length.
    n_channels : int
        Number of channels (input is channel-last ``(n_timepoints, n_channels)``).
    n_filters : int, default=32
        Residual channels of the blocks.
    kernel_size : int, default=2
        Length of the causal convolutions.
    n_layers_per_stack : int, default=4
        Blocks per stack; the dilation doubles from 1 within a stack.
    n_stacks : int, default=2
        Number of stacks.
    n_skip_filters : int or None, default=None
        Channels of the skip connections and of the output; None for
        ``n_filters``.
    name : str, default="wavenet"
        Model name and prefix of the layer names
        (``{name}_stack{s}_block{i}_filter_conv``).

    Returns
    -------
    model : keras.Model
        Headless model, output of shape ``(batch, n_timepoints, n_skip_filters)``.

    References
    ----------
    .. [1] A. van den Oord, S. Dieleman, H. Zen, K. Simonyan, O. Vinyals,
       A. Graves, N. Kalchbrenner, A. Senior and K. Kavukcuoglu, "WaveNet: a
       generative model for raw audio", arXiv:1609.03499, 2016.

    Examples
    --------
    >>> from sigconv.networks import build_wavenet
    >>> model = build_wavenet(None, 1, n_filters=4, n_layers_per_stack=3, n_stacks=1)
    >>> model.output.shape
    (None, None, 4)
    """
    n_timepoints, n_channels = check_input_shape(n_timepoints, n_channels)
    n_filters = check_positive_int(n_filters, "n_filters")
    kernel_size = check_positive_int(kernel_size, "kernel_size")
    n_layers_per_stack = check_positive_int(n_layers_per_stack, "n_layers_per_stack")
    n_stacks = check_positive_int(n_stacks, "n_stacks")
    n_skip_filters = check_positive_int(n_skip_filters, "n_skip_filters", allow_none=True)
    n_skip_filters = n_filters if n_skip_filters is None else n_skip_filters
    name = check_name(name)

    inputs = keras.Input((n_timepoints, n_channels), name=f"{name}_input")
    x = keras.layers.Conv1D(n_filters, kernel_size, padding="causal", name=f"{name}_input_conv")(inputs)
    skips = []
    for s in range(n_stacks):
        for i in range(n_layers_per_stack):
            x, skip = apply_wavenet_block(
                x,
                n_filters=n_filters,
                kernel_size=kernel_size,
                dilation_rate=2**i,
                n_skip_filters=n_skip_filters,
                name=f"{name}_stack{s}_block{i}",
            )
            skips.append(skip)
    y = keras.layers.Add(name=f"{name}_skip_add")(skips) if len(skips) > 1 else skips[0]
    y = keras.layers.Activation("relu", name=f"{name}_skip_act")(y)
    y = keras.layers.Conv1D(n_skip_filters, 1, name=f"{name}_out_conv")(y)
    y = keras.layers.Activation("relu", name=f"{name}_out_act")(y)
    return keras.Model(inputs, y, name=name)
