"""Markov transition field images of series."""

from ..functional import markov_transition_field
from ..functional.docstrings import fill_doc
from ..functional.specs import MarkovTransitionFieldSpec
from ._base import BaseImageTransformer

__all__ = ["MarkovTransitionField"]


@fill_doc
class MarkovTransitionField(BaseImageTransformer):
    """Markov transition field images of series.

    Each series is discretised into ``n_bins`` bins and its first-order
    Markov transition matrix ``M`` estimated from consecutive points; pixel
    ``(i, j)`` is ``M[bin(x_i), bin(x_j)]``, averaged over blocks when
    ``image_size`` is smaller than the series. Each channel of each series
    becomes one image channel.

    Parameters
    ----------
    %(markov_parameters)s
    image_size : int or None, default=None
        Side of the square images. None keeps one pixel per timepoint (series
        must then all have the length seen in ``fit``). An int averages the
        field over blocks of ``image_size`` segments (or interpolates it for
        shorter series), so that series of any length, a list of
        unequal-length series too, give images of one size.
    %(transformer_tail)s

    See Also
    --------
    sigconv.functional.markov_transition_field : The function this class applies.
    GramianAngularField : Angular sums or differences of the rescaled series.
    RecurrencePlot : Distances between embedded states.

    Notes
    -----
    The images equal those of ``pyts.image.MarkovTransitionField`` (with
    ``overlapping=False``) to float32 rounding; see
    :func:`~sigconv.functional.markov_transition_field` for what happens
    with tied quantiles and constant series.

    %(wang_oates_reference)s

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.transformers import MarkovTransitionField
    >>> X = np.random.default_rng(0).normal(size=(4, 2, 100))
    >>> MarkovTransitionField(n_bins=4, image_size=16).fit_transform(X).shape
    (4, 16, 16, 2)
    >>> series = [np.arange(50.0), np.arange(80.0)]  # unequal lengths need image_size
    >>> MarkovTransitionField(image_size=10, flatten=True).fit_transform(series).shape
    (2, 100)
    """

    _spec_type = MarkovTransitionFieldSpec

    def __init__(self, *, n_bins=5, strategy="quantile", image_size=None, flatten=False):
        self.n_bins = n_bins
        self.strategy = strategy
        self.image_size = image_size
        self.flatten = flatten

    def _work_elements(self, n_timepoints, spec):
        height, width = spec.output_hw(n_timepoints)
        # the images, and per timepoint: a sorted copy, bins, int64 cell indices
        return 4 * height * width + 8 * n_timepoints

    def _images(self, X, spec):
        return markov_transition_field(X, **spec.kwargs())[:, :, None]
