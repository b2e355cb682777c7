"""Where a network looks: class activation maps, Grad-CAM, and 2D maps read back as series."""

import keras
import numpy as np

from ..functional import resampling_matrix
from ..validation import check_int
from ._gradients import gradient
from ._models import CONV_LAYERS, all_layers, find_layer, keras_inputs, layer_summary, model_of

__all__ = ["class_activation_map", "grad_cam", "image_map_to_series"]

_POOLS = (keras.layers.GlobalAveragePooling1D, keras.layers.GlobalAveragePooling2D)
_BATCH = 64
_CLASS_HINT = "It indexes the network outputs (the columns of predict_proba, classes_ of a classifier)."


def class_activation_map(model_or_estimator, X, *, class_index=None):
    """Class activation map (CAM) of a network ending in global average pooling and a dense layer.

    For a feature map ``A`` of ``K`` channels pooled by global average
    pooling into a dense layer of kernel ``W``, the map of class ``c`` is
    ``sum_k W[k, c] * A[..., k]`` at every position (Zhou et al., 2016),
    resized to the input by linear interpolation. FCN, ResNet and
    InceptionTime (a single network) end this way. The map is not
    normalised: its mean over time is the class logit minus the bias.

    Parameters
    ----------
    model_or_estimator : fitted sigconv estimator or keras.Model
        The network; it must end in ``GlobalAveragePooling1D`` (or ``2D``),
        optional ``Dropout``, ``Dense`` and an optional ``Activation``.
    X : array-like
        Series as for the estimator's ``predict`` (of one length), or a ready
        input batch for a ``keras.Model``.
    class_index : int or None, default=None
        Output (column of ``predict_proba``, index into ``classes_``) to map;
        None for the predicted class of each series.

    Returns
    -------
    cam : ndarray of shape (n_samples, n_timepoints) or (n_samples, height, width)
        float32 map over the time axis of the series, or over the image for
        a 2D network (the input image, or the first image the network makes
        from a series).

    See Also
    --------
    grad_cam : The same idea for any convolution layer, through gradients.

    References
    ----------
    .. [1] B. Zhou, A. Khosla, A. Lapedriza, A. Oliva and A. Torralba,
       "Learning deep features for discriminative localization", CVPR 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import FCNClassifier
    >>> from sigconv.inspection import class_activation_map
    >>> X = np.sin(np.linspace(0, 6, 20))[None, :] * np.arange(1, 9)[:, None]
    >>> clf = FCNClassifier(filters=(4, 3), kernel_sizes=(3, 3), epochs=1, random_state=0).fit(X, [0, 1] * 4)
    >>> class_activation_map(clf, X[:3]).shape
    (3, 20)
    """
    model = model_of(model_or_estimator)
    pool, dense = _cam_head(model)
    n_outputs = int(dense.kernel.shape[-1])
    class_index = check_int(
        class_index, "class_index", min_value=0, max_value=n_outputs - 1, allow_none=True, hint=_CLASS_HINT
    )
    inputs = keras_inputs(model_or_estimator, X, model)
    image = _image_tensor(model)
    outputs = [pool.input, model.outputs[0]] + ([] if image is None else [image])
    values = keras.Model(model.inputs, outputs).predict(inputs.batch, verbose=0)
    features, scores = np.asarray(values[0], dtype=np.float32), np.asarray(values[1])
    index = np.argmax(scores, axis=1) if class_index is None else np.full(len(scores), class_index)
    weights = np.asarray(keras.ops.convert_to_numpy(dense.kernel), dtype=np.float32)[:, index].T
    maps = np.einsum("n...k,nk->n...", features, weights)
    return _to_input_size(maps, inputs, None if image is None else values[2])


def _cam_head(model):
    """``(pool, dense)`` of a network ending in GAP [-> Dropout] -> Dense [-> Activation]."""
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    chain = list(reversed(layers))
    position = 0
    if chain and isinstance(chain[0], keras.layers.Activation):
        position = 1
    dense = chain[position] if position < len(chain) else None
    ok = isinstance(dense, keras.layers.Dense)
    position += 1
    below = dense
    while ok and position < len(chain) and isinstance(chain[position], keras.layers.Dropout):
        ok = below.input is chain[position].output
        below, position = chain[position], position + 1
    pool = chain[position] if position < len(chain) else None
    ok = ok and isinstance(pool, _POOLS) and below.input is pool.output
    ok = ok and (chain[0] is dense or chain[0].input is dense.output)  # the Activation follows the Dense
    if not ok:
        shown = layer_summary(reversed(chain[: position + 1]))
        raise ValueError(
            "class_activation_map needs a network that ends in global average pooling and a dense "
            "layer (GlobalAveragePooling1D or 2D, optional Dropout, Dense, optional Activation), as "
            f"FCN, ResNet and a single InceptionTime network do; the network {model.name!r} ends in "
            f"{shown}. Use grad_cam, which needs only a convolution layer."
        )
    return pool, dense


