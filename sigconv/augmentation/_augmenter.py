"""The Augmenter: named augmentation functions applied in sequence."""

import functools
import inspect

import numpy as np

from ..functional import augmentation as _functions
from ..validation import check_int

__all__ = ["AUGMENTATIONS", "Augmenter"]

#: ``stretch`` of a ``"window_slice"`` step that stretches a random half of the windows and keeps the others.
BOTH = "both"


def _check_window_slice_step(ratio, stretch):
    """The parameters of a ``"window_slice"`` step, where ``stretch`` may also be ``"both"``."""
    if isinstance(stretch, str) and stretch == BOTH:
        return {**_functions.check_window_slice_params(ratio, True), "stretch": BOTH}
    if not isinstance(stretch, (bool, np.bool_)):
        raise TypeError(
            "stretch must be True (resample the window to the series' length), False (keep its "
            f"timepoints) or {BOTH!r} (each window either way, half and half); got stretch={stretch!r}."
        )
    return _functions.check_window_slice_params(ratio, stretch)


#: Names accepted in the steps of an :class:`Augmenter`, each with its function and parameter checker.
AUGMENTATIONS = {
    "jitter": (_functions.jitter, _functions.check_jitter_params),
    "scaling": (_functions.scaling, _functions.check_scaling_params),
    "time_warp": (_functions.time_warp, _functions.check_time_warp_params),
    "window_slice": (_functions.window_slice, _check_window_slice_step),
}

#: Test windows of a window-slicing augmenter when ``n_test_windows`` is not given.
N_TEST_WINDOWS = 9

_EXAMPLE = "[('jitter', {'sigma': 0.03}), ('time_warp', {})]"


def _defaults(function):
    return {
        name: parameter.default
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and name != "rng"
    }


def _check_steps(steps):
    """The steps as a list of ``(function, params)`` with every parameter checked and filled in."""
    if not isinstance(steps, (list, tuple)) or len(steps) == 0:
        raise TypeError(
            f"steps must be a non-empty list of (name, params) pairs, e.g. {_EXAMPLE}; got "
            f"steps={steps!r}."
        )
    checked = []
    for i, step in enumerate(steps):
        if not isinstance(step, (list, tuple)) or len(step) != 2:
            raise TypeError(
                f"steps[{i}] must be a (name, params) pair such as ('jitter', {{'sigma': 0.03}}); "
                f"got {step!r}."
            )
        name, params = step
        if not isinstance(name, str) or name not in AUGMENTATIONS:
            shown = ", ".join(repr(n) for n in AUGMENTATIONS)
            raise ValueError(f"steps[{i}] names the augmentation {name!r}, which is not one of {{{shown}}}.")
        if not isinstance(params, dict):
            raise TypeError(
                f"steps[{i}] ({name!r}) must give its parameters as a dict (empty for the "
                f"defaults); got {params!r}."
            )
        function, checker = AUGMENTATIONS[name]
        defaults = _defaults(function)
        unknown = [key for key in params if key not in defaults]
        if unknown:
            raise ValueError(
                f"steps[{i}] ({name!r}) got the unknown parameter {unknown[0]!r}; {name} takes "
                f"{', '.join(defaults)}."
            )
        try:
            values = checker(**{**defaults, **params})
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"steps[{i}] ({name!r}): {exc}") from exc
        checked.append((function, values))
    return checked


