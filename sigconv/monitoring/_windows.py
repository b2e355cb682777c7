"""Sliding windows over long recordings: a transformer, a generator, and the chunk buffer."""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..validation import check_bool, check_int, check_option

__all__ = ["SlidingWindows", "iter_windows"]

_LABELS = ("majority", "end")


def _check_window_hop(window, hop):
    window = check_int(window, "window", min_value=2)
    hop = check_int(hop, "hop", min_value=1, allow_none=True)
    return window, (window if hop is None else hop)


def _as_channels(x, name="X"):
    """A 1D or 2D real array to ``(n_channels, n_timepoints)`` (no copy when possible)."""
    data = getattr(x, "data", x) if hasattr(x, "sr") and hasattr(x, "channel_names") else x
    data = data if isinstance(data, np.ndarray) else np.asarray(data)
    if data.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers; got an array of dtype {data.dtype}.")
    if data.ndim == 1:
        data = data[np.newaxis]
    if data.ndim != 2:
        raise ValueError(
            f"{name} must be one recording, of shape (n_timepoints,) or (n_channels, "
            f"n_timepoints), a sigconv.io.Recording, or a list of them; got an array of shape "
            f"{data.shape}."
        )
    return data


def standardize_windows(windows):
    """Per window and channel: subtract the mean, divide by the standard deviation (if > 0)."""
    windows = windows - windows.mean(axis=-1, keepdims=True)
    scale = windows.std(axis=-1, keepdims=True)
    return windows / np.where(scale > 0, scale, 1)


def _window_starts(n_timepoints, window, hop):
    if n_timepoints < window:
        return np.zeros(0, dtype=np.intp)
    return np.arange(0, n_timepoints - window + 1, hop, dtype=np.intp)


class _WindowBuffer:
    """Cut windows out of chunks as they arrive, keeping the samples the next window needs.

    ``push(chunk)`` returns ``(starts, windows)``: the absolute sample index
    of the first sample of each window completed by the chunk, and the
    windows ``(k, n_channels, window)``. ``reset(at)`` drops the buffer and
    restarts the windows at sample ``at`` (after a gap).
    """

    def __init__(self, window, hop, n_channels=None):
        self.window, self.hop, self.n_channels = window, hop, n_channels
        self.reset(0)

    def reset(self, at):
        self.buffer = None
        self.buffer_start = at  # absolute index of buffer[:, 0]
        self.next_start = at  # absolute index of the next window's first sample
        self.n_seen = at  # absolute index one past the last sample received

    def push(self, chunk):
        if self.buffer is None or self.buffer.shape[1] == 0:
            self.buffer = np.asarray(chunk)
        else:
            self.buffer = np.concatenate([self.buffer, chunk], axis=1)
        self.n_seen += chunk.shape[1]
        first = self.next_start - self.buffer_start
        starts = _window_starts(self.buffer.shape[1] - first, self.window, self.hop) + first
        if len(starts):
            view = np.lib.stride_tricks.sliding_window_view(self.buffer, self.window, axis=1)
            windows = view[:, starts].transpose(1, 0, 2)
            self.next_start = self.buffer_start + int(starts[-1]) + self.hop
        else:
            windows = np.zeros((0, self.buffer.shape[0], self.window), dtype=self.buffer.dtype)
        absolute = starts + self.buffer_start
        keep_from = min(self.next_start - self.buffer_start, self.buffer.shape[1])
        windows = np.array(windows, copy=True)  # detach from the buffer before trimming it
        self.buffer = self.buffer[:, keep_from:]
        self.buffer_start += keep_from
        return absolute, windows


