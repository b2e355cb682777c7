"""Fully convolutional network (FCN) estimators."""

from ._base import BaseDeepClassifier, BaseDeepRegressor, store_params
from ._docs import fill_doc

__all__ = ["FCNClassifier", "FCNRegressor"]


@fill_doc
class FCNClassifier(BaseDeepClassifier):
    """Fully convolutional network classifier of Wang et al. (2017).

    Convolution, batch normalization and ReLU blocks
    (:func:`~sigconv.networks.build_fcn`), global average pooling and a
    softmax, trained with Adam as in the benchmark of Fawaz et al. (2019).
    Series of unequal length are padded at the end with zeros (see
    :class:`~sigconv.estimators.BaseDeepEstimator`).

    Parameters
    ----------
    filters : tuple of int, default=(128, 256, 128)
        Output channels of each convolution block.
    kernel_sizes : tuple of int, default=(8, 5, 3)
        Kernel length of each block; one per entry of ``filters``.
    activation : str or keras.layers.Layer, default="relu"
        Activation of the blocks (see :func:`~sigconv.networks.get_activation`).
    %(ensemble_size)s
    %(epochs)s
    batch_size : int or None, default=None
        None uses 16, or ``n_samples`` when there are fewer training series
        (the training part only, after any validation split).
    %(weights)s
    %(training_parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    FCNRegressor : The same network for regression.
    ResNetClassifier : The same blocks with residual connections.
    sigconv.networks.build_fcn : The network.

    References
    ----------
    .. [1] Z. Wang, W. Yan and T. Oates, "Time series classification from
       scratch with deep neural networks: a strong baseline", IJCNN 2017.
    .. [2] H. Ismail Fawaz, G. Forestier, J. Weber, L. Idoumghar and
       P.-A. Muller, "Deep learning for time series classification: a
       review", Data Mining and Knowledge Discovery 33, 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import FCNClassifier
    >>> rng = np.random.default_rng(0)
    >>> waves = np.sin(2 * np.pi * (np.linspace(0, 3, 40) + rng.uniform(0, 1, (20, 1))))
    >>> X = np.concatenate([waves[:10], np.sign(waves[10:])])  # sines, then squares
    >>> y = np.array(["sine"] * 10 + ["square"] * 10)
    >>> clf = FCNClassifier(filters=(8, 8), kernel_sizes=(5, 3), epochs=2, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> clf.classes_
    array(['sine', 'square'], dtype='<U6')
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> len(clf.history_["loss"])
    2
    """

    _network = "fcn"
    _xla_on_tensorflow = True
    _network_params = ("filters", "kernel_sizes", "activation")
    _has_ensemble = True

    def __init__(
        self,
        *,
        filters=(128, 256, 128),
        kernel_sizes=(8, 5, 3),
        activation="relu",
        ensemble_size=1,
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
class FCNRegressor(BaseDeepRegressor):
    """Fully convolutional network regressor of Wang et al. (2017).

    The network of :class:`FCNClassifier` (:func:`~sigconv.networks.build_fcn`)
    with global average pooling and a linear output, trained on the mean
    squared error, as in the regression benchmark of Tan et al. (2021).

    Parameters
    ----------
    filters : tuple of int, default=(128, 256, 128)
        Output channels of each convolution block.
    kernel_sizes : tuple of int, default=(8, 5, 3)
        Kernel length of each block; one per entry of ``filters``.
    activation : str or keras.layers.Layer, default="relu"
        Activation of the blocks (see :func:`~sigconv.networks.get_activation`).
    %(ensemble_size)s
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
    FCNClassifier : The same network for classification.
    sigconv.networks.build_fcn : The network.

    References
    ----------
    .. [1] Z. Wang, W. Yan and T. Oates, "Time series classification from
       scratch with deep neural networks: a strong baseline", IJCNN 2017.
    .. [2] C. W. Tan, C. Bergmeir, F. Petitjean and G. I. Webb, "Time series
       extrinsic regression", Data Mining and Knowledge Discovery 35, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import FCNRegressor
    >>> rng = np.random.default_rng(0)
    >>> amplitude = rng.uniform(0.5, 2, 16)
    >>> X = amplitude[:, None] * np.sin(np.linspace(0, 6, 30))
    >>> reg = FCNRegressor(filters=(8, 8), kernel_sizes=(5, 3), epochs=2, random_state=0)
    >>> reg.fit(X, amplitude).predict(X[:3]).shape
    (3,)
    """

    _network = "fcn"
    _xla_on_tensorflow = True
    _network_params = ("filters", "kernel_sizes", "activation")
    _has_ensemble = True

    def __init__(
        self,
        *,
        filters=(128, 256, 128),
        kernel_sizes=(8, 5, 3),
        activation="relu",
        ensemble_size=1,
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
