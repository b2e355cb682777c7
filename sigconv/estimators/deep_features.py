"""Deep features: activations of a network layer, pooled, as a scikit-learn transformer.

It lives with the estimators (not in :mod:`sigconv.transformers`, which
never imports Keras) because it runs a Keras model: a ``keras.applications``
backbone behind a transform layer, or a fitted sigconv estimator through
its :meth:`~sigconv.estimators.BaseDeepEstimator.embed`.
"""

import keras
import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..networks import BACKBONES
from ..networks.backbones import _check_weights
from ..validation import check_float, check_int, check_option, check_series, is_ragged
from ._base import BaseDeepEstimator, KerasModelPickling, store_params
from ._context import seeded
from ._model import _find_layer
from .image import _check_transform, build_image_front, build_transform

__all__ = ["DeepFeatures"]


def _inner_estimator(estimator):
    """The sigconv estimator of ``estimator`` (itself, or the one a FrozenEstimator wraps)."""
    inner = getattr(estimator, "estimator", None) if type(estimator).__name__ == "FrozenEstimator" else estimator
    if not isinstance(inner, BaseDeepEstimator):
        raise TypeError(
            "estimator must be a fitted sigconv deep estimator (e.g. ImageCNNClassifier or "
            "FCNClassifier), possibly wrapped in sklearn.frozen.FrozenEstimator, or None to use "
            f"a keras.applications backbone; got estimator={estimator!r}."
        )
    return inner