def iter_windows(source, *, window, hop=None, chunk_size=65536, standardize=False):
    """Yield sliding windows of a long recording in batches, reading it chunk by chunk.

    Memory stays bounded by ``chunk_size + window`` samples per channel
    whatever the recording's length, so a memory-mapped ``.npy`` file
    (``read_recording(path, sr=..., mmap=True)``) larger than memory is read a
    slice at a time.

    Parameters
    ----------
    source : array-like of shape (n_channels, n_timepoints) or (n_timepoints,), Recording, or iterable of arrays
        A recording (sliced into chunks of ``chunk_size`` samples), or an
        iterable of consecutive chunks ``(n_channels, n_i)`` or ``(n_i,)``
        of any sizes.
    window : int
        Window length in samples, >= 2.
    hop : int or None, default=None
        Samples between the starts of consecutive windows; None means
        ``window`` (no overlap).
    chunk_size : int, default=65536
        Samples read at a time from an array source.
    standardize : bool, default=False
        Standardize each window and channel (zero mean, unit standard
        deviation).

    Yields
    ------
    starts : ndarray of shape (n_windows_in_batch,)
        Index of the first sample of each window.
    windows : ndarray of shape (n_windows_in_batch, n_channels, window)
        The windows (a copy; float32 or float64 as the source).

    See Also
    --------
    SlidingWindows : All windows at once, as a scikit-learn transformer.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.monitoring import iter_windows
    >>> batches = list(iter_windows(np.arange(10.0), window=4, hop=3, chunk_size=5))
    >>> [starts.tolist() for starts, _ in batches]
    [[0], [3, 6]]
    >>> batches[1][1][:, 0].tolist()
    [[3.0, 4.0, 5.0, 6.0], [6.0, 7.0, 8.0, 9.0]]
    """
    window, hop = _check_window_hop(window, hop)
    chunk_size = check_int(chunk_size, "chunk_size", min_value=1)
    standardize = check_bool(standardize, "standardize")
    if isinstance(source, np.ndarray) or (hasattr(source, "sr") and hasattr(source, "channel_names")):
        data = _as_channels(source, "source")
        chunks = (data[:, i : i + chunk_size] for i in range(0, data.shape[1], chunk_size))
    else:
        chunks = (_as_channels(chunk, "chunk") for chunk in source)
    buffer = _WindowBuffer(window, hop)
    n_channels = None
    for chunk in chunks:
        if n_channels is None:
            n_channels = chunk.shape[0]
        elif chunk.shape[0] != n_channels:
            raise ValueError(
                f"Every chunk must have the {n_channels} channels of the first; got a chunk of "
                f"shape {chunk.shape}."
            )
        starts, windows = buffer.push(chunk)
        if len(starts):
            yield starts, standardize_windows(windows) if standardize else windows


