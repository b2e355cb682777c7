"""Gramian angular field layer."""

import keras
from keras import ops

from ..functional.gramian import _check_params
from ._base import BaseImageLayer, apply_rows, keras_errors, paa_rows

__all__ = ["GramianAngularField"]


@keras.saving.register_keras_serializable(package="sigconv")
class GramianAngularField(BaseImageLayer):
    """Gramian angular field (GASF or GADF) images of series, as a Keras layer.

    The layer form of :class:`sigconv.transformers.GramianAngularField`, with
    the same parameters and the same images (to float32 rounding): each
    series channel is shortened to ``image_size`` points by piecewise
    aggregate approximation (the matrix of
    :func:`sigconv.functional.resampling_matrix`), min-max scaled to
    ``sample_range`` and read as the cosines of angles; pixel ``(i, j)`` is
    ``cos(phi_i + phi_j)`` (summation) or ``sin(phi_i - phi_j)``
    (difference).

    Parameters
    ----------
    method : {"summation", "difference"}, default="summation"
        GASF or GADF.
    image_size : int or None, default=None
        Side of the square images; None keeps one pixel per timepoint.
    sample_range : (float, float) or None, default=(-1.0, 1.0)
        ``(min, max)`` with ``-1 <= min < max <= 1``. None: no scaling; the
        series must already lie in ``[-1, 1]``. The transformer checks this;
        the layer runs inside a compiled graph and cannot, so values outside
        give pixels outside ``[-1, 1]`` instead of an error.
    **kwargs
        Arguments of :class:`keras.layers.Layer` (``name``, ...).

    Input shape
    -----------
    ``(batch, n_timepoints, n_channels)``, both known when the layer is built.

    Output shape
    ------------
    ``(batch, image_size, image_size, n_channels)`` float32 (``image_size``
    is ``n_timepoints`` when None).

    See Also
    --------
    sigconv.transformers.GramianAngularField : The scikit-learn transformer.
    sigconv.functional.gramian_angular_field : The NumPy function.

    References
    ----------
    .. [1] Z. Wang and T. Oates, "Encoding Time Series as Images for Visual
       Inspection and Classification Using Tiled Convolutional Neural
       Networks", AAAI Workshop on Trajectory-Based Behavior Analytics, 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.layers import GramianAngularField
    >>> x = np.random.default_rng(0).normal(size=(4, 100, 2)).astype("float32")
    >>> tuple(GramianAngularField(image_size=16)(x).shape)
    (4, 16, 16, 2)
    """

    def __init__(self, method="summation", image_size=None, sample_range=(-1.0, 1.0), **kwargs):
        super().__init__(**kwargs)
        with keras_errors():
            self._params = _check_params(method, image_size, sample_range)
        self._args = {"method": method, "image_size": image_size, "sample_range": sample_range}
        self.method, self.image_size, self.sample_range = method, image_size, sample_range

    def _output_hw(self, n_timepoints):
        side = self._params["image_size"] or n_timepoints
        return side, side

    def _build_constants(self, n_timepoints):
        self._paa = paa_rows(self, "paa", n_timepoints, self._output_hw(n_timepoints)[0])

    def _images(self, x):
        x = apply_rows(self._paa, x)
        sample_range = self._params["sample_range"]
        if sample_range is None:
            cos, one_minus, one_plus = x, 1.0 - x, 1.0 + x
        else:
            # as sigconv.functional.gramian: 1 -/+ cos from the distances to the extremes
            low, high = sample_range
            x_min = ops.min(x, axis=-1, keepdims=True)
            x_max = ops.max(x, axis=-1, keepdims=True)
            span = x_max - x_min
            constant = ops.equal(span, 0.0)
            span = ops.where(constant, ops.ones_like(span), span)
            above_min = (x - x_min) / span
            below_max = ops.where(constant, ops.ones_like(x), (x_max - x) / span)
            cos = low + (high - low) * above_min
            one_plus = (1.0 + low) + (high - low) * above_min
            one_minus = (1.0 - high) + (high - low) * below_max
        sin = ops.sqrt(ops.clip(one_minus * one_plus, 0.0, 1.0))
        # as the functional: one batched matrix product with an inner dimension of 2
        if self._params["method"] == "summation":
            left = ops.stack([cos, sin], axis=-1)  # (n, side, 2)
        else:
            left = ops.stack([sin, cos], axis=-1)
        right = ops.stack([cos, -sin], axis=1)  # (n, 2, side)
        images = ops.matmul(left, right)
        return images[:, None]
