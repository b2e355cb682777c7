"""Score a live stream: windows cut from chunks as they arrive, one prediction per window."""

import dataclasses
import sys

import numpy as np

from ..validation import check_bool, check_float, check_int
from ._windows import _WindowBuffer, _check_window_hop, standardize_windows

__all__ = ["StreamingPredictor", "WindowPrediction"]


@dataclasses.dataclass(frozen=True)
class WindowPrediction:
    """The prediction for one window of a stream.

    Attributes
    ----------
    start : int
        Index of the window's first sample in the stream.
    start_time, end_time : float
        Times of the window's first sample and one past its last, in seconds
        from the stream's first sample.
    label : object or None
        Predicted class; None for a window that was not scored.
    proba : ndarray of shape (n_classes,) or None
        Class probabilities in the order of the estimator's ``classes_``.
    confidence : float or None
        Probability of ``label``.
    status : str
        ``"ok"``, or ``"bad_data"`` for a window holding NaN or infinite
        values (not scored).
    """

    start: int
    start_time: float
    end_time: float
    label: object = None
    proba: np.ndarray = None
    confidence: float = None
    status: str = "ok"

    def to_dict(self, classes=None):
        """A JSON-able dict; ``classes`` (the estimator's) names the probabilities."""
        out = {"start": self.start, "start_time": self.start_time, "end_time": self.end_time,
               "status": self.status}
        if self.label is not None:
            out["label"] = _plain(self.label)
            out["confidence"] = self.confidence
            if classes is not None:
                out["proba"] = {str(_plain(c)): float(p) for c, p in zip(classes, self.proba)}
            else:
                out["proba"] = [float(p) for p in self.proba]
        return out


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


class StreamError(ValueError):
    """A chunk of a stream that cannot be used (wrong shape or channel count, or unreadable).

    A reader of a stream may yield one in place of a chunk it could not
    parse: :meth:`Monitor.run` reports it as a ``"bad_chunk"`` event and
    counts its ``n_samples`` as missing, and the stream goes on.

    Parameters
    ----------
    message : str
        What was wrong, for the event's message.
    n_samples : int, default=0
        Samples (time steps) the unusable chunk stood for.
    """

    def __init__(self, message, *, n_samples=0):
        super().__init__(message)
        self.n_samples = n_samples


def _fast_scorer(estimator):
    """A low-latency ``predict_proba`` for sigconv's deep classifiers, or None.

    ``estimator.predict_proba`` goes through Keras's ``Model.predict``, whose
    fixed cost per call (about 0.1 s on the TensorFlow backend) is far above
    a live stream's budget. For a sigconv deep classifier fitted on series of
    one length, the same numbers come from ``model_.predict_on_batch`` on the
    channel-last batch, members of an ensemble averaged.
    """
    # A model of sigconv.estimators has imported that package (and Keras) by now; any other
    # model must not pay for importing them here.
    estimators = sys.modules.get(f"{__package__.rsplit('.', 1)[0]}.estimators")
    if estimators is None:
        return None
    if not isinstance(estimator, estimators.BaseDeepClassifier) or getattr(estimator, "n_timepoints_in_", None) is None:
        return None
    model = estimator.model_

    def score(windows):
        batch = np.ascontiguousarray(windows.transpose(0, 2, 1), dtype=np.float32)
        outputs = np.asarray(model.predict_on_batch(batch), dtype=np.float64)
        if outputs.ndim == 3:
            outputs = outputs.mean(axis=1)
        return outputs / outputs.sum(axis=1, keepdims=True)

    return score


