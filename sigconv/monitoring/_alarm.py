"""Alarms on window predictions, and the monitor that reports a stream's faults as events."""

import collections
import dataclasses
import queue
import threading

import numpy as np

from ..validation import check_bool, check_float, check_int
from ._stream import StreamError, _plain

__all__ = ["AlarmPolicy", "Event", "Monitor"]

_KINDS = ("alarm", "clear", "bad_data", "gap", "bad_chunk", "stalled")


@dataclasses.dataclass(frozen=True)
class Event:
    """Something a monitor reports.

    Attributes
    ----------
    kind : str
        ``"alarm"`` (a fault class confirmed), ``"clear"`` (healthy again),
        ``"bad_data"`` (windows with NaN or infinite values, not scored),
        ``"gap"`` (samples missing from the stream), ``"bad_chunk"`` (a chunk
        of the wrong shape, dropped), ``"stalled"`` (no data for longer than
        the timeout).
    time : float
        Stream time in seconds when the event was raised (the end of the
        window that decided it; for ``"stalled"``, the stream time reached).
    start_time : float or None
        For ``"alarm"``: start of the first of the agreeing windows, the
        estimated onset; ``"clear"``: start of the first healthy window;
        ``"bad_data"``, ``"gap"``: where the bad or missing span starts.
    label : object or None
        The fault class of an ``"alarm"`` or the class that ``"clear"`` ends.
    confidence : float or None
        For ``"alarm"``: mean probability of ``label`` over the agreeing windows.
    n_windows : int or None
        Windows involved (agreeing, healthy, or skipped).
    message : str or None
        A human-readable explanation for stream faults.
    """

    kind: str
    time: float
    start_time: float = None
    label: object = None
    confidence: float = None
    n_windows: int = None
    message: str = None

    def to_dict(self):
        """The event as a JSON-able dict, without the fields that are None."""
        return {key: _plain(value) for key, value in dataclasses.asdict(self).items()
                if value is not None}


class AlarmPolicy:
    """Raise an alarm when ``k`` of the last ``n`` windows agree on a fault; clear it after ``m`` healthy ones.

    Feed it window predictions in stream order with :meth:`update`. With no
    alarm active, an alarm is raised as soon as one fault class (any class
    but ``healthy_class``) is the label of at least ``k`` of the last ``n``
    scored windows. While an alarm is active, ``m`` consecutive healthy
    windows clear it, and another fault class reaching ``k`` of ``n`` raises
    a new alarm for that class. Windows not scored (bad data) are skipped:
    they neither count nor break a run.

    Parameters
    ----------
    k : int, default=3
        Agreeing windows needed, in [1, n].
    n : int, default=5
        Windows looked at.
    m : int, default=3
        Consecutive healthy windows that clear an alarm, >= 1.
    healthy_class : object, default="healthy"
        The label of the healthy class.

    Examples
    --------
    >>> from sigconv.monitoring import AlarmPolicy, WindowPrediction
    >>> policy = AlarmPolicy(k=2, n=3, m=2)
    >>> labels = ["healthy", "ball", "healthy", "ball", "healthy", "healthy"]
    >>> windows = [WindowPrediction(i, i * 0.5, i * 0.5 + 1, label=l, proba=None, confidence=0.9)
    ...            for i, l in enumerate(labels)]
    >>> [(e.kind, e.time, e.start_time) for w in windows for e in policy.update(w)]
    [('alarm', 2.5, 0.5), ('clear', 3.5, 2.0)]
    """

    def __init__(self, *, k=3, n=5, m=3, healthy_class="healthy"):
        self.n = check_int(n, "n", min_value=1)
        self.k = check_int(k, "k", min_value=1, max_value=self.n,
                           hint="k counts agreeing windows among the last n.")
        self.m = check_int(m, "m", min_value=1)
        self.healthy_class = healthy_class
        self.reset()

    def reset(self):
        """Forget the history and any active alarm."""
        self._recent = collections.deque(maxlen=self.n)
        self.active = None  # the fault class of the active alarm
        self._healthy_run = []

    def update(self, prediction):
        """Take one window prediction; return the events it raises (a list, usually empty)."""
        if prediction.label is None:
            return []
        self._recent.append(prediction)
        label = prediction.label
        events = []
        if self.active is not None:
            if label == self.healthy_class:
                self._healthy_run.append(prediction)
                if len(self._healthy_run) >= self.m:
                    events.append(Event("clear", time=prediction.end_time,
                                        start_time=self._healthy_run[0].start_time,
                                        label=self.active, n_windows=len(self._healthy_run)))
                    self.active = None
                    self._healthy_run = []
                    self._recent.clear()
                return events
            self._healthy_run = []
        if label == self.healthy_class or label == self.active:
            return events
        agreeing = [p for p in self._recent if p.label == label]
        if len(agreeing) >= self.k:
            confidence = sum(p.confidence for p in agreeing) / len(agreeing)
            events.append(Event("alarm", time=prediction.end_time,
                                start_time=agreeing[0].start_time, label=label,
                                confidence=float(confidence), n_windows=len(agreeing)))
            self.active = label
        return events