class Augmenter:
    """Random series transformations applied one after the other.

    Each step is a pair ``(name, params)``: the name of a function of
    :mod:`sigconv.functional.augmentation` and a dict of its parameters
    (those left out take the function's defaults). Called on a batch of
    series, the augmenter applies every step to every series, in order,
    with new random draws at each call.

    Given as the ``augmentation`` parameter of a deep estimator
    (:mod:`sigconv.estimators`), it transforms the training batches, with
    fresh draws at every epoch that follow from the estimator's
    ``random_state``. Jitter, scaling and time warps are centred on the
    series as they are (noise of mean 0, factors and speeds around 1), so
    the estimator predicts from the series as they are. A
    ``"window_slice"`` step is not: the network only ever sees crops of
    ``ratio`` of each series (stretched to the series' length, or with
    ``stretch=False`` padded at the end to it). So, as Le
    Guennec et al. [2]_ do, an estimator trained with one predicts each
    series from ``n_test_windows`` such windows at evenly spaced starts
    and averages the network's outputs over them (:meth:`test_views`), and
    computes its validation loss on the centred window.
    :meth:`~sigconv.estimators.ResNetClassifier.embed` and
    :mod:`sigconv.inspection` see the series as they are.

    Parameters
    ----------
    steps : list of (str, dict)
        The augmentations, in the order they are applied. Names:
        ``"jitter"`` (:func:`~sigconv.functional.jitter`, ``sigma``),
        ``"scaling"`` (:func:`~sigconv.functional.scaling`, ``sigma``),
        ``"time_warp"`` (:func:`~sigconv.functional.time_warp`,
        ``n_knots``, ``sigma``) and ``"window_slice"``
        (:func:`~sigconv.functional.window_slice`, ``ratio``,
        ``stretch``). Here ``stretch`` may also be ``"both"``: each series
        of a batch gets, at random with equal odds, a stretched window or
        an unstretched one, and an estimator predicts from both kinds of
        test windows. The steps are checked when the augmenter is created.
    n_test_windows : int, default=9
        With a ``"window_slice"`` step: how many windows (starts evenly
        spaced from the first timepoint to the last start that fits; 1 is
        the centred window) an estimator predicts each series from, of
        each kind with ``stretch="both"``. Without one it has no effect.

    Raises
    ------
    TypeError, ValueError
        For a step that is not a pair, an unknown name or parameter, or a
        parameter out of range; the message names the step.

    See Also
    --------
    sigconv.functional.jitter, sigconv.functional.scaling,
    sigconv.functional.time_warp, sigconv.functional.window_slice

    References
    ----------
    .. [1] B. K. Iwana and S. Uchida, "An empirical survey of data augmentation
       for time series classification with neural networks", PLOS ONE 16, 2021.
    .. [2] A. Le Guennec, S. Malinowski and R. Tavenard, "Data augmentation for
       time series classification using convolutional neural networks",
       ECML/PKDD Workshop on Advanced Analytics and Learning on Temporal
       Data, 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.augmentation import Augmenter
    >>> augmenter = Augmenter([("time_warp", {"sigma": 0.2}), ("jitter", {"sigma": 0.03})])
    >>> X = np.sin(np.linspace(0, 6, 40))[None, None].repeat(4, axis=0)  # (4, 1, 40)
    >>> augmenter(X, rng=0).shape
    (4, 1, 40)
    >>> bool(np.array_equal(augmenter(X, rng=0), augmenter(X, rng=0)))
    True

    In an estimator:

    >>> from sigconv.estimators import FCNClassifier
    >>> clf = FCNClassifier(filters=(4,), kernel_sizes=(3,), epochs=2, random_state=0,
    ...                     augmentation=augmenter)
    >>> clf.fit(X[:, 0] * [[1], [-1], [1], [-1]], [0, 1, 0, 1]).predict(X[:, 0]).shape
    (4,)
    """

    def __init__(self, steps, *, n_test_windows=N_TEST_WINDOWS):
        _check_steps(steps)
        _check_n_test_windows(n_test_windows)
        self.steps = steps
        self.n_test_windows = n_test_windows

    def __call__(self, X, *, rng=None):
        """Apply the steps to ``X``.

        Parameters
        ----------
        X : ndarray of shape (..., n_timepoints)
            Series, time on the last axis (e.g. ``(n_samples, n_channels,
            n_timepoints)``).
        rng : numpy.random.Generator, int or None, default=None
            Random generator or seed, shared by the steps; None draws fresh
            entropy.

        Returns
        -------
        X_augmented : ndarray of the shape of ``X``, or shorter in time, or list of ndarray
            Shorter after a ``"window_slice"`` step with ``stretch=False``,
            whose crop keeps its timepoints. After one with
            ``stretch="both"`` and ``ratio < 1``, a list of the series of
            ``X`` (along its first axis), some stretched, some shorter.
            float32 for float32 input, float64 otherwise.
        """
        return _apply(_check_steps(self.steps), X, _functions._rng(rng))

    def test_views(self, n_windows=None):
        """The views of the series that an estimator averages its predictions over.

        Parameters
        ----------
        n_windows : int or None, default=None
            Number of windows of a ``"window_slice"`` step; None takes
            ``n_test_windows``.

        Returns
        -------
        views : list of callable
            Each takes series with time on the last axis and returns them
            as the network saw them in training, without the randomness:
            for ``"window_slice"`` steps, one function per test window
            (:func:`~sigconv.functional.window_at` at evenly spaced
            positions; with ``stretch="both"`` the stretched windows, then
            the unstretched ones); without one, a single function that
            returns the series unchanged.

        Examples
        --------
        >>> import numpy as np
        >>> from sigconv.augmentation import Augmenter
        >>> views = Augmenter([("window_slice", {"ratio": 0.5})], n_test_windows=3).test_views()
        >>> [float(view(np.arange(10.0))[0]) for view in views]   # windows from 0, 2.5 and 5
        [0.0, 2.5, 5.0]
        >>> len(Augmenter([("jitter", {})]).test_views())
        1
        >>> len(Augmenter([("window_slice", {"stretch": "both"})], n_test_windows=3).test_views())
        6
        """
        slices = [params for function, params in _check_steps(self.steps) if function is _functions.window_slice]
        if not slices:
            return [_unchanged]
        n = _check_n_test_windows(self.n_test_windows if n_windows is None else n_windows)
        positions = [0.5] if n == 1 else [i / (n - 1) for i in range(n)]
        kinds = [True, False] if any(params["stretch"] == BOTH for params in slices) else [None]
        return [
            functools.partial(_windows, slices=[_as_stretched(params, kind) for params in slices], position=position)
            for kind in kinds
            for position in positions
        ]

    @property
    def changes_length(self):
        """Whether the augmenter shortens series: a ``"window_slice"`` step that keeps (some of) its crops unstretched.

        The deep estimators then pad the crops (and the test windows) at the
        end to the length of the series, as they pad series of unequal
        length, and an estimator that masks its padding (the LSTMs) masks it.
        """
        return any(
            function is _functions.window_slice and params["stretch"] is not True and params["ratio"] < 1
            for function, params in _check_steps(self.steps)
        )

    def __eq__(self, other):
        return (
            type(other) is type(self)
            and _normalized(self.steps) == _normalized(other.steps)
            and self.n_test_windows == other.n_test_windows
        )

    __hash__ = None

    def __repr__(self):
        windows = "" if self.n_test_windows == N_TEST_WINDOWS else f", n_test_windows={self.n_test_windows!r}"
        return f"{type(self).__name__}({self.steps!r}{windows})"


