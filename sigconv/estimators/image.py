"""Image CNN estimators: a series-to-image transform layer, then a 2D network.

The Keras model takes the series ``(batch, n_timepoints, n_channels)`` as
every other sigconv estimator does; its first layer is a transform of
:mod:`sigconv.layers`, so the images of one batch are made on the device
and never stored. After it comes either the small scratch ConvNet of
:func:`sigconv.networks.build_image_convnet` or a ``keras.applications``
backbone (:func:`sigconv.networks.build_backbone`) with its resizing,
channel mapping and pixel preprocessing. All layers sit in one flat graph,
so :meth:`embed` reaches any backbone layer by its Keras name.
"""

import contextlib
import math
import os

import keras
import numpy as np

from ..layers import (
    MFCC,
    BaseImageLayer,
    GramianAngularField,
    ImageStack,
    MarkovTransitionField,
    MelSpectrogram,
    RecurrencePlot,
    Resize,
    Spectrogram,
)
from ..networks import BACKBONES, BackbonePreprocessing, backbone_blocks, build_backbone, build_image_convnet
from ..networks.backbones import _check_weights
from ..networks.blocks import BN_MOMENTUM
from ..validation import check_float, check_int, check_option
from ._base import BaseDeepClassifier, BaseDeepRegressor, store_params
from ._context import dtype_policy
from ._docs import fill_doc
from ._transfer import check_source_channels, copy_body, head_layer_names

__all__ = ["ImageCNNClassifier", "ImageCNNRegressor", "TRANSFORMS", "make_transform"]

#: Transform names accepted by ``image_transform=`` (and :func:`make_transform`).
TRANSFORMS = ("gasf", "gadf", "mtf", "rp", "spectrogram", "mel", "mfcc")
NETWORK_NAMES = ("convnet", *BACKBONES)
FINE_TUNING = (None, "frozen", "top", "full", "greedy")


def _spectral_n_fft(n_timepoints):
    """FFT size of the spectral string transforms: a power of two, at most 256 and the length."""
    return 2 ** int(math.floor(math.log2(max(2, min(256, n_timepoints)))))