class DeepFeatures(ClassNamePrefixFeaturesOutMixin, TransformerMixin, KerasModelPickling, BaseEstimator):
    """Activations of a layer of a deep network, pooled to one vector per series.

    Two sources of features:

    - ``estimator``: a fitted sigconv deep estimator; the features are its
      :meth:`~sigconv.estimators.BaseDeepEstimator.embed` (``layer`` and
      ``pooling`` passed on). :meth:`fit` does not train it: it only
      checks that it is fitted. ``clone`` (as in ``GridSearchCV``) clones
      the estimator unfitted; wrap it in
      :class:`sklearn.frozen.FrozenEstimator` to keep it fitted.
    - ``estimator=None``: a ``keras.applications`` backbone (``network``,
      ``weights``) behind the transform layer ``image_transform``, built in
      :meth:`fit` with the same resizing, channel mapping and
      preprocessing as :class:`ImageCNNClassifier` (a learned channel
      mapping would be random here, so images must have 1 or 3 channels).
      Nothing is trained; with ``weights="imagenet"`` these are the
      classic transfer-learning features.

    Parameters
    ----------
    estimator : sigconv deep estimator or None, default=None
        Fitted estimator whose layers give the features, or None.
    network : {"mobilenet_v2", "efficientnet_b0", "resnet50", "vgg16"}, default="mobilenet_v2"
        Backbone when ``estimator`` is None.
    image_transform : str, sigconv.layers layer or list, default="gasf"
        Transform in front of the backbone, as in :class:`ImageCNNClassifier`.
    image_size : int, default=64
        Image size of the string transforms.
    weights : None, "imagenet" or path, default=None
        Backbone weights, as in :class:`ImageCNNClassifier`.
    alpha : float, default=1.0
        Width multiplier of ``"mobilenet_v2"``.
    layer : str or None, default=None
        Name of the layer whose activations are taken (a Keras layer name of
        the backbone, e.g. ``"block_6_expand_relu"``, or of the estimator's
        ``model_``); None: the backbone's last feature map (the estimator's
        embedding layer).
    pooling : {"avg", "max"}, default="avg"
        Reduction of feature maps to one value per channel: mean or maximum
        over height and width (over time for series feature maps).
    batch_size : int, default=32
        Series per forward pass.
    random_state : int or None, default=None
        Seed of the random backbone weights (``weights=None``) and of a
        random channel mapping: two fits with the same int give the same
        features. None draws new weights at each fit.

    Attributes
    ----------
    model_ : keras.Model
        From series to pooled features (``estimator=None`` only).
    n_channels_in_ : int
        Channels of the series seen in :meth:`fit` (``estimator=None`` only).
    n_timepoints_in_ : int
        Their length (``estimator=None`` only).
    n_features_out_ : int
        Number of features.

    See Also
    --------
    ImageCNNClassifier.embed : The same features of a fitted estimator.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sigconv.estimators import DeepFeatures
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(8, 32)).cumsum(axis=1)
    >>> y = [0, 1] * 4
    >>> features = DeepFeatures(network="mobilenet_v2", alpha=0.35, image_size=32,
    ...                         layer="block_3_expand_relu", random_state=0)
    >>> features.fit_transform(X).shape
    (8, 48)
    >>> make_pipeline(features, LogisticRegression()).fit(X, y).predict(X).shape
    (8,)
    """

    def __init__(
        self,
        *,
        estimator=None,
        network="mobilenet_v2",
        image_transform="gasf",
        image_size=64,
        weights=None,
        alpha=1.0,
        layer=None,
        pooling="avg",
        batch_size=32,
        random_state=None,
    ):
        store_params(self, locals())

    def fit(self, X, y=None):
        """Check the source of the features and build the backbone model (nothing is trained).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints)
            Series of one length.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        if self.layer is not None and not isinstance(self.layer, str):
            raise TypeError(f"layer must be a layer name (str) or None; got layer={self.layer!r}.")
        check_option(self.pooling, "pooling", ("avg", "max"))
        check_int(self.batch_size, "batch_size", min_value=1)
        for name in ("model_", "n_channels_in_", "n_timepoints_in_", "n_features_in_"):
            self.__dict__.pop(name, None)
        if self.estimator is not None:
            inner = _inner_estimator(self.estimator)
            check_is_fitted(inner, "model_")
            self.n_features_out_ = int(self._embed(inner, check_series(X)[:1]).shape[1])
            return self
        network = check_option(self.network, "network", tuple(BACKBONES))
        entries = _check_transform(self.image_transform)
        image_size = check_int(self.image_size, "image_size", min_value=1)
        weights = _check_weights(self.weights)
        alpha = check_float(self.alpha, "alpha", min_value=0, closed="neither")
        X = check_series(X)
        if is_ragged(X):
            raise ValueError(
                "DeepFeatures needs series of equal length: its transform layer is built for one "
                "length. Resample or pad the series to one length."
            )
        n_channels, n_timepoints = int(X.shape[1]), int(X.shape[2])
        transform = build_transform(entries, image_size, n_timepoints)
        n_image_channels = int(transform.compute_output_shape((None, n_timepoints, n_channels))[-1])
        if n_image_channels not in (1, 3):
            raise ValueError(
                f"DeepFeatures feeds the images to a backbone without training, so they need 1 or 3 "
                f"channels (a learned channel mapping would stay random); transform makes "
                f"{n_image_channels}. Use one series channel and one or three transforms; got "
                f"image_transform={self.image_transform!r} on series of {n_channels} channel(s)."
            )
        random_state = check_int(
            self.random_state, "random_state", min_value=0, max_value=2**32 - 1, allow_none=True
        )
        with seeded(random_state):
            inputs, outputs, names = build_image_front(
                transform, network, n_timepoints, n_channels, weights=weights, alpha=alpha
            )
        model = keras.Model(inputs, outputs)
        if self.layer is not None:
            found = _find_layer(model, self.layer)
            if found is None:
                shown = ", ".join(repr(n) for n in names[-6:])
                raise ValueError(
                    f"layer={self.layer!r} is not a layer of {network}. Its last layers are {shown}; "
                    f"list them all with [l.name for l in sigconv.networks.build_backbone({network!r}, "
                    "64, 64).layers]."
                )
            outputs = found[1].output
        pool = keras.layers.GlobalAveragePooling2D if self.pooling == "avg" else keras.layers.GlobalMaxPooling2D
        if len(outputs.shape) == 4:
            outputs = pool(name="deep_features_pool")(outputs)
        elif len(outputs.shape) > 2:
            outputs = keras.layers.Flatten(name="deep_features_flatten")(outputs)
        self.model_ = keras.Model(inputs, outputs, name="deep_features")
        self.n_channels_in_, self.n_timepoints_in_ = n_channels, n_timepoints
        self.n_features_in_ = n_timepoints
        self.n_features_out_ = int(outputs.shape[-1])
        return self

    def _embed(self, inner, X):
        return inner.embed(X, layer=self.layer, pooling=self.pooling)

    def transform(self, X):
        """Pooled activations of the layer for each series.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints)
            Series like those of :meth:`fit`.

        Returns
        -------
        features : ndarray of shape (n_samples, `n_features_out_`)
            float32 features.
        """
        check_is_fitted(self, "n_features_out_")
        if self.estimator is not None:
            return self._embed(_inner_estimator(self.estimator), X)
        X = check_series(X, n_channels=self.n_channels_in_)
        n_timepoints = int(X[0].shape[-1] if is_ragged(X) else X.shape[-1])
        if is_ragged(X) or n_timepoints != self.n_timepoints_in_:
            raise ValueError(
                f"X has {n_timepoints} features, but DeepFeatures is expecting "
                f"{self.n_timepoints_in_} features as input: it was fitted on series of "
                f"{self.n_timepoints_in_} timepoints and its transform layer is built for that "
                "length. Resample or pad the series to that length."
            )
        batch = np.ascontiguousarray(X.transpose(0, 2, 1))
        return np.asarray(self.model_.predict(batch, batch_size=self.batch_size, verbose=0), dtype=np.float32)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = False
        tags.requires_fit = True
        tags.transformer_tags.preserves_dtype = ["float32"]
        tags.non_deterministic = self.estimator is None and self.weights is None and self.random_state is None
        return tags

    @property
    def _n_features_out(self):
        return self.n_features_out_
