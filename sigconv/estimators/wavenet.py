"""WaveNet estimators: causal stacks of gated dilated convolutions."""

from ._base import BaseDeepClassifier, BaseDeepRegressor, store_params
from ._docs import fill_doc

__all__ = ["WaveNetClassifier", "WaveNetRegressor"]

_PARAMS = ("n_filters", "kernel_size", "n_layers_per_stack", "n_stacks", "n_skip_filters")


@fill_doc
class WaveNetClassifier(BaseDeepClassifier):
    """WaveNet classifier: the network of van den Oord et al. (2016) with a softmax head.

    Stacks of gated residual blocks with dilated causal convolutions
    (:func:`~sigconv.networks.build_wavenet`), whose receptive field grows
    exponentially with depth (:func:`~sigconv.networks.wavenet_receptive_field`),
    then global average pooling over time and a softmax. There is no
    reference setting for classifying series with it; the training defaults
    are those of ResNet (Fawaz et al. 2019). Series of unequal length are
    padded at the end with zeros (being causal, the network's outputs at the
    real time steps do not see the padding; the pooling does).

    Parameters
    ----------
    n_filters : int, default=32
        Residual channels of the blocks.
    kernel_size : int, default=2
        Length of the causal convolutions.
    n_layers_per_stack : int, default=4
        Blocks per stack; the dilation doubles from 1 within a stack.
    n_stacks : int, default=2
        Number of stacks.
    n_skip_filters : int or None, default=None
        Channels of the skip connections and of the output; None for
        ``n_filters``.
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
    WaveNetRegressor : The same network for regression.
    sigconv.networks.build_wavenet : The network.

    References
    ----------
    .. [1] A. van den Oord, S. Dieleman, H. Zen, K. Simonyan, O. Vinyals,
       A. Graves, N. Kalchbrenner, A. Senior and K. Kavukcuoglu, "WaveNet: a
       generative model for raw audio", arXiv:1609.03499, 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import WaveNetClassifier
    >>> rng = np.random.default_rng(0)
    >>> waves = np.sin(2 * np.pi * (np.linspace(0, 3, 40) + rng.uniform(0, 1, (20, 1))))
    >>> X = np.concatenate([waves[:10], np.sign(waves[10:])])
    >>> y = [0] * 10 + [1] * 10
    >>> clf = WaveNetClassifier(n_filters=4, n_layers_per_stack=2, n_stacks=1, epochs=2, random_state=0)
    >>> clf.fit(X, y).predict(X[:3]).shape
    (3,)
    """

    _network = "wavenet"
    _xla_on_tensorflow = True
    _network_params = _PARAMS

    def __init__(
        self,
        *,
        n_filters=32,
        kernel_size=2,
        n_layers_per_stack=4,
        n_stacks=2,
        n_skip_filters=None,
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
class WaveNetRegressor(BaseDeepRegressor):
    """WaveNet regressor: the network of van den Oord et al. (2016) with a linear head.

    The network of :class:`WaveNetClassifier`
    (:func:`~sigconv.networks.build_wavenet`) with global average pooling
    and a linear output, trained on the mean squared error.

    Parameters
    ----------
    n_filters : int, default=32
        Residual channels of the blocks.
    kernel_size : int, default=2
        Length of the causal convolutions.
    n_layers_per_stack : int, default=4
        Blocks per stack; the dilation doubles from 1 within a stack.
    n_stacks : int, default=2
        Number of stacks.
    n_skip_filters : int or None, default=None
        Channels of the skip connections and of the output; None for
        ``n_filters``.
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
    WaveNetClassifier : The same network for classification.
    sigconv.networks.build_wavenet : The network.

    References
    ----------
    .. [1] A. van den Oord, S. Dieleman, H. Zen, K. Simonyan, O. Vinyals,
       A. Graves, N. Kalchbrenner, A. Senior and K. Kavukcuoglu, "WaveNet: a
       generative model for raw audio", arXiv:1609.03499, 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import WaveNetRegressor
    >>> rng = np.random.default_rng(0)
    >>> amplitude = rng.uniform(0.5, 2, 16)
    >>> X = amplitude[:, None] * np.sin(np.linspace(0, 6, 30))
    >>> reg = WaveNetRegressor(n_filters=4, n_layers_per_stack=2, n_stacks=1, epochs=2, random_state=0)
    >>> reg.fit(X, amplitude).predict(X[:3]).shape
    (3,)
    """

    _network = "wavenet"
    _xla_on_tensorflow = True
    _network_params = _PARAMS

    def __init__(
        self,
        *,
        n_filters=32,
        kernel_size=2,
        n_layers_per_stack=4,
        n_stacks=2,
        n_skip_filters=None,
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
