"""A plain, configurable convolutional network: conv/pool stacks then dense layers, for series and images."""

import keras

from ..validation import (
    check_input_shape,
    check_int_tuple,
    check_name,
    check_positive_int,
    check_rate,
)
from .activations import _check_activation, activation_channel_factor, get_activation

__all__ = ["build_convnet", "build_image_convnet"]


def build_convnet(
    n_timepoints,
    n_channels,
    *,
    conv_filters=(32, 64),
    kernel_size=3,
    pool_size=2,
    dense_units=(128,),
    dropout=0.0,
    activation="relu",
    name="convnet",
):
    """Build a plain ConvNet, as in the classic Keras examples, headless.

    For each entry of ``conv_filters``: a convolution (``"same"`` padding),
    the activation, max pooling by ``pool_size`` and, if ``dropout > 0``,
    dropout. Then, if ``dense_units`` is not empty, the feature map is
    flattened and passed through dense layers, each followed by the
    activation and dropout. Without dense layers the output is the last
    feature map, which allows variable-length input.

    Parameters
    ----------
    n_timepoints : int or None
        Length of the series; None for variable length (only with
        ``dense_units=()``: flattening needs a fixed length).
    n_channels : int
        Number of channels (input is channel-last ``(n_timepoints, n_channels)``).
    conv_filters : tuple of int, default=(32, 64)
        Output channels of each convolution.
    kernel_size : int, default=3
        Kernel length of the convolutions.
    pool_size : int, default=2
        Max-pooling size and stride after each convolution (1 for none).
    dense_units : tuple of int, default=(128,)
        Units of the dense layers after flattening; ``()`` for none.
    dropout : float, default=0.0
        Dropout rate after each pooling and each dense layer, in [0, 1).
    activation : str or keras.layers.Layer, default="relu"
        See :func:`~sigconv.networks.get_activation`.
    name : str, default="convnet"
        Model name and prefix of the layer names (``{name}_block{i}_conv``,
        ``{name}_dense{j}``).

    Returns
    -------
    model : keras.Model
        Headless model, output of shape ``(batch, dense_units[-1])``, or
        ``(batch, n_timepoints // pool_size ** len(conv_filters), conv_filters[-1])``
        when ``dense_units=()``.

    References
    ----------
    .. [1] Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based
       learning applied to document recognition", Proceedings of the IEEE
       86(11), 1998.
    .. [2] F. Chollet, "Simple MNIST convnet", Keras code examples, 2015.

    Examples
    --------
    >>> from sigconv.networks import build_convnet
    >>> build_convnet(64, 2, conv_filters=(4, 8), dense_units=(16,)).output.shape
    (None, 16)
    >>> build_convnet(None, 2, conv_filters=(4, 8), dense_units=()).output.shape
    (None, None, 8)
    """
    n_timepoints, n_channels = check_input_shape(n_timepoints, n_channels)
    conv_filters = check_int_tuple(conv_filters, "conv_filters")
    kernel_size = check_positive_int(kernel_size, "kernel_size")
    pool_size = check_positive_int(pool_size, "pool_size")
    dense_units = check_int_tuple(dense_units, "dense_units", allow_empty=True)
    dropout = check_rate(dropout, "dropout")
    activation = _check_activation(activation)
    name = check_name(name)
    if n_timepoints is None and dense_units:
        raise ValueError(
            "build_convnet flattens the feature map before the dense layers, which needs a fixed "
            f"n_timepoints; got n_timepoints=None, dense_units={dense_units!r}. Give n_timepoints, "
            "or set dense_units=() to keep the time axis."
        )
    min_length = pool_size ** len(conv_filters)
    if n_timepoints is not None and n_timepoints < min_length:
        raise ValueError(
            f"build_convnet pools {len(conv_filters)} times by pool_size={pool_size}, so "
            f"n_timepoints must be >= pool_size ** len(conv_filters) = {min_length}; got "
            f"n_timepoints={n_timepoints}. Use fewer convolutions or a smaller pool_size."
        )

    inputs = keras.Input((n_timepoints, n_channels), name=f"{name}_input")
    x = _conv_pool_dense(
        inputs, keras.layers.Conv1D, keras.layers.MaxPooling1D, conv_filters=conv_filters,
        kernel_size=kernel_size, pool_size=pool_size, dense_units=dense_units, dropout=dropout,
        activation=activation, name=name,
    )
    return keras.Model(inputs, x, name=name)


