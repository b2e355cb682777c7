"""Figures of a trained network: training history, confusion matrix, kernels, activations, CAM and Grad-CAM.

The numbers come from :mod:`sigconv.inspection`; this module only draws them.
"""

import math

import numpy as np

from ..validation import check_int, check_option, check_series

__all__ = [
    "plot_activations",
    "plot_class_activation_map",
    "plot_confusion_matrix",
    "plot_filters",
    "plot_grad_cam",
    "plot_history",
]


def _figure_and_ax(ax, figsize):
    from matplotlib.figure import Figure

    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        return fig, fig.subplots()
    return ax.get_figure(root=True), ax


def plot_history(estimator_or_history, *, ax=None):
    """Draw the loss (and validation loss, metrics) per epoch, and the learning rate.

    Parameters
    ----------
    estimator_or_history : fitted sigconv estimator, keras.callbacks.History or dict
        An estimator's ``history_``, a Keras ``History`` (``model.fit``'s
        return value) or a dict of lists, one value per epoch.
    ax : matplotlib.axes.Axes or None, default=None
        Axes to draw into; a new figure is made when None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One line per entry of the history; ``learning_rate`` goes on a
        second, logarithmic y axis on the right.

    Examples
    --------
    >>> from sigconv.plot import plot_history
    >>> fig = plot_history({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.6]})
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['loss', 'val_loss']
    """
    history = _history(estimator_or_history)
    fig, ax = _figure_and_ax(ax, (6, 3.5))
    for key, values in history.items():
        if key != "learning_rate":
            ax.plot(np.arange(1, len(values) + 1), values, label=key, linewidth=1.2)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if "learning_rate" in history:
        rate = ax.twinx()
        values = history["learning_rate"]
        rate.plot(np.arange(1, len(values) + 1), values, color="0.5", linestyle="--", linewidth=1, label="learning_rate")
        rate.set_yscale("log")
        rate.set_ylabel("learning rate", color="0.4")
    ax.legend(loc="upper right", fontsize=8)
    return fig


def _history(source):
    from ..estimators import BaseDeepEstimator
    from sklearn.utils.validation import check_is_fitted

    if isinstance(source, BaseDeepEstimator):
        check_is_fitted(source, "history_")
        source = source.history_
    elif hasattr(source, "history") and isinstance(source.history, dict):
        source = source.history
    if not isinstance(source, dict) or not source:
        raise TypeError(
            "estimator_or_history must be a fitted sigconv estimator, a keras.callbacks.History or a "
            f"non-empty dict of per-epoch lists; got {type(source).__name__}."
        )
    return {str(key): np.asarray(values, dtype=float) for key, values in source.items()}


