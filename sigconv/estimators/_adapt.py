"""Adaptive batch normalization (AdaBN): re-estimate normalization statistics on a new domain.

Li et al. (2016) keep every learned weight and replace the mean and variance
each BatchNormalization layer normalizes with by those of its inputs on
unlabelled data of the target domain (another machine, load or sensor).
"""

import contextlib

import keras
import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..validation import check_int

__all__ = ["AdaptationMixin", "batch_normalization_layers"]


def batch_normalization_layers(model):
    """Every BatchNormalization layer of ``model``, nested models included, in build order."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            found.append(layer)
        elif isinstance(layer, keras.Model):
            found.extend(batch_normalization_layers(layer))
    return found


class _Moments:
    """Pooled per-channel mean and variance of a BatchNormalization layer's inputs over all batches."""

    def __init__(self, layer):
        self.layer = layer
        self.count = 0
        self.total = self.squares = 0.0

    def add(self, x, mask):
        """Pool the batch ``x``; return its own per-channel mean and variance."""
        axis = self.layer.axis % x.ndim
        x = np.moveaxis(x.astype(np.float64), axis, -1).reshape(-1, x.shape[axis])
        if mask is not None and mask.size == len(x):  # padded steps of unequal series do not count
            x = x[np.asarray(mask, dtype=bool).reshape(-1)]
        if not len(x):
            return None
        self.count += len(x)
        self.total = self.total + x.sum(axis=0)
        self.squares = self.squares + (x * x).sum(axis=0)
        return x.mean(axis=0), x.var(axis=0)

    def result(self):
        mean = self.total / self.count
        return mean, np.maximum(self.squares / self.count - mean * mean, 0.0)


@contextlib.contextmanager
def _recording(layers):
    """Make each layer normalize with its batch's statistics and pool them, for the block's duration."""
    moments = [_Moments(layer) for layer in layers]

    def recorder(layer, stats, original):
        def call(inputs, training=None, mask=None):
            x = keras.ops.convert_to_numpy(inputs)
            m = None if mask is None else keras.ops.convert_to_numpy(mask)
            batch = stats.add(x, m)
            if batch is not None:
                # normalize this batch with its own statistics, as in training: the layers
                # after it then see inputs as adapted as they will be
                _assign(layer, *batch)
            return original(inputs, training=False, mask=mask)
        return call

    saved = [(layer, layer.__dict__.get("call")) for layer in layers]
    before = [(keras.ops.convert_to_numpy(layer.moving_mean), keras.ops.convert_to_numpy(layer.moving_variance))
              for layer in layers]
    try:
        for layer, stats in zip(layers, moments):
            object.__setattr__(layer, "call", recorder(layer, stats, layer.call))
        yield moments
    except BaseException:
        for layer, (mean, variance) in zip(layers, before):
            _assign(layer, mean, variance)
        raise
    finally:
        for layer, call in saved:
            if call is None:
                object.__delattr__(layer, "call")
            else:
                object.__setattr__(layer, "call", call)


def _assign(layer, mean, variance):
    layer.moving_mean.assign(np.asarray(mean).astype(layer.moving_mean.dtype))
    layer.moving_variance.assign(np.asarray(variance).astype(layer.moving_variance.dtype))


class AdaptationMixin:
    """The :meth:`adapt` method of sigconv's deep estimators."""

    def adapt(self, X, *, batch_size=128):
        """Re-estimate the batch-normalization statistics on unlabelled series of a new domain (AdaBN).

        Every weight learned by :meth:`fit` is kept; each BatchNormalization
        layer's moving mean and variance are replaced by the mean and
        variance of its inputs on ``X``, so that series of the target domain
        (another machine, load, sensor gain or resonance) reach the layers
        after it normalized as the training series were. The series pass
        through the network in batches of ``batch_size``, each
        BatchNormalization layer normalizing a batch with that batch's
        statistics (as in training); the statistics kept are pooled over all
        of ``X``. Call it again with other series to adapt to another domain;
        fit again to undo it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints), or list of array-like
            Unlabelled series of the target domain, in any layout
            :meth:`predict` takes. Use as many as there are (hundreds of
            windows): the statistics are estimated from them.
        batch_size : int, default=128
            Series per forward pass.

        Returns
        -------
        self : object
            The estimator, adapted.

        Raises
        ------
        TypeError
            If the network has no BatchNormalization layer (the recurrent
            networks of :class:`LSTMClassifier` and :class:`LSTMRegressor`).

        References
        ----------
        .. [1] Y. Li, N. Wang, J. Shi, J. Liu and X. Hou, "Revisiting batch
           normalization for practical domain adaptation", arXiv:1603.04779, 2016.

        Examples
        --------
        >>> import numpy as np
        >>> from sigconv.estimators import FCNClassifier
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(16, 1, 32)) * np.repeat([1.0, 3.0], 8)[:, None, None]
        >>> clf = FCNClassifier(filters=(4,), kernel_sizes=(3,), epochs=2, random_state=0)
        >>> clf = clf.fit(X, np.repeat(["quiet", "loud"], 8))
        >>> clf.adapt(10 * X) is clf  # a sensor of ten times the gain
        True
        """
        check_is_fitted(self, "model_")
        layers = batch_normalization_layers(self.model_)
        if not layers:
            raise TypeError(
                f"{type(self).__name__}'s network has no BatchNormalization layer, so adapt (AdaBN) "
                "has no statistics to re-estimate. Use an estimator whose network normalizes its "
                "batches (FCN, ResNet, InceptionTime, an ImageCNN backbone such as "
                "mobilenet_v2), or fit on labelled series of the target domain."
            )
        batch_size = check_int(batch_size, "batch_size", min_value=1)
        X = self._check_X_predict(X)
        if len(X) < 2:
            raise ValueError(
                f"X must hold at least 2 series to estimate statistics from; got {len(X)}. Pass the "
                "unlabelled series of the target domain (hundreds of windows, as many as there are)."
            )
        with _recording(layers) as moments:
            for _, batch in self._keras_groups(X, self._test_views()):
                for i in range(0, len(batch), batch_size):
                    self.model_(batch[i : i + batch_size], training=False)
            for stats in moments:
                if stats.count:  # a layer no series reached keeps its statistics
                    _assign(stats.layer, *stats.result())
        return self
