"""Shared machinery of the series-to-image transformers.

A subclass is a thin scikit-learn wrapper over one function of
:mod:`sigconv.functional`: it names the spec of its transform
(:mod:`sigconv.functional.specs`) and turns series into images with that
function. It inherits input validation, the channel checks between ``fit``
and ``transform``, variable-length input, chunked computation (bounded
memory), the channel-last output layout, ``flatten`` and ``set_output``
support.
"""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import _check_feature_names, check_is_fitted

from ..validation import check_bool, check_int, check_series, is_ragged, series_lengths
from ..validation._series import _is_dataframe

__all__ = ["BaseImageTransformer", "get_max_image_bytes", "set_max_image_bytes"]

# Work arrays of one chunk stay under this many float32 elements (256 MiB).
_CHUNK_ELEMENTS = 2**26

# The largest output (bytes of float32 images) one call of transform makes.
_MAX_IMAGE_BYTES = 4 * 2**30


def get_max_image_bytes():
    """The largest output, in bytes, that one call of an image transformer's ``transform`` makes.

    Returns
    -------
    n_bytes : int
        4 GiB unless changed with :func:`set_max_image_bytes`.

    See Also
    --------
    set_max_image_bytes : Change it.

    Examples
    --------
    >>> from sigconv.transformers import get_max_image_bytes
    >>> get_max_image_bytes() / 2**30
    4.0
    """
    return _MAX_IMAGE_BYTES


def set_max_image_bytes(n_bytes):
    """Set the largest output, in bytes, that one call of an image transformer's ``transform`` makes.

    Images without ``image_size`` grow with the square of the series length
    (one float32 image of a 60,000-point series is 13.4 GiB). Before it
    allocates anything, ``transform`` estimates the bytes of its output
    (``4 * n_samples * height * width * n_output_channels``) and raises a
    ValueError when they exceed this limit, instead of running out of memory.

    Parameters
    ----------
    n_bytes : int
        The new limit, at least 1.

    Returns
    -------
    previous : int
        The limit before the call, to restore it later.

    See Also
    --------
    get_max_image_bytes : The current limit.

    Examples
    --------
    >>> from sigconv.transformers import set_max_image_bytes
    >>> previous = set_max_image_bytes(16 * 2**30)
    >>> _ = set_max_image_bytes(previous)
    """
    global _MAX_IMAGE_BYTES
    n_bytes = check_int(n_bytes, "n_bytes", min_value=1)
    previous, _MAX_IMAGE_BYTES = _MAX_IMAGE_BYTES, n_bytes
    return previous


