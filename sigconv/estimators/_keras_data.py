"""Series to Keras: the channel-last layout, padding, and grouping series for prediction.

:class:`KerasDataMixin` is part of :class:`~sigconv.estimators.BaseDeepEstimator`:
series validated by :func:`sigconv.validation.check_series` become float32
``(n_samples, n_timepoints, n_channels)`` arrays, padded at the end with the
estimator's ``_pad_value``; at prediction they are grouped by padded length
(and read a chunk at a time from disk) and averaged over the members of an
ensemble and the test views of the augmentation.
"""

import numpy as np
from sklearn.utils.validation import _check_feature_names, check_is_fitted

from ..validation import check_series, is_ragged, series_lengths
from ._batches import DiskSeries
from ._divergence import check_input_scale

__all__ = ["KerasDataMixin"]


class KerasDataMixin:
    """Series to the Keras layout, and network outputs for series of any length."""

    def _to_keras(self, X, length, *, masked):
        """Series ``(n, c, t_i)`` to float32 ``(n, length, c)``, padded at the end with ``_pad_value``."""
        if not is_ragged(X) and X.shape[-1] == length and not (masked and self._masks_padding):
            return np.ascontiguousarray(X.transpose(0, 2, 1))
        n_channels = X[0].shape[0]
        out = np.full((len(X), length, n_channels), self._pad_value, dtype=np.float32)
        for i, x in enumerate(X):
            if masked and self._masks_padding:
                hit = np.flatnonzero(np.all(x == np.float32(self._pad_value), axis=0))
                if len(hit):
                    raise ValueError(
                        f"Series {i} has a time step (timepoint {int(hit[0])}) equal to "
                        f"{self._pad_value} in every channel: {type(self).__name__} pads series "
                        "of unequal length with that value and its network skips such steps as "
                        "padding. Shift or scale the series (e.g. standardize them) so that no "
                        "step equals it."
                    )
            out[i, : x.shape[-1]] = x.T
        return out

    def _check_X_predict(self, X):
        _check_feature_names(self, X, reset=False)
        disk = _on_demand(X)
        if disk is not None:
            return disk.check_channels(self.n_channels_in_)
        return check_input_scale(check_series(X, n_channels=self.n_channels_in_))

    def _keras_groups(self, X, views=(None,)):
        """Yield ``(indices, batch)``: the series of ``X`` grouped by padded length, for Keras.

        Each group is read once and yielded once per view (the functions of
        :meth:`Augmenter.test_views`, or None for the series as they are),
        which transforms the series first, each over its own length.
        """
        lengths = series_lengths(X)
        expected = self.n_timepoints_in_
        masked = expected is None or self._masks_views(self.augmentation_)
        if expected is not None:
            wrong = lengths != expected
            if np.any(wrong):
                n = int(lengths[wrong][0])
                raise ValueError(
                    f"X has {n} features, but {type(self).__name__} is expecting {expected} "
                    f"features as input: it was fitted on series of {expected} timepoints and its "
                    f"network is built for that length. Resample or pad the series to {expected} "
                    "timepoints, or fit on a list of series of unequal length to get a network "
                    "that accepts any length."
                )
        if isinstance(X, DiskSeries):  # read from disk a chunk at a time
            length = expected if expected is not None else max(X.shape[-1], self.pad_length_)
            for index in X.chunks():
                series = X.read(index)
                for view in views:
                    yield index, self._to_keras(_viewed(view, series), length, masked=masked)
            return
        if expected is not None:
            for view in views:
                yield np.arange(len(lengths)), self._to_keras(_viewed(view, X), expected, masked=masked)
            return
        target = np.maximum(lengths, self.pad_length_)
        for length in np.unique(target):
            index = np.flatnonzero(target == length)
            series = [X[i] for i in index]
            for view in views:
                yield index, self._to_keras(_viewed(view, series), int(length), masked=True)

    def _predict_outputs(self, X):
        """Network outputs as float64 ``(n_samples, n_outputs)``.

        Averaged over the members of an ensemble, and over the test views
        of the augmentation (the windows of a ``"window_slice"`` step).
        """
        check_is_fitted(self, "model_")
        X = self._check_X_predict(X)
        views = self._test_views()
        out = None
        for index, batch in self._keras_groups(X, views):
            outputs = np.asarray(self.model_.predict(batch, verbose=0), dtype=np.float64)
            if outputs.ndim == 3:  # ensemble: (batch, members, outputs)
                outputs = outputs.mean(axis=1)
            if out is None:
                out = np.zeros((len(X), outputs.shape[1]), dtype=np.float64)
            out[index] += outputs / len(views)
        return out

    def _masks_views(self, augmenter):
        """Whether series shortened by ``augmenter`` are padded with masking (estimators that mask padding)."""
        return self._masks_padding and augmenter is not None and augmenter.changes_length

    def _test_views(self):
        """The views of the series the network was trained on (:meth:`Augmenter.test_views`)."""
        return [None] if self.augmentation_ is None else self.augmentation_.test_views()


def _validation_view(augmenter):
    """What the validation loss is computed on: the centred window of a window-slicing augmenter."""
    return None if augmenter is None else augmenter.test_views(1)[0]


def _viewed(view, series):
    """``view`` applied to an array of series, or to each series of a list (None: as they are)."""
    if view is None:
        return series
    if isinstance(series, list):
        return [view(x) for x in series]
    return view(series)


def _on_demand(X):
    """``X`` as a :class:`DiskSeries` when it is one or a :class:`numpy.memmap`, else None."""
    if isinstance(X, DiskSeries):
        return X
    return DiskSeries(X) if isinstance(X, np.memmap) else None


def _take(X, index):
    """The series ``index`` of an array, a :class:`DiskSeries` or a list of series."""
    return [X[i] for i in index] if isinstance(X, list) else X[index]