class Monitor:
    """A streaming predictor with alarms: chunks in, events out, stream faults reported.

    Parameters
    ----------
    predictor : StreamingPredictor
        Scores the windows.
    policy : AlarmPolicy or None, default=None
        None uses ``AlarmPolicy()`` (3 of 5, cleared after 3 healthy windows,
        healthy class ``"healthy"``).
    keep_predictions : bool, default=True
        Keep every window prediction in :attr:`predictions`. A stream that
        runs for days should pass False (the list grows by one entry per
        window) and take the predictions from ``run(..., predictions=True)``.

    Attributes
    ----------
    predictions : list of WindowPrediction
        Every window scored or skipped so far (kept when a later chunk
        fails); empty with ``keep_predictions=False``.

    See Also
    --------
    StreamingPredictor, AlarmPolicy

    Notes
    -----
    Stream faults become events and the monitor goes on: a window with NaN
    or infinite values gives ``"bad_data"`` (one event per run of such
    windows); a chunk of the wrong shape gives ``"bad_chunk"`` and is
    dropped, its samples counted as a gap; a chunk starting after the
    expected sample gives ``"gap"``; no chunk within ``timeout`` seconds in
    :meth:`run` gives ``"stalled"``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from sigconv.monitoring import AlarmPolicy, Monitor, StreamingPredictor
    >>> clf = DummyClassifier(strategy="constant", constant="ball")
    >>> clf = clf.fit(np.zeros((2, 4)), ["ball", "healthy"])
    >>> monitor = Monitor(StreamingPredictor(clf, sr=4.0, window=4, hop=4, n_channels=1),
    ...                   AlarmPolicy(k=2, n=2, m=1))
    >>> [e.to_dict() for e in monitor.push(np.zeros(8))]
    [{'kind': 'alarm', 'time': 2.0, 'start_time': 0.0, 'label': 'ball', 'confidence': 1.0, 'n_windows': 2}]
    >>> [e.kind for e in monitor.push(np.full(4, np.nan))]
    ['bad_data']
    """

    def __init__(self, predictor, policy=None, *, keep_predictions=True):
        self.predictor = predictor
        self.policy = AlarmPolicy() if policy is None else policy
        self.keep_predictions = check_bool(keep_predictions, "keep_predictions")
        self.predictions = []
        self._in_bad_run = False

    def push(self, chunk, *, start=None):
        """Score a chunk; return the events it raises (stream faults included)."""
        return [item for item in self._push(chunk, start) if isinstance(item, Event)]

    def _push(self, chunk, start):
        """The chunk's window predictions, each followed by the events it raises."""
        expected = self.predictor.n_seen
        try:
            chunk = self.predictor.check_chunk(chunk)
        except StreamError as exc:
            return self._bad_chunk(str(exc), _chunk_length(chunk, self.predictor.n_channels))
        items = []
        if start is not None and start > expected:
            items.append(Event(
                "gap", time=start / self.predictor.sr, start_time=expected / self.predictor.sr,
                message=f"{start - expected} samples missing before sample {start}; the windows "
                        "that would span them were not scored."))
        predictions = self.predictor.push(chunk, start=start)
        if self.keep_predictions:
            self.predictions.extend(predictions)
        bad_event = None  # index in items of this chunk's bad_data event, counted up as the run goes on
        for prediction in predictions:
            items.append(prediction)
            if prediction.status == "bad_data":
                if not self._in_bad_run:
                    bad_event = len(items)
                    items.append(Event("bad_data", time=prediction.end_time,
                                       start_time=prediction.start_time, n_windows=1,
                                       message="NaN or infinite values; window not scored."))
                    self._in_bad_run = True
                elif bad_event is not None:
                    items[bad_event] = dataclasses.replace(
                        items[bad_event], n_windows=items[bad_event].n_windows + 1)
                continue
            self._in_bad_run = False
            bad_event = None
            items.extend(self.policy.update(prediction))
        return items

    def _bad_chunk(self, message, n_samples):
        expected = self.predictor.n_seen
        self.predictor.gap(n_samples)
        return [Event("bad_chunk", time=expected / self.predictor.sr,
                      start_time=expected / self.predictor.sr, message=message)]

    def run(self, chunks, *, timeout=None, predictions=False):
        """Push every chunk of an iterable; yield the events.

        Parameters
        ----------
        chunks : iterable
            Chunks as :meth:`push` takes them, or ``(start, chunk)`` pairs
            for chunks that carry the index of their first sample. A
            :class:`StreamError` in place of a chunk (a reader that could not
            parse part of the stream) becomes a ``"bad_chunk"`` event, its
            ``n_samples`` counted as missing.
        timeout : float or None, default=None
            Seconds without a chunk after which a ``"stalled"`` event is
            raised (once per stall); the chunks are then read in a
            background thread. None waits forever.
        predictions : bool, default=False
            Also yield each :class:`WindowPrediction` as it is scored,
            before the events it raises.

        Yields
        ------
        item : Event or WindowPrediction
            Events, and window predictions if ``predictions=True``, in
            stream order.
        """
        timeout = check_float(timeout, "timeout", min_value=0.0, closed="neither", allow_none=True)
        predictions = check_bool(predictions, "predictions")
        source = iter(chunks) if timeout is None else _with_timeout(chunks, timeout)
        for item in source:
            if item is _STALLED:
                items = [Event("stalled", time=self.predictor.n_seen / self.predictor.sr,
                               message=f"no data for {timeout:g} s")]
            elif isinstance(item, StreamError):
                items = self._bad_chunk(str(item), getattr(item, "n_samples", 0))
            elif isinstance(item, tuple) and len(item) == 2:
                items = self._push(item[1], start=item[0])
            else:
                items = self._push(item, start=None)
            for out in items:
                if predictions or isinstance(out, Event):
                    yield out


_STALLED = object()
_DONE = object()


def _with_timeout(chunks, timeout):
    """Yield the chunks, and ``_STALLED`` once each time none arrives within ``timeout``."""
    items = queue.Queue(maxsize=64)

    def read():
        try:
            for chunk in chunks:
                items.put(chunk)
        except BaseException as exc:  # handed to the consumer, raised there
            items.put(_Failure(exc))
        items.put(_DONE)

    threading.Thread(target=read, daemon=True).start()
    stalled = False
    while True:
        try:
            item = items.get(timeout=timeout)
        except queue.Empty:
            if not stalled:
                stalled = True
                yield _STALLED
            continue
        stalled = False
        if item is _DONE:
            return
        if isinstance(item, _Failure):
            raise item.exc
        yield item


@dataclasses.dataclass
class _Failure:
    exc: BaseException


def _chunk_length(chunk, n_channels):
    """Samples of a malformed chunk (its last axis), counted as a gap."""
    try:
        shape = np.shape(chunk)
    except ValueError:
        return 0
    return int(shape[-1]) if len(shape) else 0

