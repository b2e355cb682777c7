"""Training that diverges stops with the cause; inputs out of float32's reach are refused first."""

import re

import numpy as np
import pytest

from sigconv.estimators import FCNClassifier, FCNRegressor, LSTMClassifier
from sigconv.estimators._divergence import MAX_ABS_INPUT, StopOnNonFiniteLoss
from sigconv.exceptions import SeriesValueError


def _data(n=16, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 1, 24)).astype(np.float32)
    return X, np.arange(n) % 2


def _tiny(cls, **params):
    sizes = dict(units=(3,)) if cls is LSTMClassifier else dict(filters=(4,), kernel_sizes=(3,))
    return cls(**{**sizes, "epochs": 2, "random_state": 0, **params})


@pytest.mark.parametrize("cls", [FCNClassifier, LSTMClassifier])
def test_inputs_of_1e30_are_refused_before_training(cls, monkeypatch):
    """They used to train to probabilities of exactly 0.5 (an infinite variance in batch normalization)."""
    X, y = _data()
    X[3, 0, 5] = 1e30
    monkeypatch.setattr(cls, "_build_model", lambda *a, **k: pytest.fail("built before the check"))
    message = (f"X holds values up to 1e+30 in absolute value (sample 3); a deep estimator trains on "
               f"|X| <= {MAX_ABS_INPUT:.0e}")
    with pytest.raises(SeriesValueError, match=re.escape(message)):
        _tiny(cls).fit(X, y)


def test_inputs_out_of_scale_at_predict_are_refused():
    X, y = _data()
    clf = _tiny(FCNClassifier).fit(X, y)
    with pytest.raises(SeriesValueError, match=re.escape("X holds values up to 1e+25 in absolute value (sample 0)")):
        clf.predict_proba(np.full_like(X, 1e25))
    assert np.isfinite(clf.predict_proba(X * 1e6)).all()  # large but within reach: finite


def test_ragged_inputs_are_checked_too():
    X, y = _data()
    ragged = [x[:, : 10 + i] for i, x in enumerate(X)]
    ragged[-1] = ragged[-1] * np.float32(1e20)
    with pytest.raises(SeriesValueError, match=re.escape("(sample 15)")):
        _tiny(LSTMClassifier).fit(ragged, y)


@pytest.mark.parametrize("scale", [1e-6, 1e20])
def test_regressors_train_on_targets_of_any_magnitude(scale, tmp_path):
    """Targets of 1e20 used to train to a NaN loss and predict NaN; they are standardized now."""
    from sigconv.estimators import load

    X, _ = _data()
    y = (X[:, 0, :4].mean(axis=1) * scale).astype(np.float64)
    reg = _tiny(FCNRegressor, epochs=3).fit(X, y)
    predicted = reg.predict(X)
    assert np.isfinite(predicted).all() and np.all(np.abs(predicted) < 100 * np.abs(y).max())
    np.testing.assert_allclose(reg.target_mean_, [y.astype(np.float32).mean()], rtol=1e-6)
    assert np.isfinite(reg.history_["loss"]).all() and reg.history_["loss"][0] < 10  # standardized units
    reg.save(tmp_path / "reg.sigconv")
    np.testing.assert_array_equal(load(tmp_path / "reg.sigconv").predict(X), predicted)


def test_targets_whose_squares_overflow_are_named_when_the_loss_diverges():
    callback = StopOnNonFiniteLoss("FCNRegressor", np.ones((4, 8, 1), np.float32),
                                   np.full((4, 1), 3e20, np.float32), 1e-3)
    with pytest.raises(ValueError, match=re.escape(
            "FCNRegressor's training loss became inf at epoch 1, so training stopped. The targets y reach 3e+20")):
        callback.on_epoch_end(0, {"loss": float("inf")})


def test_a_divergent_learning_rate_is_named():
    callback = StopOnNonFiniteLoss("FCNClassifier", np.ones((4, 8, 1), np.float32), np.zeros(4), 10.0)
    with pytest.raises(ValueError, match=re.escape(
            "FCNClassifier's validation loss became nan at epoch 3, so training stopped. The series and "
            "targets are of a moderate scale, so the learning rate (learning_rate=10) is the likely cause")):
        callback.on_epoch_end(2, {"loss": 0.5, "val_loss": float("nan")})
    callback.on_epoch_end(2, {"loss": 0.5, "val_loss": 0.7})  # finite: nothing happens