def _check_n_test_windows(n_test_windows):
    return check_int(n_test_windows, "n_test_windows", min_value=1)


def _apply(steps, X, rng):
    """``X`` through the checked ``steps``; a ``stretch="both"`` slice splits the series between its two kinds."""
    for k, (function, params) in enumerate(steps):
        if function is _functions.window_slice and params["stretch"] == BOTH:
            return _sliced_both_ways(steps[k + 1 :], X, rng, params["ratio"])
        X = function(X, rng=rng, **params)
    return X


def _sliced_both_ways(rest, X, rng, ratio):
    """Each series of ``X`` (first axis) cropped stretched or unstretched at random, then through ``rest``."""
    X = np.asarray(X)
    if X.ndim == 1:  # one series: one kind
        return _apply(rest, _functions.window_slice(X, ratio=ratio, stretch=bool(rng.random() < 0.5), rng=rng), rng)
    # Both kinds are drawn for every series and half of each kept: this order of draws is the one
    # the UCR figures of docs/augmentation.md were measured with; slicing a batch costs little.
    windows = {kind: _functions.window_slice(X, ratio=ratio, stretch=kind, rng=rng) for kind in (True, False)}
    stretched = rng.random(len(X)) < 0.5
    out = [None] * len(X)
    for kind in (True, False):
        rows = np.flatnonzero(stretched == kind)
        if len(rows):
            for row, x in zip(rows, _apply(rest, windows[kind][rows], rng)):
                out[row] = x
    if len({x.shape for x in out}) == 1:
        return np.stack(out)
    return out


def _as_stretched(params, kind):
    """A slice step's parameters with ``stretch`` set to ``kind`` where it is ``"both"``."""
    return {**params, "stretch": kind} if params["stretch"] == BOTH else params


def _unchanged(X):
    return X


def _windows(X, *, slices, position):
    for params in slices:
        X = _functions.window_at(X, position, **params)
    return X


def _normalized(steps):
    return [(name, dict(params)) for name, params in steps]
