"""Gramian angular field layer."""

import keras
from keras import ops

from ..functional import kernels
from ..functional.docstrings import fill_doc
from ..functional.specs import GramianAngularFieldSpec
from ._base import BaseImageLayer, apply_rows

__all__ = ["GramianAngularField"]


@keras.saving.register_keras_serializable(package="sigconv")
@fill_doc
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
    %(layer_kwargs)s

    Output shape
    ------------
    ``(batch, image_size, image_size, n_channels)`` float32 (``image_size``
    is ``n_timepoints`` when None).

    See Also
    --------
    sigconv.transformers.GramianAngularField : The scikit-learn transformer.
    sigconv.functional.gramian_angular_field : The NumPy function.

    %(wang_oates_reference)s

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.layers import GramianAngularField
    >>> x = np.random.default_rng(0).normal(size=(4, 100, 2)).astype("float32")
    >>> tuple(GramianAngularField(image_size=16)(x).shape)
    (4, 16, 16, 2)
    """

    _spec_type = GramianAngularFieldSpec

    def __init__(self, method="summation", image_size=None, sample_range=(-1.0, 1.0), **kwargs):
        super().__init__(**kwargs)
        self._set_args(locals())

    def _build_constants(self, n_timepoints):
        self._paa = self._constant("paa", self._spec.paa_matrix(n_timepoints))

    def _images(self, x):
        cos, sin = kernels.polar_encoding(apply_rows(self._paa, x), sample_range=self._spec.sample_range, xp=ops)
        return kernels.gramian_product(cos, sin, method=self._spec.method, xp=ops, dtype="float32")[:, None]
