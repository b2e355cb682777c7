"""Windows, labels and groups from several recordings, for evaluations that do not leak."""

import numpy as np

from ..validation import check_int
from ._windows import _as_channels, _check_window_hop, _window_starts

__all__ = ["recording_windows"]


def recording_windows(recordings, labels, *, window, hop=None, block=None):
    """Cut recordings into windows, with one label and one group per window.

    Overlapping windows of one recording are nearly the same series: a split
    of windows at random puts copies of the test set in the training set and
    reports the accuracy of a model that has memorised recordings. Split by
    ``groups`` instead (:class:`~sklearn.model_selection.GroupKFold`,
    :class:`~sklearn.model_selection.LeaveOneGroupOut`): every window of a
    group lands on one side. A group is one recording, or, with ``block``,
    one stretch of ``block`` samples of a recording, so that a long
    recording can be split in time; windows that would cross from one block
    into the next are left out, so no window shares samples with another
    group.

    Parameters
    ----------
    recordings : list of array-like or sigconv.io.Recording
        Each of shape ``(n_timepoints,)`` or ``(n_channels, n_timepoints)``,
        all with the same channels.
    labels : array-like of shape (n_recordings,)
        The label of each recording (its condition), of any type.
    window : int
        Window length in samples, >= 2.
    hop : int or None, default=None
        Samples between window starts, >= 1; None for ``window`` (no overlap).
    block : int or None, default=None
        Samples per group, >= ``window``; None for one group per recording.

    Returns
    -------
    X : ndarray of shape (n_windows, n_channels, window)
        The windows, in the dtype of the recordings (float64 for integers).
    y : ndarray of shape (n_windows,)
        The label of the recording of each window.
    groups : ndarray of shape (n_windows,)
        int group of each window: the index of its recording, or with
        ``block`` a running number over the blocks of all recordings.

    See Also
    --------
    SlidingWindows : Windows of recordings with labels per sample.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import LeaveOneGroupOut
    >>> from sigconv.monitoring import recording_windows
    >>> rng = np.random.default_rng(0)
    >>> recordings = [rng.normal(size=1000), rng.normal(size=800), rng.normal(size=1200)]
    >>> X, y, groups = recording_windows(recordings, ["healthy", "ball", "healthy"],
    ...                                  window=200, hop=100)
    >>> X.shape, np.bincount(groups).tolist()
    ((27, 1, 200), [9, 7, 11])
    >>> _, _, blocks = recording_windows(recordings[:1], ["healthy"], window=200, hop=100, block=500)
    >>> blocks.tolist()  # two blocks of 500 samples, windows inside each
    [0, 0, 0, 0, 1, 1, 1, 1]
    >>> n_splits = LeaveOneGroupOut().get_n_splits(X, y, groups)
    >>> n_splits
    3
    """
    window, hop = _check_window_hop(window, hop)
    block = check_int(block, "block", min_value=window, allow_none=True,
                      hint="A block must hold at least one window.")
    if isinstance(recordings, np.ndarray) or not isinstance(recordings, (list, tuple)):
        raise TypeError(
            "recordings must be a list of recordings (arrays or sigconv.io.Recording); got "
            f"{type(recordings).__name__}. For one recording, pass [recording]."
        )
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != len(recordings):
        raise ValueError(
            f"labels must hold one label per recording ({len(recordings)}); got an array of "
            f"shape {labels.shape}."
        )
    arrays = [_as_channels(r, name=f"recordings[{i}]") for i, r in enumerate(recordings)]
    if len({a.shape[0] for a in arrays}) > 1:
        raise ValueError(
            "recordings must all have the same number of channels; got "
            f"{[a.shape[0] for a in arrays]}."
        )
    windows, y, groups = [], [], []
    group = 0
    for index, data in enumerate(arrays):
        size = data.shape[-1] if block is None else block
        for first in range(0, data.shape[-1], size):
            stretch = data[:, first : first + size]
            starts = _window_starts(stretch.shape[-1], window, hop)
            windows.extend(stretch[:, s : s + window] for s in starts)
            y.extend([labels[index]] * len(starts))
            groups.extend([index if block is None else group] * len(starts))
            group += len(starts) > 0  # blocks too short for a window get no number
    if not windows:
        raise ValueError(
            f"No recording is as long as window={window} samples (the longest has "
            f"{max(a.shape[-1] for a in arrays)}); use a shorter window."
        )
    dtype = np.result_type(*(a.dtype for a in arrays))
    dtype = dtype if dtype.kind == "f" else np.float64
    return np.stack(windows).astype(dtype, copy=False), np.asarray(y, dtype=labels.dtype), np.asarray(groups)
