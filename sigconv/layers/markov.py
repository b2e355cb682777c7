"""Markov transition field layer."""

import keras
from keras import ops

from ..functional.docstrings import fill_doc
from ..functional.specs import MarkovTransitionFieldSpec, float32_below
from ._base import BaseImageLayer

__all__ = ["MarkovTransitionField"]


@keras.saving.register_keras_serializable(package="sigconv")
@fill_doc
class MarkovTransitionField(BaseImageLayer):
    """Markov transition field images of series, as a Keras layer.

    The layer form of :class:`sigconv.transformers.MarkovTransitionField`,
    with the same parameters and the same images (to float32 rounding).
    Everything data-dependent is done per series in the batch with
    ``keras.ops``: quantile edges from one sort, bin membership as a
    one-hot matrix ``O`` (``n_timepoints x n_bins``), transition counts as
    ``O[:-1]^T O[1:]``, and the image as ``P M P^T`` with ``P = R O``
    (``R`` the PAA matrix of :func:`sigconv.functional.resampling_matrix`;
    ``P = O`` without ``image_size``).

    Parameters
    ----------
    %(markov_parameters)s
    image_size : int or None, default=None
        Side of the square images; None keeps one pixel per timepoint.
    **kwargs
        Arguments of :class:`keras.layers.Layer` (``name``, ...).

    Input shape
    -----------
    ``(batch, n_timepoints, n_channels)``, ``n_timepoints >= 2``, both known
    when the layer is built.

    Output shape
    ------------
    ``(batch, image_size, image_size, n_channels)`` float32.

    See Also
    --------
    sigconv.transformers.MarkovTransitionField : The scikit-learn transformer.
    sigconv.functional.markov_transition_field : The NumPy function.

    Notes
    -----
    Bins are identical to the transformer's for ``"quantile"`` and
    ``"normal"``: a point lies above an interpolated quantile exactly when it
    lies above the lower of the two order statistics the quantile is
    interpolated between (no value lies between them), so the layer compares
    with that order statistic and never rounds an edge. For ``"uniform"``
    the edges ``min + k (max - min) / n_bins`` are computed in float32 (the
    transformer uses float64): a point within float32 rounding of an edge
    may fall in the neighbouring bin.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.layers import MarkovTransitionField
    >>> x = np.random.default_rng(0).normal(size=(4, 100, 1)).astype("float32")
    >>> tuple(MarkovTransitionField(n_bins=4, image_size=16)(x).shape)
    (4, 16, 16, 1)
    """

    _spec_type = MarkovTransitionFieldSpec

    def __init__(self, n_bins=5, strategy="quantile", image_size=None, **kwargs):
        super().__init__(**kwargs)
        self._set_args(locals())

    def _build_constants(self, n_timepoints):
        spec = self._spec
        self._rows = self._constant("paa", spec.paa_matrix(n_timepoints))
        self._edges = None
        self._edge_ranks = None
        if spec.strategy == "normal":
            self._edges = self._constant("edges", float32_below(spec.normal_edges()))
        elif spec.strategy == "quantile":
            # the lower of the ranks numpy.percentile interpolates from
            self._edge_ranks = spec.quantile_positions(n_timepoints)[0].astype("int32")

    def _images(self, x):
        n_bins = self._spec.n_bins
        strategy = self._spec.strategy
        if strategy == "quantile":
            edges = ops.take(ops.sort(x, axis=-1), self._edge_ranks, axis=1)  # (n, n_bins - 1)
        elif strategy == "uniform":
            x_min = ops.min(x, axis=-1, keepdims=True)
            step = (ops.max(x, axis=-1, keepdims=True) - x_min) / n_bins
            edges = x_min + ops.arange(1, n_bins, dtype="float32")[None, :] * step
        else:
            edges = ops.expand_dims(self._edges, 0)
        above = ops.cast(ops.greater(x[:, :, None], edges[:, None, :]), "int32")
        bins = ops.sum(above, axis=-1)  # (n, n_timepoints): number of edges below each point
        onehot = ops.one_hot(bins, n_bins, dtype="float32")  # (n, n_timepoints, n_bins)
        counts = ops.matmul(ops.transpose(onehot[:, :-1], (0, 2, 1)), onehot[:, 1:])
        totals = ops.sum(counts, axis=-1, keepdims=True)
        totals = ops.where(ops.equal(totals, 0.0), ops.ones_like(totals), totals)
        transitions = counts / totals  # a bin never left has a row of zeros, as in pyts
        fractions = onehot if self._rows is None else ops.matmul(self._rows, onehot)
        images = ops.matmul(ops.matmul(fractions, transitions), ops.transpose(fractions, (0, 2, 1)))
        return images[:, None]
