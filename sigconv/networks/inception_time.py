"""InceptionTime network for time series."""

import keras

from ..validation import check_bool, check_input_shape, check_int_tuple, check_name, check_positive_int
from .blocks import _shortcut, apply_inception_module

__all__ = ["build_inception_time"]


def build_inception_time(
    n_timepoints,
    n_channels,
    *,
    depth=6,
    n_filters=32,
    bottleneck_size=32,
    use_bottleneck=True,
    kernel_sizes=(40, 20, 10),
    use_residual=True,
    name="inception_time",
):
    """Build one InceptionTime network of Fawaz et al. (2020), headless.

    ``depth`` inception modules (:func:`~sigconv.networks.apply_inception_module`);
    with ``use_residual``, after every third module the output is added to a
    shortcut from the input of the three modules (1x1 convolution without
    bias, batch normalization) and passed through ReLU, as in the original
    code. InceptionTime proper is an ensemble of five such networks; the
    ensemble belongs to the estimator. The output is the last feature map.

    Parameters
    ----------
    n_timepoints : int or None
        Length of the series; None for variable length.
    n_channels : int
        Number of channels (input is channel-last ``(n_timepoints, n_channels)``).
    depth : int, default=6
        Number of inception modules.
    n_filters : int, default=32
        Channels of each branch of a module.
    bottleneck_size : int, default=32
        Channels of the bottleneck convolutions.
    use_bottleneck : bool, default=True
        Whether modules start with a bottleneck; as in the original, it is
        skipped on a single-channel input (the first module of a univariate
        network).
    kernel_sizes : tuple of int, default=(40, 20, 10)
        Kernel lengths of the parallel convolutions.
    use_residual : bool, default=True
        Whether to add a shortcut every three modules.
    name : str, default="inception_time"
        Model name and prefix of the layer names (``{name}_module{i}_conv{j}``,
        ``{name}_residual{k}_add``).

    Returns
    -------
    model : keras.Model
        Headless model, output of shape
        ``(batch, n_timepoints, (len(kernel_sizes) + 1) * n_filters)``.

    References
    ----------
    .. [1] H. Ismail Fawaz, B. Lucas, G. Forestier, C. Pelletier, D. F.
       Schmidt, J. Weber, G. I. Webb, L. Idoumghar, P.-A. Muller and
       F. Petitjean, "InceptionTime: finding AlexNet for time series
       classification", Data Mining and Knowledge Discovery 34, 2020.

    Examples
    --------
    >>> from sigconv.networks import build_inception_time
    >>> model = build_inception_time(64, 1, depth=3, n_filters=4, bottleneck_size=4, kernel_sizes=(9, 5, 3))
    >>> model.output.shape
    (None, 64, 16)
    """
    n_timepoints, n_channels = check_input_shape(n_timepoints, n_channels)
    depth = check_positive_int(depth, "depth")
    n_filters = check_positive_int(n_filters, "n_filters")
    bottleneck_size = check_positive_int(bottleneck_size, "bottleneck_size")
    use_bottleneck = check_bool(use_bottleneck, "use_bottleneck")
    kernel_sizes = check_int_tuple(kernel_sizes, "kernel_sizes")
    use_residual = check_bool(use_residual, "use_residual")
    name = check_name(name)

    inputs = keras.Input((n_timepoints, n_channels), name=f"{name}_input")
    x = residual_input = inputs
    for i in range(depth):
        x = apply_inception_module(
            x,
            n_filters=n_filters,
            kernel_sizes=kernel_sizes,
            bottleneck_size=bottleneck_size,
            use_bottleneck=use_bottleneck,
            name=f"{name}_module{i}",
        )
        if use_residual and i % 3 == 2:
            prefix = f"{name}_residual{i // 3}"
            shortcut = _shortcut(
                residual_input, channels=x.shape[-1], always_project=True, name=prefix, use_bias=False
            )
            x = keras.layers.Add(name=f"{prefix}_add")([shortcut, x])
            x = keras.layers.Activation("relu", name=f"{prefix}_act")(x)
            residual_input = x
    return keras.Model(inputs, x, name=name)
