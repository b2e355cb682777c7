"""InceptionTime estimators: an ensemble of Inception networks."""

from ._base import BaseDeepClassifier, BaseDeepRegressor, store_params
from ._docs import fill_doc

__all__ = ["InceptionTimeClassifier", "InceptionTimeRegressor"]


class _InceptionTime:
    """What the InceptionTime classifier and regressor share: the ensemble and batch size."""

    _network = "inception_time"
    _network_params = (
        "depth",
        "n_filters",
        "bottleneck_size",
        "use_bottleneck",
        "kernel_sizes",
        "use_residual",
    )
    _has_ensemble = True

    def _default_batch_size(self, n_samples):
        """Batch size when ``batch_size=None``: 64 (Fawaz et al. 2020), or ``n_samples`` if fewer."""
        return min(64, n_samples)


@fill_doc
class InceptionTimeClassifier(_InceptionTime, BaseDeepClassifier):
    """InceptionTime classifier of Ismail Fawaz et al. (2020).

    An ensemble of ``ensemble_size`` Inception networks
    (:func:`~sigconv.networks.build_inception_time`: inception modules with
    bottlenecks and parallel convolutions of several lengths, residual
    shortcuts every three modules), each with global average pooling and a
    softmax; the predicted probabilities are the members' mean. The members
    are trained side by side in one Keras model, each on its own loss (the
    loss reported is their mean; gradients do not mix since members share
    no weights), so they differ by their random initialisation as in the
    paper; they share batches and the learning-rate schedule. Series of
    unequal length are padded at the end with zeros.

    Parameters
    ----------
    ensemble_size : int, default=5
        Number of networks averaged (5 in the paper). 1 trains a single
        network (the paper's "Inception" network).
    depth : int, default=6
        Inception modules per network.
    n_filters : int, default=32
        Channels of each branch of a module.
    bottleneck_size : int, default=32
        Channels of the bottleneck convolutions.
    use_bottleneck : bool, default=True
        Whether modules start with a bottleneck convolution.
    kernel_sizes : tuple of int, default=(40, 20, 10)
        Kernel lengths of the parallel convolutions.
    use_residual : bool, default=True
        Whether to add a shortcut every three modules.
    %(epochs)s
    batch_size : int or None, default=None
        None uses 64, or ``n_samples`` when there are fewer training series.
    %(weights)s
    %(training_parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    InceptionTimeRegressor : The same ensemble for regression.
    sigconv.networks.build_inception_time : One member network.

    References
    ----------
    .. [1] H. Ismail Fawaz, B. Lucas, G. Forestier, C. Pelletier, D. F.
       Schmidt, J. Weber, G. I. Webb, L. Idoumghar, P.-A. Muller and
       F. Petitjean, "InceptionTime: finding AlexNet for time series
       classification", Data Mining and Knowledge Discovery 34, 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import InceptionTimeClassifier
    >>> rng = np.random.default_rng(0)
    >>> waves = np.sin(2 * np.pi * (np.linspace(0, 3, 40) + rng.uniform(0, 1, (20, 1))))
    >>> X = np.concatenate([waves[:10], np.sign(waves[10:])])
    >>> y = [0] * 10 + [1] * 10
    >>> clf = InceptionTimeClassifier(
    ...     ensemble_size=2, depth=3, n_filters=4, bottleneck_size=4, kernel_sizes=(9, 5, 3),
    ...     epochs=2, random_state=0,
    ... ).fit(X, y)
    >>> clf.model_.output.shape  # (batch, members, classes)
    (None, 2, 2)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    """

    def __init__(
        self,
        *,
        ensemble_size=5,
        depth=6,
        n_filters=32,
        bottleneck_size=32,
        use_bottleneck=True,
        kernel_sizes=(40, 20, 10),
        use_residual=True,
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
class InceptionTimeRegressor(_InceptionTime, BaseDeepRegressor):
    """InceptionTime regressor: the ensemble of Ismail Fawaz et al. (2020) with linear outputs.

    ``ensemble_size`` Inception networks
    (:func:`~sigconv.networks.build_inception_time`), each with global
    average pooling and a linear output, trained side by side on their own
    mean squared errors; the prediction is the members' mean. InceptionTime
    was among the most accurate deep regressors of the benchmark of Tan et
    al. (2021).

    Parameters
    ----------
    ensemble_size : int, default=5
        Number of networks averaged; 1 trains a single network.
    depth : int, default=6
        Inception modules per network.
    n_filters : int, default=32
        Channels of each branch of a module.
    bottleneck_size : int, default=32
        Channels of the bottleneck convolutions.
    use_bottleneck : bool, default=True
        Whether modules start with a bottleneck convolution.
    kernel_sizes : tuple of int, default=(40, 20, 10)
        Kernel lengths of the parallel convolutions.
    use_residual : bool, default=True
        Whether to add a shortcut every three modules.
    %(epochs)s
    batch_size : int or None, default=None
        None uses 64, or ``n_samples`` when there are fewer training series.
    %(weights)s
    %(training_parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    InceptionTimeClassifier : The same ensemble for classification.
    sigconv.networks.build_inception_time : One member network.

    References
    ----------
    .. [1] H. Ismail Fawaz, B. Lucas, G. Forestier, C. Pelletier, D. F.
       Schmidt, J. Weber, G. I. Webb, L. Idoumghar, P.-A. Muller and
       F. Petitjean, "InceptionTime: finding AlexNet for time series
       classification", Data Mining and Knowledge Discovery 34, 2020.
    .. [2] C. W. Tan, C. Bergmeir, F. Petitjean and G. I. Webb, "Time series
       extrinsic regression", Data Mining and Knowledge Discovery 35, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import InceptionTimeRegressor
    >>> rng = np.random.default_rng(0)
    >>> amplitude = rng.uniform(0.5, 2, 16)
    >>> X = amplitude[:, None] * np.sin(np.linspace(0, 6, 30))
    >>> reg = InceptionTimeRegressor(
    ...     ensemble_size=1, depth=3, n_filters=4, bottleneck_size=4, kernel_sizes=(9, 5, 3),
    ...     epochs=2, random_state=0,
    ... )
    >>> reg.fit(X, amplitude).predict(X[:3]).shape
    (3,)
    """

    def __init__(
        self,
        *,
        ensemble_size=5,
        depth=6,
        n_filters=32,
        bottleneck_size=32,
        use_bottleneck=True,
        kernel_sizes=(40, 20, 10),
        use_residual=True,
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
