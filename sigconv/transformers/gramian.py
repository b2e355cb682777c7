"""Gramian angular field images of series."""

from ..functional import gramian_angular_field
from ..functional.docstrings import fill_doc
from ..functional.specs import GramianAngularFieldSpec
from ._base import BaseImageTransformer

__all__ = ["GramianAngularField"]


@fill_doc
class GramianAngularField(BaseImageTransformer):
    """Gramian angular field (GASF or GADF) images of series.

    Each series is shortened to ``image_size`` points by piecewise aggregate
    approximation, min-max scaled to ``sample_range`` and read as the
    cosines of angles ``phi``; the image is ``cos(phi_i + phi_j)``
    (summation) or ``sin(phi_i - phi_j)`` (difference). Each channel of each
    series becomes one image channel.

    Parameters
    ----------
    method : {"summation", "difference"}, default="summation"
        GASF (symmetric) or GADF (antisymmetric) field.
    image_size : int or None, default=None
        Side of the square images. None keeps one pixel per timepoint (series
        must then all have the length seen in ``fit``). An int averages each
        series over ``image_size`` segments (or interpolates it when it is
        shorter), so that series of any length, a list of unequal-length
        series too, give images of one size.
    sample_range : (float, float) or None, default=(-1.0, 1.0)
        ``(min, max)`` with ``-1 <= min < max <= 1``, the range each series is
        scaled to. None: no scaling; values must already lie in ``[-1, 1]``.
    %(transformer_tail)s

    See Also
    --------
    sigconv.functional.gramian_angular_field : The function this class applies.
    MarkovTransitionField : Transition probabilities between quantile bins.
    RecurrencePlot : Distances between embedded states.

    Notes
    -----
    The images equal those of ``pyts.image.GramianAngularField`` (with
    ``overlapping=False``) to float32 rounding; see
    :func:`~sigconv.functional.gramian_angular_field` for the details.

    %(wang_oates_reference)s

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.transformers import GramianAngularField
    >>> X = np.random.default_rng(0).normal(size=(4, 2, 100))
    >>> GramianAngularField(image_size=16).fit_transform(X).shape
    (4, 16, 16, 2)
    >>> GramianAngularField(method="difference").fit_transform(X[:, 0]).shape
    (4, 100, 100, 1)
    """

    _spec_type = GramianAngularFieldSpec

    def __init__(self, *, method="summation", image_size=None, sample_range=(-1.0, 1.0), flatten=False):
        self.method = method
        self.image_size = image_size
        self.sample_range = sample_range
        self.flatten = flatten

    def _images(self, X, spec):
        return gramian_angular_field(X, **spec.kwargs())[:, :, None]
