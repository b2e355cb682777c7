"""sigconv.plot.inspection: every figure renders to a PNG with the data it should show."""

import re

import keras
import matplotlib.image
import numpy as np
import pytest
from matplotlib.figure import Figure

from sigconv.estimators import FCNClassifier
from sigconv.inspection import class_activation_map, grad_cam, layer_activations
from sigconv.plot import (
    plot_activations,
    plot_class_activation_map,
    plot_confusion_matrix,
    plot_filters,
    plot_grad_cam,
    plot_history,
)


def _render(fig, path):
    fig.savefig(path, dpi=60, format="png")
    pixels = matplotlib.image.imread(path)
    assert path.exists() and pixels[..., :3].std() > 0.02
    return pixels


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 24)
    X = np.sin(2 * np.pi * rng.uniform(2, 4, (8, 1)) * t)
    X[4:] = np.sign(X[4:])
    y = np.array([0] * 4 + [1] * 4)
    clf = FCNClassifier(filters=(3, 2), kernel_sizes=(3, 3), epochs=2, random_state=0).fit(X.astype(np.float32), y)
    return clf, X.astype(np.float32), y


def image_network():
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [keras.Input((8, 8, 3)), keras.layers.Conv2D(5, 3, padding="same", activation="relu", name="conv"),
         keras.layers.GlobalAveragePooling2D(name="gap"), keras.layers.Dense(2, name="logits")],
        name="images",
    )


def test_plot_history(fitted, tmp_path):
    clf, _, _ = fitted
    fig = plot_history(clf)
    assert [line.get_label() for line in fig.axes[0].lines] == ["loss"]
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), clf.history_["loss"])
    assert fig.axes[1].get_yscale() == "log"  # the learning rate
    _render(fig, tmp_path / "history.png")
    host = Figure()
    ax = host.subplots()
    assert plot_history({"loss": [1.0, 0.5], "val_loss": [1.2, 0.9]}, ax=ax) is host and len(ax.lines) == 2
    with pytest.raises(TypeError, match=re.escape("non-empty dict of per-epoch lists; got list.")):
        plot_history([1.0, 0.5])