class SlidingWindows(TransformerMixin, BaseEstimator):
    """Cut long recordings into fixed-length, possibly overlapping windows.

    The input is one or several long recordings; the output is a batch of
    series ``(n_windows, n_channels, window)``, the layout sigconv's
    transformers and estimators take. Labels given per sample become one
    label per window with :meth:`transform_y`: the most frequent label in the
    window (``label="majority"``, ties to the smallest label) or the label of
    its last sample (``label="end"``, what a live monitor knows when the
    window completes).

    scikit-learn's :class:`~sklearn.pipeline.Pipeline` cannot change the
    number of samples of ``y`` between steps, so put ``SlidingWindows``
    before the transformers of a pipeline that only transforms or predicts,
    and build training sets with ``fit_transform(X)`` and ``transform_y(y)``.

    Parameters
    ----------
    window : int, default=1024
        Window length in samples, >= 2.
    hop : int or None, default=None
        Samples between window starts; None means ``window`` (no overlap).
    label : {"majority", "end"}, default="majority"
        How :meth:`transform_y` labels a window.
    standardize : bool, default=False
        Standardize each window and channel (zero mean, unit standard
        deviation), which removes the recording's gain and offset.

    Attributes
    ----------
    n_channels_in_ : int
        Channels of the recordings seen in ``fit``.

    See Also
    --------
    iter_windows : The same windows, batch by batch, for recordings larger than memory.
    StreamingPredictor : Windows of a live stream, scored as they complete.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.monitoring import SlidingWindows
    >>> x = np.arange(10.0)
    >>> y = np.array(["a"] * 6 + ["b"] * 4)
    >>> windows = SlidingWindows(window=4, hop=2).fit(x)
    >>> windows.transform(x)[:, 0].tolist()
    [[0.0, 1.0, 2.0, 3.0], [2.0, 3.0, 4.0, 5.0], [4.0, 5.0, 6.0, 7.0], [6.0, 7.0, 8.0, 9.0]]
    >>> windows.transform_y(y).tolist()
    ['a', 'a', 'a', 'b']
    >>> SlidingWindows(window=4, hop=2, label="end").fit(x).transform_y(y).tolist()
    ['a', 'a', 'b', 'b']
    """

    def __init__(self, *, window=1024, hop=None, label="majority", standardize=False):
        self.window = window
        self.hop = hop
        self.label = label
        self.standardize = standardize

    def _check_params(self):
        window, hop = _check_window_hop(self.window, self.hop)
        check_option(self.label, "label", _LABELS)
        check_bool(self.standardize, "standardize")
        return window, hop

    def _recordings(self, X):
        if isinstance(X, (list, tuple)) and len(X) and not isinstance(X[0], numbers.Number):
            return [_as_channels(x) for x in X]
        return [_as_channels(X)]

    def fit(self, X, y=None):
        """Check the parameters and record the channel count.

        Parameters
        ----------
        X : array-like of shape (n_timepoints,) or (n_channels, n_timepoints), Recording, or list of them
            One or several recordings with the same channels.
        y : None
            Ignored (see :meth:`transform_y`).

        Returns
        -------
        self : object
        """
        self._check_params()
        recordings = self._recordings(X)
        self.n_channels_in_ = self._check_channels(recordings, None)
        return self

    def _check_channels(self, recordings, expected):
        counts = {x.shape[0] for x in recordings}
        if len(counts) > 1 or (expected is not None and counts != {expected}):
            expected = expected if expected is not None else recordings[0].shape[0]
            raise ValueError(
                f"X must have the {expected} channels seen first; got recordings with "
                f"{sorted(counts)} channels."
            )
        return counts.pop()

    def transform(self, X):
        """Cut the recordings into windows.

        Parameters
        ----------
        X : array-like of shape (n_timepoints,) or (n_channels, n_timepoints), Recording, or list of them
            Recordings with the channels seen in ``fit``. A recording shorter
            than ``window`` gives no window; samples after the last full
            window are dropped.

        Returns
        -------
        windows : ndarray of shape (n_windows, n_channels, window)
            float32, the windows of each recording in turn.
        """
        check_is_fitted(self, "n_channels_in_")
        window, hop = self._check_params()
        recordings = self._recordings(X)
        self._check_channels(recordings, self.n_channels_in_)
        parts = []
        for x in recordings:
            starts = _window_starts(x.shape[1], window, hop)
            view = np.lib.stride_tricks.sliding_window_view(x, window, axis=1)
            parts.append(np.asarray(view[:, starts].transpose(1, 0, 2), dtype=np.float32))
        windows = np.concatenate(parts) if parts else np.zeros((0, self.n_channels_in_, window))
        if self.standardize:
            windows = standardize_windows(windows).astype(np.float32, copy=False)
        return np.ascontiguousarray(windows, dtype=np.float32)

    def transform_y(self, y):
        """One label per window from one label per sample.

        Parameters
        ----------
        y : array-like of shape (n_timepoints,) or list of them
            Labels of each sample of each recording (as given to
            :meth:`transform`).

        Returns
        -------
        y_windows : ndarray of shape (n_windows,)
            By ``label``: the most frequent label of each window (ties to the
            smallest), or the label of its last sample.
        """
        window, hop = self._check_params()
        if isinstance(y, (list, tuple)) and len(y) and not np.isscalar(y[0]):
            labels = [np.asarray(part) for part in y]
        else:
            labels = [np.asarray(y)]
        out = []
        for part in labels:
            if part.ndim != 1:
                raise ValueError(f"y must hold one label per sample (1D); got shape {part.shape}.")
            starts = _window_starts(len(part), window, hop)
            if self.label == "end":
                out.append(part[starts + window - 1])
                continue
            classes, codes = np.unique(part, return_inverse=True)
            winners = [np.argmax(np.bincount(codes[s : s + window], minlength=len(classes)))
                       for s in starts]
            out.append(classes[np.asarray(winners, dtype=np.intp)])
        return np.concatenate(out) if out else np.zeros(0, dtype=labels[0].dtype)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.allow_nan = False
        tags.requires_fit = True
        return tags
