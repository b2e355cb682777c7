"""Tests of the image estimators, the backbones and DeepFeatures (tiny images, 1-2 epochs)."""

import inspect
import os
import pickle
import re

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sigconv.estimators import DeepFeatures, FCNClassifier, ImageCNNClassifier, ImageCNNRegressor, load
from sigconv.estimators.image import TRANSFORMS, make_transform
from sigconv.layers import GramianAngularField, MarkovTransitionField
from sigconv.networks import (
    BACKBONES,
    BackbonePreprocessing,
    backbone_blocks,
    build_backbone,
    build_image_convnet,
)

TINY_CONVNET = dict(image_size=16, conv_filters=(4,), dense_units=(8,), random_state=0)
TINY_MOBILENET = dict(network="mobilenet_v2", alpha=0.35, image_size=16, random_state=0)


def _sine_square(n=24, length=32, seed=0):
    rng = np.random.default_rng(seed)
    waves = np.sin(2 * np.pi * (np.linspace(0, 3, length) + rng.uniform(0, 1, (n, 1))))
    X = np.concatenate([waves[: n // 2], np.sign(waves[n // 2 :])]).astype(np.float32)
    y = np.array(["sine"] * (n // 2) + ["square"] * (n - n // 2))
    return X, y


def _weights_by_layer(model, names):
    return {name: [np.array(w) for w in model.get_layer(name).get_weights()] for name in names}


def _same(a, b):
    return all(len(a[k]) == len(b[k]) and all(np.array_equal(x, y) for x, y in zip(a[k], b[k])) for k in a)


# scratch convnet -------------------------------------------------------------------------


def test_convnet_learns_sine_vs_square():
    X, y = _sine_square(40)
    clf = ImageCNNClassifier(epochs=20, lr_schedule=None, **TINY_CONVNET).fit(X, y)
    assert clf.score(X, y) >= 0.9
    assert clf.model_.input_shape == (None, 32, 1)
    assert clf.embed(X).shape == (40, 8)


@pytest.mark.parametrize(("mixed_precision", "policy", "scaled"),
                         [("bfloat16", "mixed_bfloat16", False), (True, "mixed_float16", True)])
def test_mixed_precision_reaches_the_2d_network_not_the_transform_or_head(mixed_precision, policy, scaled):
    X, y = _sine_square(40)
    clf = ImageCNNClassifier(epochs=20, lr_schedule=None, mixed_precision=mixed_precision, **TINY_CONVNET).fit(X, y)
    assert keras.config.dtype_policy().name == "float32"
    policies = {layer.name: layer.dtype_policy.name for layer in clf.model_.layers}
    assert policies["image_convnet_block0_conv"] == policies["image_convnet_dense0"] == policy
    assert policies["gasf"] == policies["convnet_classifier_logits"] == policies["convnet_classifier_softmax"] == "float32"
    assert isinstance(clf.model_.optimizer, keras.optimizers.LossScaleOptimizer) is scaled
    assert clf.score(X, y) >= 0.9


def test_augmentation_and_memmap_reach_the_image_model(tmp_path, monkeypatch):
    # The base class's per-step batches (augmentation, X on disk) go through the image
    # estimator's own training phases too: each phase reads every batch from the file.
    from sigconv.augmentation import Augmenter
    from sigconv.estimators import _batches

    X, y = _sine_square(16)
    np.save(tmp_path / "X.npy", X)
    X_disk = np.load(tmp_path / "X.npy", mmap_mode="r")
    calls = []
    original = _batches.TrainingBatches.__getitem__

    def spy(self, index):
        calls.append(index)
        return original(self, index)

    monkeypatch.setattr(_batches.TrainingBatches, "__getitem__", spy)
    augmentation = Augmenter([("jitter", {"sigma": 0.05})])
    clf = ImageCNNClassifier(epochs=2, batch_size=8, augmentation=augmentation, **TINY_CONVNET)
    clf.fit(X_disk, y)
    assert len(calls) >= 2 * 2  # 2 epochs of 2 batches
    assert clf.predict(X_disk).shape == (16,)
    np.testing.assert_allclose(clf.predict_proba(X_disk), clf.predict_proba(X), rtol=1e-5)


@pytest.mark.parametrize("transform", [*TRANSFORMS, ["gasf", "gadf", "mtf"]])
def test_every_string_transform_fits(transform):
    X, y = _sine_square(8, length=64)
    clf = ImageCNNClassifier(image_transform=transform, epochs=1, **TINY_CONVNET).fit(X, y)
    assert clf.predict_proba(X).shape == (8, 2)
    n_channels = 3 if isinstance(transform, list) else 1
    assert clf.model_.layers[1].compute_output_shape((None, 64, 1)) == (None, 16, 16, n_channels)


def test_make_transform_settings():
    assert make_transform("spectrogram", image_size=32, n_timepoints=1000).n_fft == 256
    mel = make_transform("mel", image_size=32, n_timepoints=100)
    assert (mel.n_fft, mel.hop_length, mel.n_mels) == (64, 16, 16)


def test_layer_instance_is_copied_not_mutated():
    X, y = _sine_square(8)
    layer = GramianAngularField(method="difference", image_size=16)
    config = layer.get_config()
    clf = ImageCNNClassifier(image_transform=layer, epochs=1, **TINY_CONVNET).fit(X, y)
    assert not layer.built and layer.get_config() == config
    assert clf.image_transform is layer
    assert all(model_layer is not layer for model_layer in clf.model_.layers)
    stacked = ImageCNNClassifier(image_transform=[layer, layer, MarkovTransitionField(image_size=16)], epochs=1, **TINY_CONVNET)
    assert stacked.fit(X, y).model_.layers[1].compute_output_shape((None, 32, 1))[-1] == 3
    assert not layer.built


def test_regressor_fits_and_predicts():
    rng = np.random.default_rng(0)
    amplitude = rng.uniform(0.5, 2, 12)
    X = amplitude[:, None] * np.sin(np.linspace(0, 6, 32))
    reg = ImageCNNRegressor(image_transform="rp", epochs=2, **TINY_CONVNET).fit(X, amplitude)
    assert reg.predict(X).shape == (12,)


def test_save_load_and_pickle_give_the_same_predictions(tmp_path):
    X, y = _sine_square(8)
    clf = ImageCNNClassifier(image_transform=["gasf", "mtf"], epochs=1, **TINY_CONVNET).fit(X, y)
    expected = clf.predict_proba(X)
    clf.save(tmp_path / "clf.sigconv")
    np.testing.assert_allclose(load(tmp_path / "clf.sigconv").predict_proba(X), expected, rtol=1e-6)
    np.testing.assert_allclose(ImageCNNClassifier.load(tmp_path / "clf.sigconv").predict_proba(X), expected, rtol=1e-6)
    np.testing.assert_allclose(pickle.loads(pickle.dumps(clf)).predict_proba(X), expected, rtol=1e-6)
    assert clone(clf).get_params()["image_transform"] == ["gasf", "mtf"]


# backbones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "backbone",
    [
        "mobilenet_v2",
        pytest.param("efficientnet_b0", marks=pytest.mark.slow),
        pytest.param("resnet50", marks=pytest.mark.slow),
        pytest.param("vgg16", marks=pytest.mark.slow),
        "efficientnet_lite0",
    ],
)
def test_backbone_builds_and_has_its_blocks(backbone):
    kwargs = {"alpha": 0.35} if backbone == "mobilenet_v2" else {}
    model = build_backbone(backbone, 32, 32, **kwargs)
    assert model.output.shape[1:3] == (1, 1)
    names = [layer.name for layer in model.layers[1:]]
    blocks = backbone_blocks(backbone, names)
    assert len(blocks) == len(BACKBONES[backbone]["blocks"])
    assert all(blocks) and sum(blocks, []) == names
    clf = ImageCNNClassifier(network=backbone, image_size=8, fine_tuning="frozen", epochs=1, random_state=0, **kwargs)
    X, y = _sine_square(4)
    assert clf.fit(X, y).predict_proba(X).shape == (4, 2)


def test_mobilenet_blocks_are_its_stride_stages():
    names = [layer.name for layer in build_backbone("mobilenet_v2", 32, 32, alpha=0.35).layers[1:]]
    blocks = backbone_blocks("mobilenet_v2", names)
    assert blocks[0][0] == "Conv1" and blocks[1][0] == "block_1_expand"
    assert blocks[3][0] == "block_6_expand" and blocks[4][-1] == "out_relu"


def test_weights_path_round_trip_gives_identical_outputs(tmp_path):
    path = tmp_path / "mobilenet.weights.h5"
    original = build_backbone("mobilenet_v2", 32, 32, alpha=0.35)
    original.save_weights(path)
    images = np.random.default_rng(0).normal(size=(2, 32, 32, 3)).astype("float32")
    loaded = build_backbone("mobilenet_v2", 48, 48, alpha=0.35, weights=path)
    np.testing.assert_array_equal(
        build_backbone("mobilenet_v2", 32, 32, alpha=0.35, weights=str(path)).predict(images, verbose=0),
        original.predict(images, verbose=0),
    )
    assert loaded.output.shape[1:3] == (2, 2)


def test_frozen_keeps_the_loaded_backbone_weights(tmp_path):
    path = tmp_path / "mobilenet.weights.h5"
    source = build_backbone("mobilenet_v2", 32, 32, alpha=0.35)
    source.save_weights(path)
    names = [layer.name for layer in source.layers[1:] if layer.weights]
    X, y = _sine_square(8)
    clf = ImageCNNClassifier(weights=path, fine_tuning="frozen", epochs=2, **TINY_MOBILENET).fit(X, y)
    assert _same(_weights_by_layer(source, names), _weights_by_layer(clf.model_, names))
    assert clf.model_.get_layer("mobilenet_v2_resize").compute_output_shape((None, 16, 16, 1)) == (None, 32, 32, 1)
    assert clf.embed(X, layer="block_3_expand_relu").shape == (8, 48)
    expected = clf.predict_proba(X)
    np.testing.assert_allclose(pickle.loads(pickle.dumps(clf)).predict_proba(X), expected, rtol=1e-5)


def test_top_unfreezes_only_the_top_blocks():
    X, y = _sine_square(8)
    clf = ImageCNNClassifier(
        fine_tuning="top", n_unfrozen=1, backbone_learning_rate=1e-2, epochs=1, **TINY_MOBILENET
    )
    clf.fit(X, y)
    names = [layer.name for layer in build_backbone("mobilenet_v2", 32, 32, alpha=0.35).layers[1:]]
    blocks = backbone_blocks("mobilenet_v2", names)
    trainable = {layer.name for layer in clf.model_.layers if layer.trainable and layer.weights}
    top = {name for name in blocks[-1] if not name.endswith(("_BN", "_bn"))}
    assert trainable & set(sum(blocks, [])) == {n for n in top if clf.model_.get_layer(n).weights}
    assert clf.history_["phase"] == [1, 2]
    assert clf.history_["learning_rate"][1] == pytest.approx(1e-2)


def test_backbone_batch_normalization_gets_the_project_momentum():
    X, y = _sine_square(8)
    clf = ImageCNNClassifier(epochs=1, **TINY_MOBILENET).fit(X, y)
    bn = [layer for layer in clf.model_.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert len(bn) > 10 and all(layer.momentum == 0.9 for layer in bn)  # keras.applications' own: 0.999


@pytest.mark.slow
def test_full_unfreezes_every_block_but_batch_normalization():
    X, y = _sine_square(8)
    clf = ImageCNNClassifier(fine_tuning="full", epochs=1, **TINY_MOBILENET).fit(X, y)
    names = [layer.name for layer in build_backbone("mobilenet_v2", 32, 32, alpha=0.35).layers[1:]]
    for name in names:
        layer = clf.model_.get_layer(name)
        if layer.weights:
            assert layer.trainable is not isinstance(layer, keras.layers.BatchNormalization), name
    assert clf.history_["phase"] == [1, 2]


@pytest.mark.slow
def test_two_phase_fit_checkpoints_each_phase_and_resumes(tmp_path):
    X, y = _sine_square(8)
    params = dict(fine_tuning="top", epochs=1, checkpoint_dir=tmp_path / "ckpt", **TINY_MOBILENET)
    first = ImageCNNClassifier(**params).fit(X, y)
    assert sorted(os.listdir(tmp_path / "ckpt")) == ["fine_tuning", "head"]
    again = ImageCNNClassifier(**params).fit(X, y)  # both phases done: restored, not retrained
    np.testing.assert_allclose(again.predict_proba(X), first.predict_proba(X), rtol=1e-5)
    assert again.history_ == first.history_


def test_greedy_records_each_depth_and_keeps_the_best():
    X, y = _sine_square(12)
    clf = ImageCNNClassifier(fine_tuning="greedy", validation_split=0.34, epochs=1, **TINY_MOBILENET)
    clf.fit(X, y)
    losses = clf.greedy_val_losses_
    assert len(losses) == 5 and all(np.isfinite(losses))
    assert clf.n_blocks_ == int(np.argmin(losses)) + 1
    assert min(clf.history_["val_loss"]) == pytest.approx(losses[clf.n_blocks_ - 1])
    names = {layer.name for layer in clf.model_.layers}
    later = "block_13_expand" if clf.n_blocks_ < 5 else None
    assert later is None or later not in names
    assert clf.predict(X).shape == (12,)


# DeepFeatures ----------------------------------------------------------------------------


def test_deep_features_of_a_backbone_in_a_pipeline():
    X, y = _sine_square(12)
    features = DeepFeatures(alpha=0.35, image_size=32, layer="block_3_expand_relu", pooling="max")
    pipeline = make_pipeline(features, LogisticRegression()).fit(X, y)
    assert pipeline.predict(X).shape == (12,)
    assert features.transform(X).shape == (12, 48)
    assert features.get_feature_names_out()[:2].tolist() == ["deepfeatures0", "deepfeatures1"]
    np.testing.assert_allclose(pickle.loads(pickle.dumps(features)).transform(X), features.transform(X), rtol=1e-5)
    with pytest.raises(ValueError, match=re.escape(
        "X has 30 features, but DeepFeatures is expecting 32 features as input: it was fitted on "
        "series of 32 timepoints and its transform layer is built for that length. Resample or pad "
        "the series to that length."
    )):
        features.transform(X[:, :30])


def test_deep_features_with_a_seed_are_reproducible():
    X, _ = _sine_square(4)
    first = DeepFeatures(alpha=0.35, image_size=32, layer="block_1_expand_relu", random_state=0).fit_transform(X)
    second = DeepFeatures(alpha=0.35, image_size=32, layer="block_1_expand_relu", random_state=0).fit_transform(X)
    np.testing.assert_array_equal(first, second)


def test_deep_features_of_a_fitted_estimator():
    X, y = _sine_square(12)
    clf = ImageCNNClassifier(epochs=1, **TINY_CONVNET).fit(X, y)
    weights = clf.model_.get_weights()
    features = DeepFeatures(estimator=clf).fit(X)
    assert all(np.array_equal(a, b) for a, b in zip(weights, clf.model_.get_weights()))
    np.testing.assert_array_equal(features.transform(X), clf.embed(X))
    assert features.get_feature_names_out().shape == (8,)
    frozen = make_pipeline(DeepFeatures(estimator=FrozenEstimator(clf), layer="image_convnet_block0_conv"), LogisticRegression())
    assert clone(frozen).fit(X, y).predict(X).shape == (12,)
    fcn = FCNClassifier(filters=(4,), kernel_sizes=(3,), epochs=1, random_state=0).fit(X, y)
    assert DeepFeatures(estimator=fcn).fit_transform(X).shape == (12, 4)


# bad inputs ------------------------------------------------------------------------------

_TRANSFORM_EXPECTED = (
    "image_transform must be a transform name ('gasf', 'gadf', 'mtf', 'rp', 'spectrogram', 'mel', "
    "'mfcc'), a sigconv.layers transform layer (e.g. GramianAngularField(image_size=64)) or "
    "ImageStack, or a non-empty list of those to stack as channels"
)


@pytest.mark.parametrize(
    "params, error, message",
    [
        (dict(image_transform="gaf"), ValueError, f"{_TRANSFORM_EXPECTED}; got image_transform='gaf'."),
        (dict(image_transform=[]), ValueError, f"{_TRANSFORM_EXPECTED}; got image_transform=[]."),
        (dict(image_transform=3), TypeError, f"{_TRANSFORM_EXPECTED}; got image_transform=3."),
        (
            dict(network="resnet"),
            ValueError,
            "network must be one of {'convnet', 'mobilenet_v2', 'efficientnet_b0', 'resnet50', 'vgg16', "
            "'efficientnet_lite0'}; "
            "got network='resnet'.",
        ),
        (
            dict(weights="imagenet"),
            ValueError,
            "weights='imagenet' applies to keras.applications backbones; network='convnet' is trained "
            "from scratch. Use weights=None, or a backbone network ('mobilenet_v2', 'efficientnet_b0', "
            "'resnet50', 'vgg16', 'efficientnet_lite0').",
        ),
        (
            dict(fine_tuning="frozen"),
            ValueError,
            "fine_tuning='frozen' applies to keras.applications backbones; network='convnet' is trained "
            "from scratch. Use fine_tuning=None, or a backbone network ('mobilenet_v2', 'efficientnet_b0', "
            "'resnet50', 'vgg16', 'efficientnet_lite0').",
        ),
        (
            dict(fine_tuning="last"),
            ValueError,
            "fine_tuning must be one of {None, 'frozen', 'top', 'full', 'greedy'}; got fine_tuning='last'.",
        ),
        (
            dict(network="vgg16", fine_tuning="top", n_unfrozen=6),
            ValueError,
            "n_unfrozen must be an int in [1, 5]: vgg16 has 5 blocks; got n_unfrozen=6. Use "
            "fine_tuning='full' to unfreeze them all.",
        ),
        (
            dict(network="vgg16", alpha=0.5),
            ValueError,
            "alpha is MobileNetV2's width multiplier; network='vgg16' has none. Use alpha=1.0; got alpha=0.5.",
        ),
        (
            dict(network="mobilenet_v2", fine_tuning="greedy"),
            ValueError,
            "fine_tuning='greedy' keeps the backbone depth with the lowest validation loss, so it needs "
            "a validation set: set validation_split or pass validation_data to fit.",
        ),
        (
            dict(network="vgg16", weights="vgg16.h5"),
            ValueError,
            "weights must be None, 'imagenet' or the path of a .weights.h5 file (as written by "
            "model.save_weights) of the backbone; got weights='vgg16.h5'.",
        ),
        (
            dict(network="vgg16", weights="missing.weights.h5"),
            FileNotFoundError,
            "weights must be None, 'imagenet' or the path of an existing .weights.h5 file; "
            "got weights='missing.weights.h5', which does not exist.",
        ),
        (dict(image_size=0), ValueError, "image_size must be an int >= 1; got image_size=0."),
    ],
)
def test_bad_parameters_raise_in_fit_with_exact_messages(params, error, message):
    X, y = _sine_square(4)
    estimator = ImageCNNClassifier(epochs=1, **params)  # __init__ never raises
    with pytest.raises(error, match=re.escape(message)):
        estimator.fit(X, y)


def test_series_of_unequal_length_are_refused():
    X = [np.zeros(32) + i for i in range(3)] + [np.ones(30)]
    with pytest.raises(ValueError, match=re.escape(
        "ImageCNNClassifier needs series of equal length: its transform layer is built for one "
        "length. Resample the series to one length (e.g. with sigconv.functional.paa) or pad them before fit."
    )):
        ImageCNNClassifier(epochs=1, **TINY_CONVNET).fit(X, [0, 1, 0, 1])


def test_mismatched_weights_file_has_a_clear_error(tmp_path):
    path = tmp_path / "small.weights.h5"
    build_backbone("mobilenet_v2", 32, 32, alpha=0.35).save_weights(path)
    with pytest.raises(ValueError, match=re.escape(
        f"weights={str(path)!r} does not hold the weights of mobilenet_v2 (alpha=0.5) ("
    )):
        build_backbone("mobilenet_v2", 32, 32, alpha=0.5, weights=path)


def test_backbone_builder_errors():
    with pytest.raises(ValueError, match=re.escape(
        "backbone must be one of {'mobilenet_v2', 'efficientnet_b0', 'resnet50', 'vgg16', 'efficientnet_lite0'}; "
        "got backbone='mobilenet'."
    )):
        build_backbone("mobilenet", 32, 32)
    with pytest.raises(ValueError, match=re.escape(
        "vgg16 needs images of at least 32x32 pixels; got height=16, width=32. Resize the images "
        "first (e.g. with sigconv.layers.Resize)."
    )):
        build_backbone("vgg16", 16, 32)


def test_deep_features_errors():
    X, y = _sine_square(4)
    with pytest.raises(TypeError, match=re.escape(
        "estimator must be a fitted sigconv deep estimator (e.g. ImageCNNClassifier or "
        "FCNClassifier), possibly wrapped in sklearn.frozen.FrozenEstimator, or None to use "
        "a keras.applications backbone; got estimator=LogisticRegression()."
    )):
        DeepFeatures(estimator=LogisticRegression()).fit(X)
    with pytest.raises(ValueError, match=re.escape("layer='nope' is not a layer of mobilenet_v2. Its last layers are")):
        DeepFeatures(alpha=0.35, image_size=32, layer="nope").fit(X)
    with pytest.raises(ValueError, match=re.escape(
        "DeepFeatures feeds the images to a backbone without training, so they need 1 or 3 channels"
    )):
        DeepFeatures(alpha=0.35, image_size=32, image_transform=["gasf", "gadf"]).fit(X)


# networks and layers ---------------------------------------------------------------------


def test_image_convnet_shapes_and_errors():
    assert build_image_convnet(16, 8, 2, conv_filters=(4, 4), dense_units=()).output.shape == (None, 4, 2, 4)
    assert build_image_convnet(16, 16, 1, conv_filters=(4,), dense_units=(3,)).output.shape == (None, 3)
    with pytest.raises(ValueError, match=re.escape(
        "build_image_convnet pools 3 times by pool_size=2, so images must be at least "
        "pool_size ** len(conv_filters) = 8 pixels high and wide; got height=4, width=16. Use "
        "larger images, fewer convolutions or a smaller pool_size."
    )):
        build_image_convnet(4, 16, 1, conv_filters=(2, 2, 2))


@pytest.mark.parametrize("mode", ["tf", "caffe", "none"])
def test_backbone_preprocessing_ranges_and_keras_round_trip(mode, tmp_path):
    images = np.random.default_rng(0).normal(size=(2, 4, 4, 1)).astype("float32")
    layer = BackbonePreprocessing(mode)
    out = np.asarray(layer(images))
    assert out.shape == (2, 4, 4, 3)
    if mode == "tf":
        assert out.min() == pytest.approx(-1) and out.max() == pytest.approx(1)
    elif mode == "none":
        assert out.min() == pytest.approx(0) and out.max() == pytest.approx(255)
    else:
        np.testing.assert_allclose(out[..., 0].max(), 255 - 103.939, rtol=1e-5)
    assert set(layer.get_config()) >= set(inspect.signature(BackbonePreprocessing).parameters) - {"kwargs"}
    model = keras.Sequential([keras.Input((4, 4, 1)), BackbonePreprocessing(mode)])
    model.save(tmp_path / "m.keras")
    expected = model.predict(images, verbose=0)
    np.testing.assert_array_equal(keras.saving.load_model(tmp_path / "m.keras").predict(images, verbose=0), expected)
    np.testing.assert_allclose(expected, out, atol=1e-5)
    with pytest.raises(ValueError, match=re.escape("mode must be one of {'tf', 'caffe', 'none'}; got mode='torch'.")):
        BackbonePreprocessing("torch")


def test_constant_images_do_not_divide_by_zero():
    out = np.asarray(BackbonePreprocessing("none")(np.ones((1, 3, 3, 3), dtype="float32")))
    assert np.all(out == 0)


def test_no_file_written_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    X, y = _sine_square(4)
    ImageCNNClassifier(epochs=1, **TINY_CONVNET).fit(X, y)
    assert os.listdir(tmp_path) == []