def test_plot_confusion_matrix(tmp_path):
    y_true = ["a", "a", "b", "c", "c", "c"]
    y_pred = ["a", "b", "b", "c", "c", "a"]
    fig = plot_confusion_matrix(y_true, y_pred)
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert [t.get_text() for t in ax.texts] == ["1", "1", "0", "0", "1", "0", "1", "0", "2"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    _render(fig, tmp_path / "confusion.png")
    fig = plot_confusion_matrix(y_true, y_pred, labels=["c", "b", "a"], normalize="true")
    np.testing.assert_allclose(fig.axes[0].images[0].get_array()[0], [2 / 3, 0, 1 / 3])
    with pytest.raises(ValueError, match="normalize"):
        plot_confusion_matrix(y_true, y_pred, normalize="rows")


def test_plot_filters_1d_and_2d(fitted, tmp_path):
    clf, _, _ = fitted
    fig = plot_filters(clf)
    assert sum(len(ax.lines) for ax in fig.axes) == 3  # 3 filters of one input channel
    assert fig.get_suptitle() == "fcn_block0_conv: 3 filters"
    _render(fig, tmp_path / "filters1d.png")
    fig = plot_filters(clf, "fcn_block1_conv", max_filters=1)
    assert sum(len(ax.lines) for ax in fig.axes) == 3  # one filter, 3 input channels
    assert fig.get_suptitle() == "fcn_block1_conv: first 1 of 2 filters"
    fig = plot_filters(image_network())
    assert sum(len(ax.images) for ax in fig.axes) == 5
    assert fig.axes[0].images[0].get_array().shape == (3, 3, 3)  # RGB: three input channels
    _render(fig, tmp_path / "filters2d.png")


def test_plot_activations(fitted, tmp_path):
    clf, X, _ = fitted
    fig = plot_activations(clf, X[0])
    assert [len(ax.lines) for ax in fig.axes] == [3, 2]  # the two convolutions, one curve per channel
    first = layer_activations(clf, X[:1], layers=["fcn_block0_conv"])["fcn_block0_conv"][0]
    for line, channel in zip(fig.axes[0].lines, first.T):
        np.testing.assert_array_equal(line.get_ydata(), channel)
    _render(fig, tmp_path / "activations1d.png")
    fig = plot_activations(clf, X[0], layers=["fcn_classifier_softmax"])
    assert len(fig.axes[0].patches) == 2
    images = np.random.default_rng(0).normal(size=(8, 8, 3)).astype(np.float32)
    fig = plot_activations(image_network(), images, max_channels=4)
    assert sum(len(ax.images) for ax in fig.axes) == 4
    _render(fig, tmp_path / "activations2d.png")


def test_plot_class_activation_map_colours_the_series_by_the_map(fitted, tmp_path):
    clf, X, _ = fitted
    fig = plot_class_activation_map(clf, X[2])
    lines = fig.axes[0].collections[0]
    segments = lines.get_segments()
    assert len(segments) == 23
    np.testing.assert_allclose([s[0][1] for s in segments], X[2, :-1], rtol=1e-6)
    cam = class_activation_map(clf, X[2:3])[0]
    cam = (cam - cam.min()) / (cam.max() - cam.min())
    np.testing.assert_allclose(lines.get_array(), (cam[:-1] + cam[1:]) / 2, rtol=1e-5, atol=1e-6)
    _render(fig, tmp_path / "cam.png")
    host = Figure()
    ax = host.subplots()
    assert plot_class_activation_map(clf, X[0], class_index=1, ax=ax) is host
    assert ax.get_title() == "Class activation map (class 1)"


def test_plot_grad_cam_over_series_and_images(fitted, tmp_path):
    clf, X, _ = fitted
    fig = plot_grad_cam(clf, X[1])
    assert fig.axes[0].get_title() == "Grad-CAM of fcn_block1_conv (predicted class)"
    cam = grad_cam(clf, X[1:2])[0]
    np.testing.assert_allclose(fig.axes[0].collections[0].get_array(), (cam[:-1] + cam[1:]) / 2, rtol=1e-5, atol=1e-6)
    _render(fig, tmp_path / "gradcam.png")
    images = np.random.default_rng(0).normal(size=(8, 8, 3)).astype(np.float32)
    fig = plot_grad_cam(image_network(), images, channel=2)
    under, over = fig.axes[0].images
    np.testing.assert_array_equal(under.get_array(), images[..., 2])
    assert over.get_array().shape == (8, 8)
    _render(fig, tmp_path / "gradcam2d.png")
    with pytest.raises(ValueError, match=re.escape("channel must be an int in [0, 0]; got channel=1.")):
        plot_grad_cam(clf, X[1], channel=1)


def test_plot_grad_cam_over_the_image_a_network_makes():
    from sigconv.layers import GramianAngularField

    keras.utils.set_random_seed(0)
    inputs = keras.Input((20, 1))
    x = GramianAngularField(image_size=10, name="gaf")(inputs)
    x = keras.layers.Conv2D(2, 3, padding="same", activation="relu", name="conv")(x)
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.GlobalAveragePooling2D()(x)))
    series = np.sin(np.linspace(0, 6, 20, dtype=np.float32))[:, None]
    under, over = plot_grad_cam(model, series).axes[0].images
    assert under.get_array().shape == (10, 10) == over.get_array().shape
    # a Gramian field's rows and columns are time: a second panel colours the series by the
    # map projected back onto it; drawing into a given ax keeps the image alone
    fig = plot_grad_cam(model, series)
    image_ax, series_ax = fig.axes[:2]
    assert series_ax.get_title() == "projected onto the series"
    assert len(series_ax.collections) == 1 and len(series_ax.collections[0].get_segments()) == 19
    assert len(image_ax.images) == 2
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    assert not plot_grad_cam(model, series, ax=ax).axes[0].collections
