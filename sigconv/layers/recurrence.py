"""Recurrence plot layer."""

import keras
from keras import ops

from ..functional import kernels
from ..functional.docstrings import fill_doc
from ..functional.specs import RecurrencePlotSpec, percentile_ranks
from ._base import BaseImageLayer, apply_rows

__all__ = ["RecurrencePlot"]


@keras.saving.register_keras_serializable(package="sigconv")
@fill_doc
class RecurrencePlot(BaseImageLayer):
    """Recurrence plot images of series, as a Keras layer.

    The layer form of :class:`sigconv.transformers.RecurrencePlot`, with the
    same parameters and the same images (to float32 rounding): pixel
    ``(i, j)`` is the Euclidean distance between the time-delay embedded
    states ``i`` and ``j``, or, with a ``threshold``, 1 where it is below the
    threshold (strictly) and 0 elsewhere.

    Parameters
    ----------
    %(recurrence_parameters)s
    image_size : int or None, default=None
        Side of the square images. None gives ``n_timepoints - (dimension -
        1) * time_delay`` states; an int first reduces each series with PAA
        to ``image_size + (dimension - 1) * time_delay`` points.
    %(layer_kwargs)s

    Output shape
    ------------
    ``(batch, side, side, n_channels)`` float32.

    See Also
    --------
    sigconv.transformers.RecurrencePlot : The scikit-learn transformer.
    sigconv.functional.recurrence_plot : The NumPy function.

    Notes
    -----
    Thresholded pixels equal the transformer's for ``"absolute"`` (the same
    float32 radius) and ``"point"`` (a distance lies below an interpolated
    percentile exactly when it is at most the lower of the two order
    statistics it is interpolated between, when they differ, so the layer
    compares with order statistics of one sort and never rounds). For
    ``"distance"`` the limit ``percentage / 100 * max`` is a float32 product
    (float64 in the transformer): a distance within float32 rounding of it
    may differ.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.layers import RecurrencePlot
    >>> x = np.random.default_rng(0).normal(size=(4, 100, 2)).astype("float32")
    >>> tuple(RecurrencePlot(dimension=3, time_delay=2, image_size=32)(x).shape)
    (4, 32, 32, 2)
    """

    _spec_type = RecurrencePlotSpec

    def __init__(
        self,
        dimension=1,
        time_delay=1,
        threshold=None,
        epsilon=None,
        percentage=10.0,
        image_size=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self._set_args(locals())

    def _build_constants(self, n_timepoints):
        self._paa = self._constant("paa", self._spec.paa_matrix(n_timepoints))
        if self._spec.threshold == "absolute":
            self._epsilon = self._spec.epsilon_float32()

    def _images(self, x):
        spec = self._spec
        side = spec.side(self._n_timepoints)
        dist = kernels.embedding_distances(
            apply_rows(self._paa, x), dimension=spec.dimension, time_delay=spec.time_delay, n_states=side, xp=ops
        )
        threshold = spec.threshold
        if threshold is None:
            return dist[:, None]
        if threshold == "absolute":
            recur = ops.less(dist, self._epsilon)
        elif threshold == "distance":
            largest = ops.max(ops.reshape(dist, (-1, side * side)), axis=-1)
            limit = (self._spec.percentage / 100.0) * largest
            recur = ops.less(dist, limit[:, None, None])
        else:
            recur = self._below_percentile(dist, side)
        return ops.cast(recur, "float32")[:, None]

    def _below_percentile(self, dist, side):
        """``dist < numpy.percentile(dist, percentage)`` per plot, from order statistics."""
        n_values = side * side
        below, above, fraction = percentile_ranks(n_values, self._spec.percentage)
        ordered = ops.sort(ops.reshape(dist, (-1, n_values)), axis=-1)
        low = ordered[:, below][:, None, None]
        if fraction == 0:  # the percentile is a value of the plot
            return ops.less(dist, low)
        high = ordered[:, above][:, None, None]
        # low < percentile < high when they differ, and no distance lies between them
        return ops.where(ops.greater(high, low), ops.less_equal(dist, low), ops.less(dist, low))