def make_transform(name, *, image_size, n_timepoints):
    """The transform layer a string ``image_transform=`` of the image estimators stands for.

    Every transform makes ``image_size x image_size`` images. The spectral
    ones (decibels) use ``n_fft`` = the largest power of two that is at
    most 256 and at most ``n_timepoints``, ``hop_length = n_fft // 4``;
    ``"mel"`` and ``"mfcc"`` use ``n_mels = max(8, n_fft // 4)`` mel bands,
    ``"mfcc"`` ``min(20, n_mels)`` coefficients. ``"rp"`` is the unthresholded
    recurrence plot (distances), ``"mtf"`` has 5 quantile bins.

    Parameters
    ----------
    name : {"gasf", "gadf", "mtf", "rp", "spectrogram", "mel", "mfcc"}
        The transform.
    image_size : int
        Height and width of the images.
    n_timepoints : int
        Length of the series (chooses ``n_fft``).

    Returns
    -------
    layer : sigconv.layers.BaseImageLayer
        A new, unbuilt layer.

    Examples
    --------
    >>> from sigconv.estimators.image import make_transform
    >>> make_transform("spectrogram", image_size=32, n_timepoints=100).n_fft
    64
    """
    if name == "gasf":
        return GramianAngularField(method="summation", image_size=image_size, name="gasf")
    if name == "gadf":
        return GramianAngularField(method="difference", image_size=image_size, name="gadf")
    if name == "mtf":
        return MarkovTransitionField(image_size=image_size, name="mtf")
    if name == "rp":
        return RecurrencePlot(image_size=image_size, name="rp")
    n_fft = _spectral_n_fft(n_timepoints)
    stft = {"n_fft": n_fft, "hop_length": max(1, n_fft // 4), "image_size": image_size}
    n_mels = max(8, n_fft // 4)
    if name == "spectrogram":
        return Spectrogram(db=True, name="spectrogram", **stft)
    if name == "mel":
        return MelSpectrogram(n_mels=n_mels, db=True, name="mel", **stft)
    if name == "mfcc":
        return MFCC(n_mfcc=min(20, n_mels), n_mels=n_mels, name="mfcc", **stft)
    raise ValueError(f"name must be one of {TRANSFORMS}; got name={name!r}.")


def _copy_layer(layer):
    """A new layer with the configuration of ``layer``: the user's object is never changed."""
    return type(layer).from_config(layer.get_config())


def _check_transform(transform):
    """``transform`` as a list of entries (names or layers); raise for anything else."""
    expected = (
        "image_transform must be a transform name ('gasf', 'gadf', 'mtf', 'rp', 'spectrogram', 'mel', "
        "'mfcc'), a sigconv.layers transform layer (e.g. GramianAngularField(image_size=64)) or "
        "ImageStack, or a non-empty list of those to stack as channels"
    )
    entries = list(transform) if isinstance(transform, (list, tuple)) else [transform]
    if not entries:
        raise ValueError(f"{expected}; got image_transform={transform!r}.")
    for entry in entries:
        if isinstance(entry, str):
            if entry not in TRANSFORMS:
                raise ValueError(f"{expected}; got image_transform={transform!r}.")
        elif not isinstance(entry, (BaseImageLayer, ImageStack)) or (
            isinstance(entry, ImageStack) and len(entries) > 1
        ):
            raise TypeError(f"{expected}; got image_transform={transform!r}.")
    return entries


def build_transform(entries, image_size, n_timepoints):
    """The transform layer of checked ``transform`` entries: one layer, or an ImageStack of several."""
    layers = [
        make_transform(entry, image_size=image_size, n_timepoints=n_timepoints)
        if isinstance(entry, str)
        else _copy_layer(entry)
        for entry in entries
    ]
    if len(layers) == 1:
        return layers[0]
    names = set()
    for i, layer in enumerate(layers):  # unique names inside the stack
        if layer.name in names:
            layers[i] = type(layer).from_config({**layer.get_config(), "name": f"{layer.name}_{i}"})
        names.add(layers[i].name)
    return ImageStack(layers, name="transform_stack")


def _phase_params(params, phase, learning_rate=None):
    """Training parameters of one phase: its own checkpoint subdirectory, maybe its own rate."""
    changes = {}
    if params["checkpoint_dir"] is not None:
        changes["checkpoint_dir"] = os.path.join(params["checkpoint_dir"], phase)
    if learning_rate is not None:
        changes["learning_rate"] = learning_rate
    return params.replace(**changes)


def build_image_front(transform, network, n_timepoints, n_channels, *, weights=None, alpha=1.0, policy=None):
    """Series input, transform, resizing, channel mapping, preprocessing and backbone, flat.

    Returns ``(inputs, outputs, backbone_layer_names)``; ``outputs`` is the
    backbone's last feature map. Shared by the image estimators and
    :class:`~sigconv.estimators.DeepFeatures`.
    """
    inputs = keras.Input((n_timepoints, n_channels), name="series")
    x = transform(inputs)
    height, width, n_image_channels = (int(n) for n in x.shape[1:])
    spec = BACKBONES[network]
    size = (max(height, spec["min_size"]), max(width, spec["min_size"]))
    with policy or contextlib.nullcontext():
        if size != (height, width):
            x = Resize(size, name=f"{network}_resize")(x)
        if n_image_channels not in (1, 3):
            x = keras.layers.Conv2D(3, 1, name=f"{network}_channels")(x)
        x = BackbonePreprocessing(spec["preprocessing"], name=f"{network}_preprocessing")(x)
        front = {layer.name for layer in keras.Model(inputs, x).layers}
        model = build_backbone(network, *size, weights=weights, alpha=alpha, inputs=x)
    names = [layer.name for layer in model.layers if layer.name not in front]
    return inputs, model.output, names


class _ImageCNNMixin:
    """What the image classifier and regressor share (before the deep base class in the MRO)."""

    _fitted_attributes = ("n_blocks_", "greedy_val_losses_")

    def _default_batch_size(self, n_samples):
        return max(1, min(32, n_samples // 10))

    # parameters ------------------------------------------------------------------------------

    def _check_params(self):
        params = super()._check_params()
        params["image_transform"] = _check_transform(self.image_transform)
        params["image_size"] = check_int(self.image_size, "image_size", min_value=1)
        network = check_option(self.network, "network", NETWORK_NAMES)
        params["network"] = network
        params["fine_tuning"] = check_option(self.fine_tuning, "fine_tuning", FINE_TUNING)
        if params["source"] is not None:
            params["weights"] = None  # the network is built from random weights, then set from the source's
        else:
            params["weights"] = _check_weights(self.weights)
        params["n_unfrozen"] = check_int(self.n_unfrozen, "n_unfrozen", min_value=1)
        params["backbone_learning_rate"] = check_float(
            self.backbone_learning_rate, "backbone_learning_rate", min_value=0, closed="neither"
        )
        params["alpha"] = check_float(self.alpha, "alpha", min_value=0, closed="neither")
        if network == "convnet":
            for name in ("weights", "fine_tuning"):
                if params[name] is not None:
                    raise ValueError(
                        f"{name}={getattr(self, name)!r} applies to keras.applications backbones; "
                        f"network='convnet' is trained from scratch. Use {name}=None, or a backbone "
                        f"network ({', '.join(repr(n) for n in BACKBONES)})."
                    )
        else:
            n_blocks = len(BACKBONES[network]["blocks"])
            if params["fine_tuning"] == "top" and params["n_unfrozen"] > n_blocks:
                raise ValueError(
                    f"n_unfrozen must be an int in [1, {n_blocks}]: {network} has {n_blocks} blocks; "
                    f"got n_unfrozen={self.n_unfrozen}. Use fine_tuning='full' to unfreeze them all."
                )
            if network != "mobilenet_v2" and params["alpha"] != 1.0:
                raise ValueError(
                    f"alpha is MobileNetV2's width multiplier; network={network!r} has none. Use "
                    f"alpha=1.0; got alpha={self.alpha!r}."
                )
        return params

    def _check_validation_params(self, params, validation_data):
        super()._check_validation_params(params, validation_data)
        if params["fine_tuning"] == "greedy" and params["validation_split"] is None and validation_data is None:
            raise ValueError(
                "fine_tuning='greedy' keeps the backbone depth with the lowest validation loss, "
                "so it needs a validation set: set validation_split or pass validation_data to fit."
            )

    # model -----------------------------------------------------------------------------------

    def _build_model(self, n_timepoints, n_channels, n_outputs, params, variable_length):
        if variable_length:
            raise ValueError(
                f"{type(self).__name__} needs series of equal length: its transform layer is built "
                "for one length. Resample the series to one length (e.g. with "
                "sigconv.functional.paa) or pad them before fit."
            )
        network = params["network"]
        if params["source"] is not None:
            check_source_channels(params["source"], n_channels)
        transform = build_transform(params["image_transform"], params["image_size"], n_timepoints)
        policy = dtype_policy(params["mixed_precision"]) if params["mixed_precision"] else None
        if network == "convnet":
            inputs = keras.Input((n_timepoints, n_channels), name="series")
            x = transform(inputs)
            with policy or contextlib.nullcontext():
                convnet = build_image_convnet(
                    *(int(n) for n in x.shape[1:]),
                    conv_filters=self.conv_filters,
                    dense_units=self.dense_units,
                    dropout=self.dropout,
                )
                # the same (still unbuilt) layers, rebuilt in this model's flat graph, so that
                # every layer's output is reachable from the series input (embed)
                for layer in convnet.layers[1:]:
                    x = _copy_layer(layer)(x)
            names = []
        else:
            inputs, x, names = build_image_front(
                transform, network, n_timepoints, n_channels,
                weights=params["weights"], alpha=params["alpha"], policy=policy,
            )
        if len(x.shape) == 4:
            x = keras.layers.GlobalAveragePooling2D(name=f"{network}_pool")(x)
        body = keras.Model(inputs, x, name=network)
        model = self._add_head(body, n_outputs)
        if params["source"] is not None:
            copy_body(params["source"].model_, model, head_layer_names(model, body))
        for layer in model.layers:
            # keras.applications' 0.99 / 0.999 leave the moving statistics of a short fit far
            # from its own (see sigconv.networks.blocks.BN_MOMENTUM); frozen BN layers never move
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.momentum = BN_MOMENTUM
        blocks = backbone_blocks(network, names) if names else []
        if params["fine_tuning"] is not None:
            for name in names:
                model.get_layer(name).trainable = False
        self._compile(model, params)
        plan = {"inputs": inputs, "blocks": blocks, "n_outputs": n_outputs}
        return model, [keras.Model(inputs, x).layers[-1].name], plan

    # training --------------------------------------------------------------------------------

    def _fit_model(self, model, plan, X, y, weights, validation, params, *, to_keras):
        """Train in the phases of ``fine_tuning``; ``plan`` holds the backbone blocks of ``model``."""
        for name in ("n_blocks_", "greedy_val_losses_"):  # of an earlier greedy fit
            self.__dict__.pop(name, None)
        mode = params["fine_tuning"]
        if mode in (None, "frozen"):
            return self._train(model, X, y, weights, validation, params, to_keras=to_keras)
        if mode in ("top", "full"):
            head_history, model = self._train(
                model, X, y, weights, validation, _phase_params(params, "head"), to_keras=to_keras
            )
            blocks = plan["blocks"][-params["n_unfrozen"]:] if mode == "top" else plan["blocks"]
            for block in blocks:
                for name in block:
                    layer = model.get_layer(name)
                    # Batch normalization stays in inference mode (Keras' transfer-learning advice).
                    layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
            rate = params["backbone_learning_rate"]
            self._compile(model, params, rate)
            tune_history, model = self._train(
                model, X, y, weights, validation, _phase_params(params, "fine_tuning", rate),
                to_keras=to_keras,
            )
            history = {
                key: list(head_history.get(key, [])) + list(tune_history.get(key, []))
                for key in dict.fromkeys([*head_history, *tune_history])
            }
            history["phase"] = [1] * len(head_history.get("loss", [])) + [2] * len(tune_history.get("loss", []))
            return history, model
        # greedy: the frozen backbone truncated after block 1, 2, ..., a new head on each
        network = params["network"]
        best, losses = None, []
        for depth, block in enumerate(plan["blocks"], start=1):
            features = model.get_layer(block[-1]).output
            pooled = keras.layers.GlobalAveragePooling2D(name=f"{network}_pool")(features)
            candidate = self._add_head(keras.Model(plan["inputs"], pooled, name=network), plan["n_outputs"])
            self._compile(candidate, params)
            history, candidate = self._train(
                candidate, X, y, weights, validation, _phase_params(params, f"depth{depth}"),
                to_keras=to_keras,
            )
            losses.append(float(np.min(history["val_loss"])))
            if best is None or losses[-1] < best[0]:
                best = (losses[-1], depth, history, candidate)
        self.greedy_val_losses_ = losses
        self.n_blocks_ = best[1]
        return best[2], best[3]


_IMAGE_PARAMETERS = """\
    image_transform : str, sigconv.layers layer or list, default="gasf"
        How series become images, inside the model (not ``transform``:
        scikit-learn takes an estimator with a ``transform`` attribute for
        a transformer): a name, ``"gasf"``,
        ``"gadf"`` (Gramian angular summation / difference field),
        ``"mtf"`` (Markov transition field), ``"rp"`` (recurrence plot),
        ``"spectrogram"``, ``"mel"`` or ``"mfcc"`` (see
        :func:`~sigconv.estimators.image.make_transform` for their
        settings); a layer of :mod:`sigconv.layers` (``GramianAngularField``,
        ..., or an ``ImageStack``), copied through its config at every fit
        (the object passed is never changed or built); or a list of names
        and layers, stacked as channels with
        :class:`~sigconv.layers.ImageStack` (every one must make images of
        one size).
    image_size : int, default=64
        Height and width of the images of the string transforms; layers
        passed as objects keep their own ``image_size``.
    network : {"convnet", "mobilenet_v2", "efficientnet_b0", "resnet50", "vgg16"}, default="convnet"
        ``"convnet"``: the small conv / pool / dense network of
        :func:`~sigconv.networks.build_image_convnet`, trained from scratch.
        The others: a ``keras.applications`` backbone
        (:func:`~sigconv.networks.build_backbone`) with global average
        pooling. Images smaller than the backbone accepts (32 pixels) are
        first enlarged by :class:`~sigconv.layers.Resize`; images with 1
        channel are repeated to 3 (grey), with 3 used as they are, with
        any other number mapped to 3 by a learned 1x1 convolution
        (``{network}_channels``, always trained); then each channel of each
        image is scaled to 0-255 by its minimum and maximum and given the
        backbone's own ``preprocess_input`` (see
        :class:`~sigconv.networks.BackbonePreprocessing`).
    weights : None, "imagenet", path or fitted sigconv estimator, default=None
        Initial backbone weights: None random (nothing downloaded),
        ``"imagenet"`` through ``keras.applications``' download and cache
        (``~/.keras/models``), or a ``.weights.h5`` file written by
        ``sigconv.networks.build_backbone(network, ...).save_weights(path)``;
        these must be None for ``network="convnet"``. Or a fitted
        ``ImageCNNClassifier`` / ``ImageCNNRegressor``, or the path of the
        ``.sigconv`` file its ``save`` wrote (read with
        :func:`~sigconv.estimators.load`, which runs no code): the whole
        network but the head (channel mapping, backbone or convnet) starts
        from the source's trained weights, the head is rebuilt for this
        fit's classes or outputs, and ``fine_tuning`` applies as with
        ImageNet weights. ``network``, ``image_transform``,
        ``image_size``, ``alpha`` and the number of channels must be the
        source's, otherwise :meth:`fit` raises before any training.
        :func:`sklearn.base.clone` keeps the same source object; ``save``
        writes ``weights=None`` in place of an estimator (its weights are
        in the saved model) and keeps a path as it is.
    fine_tuning : {"frozen", "top", "full", "greedy"} or None, default=None
        Which backbone weights train. None: all of them, in one phase at
        ``learning_rate`` (the only choice for ``"convnet"``). ``"frozen"``:
        none, only the head (and the channel mapping) at ``learning_rate``.
        ``"top"`` and ``"full"``: two phases of ``epochs`` each (the Keras
        transfer-learning recipe, since Keras 3 has no per-layer rate): the
        head first on the frozen backbone at ``learning_rate``, then the top
        ``n_unfrozen`` blocks (``"top"``) or all blocks (``"full"``) with
        the head at ``backbone_learning_rate``; batch normalization layers
        stay frozen, in inference mode. ``history_["phase"]`` tells the
        phase of each epoch. ``"greedy"``: the frozen backbone truncated
        after block 1, 2, ..., each with a new head trained at
        ``learning_rate``; the depth with the lowest validation loss is
        kept (``n_blocks_``, ``greedy_val_losses_``); needs a validation
        set. Blocks are the resolution stages of each backbone
        (:mod:`sigconv.networks.backbones`).
    n_unfrozen : int, default=1
        Top blocks trained by ``fine_tuning="top"``.
    backbone_learning_rate : float, default=1e-5
        Learning rate of the second phase of ``fine_tuning="top"`` and
        ``"full"``; unused otherwise.
    alpha : float, default=1.0
        Width multiplier of ``"mobilenet_v2"``; must be 1.0 for the other
        backbones.
    conv_filters : tuple of int, default=(32, 64)
        Convolutions of ``network="convnet"``; unused by backbones.
    dense_units : tuple of int, default=(128,)
        Dense layers of ``network="convnet"``; unused by backbones.
    dropout : float, default=0.0
        Dropout of ``network="convnet"``; unused by backbones."""

_IMAGE_ATTRIBUTES = """\
    n_blocks_ : int
        With ``fine_tuning="greedy"``: the backbone depth kept (blocks).
    greedy_val_losses_ : list of float
        With ``fine_tuning="greedy"``: the lowest validation loss of each
        depth, depth 1 first."""


def _image_doc(cls):
    cls.__doc__ = cls.__doc__.replace("    %(image_parameters)s", _IMAGE_PARAMETERS).replace(
        "    %(image_attributes)s", _IMAGE_ATTRIBUTES
    )
    return fill_doc(cls)


@_image_doc
class ImageCNNClassifier(_ImageCNNMixin, BaseDeepClassifier):
    """Classify series as images: a transform layer, then a 2D CNN or an ImageNet backbone.

    The model takes series like the other sigconv estimators and makes the
    images of each batch on the device (:mod:`sigconv.layers`), so a data
    set of images is never held in memory. Series must have one length.

    Parameters
    ----------
    %(image_parameters)s
    %(epochs)s
    batch_size : int or None, default=None
        None uses ``min(32, n_samples // 10)``, at least 1.
    %(training_parameters)s

    Attributes
    ----------
    %(attributes)s
    %(image_attributes)s

    See Also
    --------
    ImageCNNRegressor : The same model for regression.
    DeepFeatures : Backbone activations as features for another model.
    sigconv.networks.build_backbone : The backbones.

    References
    ----------
    .. [1] Z. Wang and T. Oates, "Imaging time-series to improve
       classification and imputation", IJCAI 2015.
    .. [2] N. Hatami, Y. Gavet and J. Debayle, "Classification of time-series
       images using deep convolutional neural networks", ICMV 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import ImageCNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> waves = np.sin(2 * np.pi * (np.linspace(0, 3, 32) + rng.uniform(0, 1, (12, 1))))
    >>> X = np.concatenate([waves[:6], np.sign(waves[6:])])
    >>> y = ["sine"] * 6 + ["square"] * 6
    >>> clf = ImageCNNClassifier(image_transform="gasf", image_size=16, conv_filters=(4,),
    ...                          dense_units=(8,), epochs=2, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    def __init__(
        self,
        *,
        image_transform="gasf",
        image_size=64,
        network="convnet",
        weights=None,
        fine_tuning=None,
        n_unfrozen=1,
        backbone_learning_rate=1e-5,
        alpha=1.0,
        conv_filters=(32, 64),
        dense_units=(128,),
        dropout=0.0,
        epochs=None,
        batch_size=None,
        learning_rate=1e-3,
        max_time=None,
        validation_split=None,
        early_stopping_patience=None,
        lr_schedule="cosine",
        reduce_lr_patience=50,
        class_weight=None,
        label_smoothing=0.0,
        callbacks=None,
        augmentation=None,
        checkpoint_dir=None,
        checkpoint_every=1,
        random_state=None,
        mixed_precision=False,
        jit_compile="auto",
        distribution=None,
        verbose=0,
    ):
        store_params(self, locals())


ImageCNNClassifier._fitted_attributes = (*_ImageCNNMixin._fitted_attributes, *BaseDeepClassifier._fitted_attributes)


@_image_doc
class ImageCNNRegressor(_ImageCNNMixin, BaseDeepRegressor):
    """Regress on series as images: a transform layer, then a 2D CNN or an ImageNet backbone.

    The model of :class:`ImageCNNClassifier` with a linear output, trained
    on the mean squared error.

    Parameters
    ----------
    %(image_parameters)s
    %(epochs)s
    batch_size : int or None, default=None
        None uses ``min(32, n_samples // 10)``, at least 1.
    %(training_parameters)s

    Attributes
    ----------
    %(attributes)s
    %(image_attributes)s

    See Also
    --------
    ImageCNNClassifier : The same model for classification.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import ImageCNNRegressor
    >>> amplitude = np.random.default_rng(0).uniform(0.5, 2, 8)
    >>> X = amplitude[:, None] * np.sin(np.linspace(0, 6, 32))
    >>> reg = ImageCNNRegressor(image_transform="rp", image_size=16, conv_filters=(4,),
    ...                         dense_units=(8,), epochs=2, random_state=0)
    >>> reg.fit(X, amplitude).predict(X[:3]).shape
    (3,)
    """

    def __init__(
        self,
        *,
        image_transform="gasf",
        image_size=64,
        network="convnet",
        weights=None,
        fine_tuning=None,
        n_unfrozen=1,
        backbone_learning_rate=1e-5,
        alpha=1.0,
        conv_filters=(32, 64),
        dense_units=(128,),
        dropout=0.0,
        epochs=None,
        batch_size=None,
        learning_rate=1e-3,
        max_time=None,
        validation_split=None,
        early_stopping_patience=None,
        lr_schedule="cosine",
        reduce_lr_patience=50,
        callbacks=None,
        augmentation=None,
        checkpoint_dir=None,
        checkpoint_every=1,
        random_state=None,
        mixed_precision=False,
        jit_compile="auto",
        distribution=None,
        verbose=0,
    ):
        store_params(self, locals())


ImageCNNRegressor._fitted_attributes = (*_ImageCNNMixin._fitted_attributes, *BaseDeepRegressor._fitted_attributes)
