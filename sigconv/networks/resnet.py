"""Residual network (ResNet) for time series."""

import keras

from ..validation import check_input_shape, check_int_tuple, check_name, check_positive_int
from .activations import _check_activation
from .blocks import apply_residual_block

__all__ = ["build_resnet"]


def build_resnet(
    n_timepoints,
    n_channels,
    *,
    n_filters=64,
    n_blocks=3,
    kernel_sizes=(8, 5, 3),
    dilation_rates=None,
    activation="relu",
    name="resnet",
):
    """Build the time-series ResNet of Wang et al. (2017), headless.

    ``n_blocks`` residual blocks (:func:`~sigconv.networks.apply_residual_block`)
    of ``len(kernel_sizes)`` convolutions each; the first block has
    ``n_filters`` channels and the others ``2 * n_filters`` (64, 128, 128 by
    default, as in the reference implementation of Fawaz et al. 2019). The
    output is the last feature map.

    Parameters
    ----------
    n_timepoints : int or None
        Length of the series; None for variable length.
    n_channels : int
        Number of channels (input is channel-last ``(n_timepoints, n_channels)``).
    n_filters : int, default=64
        Channels of the first block; later blocks have twice as many.
    n_blocks : int, default=3
        Number of residual blocks.
    kernel_sizes : tuple of int, default=(8, 5, 3)
        Kernel lengths of the convolutions inside each block.
    dilation_rates : tuple of int or None, default=None
        Dilation of the convolutions of each block, one per block, e.g.
        ``(1, 2, 4)``: the receptive field grows with the dilations at the
        same number of weights and multiply-adds (with the defaults, from 40
        timepoints to 92). None dilates nothing, as in Wang et al. (2017).
    activation : str or keras.layers.Layer, default="relu"
        See :func:`~sigconv.networks.get_activation`.
    name : str, default="resnet"
        Model name and prefix of the layer names (``{name}_block{i}_conv{j}``).

    Returns
    -------
    model : keras.Model
        Headless model, output of shape ``(batch, n_timepoints, c)`` with
        ``c = n_filters`` if ``n_blocks == 1`` else ``2 * n_filters``.

    See Also
    --------
    build_fcn : The same convolutions without shortcuts.

    References
    ----------
    .. [1] Z. Wang, W. Yan and T. Oates, "Time series classification from
       scratch with deep neural networks: a strong baseline", IJCNN 2017.
    .. [2] H. Ismail Fawaz, G. Forestier, J. Weber, L. Idoumghar and
       P.-A. Muller, "Deep learning for time series classification: a
       review", Data Mining and Knowledge Discovery 33, 2019.

    Examples
    --------
    >>> from sigconv.networks import build_resnet
    >>> model = build_resnet(None, 2, n_filters=4)
    >>> model.output.shape
    (None, None, 8)
    """
    n_timepoints, n_channels = check_input_shape(n_timepoints, n_channels)
    n_filters = check_positive_int(n_filters, "n_filters")
    n_blocks = check_positive_int(n_blocks, "n_blocks")
    kernel_sizes = check_int_tuple(kernel_sizes, "kernel_sizes")
    if dilation_rates is None:
        dilation_rates = (1,) * n_blocks
    dilation_rates = check_int_tuple(dilation_rates, "dilation_rates")
    if len(dilation_rates) != n_blocks:
        raise ValueError(
            f"dilation_rates must have one entry per block (n_blocks={n_blocks}), or be None; "
            f"got dilation_rates={dilation_rates!r}."
        )
    activation = _check_activation(activation)
    name = check_name(name)

    inputs = keras.Input((n_timepoints, n_channels), name=f"{name}_input")
    x = inputs
    for i in range(n_blocks):
        x = apply_residual_block(
            x,
            filters=n_filters if i == 0 else 2 * n_filters,
            kernel_sizes=kernel_sizes,
            activation=activation,
            dilation_rate=dilation_rates[i],
            name=f"{name}_block{i}",
        )
    return keras.Model(inputs, x, name=name)