class StreamingPredictor:
    """Score the windows of a stream with a fitted classifier as chunks arrive.

    Chunks of any size go in with :meth:`push`; the predictor keeps the
    samples the next window needs (the overlap), cuts every window the chunk
    completes, and returns one :class:`WindowPrediction` per window, stamped
    with its sample index and times. Windows holding NaN or infinite values
    are not scored; they come back with ``status="bad_data"``. A chunk may
    carry the index of its first sample: a jump forward is a gap (the
    windows that would span it are lost, windows restart after it), a jump
    back drops the samples already seen.

    Parameters
    ----------
    estimator : fitted classifier
        Any fitted estimator with ``predict_proba`` and ``classes_`` taking
        ``(n_windows, n_channels, window)``: a sigconv classifier or a
        :class:`~sklearn.pipeline.Pipeline` ending in one. sigconv's deep
        classifiers fitted on series of one length are called through their
        Keras model directly (the same probabilities, without
        ``Model.predict``'s fixed cost per call).
    sr : float
        Sampling rate of the stream in Hz.
    window : int or None, default=None
        Window length in samples; None uses the estimator's
        ``n_timepoints_in_``.
    hop : int or None, default=None
        Samples between window starts; None means ``window // 2``.
    n_channels : int or None, default=None
        Channels of the stream; None uses the estimator's ``n_channels_in_``
        (1 if it has none).
    standardize : bool, default=False
        Standardize each window and channel before scoring, as
        :class:`SlidingWindows` with ``standardize=True`` did in training.

    Attributes
    ----------
    classes_ : ndarray
        The estimator's classes.
    n_seen : int
        Samples received so far (gaps included).

    See Also
    --------
    Monitor : Alarms on top of the predictions.
    SlidingWindows : The same windows for training.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sigconv.monitoring import StreamingPredictor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 1, 8)) * np.repeat([1.0, 5.0], 20)[:, None, None]
    >>> y = np.repeat(["quiet", "loud"], 20)
    >>> energy = FunctionTransformer(lambda W: (W**2).mean(axis=-1))
    >>> clf = make_pipeline(energy, LogisticRegression()).fit(X, y)
    >>> stream = StreamingPredictor(clf, sr=8.0, window=8, hop=4, n_channels=1)
    >>> [p.start for p in stream.push(rng.normal(size=10))]
    [0]
    >>> [(p.start, p.start_time) for p in stream.push(rng.normal(size=10) * 5)]
    [(4, 0.5), (8, 1.0), (12, 1.5)]
    """

    def __init__(self, estimator, *, sr, window=None, hop=None, n_channels=None, standardize=False):
        if not hasattr(estimator, "predict_proba") or not hasattr(estimator, "classes_"):
            raise TypeError(
                "estimator must be a fitted classifier with predict_proba and classes_; got "
                f"{type(estimator).__name__}. Fit it first, or load one with sigconv.estimators.load."
            )
        self.estimator = estimator
        self.sr = check_float(sr, "sr", min_value=0.0, closed="neither")
        if window is None:
            window = getattr(estimator, "n_timepoints_in_", None)
            if window is None:
                raise ValueError(
                    f"window is None and the estimator ({type(estimator).__name__}) was not fitted "
                    "on series of one length; pass window=<samples>."
                )
        window = check_int(window, "window", min_value=2)
        self.window, self.hop = _check_window_hop(window, window // 2 if hop is None else hop)
        fitted_length = getattr(estimator, "n_timepoints_in_", None)
        if fitted_length is not None and fitted_length != self.window:
            raise ValueError(
                f"window={self.window} differs from the {fitted_length} timepoints the estimator "
                f"was fitted on; use window={fitted_length}."
            )
        if n_channels is None:
            n_channels = getattr(estimator, "n_channels_in_", 1)
        self.n_channels = check_int(n_channels, "n_channels", min_value=1)
        self.standardize = check_bool(standardize, "standardize")
        self.classes_ = np.asarray(estimator.classes_)
        self._score = _fast_scorer(estimator) or estimator.predict_proba
        self._buffer = _WindowBuffer(self.window, self.hop, self.n_channels)

    @property
    def n_seen(self):
        return self._buffer.n_seen

    def check_chunk(self, chunk):
        """Return ``chunk`` as ``(n_channels, n)``, or raise :class:`StreamError`.

        A 1D chunk is one channel (for a one-channel stream); a 2D chunk must
        be ``(n_channels, n)``. Rows of samples ``(n, n_channels)`` must be
        transposed first: the orientation is never guessed.
        """
        chunk = np.asarray(chunk)
        if chunk.dtype.kind not in "biuf":
            raise StreamError(f"A chunk must hold real numbers; got an array of dtype {chunk.dtype}.")
        if chunk.ndim == 1 and self.n_channels == 1:
            return chunk[np.newaxis]
        if chunk.ndim == 2 and chunk.shape[0] == self.n_channels:
            return chunk
        raise StreamError(
            f"A chunk must have {self.n_channels} channel{'s' * (self.n_channels > 1)}, shaped "
            f"(n_channels, n_samples); got a chunk of shape {chunk.shape}. The chunk was dropped."
        )

    def push(self, chunk, *, start=None):
        """Add a chunk of samples; score the windows it completes.

        Parameters
        ----------
        chunk : array-like of shape (n_channels, n_samples) or (n_samples,)
            The next samples, of any count (zero included).
        start : int or None, default=None
            Index of the chunk's first sample in the stream; None means it
            follows the previous chunk. A larger index than expected is a
            gap; a smaller one repeats samples, which are dropped.

        Returns
        -------
        predictions : list of WindowPrediction
            One per completed window, in stream order.

        Raises
        ------
        StreamError
            For a chunk of the wrong shape or channel count (nothing of the
            stream's state changes).
        """
        chunk = self.check_chunk(chunk)
        if start is not None:
            start = check_int(start, "start", min_value=0)
            expected = self._buffer.n_seen
            if start > expected:
                self._buffer.reset(start)
            elif start < expected:
                chunk = chunk[:, expected - start :]
        starts, windows = self._buffer.push(chunk)
        return self._predict(starts, windows)

    def gap(self, n_samples):
        """Record ``n_samples`` missing samples: the windows restart after them."""
        self._buffer.reset(self._buffer.n_seen + check_int(n_samples, "n_samples", min_value=0))

    def run(self, chunks):
        """Push every chunk of an iterable; yield the predictions as they come."""
        for chunk in chunks:
            yield from self.push(chunk)

    def _predict(self, starts, windows):
        if not len(starts):
            return []
        windows = np.asarray(windows, dtype=np.float32)
        finite = np.all(np.isfinite(windows), axis=(1, 2))
        proba = None
        if finite.any():
            good = windows[finite]
            if self.standardize:
                good = standardize_windows(good).astype(np.float32)
            proba = np.asarray(self._score(good), dtype=np.float64)
        out, row = [], 0
        for start, ok in zip(starts.tolist(), finite.tolist()):
            times = dict(start=start, start_time=start / self.sr,
                         end_time=(start + self.window) / self.sr)
            if not ok:
                out.append(WindowPrediction(**times, status="bad_data"))
                continue
            p = proba[row]
            row += 1
            best = int(np.argmax(p))
            out.append(WindowPrediction(**times, label=_plain(self.classes_[best]), proba=p,
                                        confidence=float(p[best])))
        return out

