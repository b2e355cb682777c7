"""ImageStack: several transforms as channels of one image."""

import pickle
import re

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sigconv.transformers import (
    GramianAngularField,
    ImageStack,
    MarkovTransitionField,
    RecurrencePlot,
    Spectrogram,
)


@pytest.fixture
def X():
    return np.random.default_rng(0).normal(size=(6, 2, 48)).cumsum(axis=-1)


def _stack(**kwargs):
    return ImageStack(
        [
            ("gasf", GramianAngularField(method="summation", image_size=16)),
            ("gadf", GramianAngularField(method="difference", image_size=16)),
            ("mtf", MarkovTransitionField(image_size=16)),
        ],
        **kwargs,
    )


def test_channels_are_concatenated_in_order(X):
    images = _stack().fit_transform(X)
    assert images.shape == (6, 16, 16, 6) and images.dtype == np.float32
    gadf = GramianAngularField(method="difference", image_size=16).fit_transform(X)
    np.testing.assert_array_equal(images[..., 2:4], gadf)


def test_flatten_and_feature_names(X):
    stack = _stack(flatten=True).fit(X)
    out = stack.transform(X)
    assert out.shape == (6, 16 * 16 * 6)
    assert len(stack.get_feature_names_out()) == out.shape[1]


def test_pandas_output_needs_flatten(X):
    stack = _stack().set_output(transform="pandas").fit(X[:, 0])
    with pytest.raises(ValueError, match=re.escape("Set flatten=True for 2D output")):
        stack.transform(X[:, 0])
    frame = _stack(flatten=True).set_output(transform="pandas").fit_transform(X[:, 0])
    assert frame.shape == (6, 16 * 16 * 3)


def test_different_sizes_are_refused(X):
    stack = ImageStack([("gasf", GramianAngularField(image_size=16)), ("rp", RecurrencePlot(image_size=8))])
    msg = "ImageStack needs images of one size: 'gasf' makes 16x16 images and 'rp' makes 8x8."
    with pytest.raises(ValueError, match=re.escape(msg)):
        stack.fit_transform(X)


def test_bad_transformers_argument(X):
    with pytest.raises(ValueError, match="non-empty list of \\(name, transformer\\) tuples"):
        ImageStack([]).fit(X)
    with pytest.raises(TypeError, match="transformer 'x' must be a sigconv image transformer"):
        ImageStack([("x", LogisticRegression())]).fit(X)
    with pytest.raises(ValueError, match="transformer 'g' has flatten=True"):
        ImageStack([("g", GramianAngularField(flatten=True))]).fit(X)


def test_given_transformers_are_not_fitted(X):
    gasf = GramianAngularField(image_size=16)
    ImageStack([("gasf", gasf)]).fit(X)
    assert not hasattr(gasf, "n_channels_in_")


def test_nested_params_clone_pickle_and_grid_search():
    rng = np.random.default_rng(1)
    t = np.linspace(0, 1, 64)
    X = np.stack([np.sin(2 * np.pi * (3 + 5 * (i % 2)) * t) + 0.3 * rng.normal(size=64) for i in range(24)])
    y = np.arange(24) % 2
    stack = _stack(flatten=True)
    assert stack.get_params()["mtf__n_bins"] == 5
    stack.set_params(mtf__n_bins=4)
    assert stack.transformers[2][1].n_bins == 4
    fitted = clone(stack).fit(X)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(X), fitted.transform(X))
    search = GridSearchCV(
        make_pipeline(stack, LogisticRegression(max_iter=500)),
        {"imagestack__gasf__image_size": [8, 16], "imagestack__gadf__image_size": [8, 16],
         "imagestack__mtf__image_size": [8, 16]},
        cv=2,
        error_score="raise",
    )
    with pytest.raises(ValueError, match="ImageStack needs images of one size"):
        search.fit(X, y)
    search = GridSearchCV(make_pipeline(_stack(flatten=True), LogisticRegression(max_iter=500)),
                          {"logisticregression__C": [0.1, 1.0]}, cv=2)
    assert search.fit(X, y).best_score_ > 0.8


def test_spectrogram_and_gaf_stack_with_common_size(X):
    stack = ImageStack([("spec", Spectrogram(n_fft=16, hop_length=4, image_size=16)),
                        ("gasf", GramianAngularField(image_size=16))])
    assert stack.fit_transform(X).shape == (6, 16, 16, 4)