def build_image_convnet(
    height,
    width,
    n_channels,
    *,
    conv_filters=(32, 64),
    kernel_size=3,
    pool_size=2,
    dense_units=(128,),
    dropout=0.0,
    activation="relu",
    name="image_convnet",
):
    """Build the plain ConvNet of :func:`build_convnet` for images, headless.

    The same stack in two dimensions: for each entry of ``conv_filters`` a
    ``kernel_size x kernel_size`` convolution (``"same"`` padding), the
    activation, ``pool_size x pool_size`` max pooling and optional dropout;
    then, if ``dense_units`` is not empty, flattening and dense layers. It
    is the small network trained from scratch on signal images (the
    "conv / pool / dense" network of the classic examples).

    Parameters
    ----------
    height, width : int
        Image size; each at least ``pool_size ** len(conv_filters)``.
    n_channels : int
        Image channels (input is channel-last ``(height, width, n_channels)``).
    conv_filters : tuple of int, default=(32, 64)
        Output channels of each convolution.
    kernel_size : int, default=3
        Height and width of the convolution kernels.
    pool_size : int, default=2
        Max-pooling size and stride after each convolution (1 for none).
    dense_units : tuple of int, default=(128,)
        Units of the dense layers after flattening; ``()`` for none.
    dropout : float, default=0.0
        Dropout rate after each pooling and each dense layer, in [0, 1).
    activation : str or keras.layers.Layer, default="relu"
        See :func:`~sigconv.networks.get_activation`.
    name : str, default="image_convnet"
        Model name and prefix of the layer names.

    Returns
    -------
    model : keras.Model
        Headless model, output ``(batch, dense_units[-1])``, or the last
        feature map ``(batch, height', width', conv_filters[-1])`` when
        ``dense_units=()``.

    See Also
    --------
    build_convnet : The same network for series.

    Examples
    --------
    >>> from sigconv.networks import build_image_convnet
    >>> build_image_convnet(32, 32, 3, conv_filters=(4, 8), dense_units=(16,)).output.shape
    (None, 16)
    >>> build_image_convnet(32, 32, 1, conv_filters=(4,), dense_units=()).output.shape
    (None, 16, 16, 4)
    """
    height = check_positive_int(height, "height")
    width = check_positive_int(width, "width")
    n_channels = check_positive_int(n_channels, "n_channels")
    conv_filters = check_int_tuple(conv_filters, "conv_filters")
    kernel_size = check_positive_int(kernel_size, "kernel_size")
    pool_size = check_positive_int(pool_size, "pool_size")
    dense_units = check_int_tuple(dense_units, "dense_units", allow_empty=True)
    dropout = check_rate(dropout, "dropout")
    activation = _check_activation(activation)
    name = check_name(name)
    min_size = pool_size ** len(conv_filters)
    if min(height, width) < min_size:
        raise ValueError(
            f"build_image_convnet pools {len(conv_filters)} times by pool_size={pool_size}, so "
            f"images must be at least pool_size ** len(conv_filters) = {min_size} pixels high and "
            f"wide; got height={height}, width={width}. Use larger images, fewer convolutions or "
            "a smaller pool_size."
        )

    inputs = keras.Input((height, width, n_channels), name=f"{name}_input")
    x = _conv_pool_dense(
        inputs, keras.layers.Conv2D, keras.layers.MaxPooling2D, conv_filters=conv_filters,
        kernel_size=kernel_size, pool_size=pool_size, dense_units=dense_units, dropout=dropout,
        activation=activation, name=name,
    )
    return keras.Model(inputs, x, name=name)


def _conv_pool_dense(x, conv, pool, *, conv_filters, kernel_size, pool_size, dense_units, dropout, activation, name):
    """The lectures' stack, 1D or 2D by the ``conv`` and ``pool`` layer classes given."""
    factor = activation_channel_factor(activation)
    for i, n_filters in enumerate(conv_filters):
        prefix = f"{name}_block{i}"
        x = conv(n_filters * factor, kernel_size, padding="same", name=f"{prefix}_conv")(x)
        x = get_activation(activation, name=f"{prefix}_act")(x)
        if pool_size > 1:
            x = pool(pool_size, name=f"{prefix}_pool")(x)
        if dropout > 0:
            x = keras.layers.Dropout(dropout, name=f"{prefix}_dropout")(x)
    if dense_units:
        x = keras.layers.Flatten(name=f"{name}_flatten")(x)
    for j, n_units in enumerate(dense_units):
        x = keras.layers.Dense(n_units * factor, name=f"{name}_dense{j}")(x)
        x = get_activation(activation, name=f"{name}_dense{j}_act")(x)
        if dropout > 0:
            x = keras.layers.Dropout(dropout, name=f"{name}_dense{j}_dropout")(x)
    return x