class BaseImageTransformer(TransformerMixin, BaseEstimator):
    """Base class of the transformers that turn series into images.

    Subclasses set ``_spec_type``, the spec class of their transform, whose
    ``create`` takes the constructor parameters other than ``flatten``, and
    implement ``_images(X, spec)``: float32 ``(n_samples, n_channels,
    n_timepoints)`` to float32 ``(n_samples, n_channels, n_images, height,
    width)``. They may override ``_work_elements(n_timepoints, spec)``, an
    estimate of the float32 elements of scratch memory one channel of one
    series needs, which sets the chunk size.

    Subclasses must have the parameters ``image_size`` (None for the natural
    size, which depends on the series length) and ``flatten``.
    """

    _spec_type = None

    def _check_params(self):
        """The spec of the transform: the constructor parameters checked once."""
        params = self.get_params(deep=False)
        del params["flatten"]
        return self._spec_type.create(**params)

    def _n_images(self, spec):
        return spec.n_images

    def _min_timepoints(self, spec):
        return spec.min_timepoints

    def _output_hw(self, n_timepoints, spec):
        return spec.output_hw(n_timepoints)

    def _work_elements(self, n_timepoints, spec):
        height, width = spec.output_hw(n_timepoints)
        return 4 * height * width

    # scikit-learn API -----------------------------------------------------------------

    def fit(self, X, y=None):
        """Check the parameters and record the channel count and series length of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints), or list of array-like
            Training series. A list of arrays may hold series of unequal length
            when ``image_size`` is set.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        params = self._check_all_params()
        if _is_dataframe(X):
            _check_feature_names(self, X, reset=True)
        X = check_series(
            X,
            min_timepoints=self._min_timepoints(params),
            allow_unequal_length=self.image_size is not None,
        )
        self.n_channels_in_ = int(X[0].shape[0] if is_ragged(X) else X.shape[1])
        if is_ragged(X):
            self.n_timepoints_in_ = None
        else:
            self.n_timepoints_in_ = int(X.shape[-1])
            self.n_features_in_ = self.n_timepoints_in_
        return self

    def transform(self, X):
        """Turn each series into an image, one image channel per series channel.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints), or list of array-like
            Series with the channels seen in ``fit``. Their length must be the
            one seen in ``fit`` unless ``image_size`` is set.

        Returns
        -------
        images : ndarray of shape (n_samples, height, width, n_output_channels)
            float32 images, channel-last. With ``flatten=True``, an array of
            shape ``(n_samples, height * width * n_output_channels)``.
        """
        check_is_fitted(self, "n_channels_in_")
        params = self._check_all_params()
        if _is_dataframe(X):
            _check_feature_names(self, X, reset=False)
        X = check_series(
            X,
            min_timepoints=self._min_timepoints(params),
            n_channels=self.n_channels_in_,
            allow_unequal_length=self.image_size is not None,
        )
        if self.image_size is None:
            self._check_length(X.shape[-1])
        self._check_output_bytes(X, params)
        images = self._transform_series(X, params)
        if self.flatten:
            return images.reshape(len(images), -1)
        return images

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns, defined for ``flatten=True`` only.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``"<classname><i>"`` for each of the ``height * width * n_channels``
            flattened pixels, in the order of ``transform``'s columns.
        """
        check_is_fitted(self, "n_channels_in_")
        if not self.flatten:
            raise ValueError(
                f"{type(self).__name__} makes 4D images (n_samples, height, width, "
                "n_channels), which have no column names. Set flatten=True for 2D "
                "output; set_output(transform='pandas') needs it too."
            )
        height, width, n_channels = self._output_shape()
        n_out = height * width * n_channels
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(n_out)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = False
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags

    # internals ---------------------------------------------------------------------------

    def _output_shape(self):
        """``(height, width, n_output_channels)`` of the images of the fitted transformer."""
        params = self._check_all_params()
        if self.image_size is None:
            n_timepoints = self.n_timepoints_in_
        else:
            n_timepoints = self._min_timepoints(params)
        height, width = self._output_hw(n_timepoints, params)
        return height, width, self.n_channels_in_ * self._n_images(params)

    def _check_all_params(self):
        check_bool(self.flatten, "flatten")
        return self._check_params()

    def _check_length(self, n_timepoints):
        expected = self.n_timepoints_in_
        if n_timepoints != expected:
            raise ValueError(
                f"X has {n_timepoints} features, but {type(self).__name__} is expecting "
                f"{expected} features as input: with image_size=None the image size "
                f"depends on the series length, so series must have the {expected} "
                "timepoints seen in fit. Set image_size to transform series of any length."
            )

    def _check_output_bytes(self, X, params):
        lengths = series_lengths(X)
        height, width = self._output_hw(int(lengths[0]), params)
        n_channels = (X[0].shape[0] if is_ragged(X) else X.shape[1]) * self._n_images(params)
        n_bytes = 4 * len(lengths) * height * width * n_channels
        if n_bytes > _MAX_IMAGE_BYTES:
            raise ValueError(
                f"{type(self).__name__} would make {len(lengths)} float32 images of {height} x {width} "
                f"x {n_channels}: {n_bytes / 2**30:.1f} GiB, above the limit of "
                f"{_MAX_IMAGE_BYTES / 2**30:.1f} GiB (sigconv.transformers.get_max_image_bytes()). "
                f"Set image_size (e.g. image_size=64) for smaller images, transform fewer series "
                "at a time, or raise the limit with sigconv.transformers.set_max_image_bytes."
            )

    def _transform_series(self, X, params):
        """Images of validated series, grouped by length and computed in chunks."""
        lengths = series_lengths(X)
        n_channels = X[0].shape[0] if is_ragged(X) else X.shape[1]
        n_images = self._n_images(params)
        height, width = self._output_hw(int(lengths[0]), params)
        if n_channels * n_images == 1 and not is_ragged(X):
            work = max(1, self._work_elements(int(lengths[0]), params))
            if len(lengths) <= _CHUNK_ELEMENTS // work:
                # One chunk of one-channel images: channel-last is a reshape. Skipping
                # the copy into a fresh output halves the memory traffic of fast transforms.
                images = self._images(X, params).astype(np.float32, copy=False)
                return images.reshape(len(lengths), height, width, 1)
        out = np.empty((len(lengths), height, width, n_channels * n_images), dtype=np.float32)
        for length in np.unique(lengths):
            index = np.flatnonzero(lengths == length)
            work = max(1, self._work_elements(int(length), params) * n_channels * n_images)
            chunk = max(1, _CHUNK_ELEMENTS // work)
            for start in range(0, len(index), chunk):
                rows = index[start : start + chunk]
                if is_ragged(X):
                    batch = np.stack([X[i] for i in rows])
                elif len(rows) == len(lengths):
                    batch = X
                else:
                    batch = X[rows[0] : rows[-1] + 1]  # equal lengths: rows are contiguous
                images = self._images(batch, params)  # (n, c, k, h, w)
                out[rows] = images.transpose(0, 3, 4, 1, 2).reshape(len(rows), height, width, -1)
        return out

