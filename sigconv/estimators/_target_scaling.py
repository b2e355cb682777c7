"""Regressors train on standardized targets: targets of any magnitude just work.

The mean squared error of targets around 1e20 overflows float32 (their
squares pass 3.4e38) and the fit ends in NaN; targets around 1e-6 give
gradients too small for the default learning rate. So every deep regressor
trains on ``(y - target_mean_) / target_scale_`` (per output, over the
training series) and maps its network's outputs back at predict:
``outputs * target_scale_ + target_mean_``. Both are fitted attributes, saved
with the estimator. Files written before they existed predict unscaled.
"""

import numpy as np

__all__ = ["StandardizedTargets", "target_standardization"]


def target_standardization(y):
    """``(mean, scale)``, float64 arrays of shape ``(n_outputs,)``, of Keras targets ``y``.

    ``y`` is ``(n_samples, n_outputs)`` or, for an ensemble,
    ``(n_samples, n_members, n_outputs)``. A constant output gets scale 1.
    """
    flat = np.asarray(y, dtype=np.float64).reshape(-1, np.shape(y)[-1])
    mean = flat.mean(axis=0)
    scale = flat.std(axis=0)
    scale[~(scale > 0) | ~np.isfinite(scale)] = 1.0
    return mean, scale


def _standardized(y, mean, scale):
    return ((np.asarray(y, dtype=np.float64) - mean) / scale).astype(np.float32)


class StandardizedTargets:
    """Mixin of :class:`~sigconv.estimators.BaseDeepRegressor`: train on standardized targets.

    Placed before ``BaseDeepEstimator`` in the bases, it wraps the two steps
    every regressor goes through: ``_train`` (targets in, including the
    validation targets) and ``_predict_outputs`` (outputs out).
    """

    def _train(self, model, X, y, weights, validation, params, *, to_keras=None):
        mean, scale = target_standardization(y)
        self.target_mean_, self.target_scale_ = mean, scale
        if validation is not None:
            validation = (validation[0], _standardized(validation[1], mean, scale), validation[2])
        return super()._train(model, X, _standardized(y, mean, scale), weights, validation, params,
                              to_keras=to_keras)

    def _predict_outputs(self, X):
        outputs = super()._predict_outputs(X)
        mean = getattr(self, "target_mean_", None)
        return outputs if mean is None else outputs * self.target_scale_ + mean
