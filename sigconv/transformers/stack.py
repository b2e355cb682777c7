"""Several transforms stacked as the channels of one image."""

import numpy as np
from sklearn.base import TransformerMixin, clone
from sklearn.utils.metaestimators import _BaseComposition
from sklearn.utils.validation import check_is_fitted

from ..validation import check_bool, check_series
from ._base import BaseImageTransformer

__all__ = ["ImageStack"]


class ImageStack(TransformerMixin, _BaseComposition):
    """Stack the images of several transforms as channels of one image.

    Each transformer turns the series into images of the same height and
    width; their channels are concatenated in the order given. The classic
    use is the three-channel input a pretrained CNN expects, e.g. the
    summation and difference Gramian angular fields and the Markov
    transition field of a univariate series.

    Parameters
    ----------
    transformers : list of (str, transformer) tuples
        Named image transformers of :mod:`sigconv.transformers`, each with
        ``flatten=False``. Their parameters are reachable as
        ``<name>__<parameter>`` in ``set_params`` and grid searches.
    flatten : bool, default=False
        Return ``(n_samples, height * width * n_output_channels)`` instead of
        4D images.

    Attributes
    ----------
    transformers_ : list of (str, transformer) tuples
        Fitted clones of ``transformers``; the given ones are left untouched.
    n_channels_in_ : int
        Number of series channels seen in ``fit``.
    n_timepoints_in_ : int or None
        Series length seen in ``fit`` (None for series of unequal length).

    See Also
    --------
    GramianAngularField, MarkovTransitionField, RecurrencePlot, Spectrogram

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.transformers import GramianAngularField, ImageStack, MarkovTransitionField
    >>> X = np.random.default_rng(0).normal(size=(4, 64))
    >>> stack = ImageStack([
    ...     ("gasf", GramianAngularField(method="summation", image_size=16)),
    ...     ("gadf", GramianAngularField(method="difference", image_size=16)),
    ...     ("mtf", MarkovTransitionField(image_size=16)),
    ... ])
    >>> stack.fit_transform(X).shape
    (4, 16, 16, 3)
    """

    def __init__(self, transformers, *, flatten=False):
        self.transformers = transformers
        self.flatten = flatten

    def get_params(self, deep=True):
        return self._get_params("transformers", deep=deep)

    def set_params(self, **params):
        self._set_params("transformers", **params)
        return self

    def _check_transformers(self):
        if not isinstance(self.transformers, (list, tuple)) or not self.transformers:
            raise ValueError(
                "transformers must be a non-empty list of (name, transformer) tuples; "
                f"got transformers={self.transformers!r}."
            )
        for item in self.transformers:
            if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
                raise ValueError(
                    "transformers must be a list of (name, transformer) tuples; "
                    f"got the item {item!r}."
                )
            name, transformer = item
            if not isinstance(transformer, BaseImageTransformer):
                raise TypeError(
                    f"transformer {name!r} must be a sigconv image transformer "
                    f"(e.g. GramianAngularField); got {type(transformer).__name__}."
                )
            if transformer.flatten:
                raise ValueError(
                    f"transformer {name!r} has flatten=True; ImageStack stacks 4D images. "
                    "Set flatten=False on it and flatten=True on the ImageStack instead."
                )
        self._validate_names([name for name, _ in self.transformers])
        check_bool(self.flatten, "flatten")

    def fit(self, X, y=None):
        """Fit a clone of every transformer on ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints), or list of array-like
            Series.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted stack.
        """
        self._check_transformers()
        X = check_series(X)
        self.transformers_ = [(name, clone(t).fit(X)) for name, t in self.transformers]
        first = self.transformers_[0][1]
        self.n_channels_in_ = first.n_channels_in_
        self.n_timepoints_in_ = first.n_timepoints_in_
        if self.n_timepoints_in_ is not None:
            self.n_features_in_ = self.n_timepoints_in_
        return self

    def transform(self, X):
        """Images of every transformer, concatenated on the channel axis.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints), or list of array-like
            Series with the channels seen in ``fit``.

        Returns
        -------
        images : ndarray of shape (n_samples, height, width, n_output_channels)
            float32; with ``flatten=True`` of shape
            ``(n_samples, height * width * n_output_channels)``.
        """
        check_is_fitted(self, "transformers_")
        X = check_series(X, n_channels=self.n_channels_in_)
        parts = []
        for name, transformer in self.transformers_:
            images = transformer.transform(X)
            if parts and images.shape[1:3] != parts[0][1].shape[1:3]:
                first_name, first = parts[0]
                raise ValueError(
                    f"ImageStack needs images of one size: {first_name!r} makes "
                    f"{first.shape[1]}x{first.shape[2]} images and {name!r} makes "
                    f"{images.shape[1]}x{images.shape[2]}. Give every transformer the "
                    "same image_size."
                )
            parts.append((name, images))
        images = np.concatenate([p for _, p in parts], axis=-1)
        if self.flatten:
            return images.reshape(len(images), -1)
        return images

    def get_feature_names_out(self, input_features=None):
        """Names of the flattened output columns (``flatten=True`` only)."""
        check_is_fitted(self, "transformers_")
        if not self.flatten:
            raise ValueError(
                "ImageStack makes 4D images (n_samples, height, width, n_channels), "
                "which have no column names. Set flatten=True for 2D output; "
                "set_output(transform='pandas') needs it too."
            )
        shapes = [t._output_shape() for _, t in self.transformers_]
        height, width, _ = shapes[0]
        n_out = height * width * sum(channels for _, _, channels in shapes)
        return np.asarray([f"imagestack{i}" for i in range(n_out)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags

