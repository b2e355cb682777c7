"""Recurrence plot images of series."""

from ..functional import recurrence_plot
from ..functional.docstrings import fill_doc
from ..functional.specs import RecurrencePlotSpec
from ._base import BaseImageTransformer

__all__ = ["RecurrencePlot"]


@fill_doc
class RecurrencePlot(BaseImageTransformer):
    """Recurrence plot images of series.

    Each series is embedded in ``dimension`` dimensions with delay
    ``time_delay`` (state ``i`` is ``(x_i, x_{i + tau}, ...)``); pixel
    ``(i, j)`` is the Euclidean distance between states ``i`` and ``j``, or,
    with a ``threshold``, 1 where they are closer than it and 0 elsewhere.
    Each channel of each series becomes one image channel.

    Parameters
    ----------
    %(recurrence_parameters)s
    image_size : int or None, default=None
        Side of the square images. None gives ``n_timepoints - (dimension -
        1) * time_delay`` states (series must then all have the length seen
        in ``fit`` and at least ``(dimension - 1) * time_delay + 1``
        timepoints). An int first reduces each series with PAA to
        ``image_size + (dimension - 1) * time_delay`` points, so that
        ``dimension`` and ``time_delay`` count points of the reduced series
        and series of any length, a list of unequal-length series too, give
        images of one size.
    %(transformer_tail)s

    See Also
    --------
    sigconv.functional.recurrence_plot : The function this class applies.
    GramianAngularField : Angular sums or differences of the rescaled series.
    MarkovTransitionField : Transition probabilities between quantile bins.

    Notes
    -----
    The plots equal those of ``pyts.image.RecurrencePlot`` applied to the
    same (reduced) series to float32 rounding. Series are processed in
    chunks, and within a chunk in cache-sized blocks, so that memory stays
    bounded: no ``(n_samples, L, L, dimension)`` array is built.

    %(eckmann_reference)s

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.transformers import RecurrencePlot
    >>> X = np.random.default_rng(0).normal(size=(4, 2, 100))
    >>> RecurrencePlot(dimension=3, time_delay=2).fit_transform(X).shape
    (4, 96, 96, 2)
    >>> images = RecurrencePlot(threshold="point", percentage=20, image_size=32).fit_transform(X)
    >>> images.shape, round(float(images.mean()), 2)
    ((4, 32, 32, 2), 0.2)
    """

    _spec_type = RecurrencePlotSpec

    def __init__(
        self,
        *,
        dimension=1,
        time_delay=1,
        threshold=None,
        epsilon=None,
        percentage=10.0,
        image_size=None,
        flatten=False,
    ):
        self.dimension = dimension
        self.time_delay = time_delay
        self.threshold = threshold
        self.epsilon = epsilon
        self.percentage = percentage
        self.image_size = image_size
        self.flatten = flatten

    def _work_elements(self, n_timepoints, spec):
        side = spec.side(n_timepoints)
        # the series, its reduced float32 copy and the distance matrix (the
        # squared differences of the embedding live in cache-sized blocks),
        # then the channel-last copy of the plots
        return n_timepoints + spec.reduced_length(n_timepoints) + 2 * side * side

    def _images(self, X, spec):
        return recurrence_plot(X, **spec.kwargs())[:, :, None]
