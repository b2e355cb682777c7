"""scikit-learn's estimator checks on a tiny ImageCNNClassifier, in the style of test_estimators_sklearn.py."""

import pytest

from sigconv.estimators import DeepFeatures, ImageCNNClassifier
from sigconv.layers import GramianAngularField

from test_estimators_sklearn import _checks

_TINY = ImageCNNClassifier(
    image_transform=GramianAngularField(image_size=4), conv_filters=(2,), dense_units=(2,), epochs=1, random_state=0
)


@pytest.mark.parametrize("estimator, check", _checks([_TINY]))
def test_sklearn_compatible_image_cnn(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "estimator, check",
    _checks([DeepFeatures(alpha=0.35, image_size=32, layer="block_1_expand_relu", random_state=0)], marks=pytest.mark.slow),
)
def test_sklearn_compatible_deep_features(estimator, check):
    check(estimator)
