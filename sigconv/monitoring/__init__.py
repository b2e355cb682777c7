"""Condition monitoring: from a long recording or a live stream to alarms.

- :class:`SlidingWindows` and :func:`iter_windows`: cut recordings into
  windows (a scikit-learn transformer; a generator for data larger than
  memory), with one label per window from labels per sample;
- :class:`StreamingPredictor`: score the windows of a stream with a fitted
  classifier as chunks of any size arrive (:class:`WindowPrediction`);
- :class:`AlarmPolicy` and :class:`Monitor`: raise an alarm when ``k`` of the
  last ``n`` windows agree on a fault, clear it after ``m`` healthy windows,
  and report stream faults (NaN bursts, gaps, malformed chunks, stalls) as
  :class:`Event`\\ s instead of failing.

- :class:`BearingFaultClassifier`: a classifier of bearing faults from the
  envelope spectrum at the defect orders, trainable from healthy windows
  alone (``synthetic_faults=True``) and adaptable to a new machine;
- :func:`recording_windows`: windows, labels and groups (one per recording
  or time block) from several recordings, for splits that do not leak.

The ``sigconv monitor MODEL RECORDING`` command runs a :class:`Monitor` over
a file or standard input and prints the events as JSON lines.
"""

from ._alarm import AlarmPolicy, Event, Monitor
from ._bearing import BearingFaultClassifier
from ._groups import recording_windows
from ._stream import StreamError, StreamingPredictor, WindowPrediction
from ._windows import SlidingWindows, iter_windows

__all__ = [
    "AlarmPolicy",
    "BearingFaultClassifier",
    "Event",
    "Monitor",
    "SlidingWindows",
    "StreamError",
    "StreamingPredictor",
    "WindowPrediction",
    "iter_windows",
    "recording_windows",
]
