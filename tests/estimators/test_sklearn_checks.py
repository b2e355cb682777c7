"""scikit-learn's estimator checks on every sigconv estimator, with tiny networks.

The checks of FCNClassifier run by default: almost everything they test
lives in the shared base class. Those of the other estimators, FCNRegressor
included, are marked slow (about a minute each on two CPU cores). Checks expected to
fail are skipped, each with its reason.
"""

import pytest
from sklearn.utils.estimator_checks import estimator_checks_generator

from sigconv.augmentation import Augmenter
from sigconv.estimators import (
    BaseDeepClassifier,
    FCNClassifier,
    FCNRegressor,
    InceptionTimeClassifier,
    InceptionTimeRegressor,
    LSTMClassifier,
    LSTMRegressor,
    ResNetClassifier,
    ResNetRegressor,
    WaveNetClassifier,
    WaveNetRegressor,
)

_TRAINING = dict(epochs=1, random_state=0)
_TOO_SHORT = (
    "One epoch of a network with two filters cannot reach the score this check asks for "
    "(the training itself is tested in test_estimators.py)."
)

_EXPECTED_FAILURES = {
    "check_complex_data": (
        "sigconv's input contract raises SeriesTypeError (a TypeError) for complex series, "
        "with a message that says to pass np.abs(X) or X.real; the check wants a ValueError."
    ),
    "check_estimators_empty_data_messages": (
        "sigconv's message for series of 0 timepoints speaks of timepoints "
        "('X has a series of 0 timepoint(s)'), not of '0 feature(s)'."
    ),
    "check_fit2d_predict1d": (
        "sigconv's message for a 1D X explains both reshapes (X.reshape(1, -1) for one series, "
        "X.reshape(-1, 1) for one value per sample) in its own words, not 'Reshape your data'."
    ),
    "check_sample_weight_equivalence_on_dense_data": (
        "Minibatch training: removing or repeating series changes the batches and their "
        "order, so a zero or doubled weight is equivalent in expectation only."
    ),
}


def expected_failed_checks(estimator):
    failures = dict(_EXPECTED_FAILURES)
    if isinstance(estimator, BaseDeepClassifier):
        failures["check_classifiers_train"] = _TOO_SHORT
        failures["check_class_weight_classifiers"] = _TOO_SHORT
    else:
        failures["check_regressors_train"] = _TOO_SHORT
    return failures


_FCN = dict(filters=(2,), kernel_sizes=(3,), **_TRAINING)
_RESNET = dict(n_filters=2, n_blocks=1, kernel_sizes=(3,), **_TRAINING)
_INCEPTION = dict(ensemble_size=2, depth=1, n_filters=2, bottleneck_size=2, kernel_sizes=(3,), **_TRAINING)
_WAVENET = dict(n_filters=2, n_layers_per_stack=1, n_stacks=1, **_TRAINING)
_LSTM = dict(units=(2,), **_TRAINING)


def _checks(estimators, marks=(), failures=None):
    """The checks of ``estimators``, those expected to fail skipped (with their reason).

    ``failures(estimator)`` gives the expected failures; default :func:`expected_failed_checks`.
    """
    failures = failures or expected_failed_checks
    params = []
    for estimator in estimators:
        name = type(estimator).__name__ + ("-bidirectional" if getattr(estimator, "bidirectional", False) else "")
        name += "-augmented" if getattr(estimator, "augmentation", None) is not None else ""
        checks = estimator_checks_generator(
            estimator, legacy=True, expected_failed_checks=failures(estimator), mark="skip"
        )
        for estimator_, check in checks:
            function = getattr(check, "func", check)
            keywords = getattr(check, "keywords", {})
            suffix = "".join(f"-{key}={value}" for key, value in keywords.items())
            params.append(pytest.param(estimator_, check, id=f"{name}-{function.__name__}{suffix}", marks=marks))
    return params


@pytest.mark.parametrize("estimator, check", _checks([FCNClassifier(**_FCN)]))
def test_sklearn_compatible(estimator, check):
    check(estimator)


_AUGMENTER = Augmenter([("time_warp", {}), ("jitter", {})])

_SLOW = [
    FCNClassifier(augmentation=_AUGMENTER, **_FCN),
    FCNRegressor(augmentation=_AUGMENTER, **_FCN),
    FCNRegressor(**_FCN),
    ResNetClassifier(**_RESNET),
    ResNetRegressor(**_RESNET),
    InceptionTimeClassifier(**_INCEPTION),
    InceptionTimeRegressor(**_INCEPTION),
    WaveNetClassifier(**_WAVENET),
    WaveNetRegressor(**_WAVENET),
    LSTMClassifier(**_LSTM),
    LSTMClassifier(bidirectional=True, **_LSTM),
    LSTMRegressor(**_LSTM),
]


@pytest.mark.parametrize("estimator, check", _checks(_SLOW, marks=pytest.mark.slow))
def test_sklearn_compatible_slow(estimator, check):
    check(estimator)