def plot_confusion_matrix(y_true, y_pred, *, labels=None, normalize=None, ax=None):
    """Draw the confusion matrix of predictions, one row per true class.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like or None, default=None
        Classes, in display order; None for the sorted classes found in
        ``y_true`` and ``y_pred``.
    normalize : {"true", "pred", "all"} or None, default=None
        Divide by the row sums (recall per class), the column sums
        (precision) or the total; None shows counts. As
        :func:`sklearn.metrics.confusion_matrix`.
    ax : matplotlib.axes.Axes or None, default=None
        Axes to draw into; a new figure is made when None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The matrix as an image, each cell written out.

    Examples
    --------
    >>> from sigconv.plot import plot_confusion_matrix
    >>> fig = plot_confusion_matrix(["a", "b", "b"], ["a", "b", "a"], normalize="true")
    >>> fig.axes[0].images[0].get_array().tolist()
    [[1.0, 0.0], [0.5, 0.5]]
    """
    from sklearn.metrics import confusion_matrix
    from sklearn.utils.multiclass import unique_labels

    normalize = check_option(normalize, "normalize", ("true", "pred", "all", None))
    labels = unique_labels(y_true, y_pred) if labels is None else np.asarray(labels)
    matrix = confusion_matrix(y_true, y_pred, labels=labels, normalize=normalize)
    n = len(labels)
    fig, ax = _figure_and_ax(ax, (1.2 + 0.55 * n, 1.0 + 0.5 * n))
    image = ax.imshow(matrix, cmap="Blues", vmin=0)
    threshold = matrix.max() / 2 if matrix.size else 0
    for (i, j), value in np.ndenumerate(matrix):
        text = f"{value:.2f}" if normalize is not None else f"{int(value)}"
        ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white" if value > threshold else "black")
    ticks = np.arange(n)
    ax.set_xticks(ticks, [str(label) for label in labels], rotation=45 if n > 6 else 0, fontsize=8)
    ax.set_yticks(ticks, [str(label) for label in labels], fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    fig.colorbar(image, ax=ax, shrink=0.8)
    return fig


def _grid(n):
    columns = math.ceil(math.sqrt(n))
    return math.ceil(n / columns), columns


def plot_filters(model_or_estimator, layer=None, *, max_filters=32, fig=None):
    """Draw the kernels of a convolution layer: curves for 1D, images for 2D.

    Parameters
    ----------
    model_or_estimator : fitted sigconv estimator or keras.Model
        The network.
    layer : str or None, default=None
        A ``Conv1D`` or ``Conv2D`` layer; None for the first one.
    max_filters : int, default=32
        Draw the first ``max_filters`` filters (the title says how many the layer has).
    fig : matplotlib.figure.Figure or None, default=None
        Figure to draw into; a new one is made when None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One panel per filter: a 1D kernel as one curve per input channel
        over its taps; a 2D kernel as an image (RGB for three input
        channels, else the mean over input channels on a diverging scale).

    See Also
    --------
    sigconv.inspection.conv_filters : The kernels as an array.

    Examples
    --------
    >>> import keras
    >>> from sigconv.plot import plot_filters
    >>> model = keras.Sequential([keras.Input((32, 1)), keras.layers.Conv1D(6, 5, name="conv")])
    >>> fig = plot_filters(model)
    >>> sum(len(ax.lines) for ax in fig.axes)
    6
    """
    from matplotlib.figure import Figure

    from ..inspection import conv_filters
    from ..inspection._models import conv_layer, model_of

    max_filters = check_int(max_filters, "max_filters", min_value=1)
    found = conv_layer(model_of(model_or_estimator), layer)
    filters = conv_filters(model_or_estimator, found.name)
    shown = filters[:max_filters]
    rows, columns = _grid(len(shown))
    if fig is None:
        fig = Figure(figsize=(1.5 * columns + 0.5, 1.2 * rows + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False).ravel())
    limit = float(np.abs(shown).max()) or 1.0
    for i, ax in enumerate(axes):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= len(shown):
            ax.set_axis_off()
            continue
        kernel = shown[i]
        if kernel.ndim == 2:  # (c_in, k)
            for channel in kernel:
                ax.plot(channel, linewidth=1)
            ax.set_ylim(-1.05 * limit, 1.05 * limit)
        elif kernel.shape[-1] == 3:
            low, high = kernel.min(), kernel.max()
            ax.imshow((kernel - low) / (high - low if high > low else 1.0))
        else:
            ax.imshow(kernel.mean(axis=-1), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"{i}", fontsize=7, pad=2)
    total = len(filters)
    count = f"{total} filters" if total <= max_filters else f"first {max_filters} of {total} filters"
    fig.suptitle(f"{found.name}: {count}", fontsize=10)
    return fig


def _batch_of_one(model_or_estimator, x):
    """``(X, series)``: ``x`` with a batch axis, and its ``(n_channels, n_timepoints)`` series (None for an image)."""
    from ..estimators import BaseDeepEstimator

    x = np.asarray(x)
    if isinstance(model_or_estimator, BaseDeepEstimator):
        X = check_series(x[None], name="x")
        return X, X[0]
    X = x[None].astype(np.float32)
    return X, (X[0].T if X.ndim == 3 else None)


def plot_activations(model_or_estimator, x, layers=None, *, max_channels=16, fig=None):
    """Draw what layers output for one input: curves for 1D layers, image grids for 2D layers.

    Parameters
    ----------
    model_or_estimator : fitted sigconv estimator or keras.Model
        The network.
    x : array-like
        One input without a batch axis: a series ``(n_timepoints,)`` or
        ``(n_channels, n_timepoints)`` for an estimator; an input as the
        model takes it (``(n_timepoints, n_channels)`` or ``(height, width,
        n_channels)``) for a ``keras.Model``.
    layers : list of str or None, default=None
        Layers to draw, one row each; None for every ``Conv1D`` and
        ``Conv2D`` layer.
    max_channels : int, default=16
        Draw the first ``max_channels`` channels of each layer.
    fig : matplotlib.figure.Figure or None, default=None
        Figure to draw into; a new one is made when None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One subfigure per layer: a ``(time, channels)`` output as one curve
        per channel, a ``(height, width, channels)`` output as one image per
        channel, a vector as bars.

    See Also
    --------
    sigconv.inspection.layer_activations : The activations as arrays.

    Examples
    --------
    >>> import keras
    >>> import numpy as np
    >>> from sigconv.plot import plot_activations
    >>> model = keras.Sequential([keras.Input((16, 1)), keras.layers.Conv1D(3, 3, name="conv")])
    >>> fig = plot_activations(model, np.sin(np.linspace(0, 6, 16))[:, None])
    >>> len(fig.axes[0].lines)
    3
    """
    from matplotlib.figure import Figure

    from ..inspection import layer_activations
    from ..inspection._models import CONV_LAYERS, all_layers, model_of

    max_channels = check_int(max_channels, "max_channels", min_value=1)
    model = model_of(model_or_estimator)
    if layers is None:
        layers = [layer.name for layer in all_layers(model) if isinstance(layer, CONV_LAYERS)]
    X, _ = _batch_of_one(model_or_estimator, x)
    activations = layer_activations(model_or_estimator, X, layers=layers)
    widest = max([min(a.shape[-1], max_channels) for a in activations.values() if a.ndim == 4] or [1])
    if fig is None:
        fig = Figure(figsize=(max(6, 1.3 * widest), 1.9 * len(activations)), layout="constrained")
    rows = np.atleast_1d(fig.subfigures(len(activations), 1, squeeze=False).ravel())
    for row, (name, output) in zip(rows, activations.items()):
        output = output[0]
        row.suptitle(f"{name} {tuple(output.shape)}", fontsize=9)
        if output.ndim == 3:
            images = np.moveaxis(output[..., :max_channels], -1, 0)
            for ax, image in zip(np.atleast_1d(row.subplots(1, len(images), squeeze=False).ravel()), images):
                ax.imshow(image, origin="lower", aspect="auto", cmap="viridis")
                ax.set_xticks([])
                ax.set_yticks([])
            continue
        ax = row.subplots()
        if output.ndim == 2:
            ax.plot(output[:, :max_channels], linewidth=0.9)
            ax.set_xlabel("time step", fontsize=8)
        else:
            values = output.ravel()[:max_channels * 8]
            ax.bar(np.arange(len(values)), values, color="#1f5f99")
        ax.tick_params(labelsize=7)
    return fig


def _draw_map(ax, maps, series, image, channel, label):
    """Colour a series (or overlay an image) by a map."""
    from matplotlib.collections import LineCollection

    fig = ax.get_figure(root=True)
    if maps.ndim == 1:
        values = series[channel, : len(maps)]
        t = np.arange(len(values))
        points = np.stack([t, values], axis=1)
        segments = np.stack([points[:-1], points[1:]], axis=1)
        lines = LineCollection(segments, cmap="plasma", linewidth=2.2)
        lines.set_array((maps[:-1] + maps[1:]) / 2)
        lines.set_clim(0, 1)
        ax.add_collection(lines, autolim=True)
        ax.autoscale_view()
        ax.set_xlabel("time step")
        fig.colorbar(lines, ax=ax, label=label)
        return
    if image is not None:
        ax.imshow(image, origin="lower", cmap="gray", aspect="auto")
    overlay = ax.imshow(maps, origin="lower", cmap="jet", alpha=0.45 if image is not None else 1.0, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks([])
    ax.set_yticks([])
    fig.colorbar(overlay, ax=ax, label=label)


def _scaled(maps):
    low, high = float(maps.min()), float(maps.max())
    return (maps - low) / (high - low) if high > low else np.zeros_like(maps)


def _image_under(model_or_estimator, X, channel):
    """The first image of the network for ``X[0]``: the input image, or the first 4D layer output."""
    from ..inspection import layer_activations
    from ..inspection._models import all_layers, model_of

    model = model_of(model_or_estimator)
    if len(model.inputs[0].shape) == 4:
        image = X[0]
    else:
        first = next(layer for layer in all_layers(model) if len(layer.output.shape) == 4)
        image = layer_activations(model_or_estimator, X, layers=[first.name])[first.name][0]
    return image[..., min(channel, image.shape[-1] - 1)]


def _plot_map(model_or_estimator, x, compute, *, channel, ax, title, label):
    X, series = _batch_of_one(model_or_estimator, x)
    if series is not None:
        channel = check_int(channel, "channel", min_value=0, max_value=series.shape[0] - 1)
    else:
        channel = check_int(channel, "channel", min_value=0)
    maps = compute(X)[0]
    image = _image_under(model_or_estimator, X, channel) if maps.ndim == 2 else None
    if maps.ndim == 2 and ax is None and series is not None and _time_on_both_axes(model_or_estimator):
        # a Gramian field or recurrence plot: rows and columns are time, so the map goes back onto the series
        from matplotlib.figure import Figure

        from ..inspection import image_map_to_series

        fig = Figure(figsize=(10, 4), layout="constrained")
        ax, ax_series = fig.subplots(1, 2, width_ratios=(1, 1.6))
        projected = _scaled(image_map_to_series(maps, series.shape[-1]))
        _draw_map(ax_series, projected, series, None, channel, label)
        ax_series.set_title("projected onto the series", fontsize=10)
    else:
        fig, ax = _figure_and_ax(ax, (7, 3) if maps.ndim == 1 else (4.5, 4))
    _draw_map(ax, maps, series, image, channel, label)
    ax.set_title(title, fontsize=10)
    return fig


def _time_on_both_axes(model_or_estimator):
    """Whether the network's first image is a Gramian angular field or a recurrence plot of the series."""
    from ..inspection._models import all_layers, model_of
    from ..layers import GramianAngularField, RecurrencePlot

    first = next((layer for layer in all_layers(model_of(model_or_estimator)) if len(layer.output.shape) == 4), None)
    return isinstance(first, (GramianAngularField, RecurrencePlot))


def plot_class_activation_map(model_or_estimator, x, *, class_index=None, channel=0, ax=None):
    """Draw a series coloured by its class activation map (or the map over the image of a 2D network).

    Parameters
    ----------
    model_or_estimator : fitted sigconv estimator or keras.Model
        A network ending in global average pooling and a dense layer.
    x : array-like
        One input without a batch axis, as for :func:`plot_activations`.
    class_index : int or None, default=None
        Class to map; None for the predicted class.
    channel : int, default=0
        Series channel to draw (image channel under a 2D map).
    ax : matplotlib.axes.Axes or None, default=None
        Axes to draw into; a new figure is made when None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The map is scaled to [0, 1] (its minimum to 0, maximum to 1) for
        colouring.

    See Also
    --------
    sigconv.inspection.class_activation_map : The map as an array.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import FCNClassifier
    >>> from sigconv.plot import plot_class_activation_map
    >>> X = np.sin(np.linspace(0, 6, 20))[None, :] * np.arange(1, 9)[:, None]
    >>> clf = FCNClassifier(filters=(4, 3), kernel_sizes=(3, 3), epochs=1, random_state=0).fit(X, [0, 1] * 4)
    >>> fig = plot_class_activation_map(clf, X[0])
    >>> len(fig.axes[0].collections[0].get_segments())
    19
    """
    from ..inspection import class_activation_map

    def compute(X):
        return _scaled_rows(class_activation_map(model_or_estimator, X, class_index=class_index))

    what = "predicted class" if class_index is None else f"class {class_index}"
    return _plot_map(
        model_or_estimator, x, compute, channel=channel, ax=ax, title=f"Class activation map ({what})",
        label="CAM (scaled)",
    )


def _scaled_rows(maps):
    return np.stack([_scaled(m) for m in maps])


def plot_grad_cam(model_or_estimator, x, *, layer=None, class_index=None, channel=0, ax=None):
    """Draw a series coloured by its Grad-CAM map (or the map over the image of a 2D layer).

    A 2D map is drawn over the image the layer's input comes from: the
    input image, or the first image the network makes from a series
    (e.g. a :class:`sigconv.layers.GramianAngularField` layer's output).
    When that image is a Gramian angular field or a recurrence plot (rows
    and columns are time) and no ``ax`` is given, a second panel draws the
    series coloured by the map projected back onto it
    (:func:`sigconv.inspection.image_map_to_series`).

    Parameters
    ----------
    model_or_estimator : fitted sigconv estimator or keras.Model
        The network.
    x : array-like
        One input without a batch axis, as for :func:`plot_activations`.
    layer : str or None, default=None
        Layer to explain; None for the last ``Conv1D`` or ``Conv2D`` layer.
    class_index : int or None, default=None
        Class to explain; None for the predicted class.
    channel : int, default=0
        Series channel to draw (image channel under a 2D map).
    ax : matplotlib.axes.Axes or None, default=None
        Axes to draw into; a new figure is made when None.

    Returns
    -------
    fig : matplotlib.figure.Figure

    See Also
    --------
    sigconv.inspection.grad_cam : The map as an array.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import FCNClassifier
    >>> from sigconv.plot import plot_grad_cam
    >>> X = np.sin(np.linspace(0, 6, 20))[None, :] * np.arange(1, 9)[:, None]
    >>> clf = FCNClassifier(filters=(4, 3), kernel_sizes=(3, 3), epochs=1, random_state=0).fit(X, [0, 1] * 4)
    >>> fig = plot_grad_cam(clf, X[0], layer="fcn_block0_act")
    >>> fig.axes[0].get_title()
    'Grad-CAM of fcn_block0_act (predicted class)'
    """
    from ..inspection import grad_cam
    from ..inspection._models import CONV_LAYERS, all_layers, model_of

    if layer is None:
        conv = [candidate.name for candidate in all_layers(model_of(model_or_estimator)) if isinstance(candidate, CONV_LAYERS)]
        name = conv[-1] if conv else None
    else:
        name = layer

    def compute(X):
        return grad_cam(model_or_estimator, X, layer=layer, class_index=class_index)

    what = "predicted class" if class_index is None else f"class {class_index}"
    return _plot_map(
        model_or_estimator, x, compute, channel=channel, ax=ax, title=f"Grad-CAM of {name} ({what})", label="Grad-CAM",
    )
