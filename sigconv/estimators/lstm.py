"""LSTM and bidirectional LSTM estimators."""

from ._base import BaseDeepClassifier, BaseDeepRegressor, store_params
from ._docs import fill_doc

__all__ = ["LSTMClassifier", "LSTMRegressor", "LSTM_PAD_VALUE"]

#: Value the LSTM estimators pad series of unequal length with; the network's
#: masking layer skips the time steps where every channel equals it.
LSTM_PAD_VALUE = -1537.0


class _LSTM:
    """What the LSTM classifier and regressor share: padding that the network masks."""

    _network = "lstm"
    _network_params = ("units", "bidirectional", "dropout", "recurrent_dropout")
    _pad_value = LSTM_PAD_VALUE
    _masks_padding = True

    def _builder_params(self, variable_length):
        params = super()._builder_params(variable_length)
        if variable_length:
            params["mask_value"] = self._pad_value
        return params


@fill_doc
class LSTMClassifier(_LSTM, BaseDeepClassifier):
    """LSTM or bidirectional LSTM classifier.

    A stack of LSTM layers (:func:`~sigconv.networks.build_lstm`), reading
    the series in one or both directions (``bidirectional``), whose final
    state feeds a softmax. Series of unequal length are padded at the end
    with ``LSTM_PAD_VALUE`` (-1537.0) and the network masks those steps:
    the LSTM skips them, so a padded series gets the prediction of the
    unpadded one. A real time step equal to that value in every channel
    would be skipped too, so :meth:`fit` and :meth:`predict` raise if they
    meet one. Series of equal length are not padded or masked.

    Parameters
    ----------
    units : tuple of int, default=(128,)
        Units of each LSTM layer (per direction).
    bidirectional : bool, default=False
        Whether each layer reads the series in both directions (BLSTM).
    dropout : float, default=0.0
        Dropout rate on the inputs of each LSTM layer, in [0, 1).
    recurrent_dropout : float, default=0.0
        Dropout rate on the recurrent state, in [0, 1).
    %(epochs)s
    batch_size : int or None, default=None
        None uses 16, or ``n_samples`` when there are fewer training series.
    %(weights)s
    %(training_parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    LSTMRegressor : The same network for regression.
    sigconv.networks.build_lstm : The network.

    References
    ----------
    .. [1] S. Hochreiter and J. Schmidhuber, "Long short-term memory",
       Neural Computation 9(8), 1997.
    .. [2] A. Graves and J. Schmidhuber, "Framewise phoneme classification
       with bidirectional LSTM and other neural network architectures",
       Neural Networks 18(5-6), 2005.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import LSTMClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = [rng.normal(size=n) for n in (20, 25, 30, 22, 28, 24)]  # unequal lengths
    >>> y = ["a", "b", "a", "b", "a", "b"]
    >>> clf = LSTMClassifier(units=(4,), bidirectional=True, epochs=2, random_state=0).fit(X, y)
    >>> clf.n_timepoints_in_ is None, clf.pad_length_
    (True, 30)
    >>> clf.predict([rng.normal(size=50)]).shape  # any length
    (1,)
    """

    def __init__(
        self,
        *,
        units=(128,),
        bidirectional=False,
        dropout=0.0,
        recurrent_dropout=0.0,
        epochs=None,
        batch_size=None,
        weights=None,
        learning_rate=1e-3,
        max_time=None,
        validation_split=None,
        early_stopping_patience=None,
        lr_schedule="cosine",
        reduce_lr_patience=50,
        class_weight=None,
        label_smoothing=0.0,
        callbacks=None,
        augmentation=None,
        checkpoint_dir=None,
        checkpoint_every=1,
        random_state=None,
        mixed_precision=False,
        jit_compile="auto",
        distribution=None,
        verbose=0,
    ):
        store_params(self, locals())


@fill_doc
class LSTMRegressor(_LSTM, BaseDeepRegressor):
    """LSTM or bidirectional LSTM regressor.

    The network of :class:`LSTMClassifier`
    (:func:`~sigconv.networks.build_lstm`) with a linear output on its final
    state, trained on the mean squared error. Series of unequal length are
    padded with ``LSTM_PAD_VALUE`` (-1537.0) and masked, as for
    :class:`LSTMClassifier`.

    Parameters
    ----------
    units : tuple of int, default=(128,)
        Units of each LSTM layer (per direction).
    bidirectional : bool, default=False
        Whether each layer reads the series in both directions (BLSTM).
    dropout : float, default=0.0
        Dropout rate on the inputs of each LSTM layer, in [0, 1).
    recurrent_dropout : float, default=0.0
        Dropout rate on the recurrent state, in [0, 1).
    %(epochs)s
    batch_size : int or None, default=None
        None uses 16, or ``n_samples`` when there are fewer training series.
    %(weights)s
    %(training_parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    LSTMClassifier : The same network for classification.
    sigconv.networks.build_lstm : The network.

    References
    ----------
    .. [1] S. Hochreiter and J. Schmidhuber, "Long short-term memory",
       Neural Computation 9(8), 1997.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import LSTMRegressor
    >>> rng = np.random.default_rng(0)
    >>> amplitude = rng.uniform(0.5, 2, 16)
    >>> X = amplitude[:, None] * np.sin(np.linspace(0, 6, 30))
    >>> reg = LSTMRegressor(units=(4,), epochs=2, random_state=0)
    >>> reg.fit(X, amplitude).predict(X[:3]).shape
    (3,)
    """

    def __init__(
        self,
        *,
        units=(128,),
        bidirectional=False,
        dropout=0.0,
        recurrent_dropout=0.0,
        epochs=None,
        batch_size=None,
        weights=None,
        learning_rate=1e-3,
        max_time=None,
        validation_split=None,
        early_stopping_patience=None,
        lr_schedule="cosine",
        reduce_lr_patience=50,
        callbacks=None,
        augmentation=None,
        checkpoint_dir=None,
        checkpoint_every=1,
        random_state=None,
        mixed_precision=False,
        jit_compile="auto",
        distribution=None,
        verbose=0,
    ):
        store_params(self, locals())
