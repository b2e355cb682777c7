"""sigconv.inspection: activations, kernels, CAM and Grad-CAM against hand-computed values."""

import os
import re

import keras
import numpy as np
import pandas as pd
import pytest

import sigconv.inspection as inspection
from sigconv.estimators import FCNClassifier, FCNRegressor, InceptionTimeClassifier
from sigconv.inspection import (
    class_activation_map,
    conv_filters,
    grad_cam,
    image_map_to_series,
    layer_activations,
)


def waves(n_per_class=4, n_timepoints=24, seed=0):
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, n_timepoints)
    x = np.sin(2 * np.pi * rng.uniform(2, 4, (2 * n_per_class, 1)) * t)
    x[n_per_class:] = np.sign(x[n_per_class:])
    return x.astype(np.float32), np.array([0] * n_per_class + [1] * n_per_class)


def fcn(**params):
    X, y = waves()
    return FCNClassifier(**{"filters": (3, 2), "kernel_sizes": (3, 3), "epochs": 1, "random_state": 0, **params}).fit(X, y), X


def gap_model(n_timepoints=12, *, shortcut=False, seed=0):
    """conv(3 filters) -> relu [+ a shortcut conv] -> GAP -> dense(2) -> softmax, random weights."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((n_timepoints, 1), name="x")
    features = keras.layers.Conv1D(3, 3, padding="same", activation="relu", name="conv")(inputs)
    x = features
    if shortcut:
        x = keras.layers.Add(name="add")([x, keras.layers.Conv1D(3, 1, name="shortcut")(inputs)])
    pooled = keras.layers.GlobalAveragePooling1D(name="gap")(x)
    logits = keras.layers.Dense(2, name="logits")(pooled)
    return keras.Model(inputs, keras.layers.Activation("softmax", name="softmax")(logits), name="gap_net")


def series(n=5, n_timepoints=12, seed=1):
    return np.random.default_rng(seed).normal(size=(n, n_timepoints, 1)).astype(np.float32)


def numpy(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def test_public_names():
    assert set(inspection.__all__) == {
        "class_activation_map", "conv_filters", "grad_cam", "image_map_to_series", "layer_activations",
    }
    for name in inspection.__all__:
        assert getattr(inspection, name).__doc__


def test_backend_code_stays_in_its_adapter():
    package = os.path.dirname(inspection.__file__)
    for name in sorted(os.listdir(package)):
        if name.endswith(".py") and name != "_gradients.py":
            with open(os.path.join(package, name)) as file:
                source = file.read()
            assert not re.search(r"^\s*(import|from)\s+(tensorflow|jax|torch)", source, re.MULTILINE), name


# activations and kernels ------------------------------------------------------------------


def test_layer_activations_of_an_estimator_match_a_keras_extractor():
    clf, X = fcn()
    out = layer_activations(clf, X)
    names = [layer.name for layer in clf.model_.layers[1:]]
    assert list(out) == names
    extractor = keras.Model(clf.model_.input, clf.model_.get_layer("fcn_block1_act").output)
    np.testing.assert_allclose(out["fcn_block1_act"], extractor.predict(X[:, :, None], verbose=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out["fcn_classifier_softmax"], clf.predict_proba(X), rtol=1e-5, atol=1e-6)
    # any layout check_series accepts: (n, c, t) and a DataFrame give the same numbers
    three_d = layer_activations(clf, X[:, None, :], layers=["fcn_block0_conv"])
    np.testing.assert_array_equal(three_d["fcn_block0_conv"], out["fcn_block0_conv"])
    frame = layer_activations(clf, pd.DataFrame(X), layers=["fcn_block0_conv"])
    np.testing.assert_array_equal(frame["fcn_block0_conv"], out["fcn_block0_conv"])


def test_layer_activations_of_a_keras_model_and_of_ensemble_members():
    model = gap_model()
    X = series()
    out = layer_activations(model, X, layers=["gap", "conv"])
    assert list(out) == ["gap", "conv"] and out["conv"].shape == (5, 12, 3)
    np.testing.assert_allclose(out["gap"], out["conv"].mean(axis=1), rtol=1e-5, atol=1e-6)
    X2, y2 = waves()
    ensemble = InceptionTimeClassifier(
        ensemble_size=2, depth=1, n_filters=2, bottleneck_size=2, kernel_sizes=(3,), epochs=1, random_state=0
    ).fit(X2, y2)
    member = layer_activations(ensemble, X2, layers=["inception_time1_module0_act"])
    np.testing.assert_allclose(
        member["inception_time1_module0_act"].mean(axis=1),
        ensemble.embed(X2, layer="inception_time1_module0_act"),
        rtol=1e-5,
        atol=1e-6,
    )


def test_layer_activation_errors():
    model = gap_model()
    message = (
        "layers='nope' is not a layer of the network 'gap_net'. Its layers are 'x', 'conv', 'gap', "
        "'logits', 'softmax'."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        layer_activations(model, series(), layers=["nope"])
    with pytest.raises(TypeError, match=re.escape("Wrap a single name in a list: layers=[name].")):
        layer_activations(model, series(), layers="conv")
    with pytest.raises(ValueError, match=re.escape("got an array of shape (5, 12).")):
        layer_activations(model, series()[:, :, 0])
    with pytest.raises(TypeError, match=re.escape("got list.")):
        layer_activations([1], series())


def test_layer_activations_refuse_series_of_unequal_length():
    X, y = waves()
    clf = FCNClassifier(filters=(2,), kernel_sizes=(3,), epochs=1, random_state=0).fit([x[: 20 + i] for i, x in enumerate(X)], y)
    with pytest.raises(ValueError, match=re.escape("X holds series of unequal length (12 to 16 timepoints)")):
        layer_activations(clf, [X[0][:12], X[1][:16]])
    # series of one length shorter than the training padding are padded as in predict; maps are cropped
    assert layer_activations(clf, X[:2, :12], layers=["fcn_block0_act"])["fcn_block0_act"].shape == (2, 24, 2)
    assert grad_cam(clf, X[:2, :12]).shape == (2, 12)
    assert class_activation_map(clf, X[:2, :12]).shape == (2, 12)


def test_conv_filters_are_the_kernels_filter_first():
    clf, _ = fcn()
    kernel = numpy(clf.model_.get_layer("fcn_block0_conv").kernel)  # (k, c_in, n_filters)
    filters = conv_filters(clf)
    assert filters.shape == (3, 1, 3)
    np.testing.assert_array_equal(filters[2, 0], kernel[:, 0, 2])
    assert conv_filters(clf, "fcn_block1_conv").shape == (2, 3, 3)
    images = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, (2, 3), name="conv2d")])
    filters = conv_filters(images)
    assert filters.shape == (4, 2, 3, 3)
    np.testing.assert_array_equal(filters[1], numpy(images.layers[0].kernel)[..., 1])


def test_conv_filter_errors():
    clf, _ = fcn()
    message = (
        "layer='fcn_block0_bn' is a BatchNormalization, not a Conv1D or Conv2D layer. Convolution "
        "layers of this network: 'fcn_block0_conv', 'fcn_block1_conv'."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        conv_filters(clf, "fcn_block0_bn")
    dense = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="d")], name="mlp")
    with pytest.raises(ValueError, match=re.escape("The network 'mlp' has no Conv1D or Conv2D layer; its layers are 'd' (Dense).")):
        conv_filters(dense)


# class activation maps --------------------------------------------------------------------


def test_cam_is_the_dense_weighted_sum_of_the_last_feature_map():
    model = gap_model()
    X = series()
    features = layer_activations(model, X, layers=["conv"])["conv"]
    kernel, bias = (numpy(w) for w in model.get_layer("logits").weights)
    logits = features.mean(axis=1) @ kernel + bias
    for c in (0, 1):
        cam = class_activation_map(model, X, class_index=c)
        np.testing.assert_allclose(cam, features @ kernel[:, c], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(cam.mean(axis=1), logits[:, c] - bias[c], rtol=1e-5, atol=1e-5)
    predicted = np.argmax(logits, axis=1)
    np.testing.assert_allclose(
        class_activation_map(model, X), np.einsum("ntk,kn->nt", features, kernel[:, predicted]), rtol=1e-5, atol=1e-6
    )


def test_cam_is_upsampled_to_the_input_length():
    inputs = keras.Input((16, 1))
    x = keras.layers.Conv1D(2, 3, padding="same", name="conv")(inputs)
    x = keras.layers.MaxPooling1D(4, name="pool")(x)  # 4 steps
    model = keras.Model(inputs, keras.layers.Dense(3)(keras.layers.GlobalAveragePooling1D()(x)))
    cam = class_activation_map(model, series(n_timepoints=16), class_index=2)
    assert cam.shape == (5, 16)
    small = layer_activations(model, series(n_timepoints=16), layers=["pool"])["pool"] @ numpy(model.layers[-1].kernel)[:, 2]
    centres = (np.arange(16) + 0.5) / 4 - 0.5  # output steps on the axis of the 4 pooled steps
    expected = [np.interp(centres, np.arange(4), row) for row in small]
    np.testing.assert_allclose(cam, expected, rtol=1e-5, atol=1e-6)


def test_cam_of_an_estimator_and_of_a_2d_network():
    clf, X = fcn()
    cam = class_activation_map(clf, X)
    assert cam.shape == (8, 24) and cam.dtype == np.float32
    inputs = keras.Input((6, 6, 2))
    x = keras.layers.Conv2D(3, 3, padding="same", name="conv")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.GlobalAveragePooling2D()(x)))
    images = np.random.default_rng(0).normal(size=(3, 6, 6, 2)).astype(np.float32)
    features = layer_activations(model, images, layers=["conv"])["conv"]
    np.testing.assert_allclose(
        class_activation_map(model, images, class_index=1),
        features @ numpy(model.layers[-1].kernel)[:, 1],
        rtol=1e-5,
        atol=1e-6,
    )


def test_cam_needs_global_average_pooling_and_dense():
    model = keras.Sequential(
        [keras.Input((8, 1)), keras.layers.Conv1D(2, 3, name="conv"), keras.layers.Flatten(name="flat"), keras.layers.Dense(2, name="out")],
        name="flat_net",
    )
    message = (
        "the network 'flat_net' ends in 'flat' (Flatten), 'out' (Dense). Use grad_cam, which needs only "
        "a convolution layer."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        class_activation_map(model, series(n_timepoints=8))
    X, y = waves()
    ensemble = InceptionTimeClassifier(
        ensemble_size=2, depth=1, n_filters=2, bottleneck_size=2, kernel_sizes=(3,), epochs=1, random_state=0
    ).fit(X, y)
    with pytest.raises(ValueError, match=re.escape(
        "ends in 'inception_time1_classifier_expand' (Reshape), 'inception_time_ensemble_stack' (Concatenate)."
    )):
        class_activation_map(ensemble, X)
    with pytest.raises(ValueError, match=re.escape("class_index must be an int in [0, 1] or None; got class_index=2.")):
        class_activation_map(gap_model(), series(), class_index=2)


# Grad-CAM ---------------------------------------------------------------------------------


@pytest.mark.parametrize("shortcut", [False, True], ids=["plain", "residual"])
def test_grad_cam_weights_are_the_mean_gradients(shortcut):
    """Through GAP and a dense layer, dlogit_c / dA[t, k] = W[k, c] / T: alpha_k = W[k, c] / T."""
    model = gap_model(shortcut=shortcut)
    X = series()
    features = layer_activations(model, X, layers=["conv"])["conv"]
    kernel = numpy(model.get_layer("logits").kernel)
    for c in (0, 1):
        expected = np.maximum(features @ kernel[:, c] / 12, 0)
        peak = expected.max(axis=1, keepdims=True)
        expected = np.where(peak > 0, expected / np.where(peak > 0, peak, 1), 0)
        np.testing.assert_allclose(grad_cam(model, X, layer="conv", class_index=c), expected, rtol=1e-4, atol=1e-5)


def test_grad_cam_equals_the_normalised_cam_of_a_gap_network():
    clf, X = fcn()
    cam = np.maximum(class_activation_map(clf, X), 0)
    cam = cam / np.maximum(cam.max(axis=1, keepdims=True), 1e-30)
    np.testing.assert_allclose(grad_cam(clf, X, layer="fcn_block1_act"), cam, rtol=1e-4, atol=1e-5)
    default = grad_cam(clf, X)  # the last convolution, before batch normalization and ReLU
    assert default.shape == (8, 24) and np.all((default >= 0) & (default <= 1)) and np.isfinite(default).all()


def test_grad_cam_finds_the_half_the_output_depends_on():
    """The output reads the second half only; the feature map is ReLU(x) and ReLU(-x).

    Series are negative in the first half and positive in the second: class 0 reads channel
    ReLU(x), so its map is all on the second half.
    """
    inputs = keras.Input((16, 1))
    conv = keras.layers.Conv1D(2, 1, use_bias=False, activation="relu", name="conv")
    x = conv(inputs)
    x = keras.layers.Cropping1D((8, 0), name="second_half")(x)
    dense = keras.layers.Dense(2, name="logits")
    outputs = keras.layers.Activation("softmax")(dense(keras.layers.GlobalAveragePooling1D()(x)))
    model = keras.Model(inputs, outputs)
    conv.set_weights([np.array([[[1.0, -1.0]]], dtype=np.float32)])
    dense.set_weights([np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32), np.zeros(2, dtype=np.float32)])
    rng = np.random.default_rng(0)
    X = np.concatenate([-rng.uniform(0.5, 1, (4, 8, 1)), rng.uniform(0.5, 1, (4, 8, 1))], axis=1).astype(np.float32)
    cam = grad_cam(model, X, layer="conv")  # predicted: class 0
    assert np.all(cam[:, :8] == 0) and np.allclose(cam[:, 8:].max(axis=1), 1)
    assert cam[:, 8:].sum() / cam.sum() > 0.99


def test_grad_cam_of_2d_layers():
    keras.utils.set_random_seed(0)
    images = keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Conv2D(3, 3, padding="same", activation="relu", name="conv"),
         keras.layers.MaxPooling2D(2), keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(2)]
    )
    X = np.random.default_rng(0).normal(size=(3, 8, 8, 1)).astype(np.float32)
    cam = grad_cam(images, X)
    assert cam.shape == (3, 8, 8) and cam.min() >= 0 and cam.max() <= 1
    from sigconv.layers import GramianAngularField

    inputs = keras.Input((20, 1))
    x = GramianAngularField(image_size=10, name="gaf")(inputs)
    x = keras.layers.Conv2D(2, 3, strides=2, padding="same", activation="relu", name="conv")(x)
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.GlobalAveragePooling2D()(x)))
    cam = grad_cam(model, series(n=2, n_timepoints=20))
    assert cam.shape == (2, 10, 10)  # over the GAF image the network makes
    assert image_map_to_series(cam, 20).shape == (2, 20)


def test_grad_cam_of_an_all_zero_map_is_zero_not_nan():
    inputs = keras.Input((10, 1))
    conv = keras.layers.Conv1D(2, 3, padding="same", name="conv", kernel_initializer="zeros")
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.GlobalAveragePooling1D()(conv(inputs))))
    cam = grad_cam(model, series(n_timepoints=10))
    assert cam.shape == (5, 10) and np.all(cam == 0)


def test_grad_cam_and_cam_of_a_regressor_explain_its_output():
    X, _ = waves()
    reg = FCNRegressor(filters=(2,), kernel_sizes=(3,), epochs=1, random_state=0).fit(X, X.max(axis=1))
    cam = class_activation_map(reg, X)
    assert cam.shape == (8, 24)
    # the map explains the network's output, the standardised target that predict maps back
    output = cam.mean(axis=1) + numpy(reg.model_.layers[-1].bias)[0]
    np.testing.assert_allclose(output * reg.target_scale_[0] + reg.target_mean_[0], reg.predict(X), rtol=1e-4, atol=1e-5)
    assert grad_cam(reg, X).shape == (8, 24)


def test_grad_cam_of_an_ensemble_member():
    X, y = waves()
    ensemble = InceptionTimeClassifier(
        ensemble_size=2, depth=1, n_filters=2, bottleneck_size=2, kernel_sizes=(3,), epochs=1, random_state=0
    ).fit(X, y)
    cam = grad_cam(ensemble, X, layer="inception_time0_module0_act")
    assert cam.shape == (8, 24) and np.isfinite(cam).all()


def test_grad_cam_errors():
    model = gap_model()
    message = (
        "grad_cam needs a layer with a (batch, time, channels) or (batch, height, width, channels) "
        "output; layer='gap' (GlobalAveragePooling1D) has output shape (None, 3). Pick a convolution "
        "layer or its activation."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        grad_cam(model, series(), layer="gap")
    message = (
        "class_index must be an int in [0, 1] or None; got class_index=3. It indexes the network "
        "outputs (the columns of predict_proba, classes_ of a classifier)."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        grad_cam(model, series(), class_index=3)
    lstm = keras.Sequential([keras.Input((6, 1)), keras.layers.LSTM(2, name="lstm"), keras.layers.Dense(2, name="out")], name="rnn")
    with pytest.raises(ValueError, match=re.escape("the network 'rnn' has no Conv1D or Conv2D layer.")):
        grad_cam(lstm, series(n_timepoints=6))


def test_image_map_to_series():
    m = np.zeros((4, 4))
    m[2:, 2:] = 1.0
    np.testing.assert_allclose(image_map_to_series(m, 4), [0, 0, 0.5, 0.5])
    rows = np.zeros((2, 4, 6))
    rows[:, 0] = 1.0  # the first row: the first quarter of time on the row axis, every column
    np.testing.assert_allclose(image_map_to_series(rows, 4), np.array([[1 + 1 / 4, 1 / 4, 1 / 4, 1 / 4]] * 2) / 2, rtol=1e-6)
    with pytest.raises(ValueError, match=re.escape("got an array of shape (4,) and dtype float64.")):
        image_map_to_series(np.zeros(4), 4)
