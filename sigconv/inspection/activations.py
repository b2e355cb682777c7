"""What the layers of a network compute and hold: activations and convolution kernels."""

import keras
import numpy as np

from ._models import all_layers, conv_layer, find_layer, keras_inputs, model_of

__all__ = ["conv_filters", "layer_activations"]


def layer_activations(model_or_estimator, X, *, layers=None):
    """Outputs of the layers of a network for the input ``X``.

    Parameters
    ----------
    model_or_estimator : fitted sigconv estimator or keras.Model
        An estimator is inspected through its ``model_`` and fed as its
        ``predict`` feeds it; a ``keras.Model`` gets ``X`` as it is.
    X : array-like
        For an estimator, series in any layout
        :func:`sigconv.validation.check_series` accepts, of one length; for a
        ``keras.Model``, a ready input batch (e.g. ``(n_samples,
        n_timepoints, n_channels)`` series or ``(n_samples, height, width,
        n_channels)`` images).
    layers : list of str or None, default=None
        Names of the layers (layers of nested models, such as the members of
        an ensemble, included); None for every layer but the input.

    Returns
    -------
    activations : dict of str to ndarray
        Layer name to its float32 output, batch axis first, in the order of
        ``layers`` (graph order when None). Series reach the network
        channel-last: a 1D convolution gives ``(n_samples, time,
        channels)``; series shorter than the padding length of an estimator
        fitted on series of unequal length are padded as in ``predict``.

    See Also
    --------
    conv_filters : The kernels of a convolution layer.
    sigconv.estimators.BaseDeepEstimator.embed : Activations pooled over time, as features.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import FCNClassifier
    >>> from sigconv.inspection import layer_activations
    >>> X = np.sin(np.linspace(0, 6, 20))[None, :] * np.arange(1, 9)[:, None]
    >>> clf = FCNClassifier(filters=(4, 3), kernel_sizes=(3, 3), epochs=1, random_state=0).fit(X, [0, 1] * 4)
    >>> out = layer_activations(clf, X[:2], layers=["fcn_block0_act", "fcn_classifier_softmax"])
    >>> {name: a.shape for name, a in out.items()}
    {'fcn_block0_act': (2, 20, 4), 'fcn_classifier_softmax': (2, 2)}
    """
    model = model_of(model_or_estimator)
    if layers is None:
        found = [(_owner(model, layer), layer) for layer in all_layers(model)]
    else:
        if isinstance(layers, str) or not isinstance(layers, (list, tuple)):
            raise TypeError(
                f"layers must be a list of layer names or None; got layers={layers!r}. Wrap a single "
                "name in a list: layers=[name]."
            )
        found = [find_layer(model, name, "layers") for name in layers]
    inputs = keras_inputs(model_or_estimator, X, model)
    owners = {}
    for owner, layer in found:
        owners.setdefault(id(owner), (owner, []))[1].append(layer)
    outputs = {}
    for owner, owned in owners.values():
        extractor = keras.Model(owner.inputs, [layer.output for layer in owned])
        values = extractor.predict(inputs.batch, verbose=0)
        values = values if isinstance(values, (list, tuple)) else [values]
        for layer, value in zip(owned, values):
            outputs[layer.name] = np.asarray(value, dtype=np.float32)
    return {layer.name: outputs[layer.name] for _, layer in found}


def _owner(model, layer):
    return find_layer(model, layer.name)[0]


def conv_filters(model_or_estimator, layer=None):
    """Kernels of a convolution layer, one per filter.

    Parameters
    ----------
    model_or_estimator : fitted sigconv estimator or keras.Model
        The network (an estimator's ``model_``).
    layer : str or None, default=None
        Name of a ``Conv1D`` or ``Conv2D`` layer; None for the first one.

    Returns
    -------
    filters : ndarray of shape (n_filters, n_channels_in, kernel_size) or (n_filters, kernel_height, kernel_width, n_channels_in)
        float32 kernels of a 1D or a 2D convolution.

    See Also
    --------
    layer_activations : What the layers output for an input.
    sigconv.plot.plot_filters : Draw them.

    Examples
    --------
    >>> import keras
    >>> from sigconv.inspection import conv_filters
    >>> model = keras.Sequential([keras.Input((32, 2)), keras.layers.Conv1D(4, 5, name="conv")])
    >>> conv_filters(model).shape
    (4, 2, 5)
    """
    found = conv_layer(model_of(model_or_estimator), layer)
    kernel = np.asarray(keras.ops.convert_to_numpy(found.kernel), dtype=np.float32)
    # Keras kernels are (k, c_in, n_filters) and (kh, kw, c_in, n_filters): filters first.
    return np.ascontiguousarray(np.moveaxis(kernel, -1, 0) if kernel.ndim == 4 else kernel.transpose(2, 1, 0))