def _image_tensor(model):
    """The first image of a network: its input if it takes images, else the first 4D layer output."""
    if len(model.inputs[0].shape) == 4:
        return None
    for layer in model.layers:
        if not isinstance(layer, keras.layers.InputLayer) and len(layer.output.shape) == 4:
            return layer.output
    return None


def _to_input_size(maps, inputs, image):
    """Resize maps to the input: the series length (cropped to the unpadded length) or the image."""
    maps = np.asarray(maps, dtype=np.float32)
    if maps.ndim == 2:
        length = inputs.batch.shape[1]
        resized = maps @ resampling_matrix(maps.shape[1], length).T.astype(np.float32)
        return np.ascontiguousarray(resized[:, : inputs.n_timepoints or length])
    height, width = (inputs.batch if image is None else image).shape[1:3]
    rows = resampling_matrix(maps.shape[1], height).astype(np.float32)
    columns = resampling_matrix(maps.shape[2], width).astype(np.float32)
    return np.einsum("hi,nij,wj->nhw", rows, maps, columns)


class _Probe(keras.layers.Layer):
    """Identity that adds ``holder.delta`` when set: the point Grad-CAM differentiates at."""

    def __init__(self, holder, **kwargs):
        super().__init__(**kwargs)
        self._holder = holder

    def call(self, inputs):
        delta = self._holder.delta
        return inputs if delta is None else inputs + keras.ops.cast(delta, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape


class _Holder:
    delta = None


def _probed_model(owner, target, holder):
    """A model sharing ``owner``'s layers with outputs (probed target output, class scores, image)."""
    last = [layer for layer in owner.layers if not isinstance(layer, keras.layers.InputLayer)][-1]
    logits = isinstance(last, keras.layers.Activation) and getattr(last.activation, "__name__", "") == "softmax"
    captured = {}

    def call(layer, *args, **kwargs):
        if layer is last and logits:
            captured["scores"] = args[0]
        output = layer(*args, **kwargs)
        if layer is target:
            output = _Probe(holder, name=f"{target.name}_probe")(output)
            captured["features"] = output
        if layer is last and not logits:
            captured["scores"] = output
        if "image" not in captured and not isinstance(layer, keras.layers.InputLayer):
            if hasattr(output, "shape") and len(output.shape) == 4:
                captured["image"] = output
        return output

    if isinstance(owner, keras.Sequential):
        inputs = keras.Input(tuple(owner.inputs[0].shape[1:]))
        x = inputs
        for layer in owner.layers:
            x = call(layer, x)
    else:
        (inputs,) = keras.models.clone_model(owner, clone_function=lambda layer: layer, call_function=call).inputs
    scores = captured["scores"]
    if len(scores.shape) != 2:
        raise ValueError(
            f"grad_cam needs class scores of shape (batch, n_classes) at the end of {owner.name!r}; "
            f"its output {last.name!r} has shape {tuple(scores.shape)}. Pass a layer of one member "
            "network (of an ensemble) instead."
        )
    image = None if len(inputs.shape) == 4 else captured.get("image")
    outputs = [captured["features"], scores] + ([] if image is None else [image])
    return keras.Model(inputs, outputs), int(scores.shape[-1])


def grad_cam(model_or_estimator, X, *, layer=None, class_index=None):
    """Grad-CAM: where a convolution layer's features raise a class score.

    The channels of the layer's output ``A`` are weighted by the mean
    gradient of the class score over positions, ``alpha_k = mean(dy_c /
    dA_k)``, summed, passed through a ReLU and resized to the input
    (Selvaraju et al., 2017); each map is then divided by its maximum, so
    it lies in [0, 1] (a map with no positive value is all zeros, never
    NaN). The score is the logit when the network ends in a softmax
    ``Activation`` layer (as sigconv's classification head does), else the
    network output. Gradients come from the active Keras backend
    (TensorFlow, JAX or PyTorch).

    Parameters
    ----------
    model_or_estimator : fitted sigconv estimator or keras.Model
        The network.
    X : array-like
        Series as for the estimator's ``predict`` (of one length), or a ready
        input batch for a ``keras.Model``.
    layer : str or None, default=None
        A layer with a 1D ``(batch, time, channels)`` or 2D ``(batch,
        height, width, channels)`` output; None for the last ``Conv1D`` or
        ``Conv2D`` layer. Inside an ensemble the score is that of the member
        network holding the layer.
    class_index : int or None, default=None
        Output to explain; None for the predicted class of each series.

    Returns
    -------
    cam : ndarray of shape (n_samples, n_timepoints) or (n_samples, height, width)
        float32 maps in [0, 1], over the time axis of the series for a 1D
        layer, over the image for a 2D one (the input image, or the first
        image the network makes from a series, e.g. by a
        :class:`sigconv.layers.GramianAngularField` layer; see
        :func:`image_map_to_series`).

    See Also
    --------
    class_activation_map : The exact map of networks ending in global average pooling.

    References
    ----------
    .. [1] R. R. Selvaraju, M. Cogswell, A. Das, R. Vedantam, D. Parikh and
       D. Batra, "Grad-CAM: visual explanations from deep networks via
       gradient-based localization", ICCV 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import FCNClassifier
    >>> from sigconv.inspection import grad_cam
    >>> X = np.sin(np.linspace(0, 6, 20))[None, :] * np.arange(1, 9)[:, None]
    >>> clf = FCNClassifier(filters=(4, 3), kernel_sizes=(3, 3), epochs=1, random_state=0).fit(X, [0, 1] * 4)
    >>> cam = grad_cam(clf, X[:3], layer="fcn_block0_act")
    >>> cam.shape, bool(cam.min() >= 0 and cam.max() <= 1)
    ((3, 20), True)
    """
    model = model_of(model_or_estimator)
    if layer is None:
        conv = [candidate for candidate in all_layers(model) if isinstance(candidate, CONV_LAYERS)]
        if not conv:
            raise ValueError(
                f"grad_cam needs a convolution layer; the network {model.name!r} has no Conv1D or "
                f"Conv2D layer. Pass layer= a layer with a (batch, time, channels) output. Its layers "
                f"are {layer_summary(all_layers(model))}."
            )
        layer = conv[-1].name
    owner, target = find_layer(model, layer)
    shape = tuple(target.output.shape)
    if len(shape) not in (3, 4):
        raise ValueError(
            f"grad_cam needs a layer with a (batch, time, channels) or (batch, height, width, "
            f"channels) output; layer={layer!r} ({type(target).__name__}) has output shape {shape}. "
            "Pick a convolution layer or its activation."
        )
    holder = _Holder()
    probed, n_outputs = _probed_model(owner, target, holder)
    class_index = check_int(
        class_index, "class_index", min_value=0, max_value=n_outputs - 1, allow_none=True, hint=_CLASS_HINT
    )
    inputs = keras_inputs(model_or_estimator, X, model)
    maps, image = [], None
    for start in range(0, len(inputs.batch), _BATCH):
        batch = inputs.batch[start : start + _BATCH]
        values = [keras.ops.convert_to_numpy(v) for v in probed(batch, training=False)]
        features, scores = np.asarray(values[0], dtype=np.float32), values[1]
        image = values[2] if len(values) > 2 else None
        index = np.argmax(scores, axis=1) if class_index is None else np.full(len(scores), class_index)
        index = index.astype("int32")[:, None]

        def score(delta, batch=batch, index=index):
            holder.delta = delta
            try:
                scores = probed(batch, training=False)[1]
            finally:
                holder.delta = None
            return keras.ops.sum(keras.ops.take_along_axis(scores, keras.ops.convert_to_tensor(index), axis=1))

        grads = gradient(score, np.zeros_like(features))
        alpha = grads.mean(axis=tuple(range(1, grads.ndim - 1)))
        maps.append(np.maximum(np.einsum("n...k,nk->n...", features, alpha), 0.0))
    maps = _to_input_size(np.concatenate(maps), inputs, image)
    peak = maps.reshape(len(maps), -1).max(axis=1).reshape((-1,) + (1,) * (maps.ndim - 1))
    return np.where(peak > 0, maps / np.where(peak > 0, peak, 1), 0).astype(np.float32)


def image_map_to_series(map_2d, n_timepoints):
    """Project a map over a time-by-time image (GAF, recurrence plot) back to the time axis.

    Rows and columns of a Gramian angular field or recurrence plot both
    index time: the map's mean over columns (the row profile) and over rows
    (the column profile) are each resampled to ``n_timepoints`` (linear
    interpolation, or averaging when shortening; see
    :func:`sigconv.functional.resampling_matrix`) and averaged. Images whose
    axes are not both time (spectrograms, MFCC) do not project this way.

    Parameters
    ----------
    map_2d : array-like of shape (height, width) or (n_samples, height, width)
        Maps such as :func:`grad_cam` of a 2D layer returns.
    n_timepoints : int
        Length of the series the images were made from.

    Returns
    -------
    series_map : ndarray of shape (n_timepoints,) or (n_samples, n_timepoints)
        float32 map over time.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.inspection import image_map_to_series
    >>> m = np.zeros((4, 4)); m[2:, 2:] = 1.0        # the second half, against itself
    >>> image_map_to_series(m, 8)
    array([0.   , 0.   , 0.   , 0.125, 0.375, 0.5  , 0.5  , 0.5  ],
          dtype=float32)
    """
    n_timepoints = check_int(n_timepoints, "n_timepoints", min_value=1)
    maps = np.asarray(map_2d)
    if maps.dtype.kind not in "biuf" or maps.ndim not in (2, 3):
        raise ValueError(
            "map_2d must be a real array of shape (height, width) or (n_samples, height, width); "
            f"got an array of shape {maps.shape} and dtype {maps.dtype}."
        )
    maps = maps.astype(np.float32)
    rows = maps.mean(axis=-1) @ resampling_matrix(maps.shape[-2], n_timepoints).T
    columns = maps.mean(axis=-2) @ resampling_matrix(maps.shape[-1], n_timepoints).T
    return ((rows + columns) / 2).astype(np.float32)
