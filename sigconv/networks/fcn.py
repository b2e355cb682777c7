"""Fully convolutional network (FCN) for time series."""

import keras

from ..validation import check_input_shape, check_int_tuple, check_name, check_same_length
from .activations import _check_activation
from .blocks import apply_conv_block

__all__ = ["build_fcn"]


def build_fcn(
    n_timepoints,
    n_channels,
    *,
    filters=(128, 256, 128),
    kernel_sizes=(8, 5, 3),
    activation="relu",
    name="fcn",
):
    """Build the fully convolutional network of Wang et al. (2017), headless.

    A stack of convolution, batch normalization and activation blocks with
    ``"same"`` padding. The output is the last feature map, so a class
    activation map can be computed from it;
    :func:`~sigconv.networks.add_classification_head` adds the global average
    pooling and softmax of the original network.

    Parameters
    ----------
    n_timepoints : int or None
        Length of the series; None for variable length.
    n_channels : int
        Number of channels (input is channel-last ``(n_timepoints, n_channels)``).
    filters : tuple of int, default=(128, 256, 128)
        Output channels of each block.
    kernel_sizes : tuple of int, default=(8, 5, 3)
        Kernel length of each block; one per entry of ``filters``.
    activation : str or keras.layers.Layer, default="relu"
        See :func:`~sigconv.networks.get_activation`.
    name : str, default="fcn"
        Model name and prefix of the layer names (``{name}_block{i}_conv``).

    Returns
    -------
    model : keras.Model
        Headless model, output of shape ``(batch, n_timepoints, filters[-1])``.

    See Also
    --------
    build_resnet : The same units with residual connections.

    References
    ----------
    .. [1] Z. Wang, W. Yan and T. Oates, "Time series classification from
       scratch with deep neural networks: a strong baseline", IJCNN 2017.

    Examples
    --------
    >>> from sigconv.networks import build_fcn
    >>> model = build_fcn(100, 3, filters=(8, 16, 8))
    >>> model.output.shape
    (None, 100, 8)
    """
    n_timepoints, n_channels = check_input_shape(n_timepoints, n_channels)
    filters = check_int_tuple(filters, "filters")
    kernel_sizes = check_int_tuple(kernel_sizes, "kernel_sizes")
    check_same_length(filters, "filters", kernel_sizes, "kernel_sizes")
    activation = _check_activation(activation)
    name = check_name(name)

    inputs = keras.Input((n_timepoints, n_channels), name=f"{name}_input")
    x = inputs
    for i, (n_filters, kernel_size) in enumerate(zip(filters, kernel_sizes)):
        x = apply_conv_block(
            x, filters=n_filters, kernel_size=kernel_size, activation=activation, name=f"{name}_block{i}"
        )
    return keras.Model(inputs, x, name=name)
