"""Vibration transformers: the functionals' results, scikit-learn conventions, a Pipeline."""

import pickle
import re

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.neighbors import NearestCentroid
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import parametrize_with_checks

from sigconv.datasets import make_bearing_vibration
from sigconv.functional import bandpass, envelope_spectrum, order_spectrum
from sigconv.transformers import BandPass, EnvelopeSpectrum, OrderSpectrum


def _series(shape=(3, 2, 400), seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def test_bandpass_matches_the_functional():
    X = _series()
    Xt = BandPass(sr=1000.0, band=(50.0, 150.0), order=3).fit_transform(X)
    assert Xt.shape == X.shape and Xt.dtype == np.float32
    np.testing.assert_allclose(Xt, bandpass(X, sr=1000.0, band=(50.0, 150.0), order=3), atol=1e-6)


def test_envelope_spectrum_matches_the_functional_and_crops():
    X = _series()
    transformer = EnvelopeSpectrum(sr=1000.0, band=(100.0, 300.0), max_frequency=100.0).fit(X)
    freqs, spectrum = envelope_spectrum(X, sr=1000.0, band=(100.0, 300.0))
    keep = int(np.sum(freqs <= 100.0))
    np.testing.assert_allclose(transformer.transform(X), spectrum[..., :keep], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(transformer.frequencies_, freqs[:keep])


def test_order_spectrum_matches_the_functional():
    X = _series((2, 1, 2000))
    transformer = OrderSpectrum(sr=2000.0, rpm=1500.0, max_order=8.0, resolution=0.25,
                                envelope=True).fit(X)
    orders, spectrum = order_spectrum(X, sr=2000.0, rpm=1500.0, max_order=8.0, resolution=0.25,
                                      envelope=True)
    np.testing.assert_allclose(transformer.transform(X), spectrum, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(transformer.orders_, orders)


def test_errors_name_the_parameter():
    X = _series()
    with pytest.raises(ValueError, match=re.escape("band must be a (low, high) pair")):
        BandPass(sr=1000.0, band=(100.0, 900.0)).fit(X)
    with pytest.raises(ValueError, match=re.escape("rpm must be a number > 0.0; got rpm=-3.0.")):
        OrderSpectrum(sr=1000.0, rpm=-3.0).fit(X)
    with pytest.raises(ValueError, match=re.escape(
            "X has 300 features, but EnvelopeSpectrum is expecting 400 features as input")):
        EnvelopeSpectrum(sr=1000.0).fit(X).transform(X[..., :300])
    with pytest.raises(ValueError, match="channels"):
        EnvelopeSpectrum(sr=1000.0).fit(X).transform(X[:, :1])


def test_pickle_clone_and_pipeline_classify_bearing_faults():
    X, y = make_bearing_vibration(15, faults=("healthy", "outer_race"), duration=0.25,
                                  random_state=0, return_X_y=True)
    envelope = EnvelopeSpectrum(sr=12000.0, band=(2000.0, 4000.0), max_frequency=120.0)
    pipeline = make_pipeline(envelope, FunctionTransformer(lambda Z: Z.reshape(len(Z), -1)),
                             NearestCentroid())
    pipeline.fit(X[::2], y[::2])
    assert pipeline.score(X[1::2], y[1::2]) >= 0.9
    # The feature that separates them: the envelope spectrum at BPFO (107.4 Hz at 1,797 rpm).
    Z = envelope.fit(X).transform(X)[:, 0]
    near = np.abs(envelope.frequencies_ - 107.4) <= 6
    peaks = Z[:, near].max(axis=1)
    assert peaks[y == "outer_race"].min() > 1.5 * peaks[y == "healthy"].max()
    fitted = envelope.fit(X)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(X[:2]), fitted.transform(X[:2]))
    assert clone(fitted).get_params() == fitted.get_params()


_SHORT = "sklearn's 1-feature data are refused: these transformers need series of >= 2 timepoints."
_EXPECTED_FAILURES = {
    "check_complex_data": "complex series raise SeriesTypeError, a TypeError, where sklearn expects a ValueError.",
    "check_estimators_empty_data_messages": "sigconv's empty-input message differs from sklearn's wording.",
    "check_fit2d_1feature": _SHORT,
    "check_fit2d_predict1d": "a 1D array is refused with sigconv's message, not sklearn's 'Reshape your data'.",
    "check_n_features_in_after_fitting": (
        "the 1-timepoint X of this check is refused as too short before the length check "
        "(test_errors_name_the_parameter covers it)."
    ),
}


@parametrize_with_checks(
    [BandPass(sr=100.0, band=(10.0, 30.0), order=1), EnvelopeSpectrum(sr=100.0),
     OrderSpectrum(sr=100.0, rpm=600.0, max_order=4.0, resolution=0.5)],
    expected_failed_checks=lambda estimator: _EXPECTED_FAILURES,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("transformer", [
    BandPass(sr=1000.0, band=(50.0, 200.0), flatten=True),
    EnvelopeSpectrum(sr=1000.0, max_frequency=100.0, flatten=True),
    OrderSpectrum(sr=1000.0, rpm=600.0, max_order=10.0, resolution=0.5, flatten=True),
], ids=lambda t: type(t).__name__)
def test_flatten_gives_2d_output_for_sklearn_classifiers(transformer):
    from sklearn.linear_model import LogisticRegression

    X = np.random.default_rng(0).normal(size=(6, 2, 400))
    flat = clone(transformer).fit_transform(X)
    nested = clone(transformer).set_params(flatten=False).fit_transform(X)
    assert flat.shape == (6, nested.shape[1] * nested.shape[2]) and flat.dtype == np.float32
    np.testing.assert_array_equal(flat, nested.reshape(6, -1))
    names = clone(transformer).fit(X).get_feature_names_out()
    assert len(names) == flat.shape[1] and names[0] == type(transformer).__name__.lower() + "0"
    make_pipeline(clone(transformer), LogisticRegression()).fit(X, [0, 1] * 3).predict(X)


def test_flatten_errors_and_feature_names_need_it():
    X = np.zeros((2, 1, 100))
    with pytest.raises(TypeError, match=re.escape("flatten must be True or False; got flatten=1 (int).")):
        EnvelopeSpectrum(sr=1000.0, flatten=1).fit(X)
    with pytest.raises(ValueError, match=re.escape("Set flatten=True for 2D output")):
        EnvelopeSpectrum(sr=1000.0).fit(X).get_feature_names_out()
