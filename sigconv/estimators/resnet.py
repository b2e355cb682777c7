"""Residual network (ResNet) estimators."""

from ._base import BaseDeepClassifier, BaseDeepRegressor, store_params
from ._docs import fill_doc

__all__ = ["ResNetClassifier", "ResNetRegressor"]


@fill_doc
class ResNetClassifier(BaseDeepClassifier):
    """Residual network classifier of Wang et al. (2017).

    Residual blocks of three convolutions with shortcuts
    (:func:`~sigconv.networks.build_resnet`), global average pooling and a
    softmax, trained as in the benchmark of Fawaz et al. (2019), where it
    was the most accurate of the nine networks compared. Series of unequal
    length are padded at the end with zeros.

    Parameters
    ----------
    n_filters : int, default=64
        Channels of the first block; later blocks have twice as many.
    n_blocks : int, default=3
        Number of residual blocks.
    kernel_sizes : tuple of int, default=(8, 5, 3)
        Kernel lengths of the convolutions inside each block.
    dilation_rates : tuple of int or None, default=None
        Dilation of the convolutions of each block, one per block (e.g.
        ``(1, 2, 4)``, a receptive field of 92 timepoints instead of 40
        with the same weights); None dilates nothing.
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
    ResNetRegressor : The same network for regression.
    FCNClassifier : The same blocks without shortcuts.
    sigconv.networks.build_resnet : The network.

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
    >>> from sigconv.estimators import ResNetClassifier
    >>> rng = np.random.default_rng(0)
    >>> waves = np.sin(2 * np.pi * (np.linspace(0, 3, 40) + rng.uniform(0, 1, (20, 1))))
    >>> X = np.concatenate([waves[:10], np.sign(waves[10:])])
    >>> y = [0] * 10 + [1] * 10
    >>> clf = ResNetClassifier(n_filters=4, n_blocks=1, epochs=2, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _network = "resnet"
    _xla_on_tensorflow = True
    _network_params = ("n_filters", "n_blocks", "kernel_sizes", "dilation_rates", "activation")
    _has_ensemble = True
    _auto_augmentation = (("window_slice", {"stretch": "both"}),)
    _auto_augmentation_max_samples = 250

    def __init__(
        self,
        *,
        n_filters=64,
        n_blocks=3,
        kernel_sizes=(8, 5, 3),
        dilation_rates=None,
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
        augmentation="auto",
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
class ResNetRegressor(BaseDeepRegressor):
    """Residual network regressor of Wang et al. (2017).

    The network of :class:`ResNetClassifier`
    (:func:`~sigconv.networks.build_resnet`) with global average pooling and
    a linear output, trained on the mean squared error, as in the
    regression benchmark of Tan et al. (2021).

    Parameters
    ----------
    n_filters : int, default=64
        Channels of the first block; later blocks have twice as many.
    n_blocks : int, default=3
        Number of residual blocks.
    kernel_sizes : tuple of int, default=(8, 5, 3)
        Kernel lengths of the convolutions inside each block.
    dilation_rates : tuple of int or None, default=None
        Dilation of the convolutions of each block, one per block (e.g.
        ``(1, 2, 4)``, a receptive field of 92 timepoints instead of 40
        with the same weights); None dilates nothing.
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
    ResNetClassifier : The same network for classification.
    sigconv.networks.build_resnet : The network.

    References
    ----------
    .. [1] Z. Wang, W. Yan and T. Oates, "Time series classification from
       scratch with deep neural networks: a strong baseline", IJCNN 2017.
    .. [2] C. W. Tan, C. Bergmeir, F. Petitjean and G. I. Webb, "Time series
       extrinsic regression", Data Mining and Knowledge Discovery 35, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import ResNetRegressor
    >>> rng = np.random.default_rng(0)
    >>> amplitude = rng.uniform(0.5, 2, 16)
    >>> X = amplitude[:, None] * np.sin(np.linspace(0, 6, 30))
    >>> reg = ResNetRegressor(n_filters=4, n_blocks=1, epochs=2, random_state=0)
    >>> reg.fit(X, amplitude).predict(X[:3]).shape
    (3,)
    """

    _network = "resnet"
    _xla_on_tensorflow = True
    _network_params = ("n_filters", "n_blocks", "kernel_sizes", "dilation_rates", "activation")
    _has_ensemble = True

    def __init__(
        self,
        *,
        n_filters=64,
        n_blocks=3,
        kernel_sizes=(8, 5, 3),
        dilation_rates=None,
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
