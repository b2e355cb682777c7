"""Training batches made per step: augmentation, and series read from disk.

- :class:`DiskSeries`: series in a memory-mapped array (``np.load(path,
  mmap_mode="r")`` or ``np.memmap``) of shape ``(n_samples, n_timepoints)``
  or ``(n_samples, n_channels, n_timepoints)``, checked from their shape
  and dtype alone and read a slice of rows at a time: float32, NaN and inf
  refused with the index of the sample in the file;
- :class:`TrainingBatches`: a ``keras.utils.PyDataset`` that shuffles the
  training series at each epoch, reads each batch (from memory or disk),
  augments it and converts it with the estimator's own ``_to_keras``
  (layout, padding), so subclasses that change that conversion get
  augmented and on-disk batches in their own input format. Its random draws follow
  from a seed, the epoch and the batch index only, so a fit is
  reproducible whatever order Keras asks for the batches in.
"""

import keras
import numpy as np

from ..exceptions import SeriesTypeError, SeriesValueError

__all__ = ["DiskSeries", "TrainingBatches"]

# Values (float32) read at a time by predict, embed and fingerprints: 64 MiB.
CHUNK_VALUES = 2**24


class DiskSeries:
    """Rows of a memory-mapped array of series, read on demand.

    ``shape`` is ``(n_samples, n_channels, n_timepoints)`` of the selected
    rows; ``ds[rows]`` selects rows (nothing is read); :meth:`read` reads
    and checks them.
    """

    def __init__(self, array, *, name="X", n_channels=None, rows=None):
        if rows is None:
            array = _check_disk_array(array, name, n_channels)
            rows = np.arange(array.shape[0])
        self.array, self.name, self.rows = array, name, np.asarray(rows, dtype=np.intp)
        self.shape = (len(self.rows), *array.shape[1:])

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        return DiskSeries(self.array, name=self.name, rows=self.rows[index])

    def read(self, index):
        """Float32 series ``(k, n_channels, n_timepoints)`` of the selected rows ``index`` (sorted)."""
        rows = self.rows[index]
        contiguous = len(rows) > 0 and rows[-1] - rows[0] == len(rows) - 1
        data = self.array[rows[0] : rows[-1] + 1] if contiguous else self.array[rows]
        data = np.asarray(data, dtype=np.float32)
        finite = np.isfinite(data)
        if not finite.all():
            first = tuple(int(i) for i in np.argwhere(~finite)[0])
            kind = "NaN" if np.isnan(data[first]) else "inf"
            raise SeriesValueError(
                f"{self.name} contains {kind} (first at sample {int(rows[first[0]])}, channel "
                f"{first[1]}, timepoint {first[2]}), found while reading the memory-mapped "
                f"{self.name} batch by batch. sigconv does not guess missing values: impute them "
                "(for example by interpolation) or drop those samples from the file."
            )
        return data

    def chunks(self):
        """Yield index arrays over the rows, about ``CHUNK_VALUES`` values each."""
        step = max(1, CHUNK_VALUES // max(1, self.shape[1] * self.shape[2]))
        for start in range(0, len(self), step):
            yield np.arange(start, min(start + step, len(self)))

    def iter_chunks(self):
        """Yield the series in Keras layout ``(k, n_timepoints, n_channels)``, chunk by chunk."""
        for index in self.chunks():
            yield self.read(index).transpose(0, 2, 1)


def _check_disk_array(array, name, n_channels):
    if array.dtype.kind not in "biuf":
        raise SeriesTypeError(f"{name} is a memory-mapped array of dtype {array.dtype}; series must be numeric.")
    if array.ndim == 2:
        array = array.reshape(array.shape[0], 1, array.shape[1])  # a view: nothing is read
    elif array.ndim != 3:
        raise SeriesValueError(
            f"{name} is a memory-mapped array of shape {array.shape}; expected 2D "
            "(n_samples, n_timepoints) or 3D (n_samples, n_channels, n_timepoints)."
        )
    if array.shape[0] == 0:
        raise SeriesValueError(f"{name} is empty: it holds 0 samples. Pass at least one series.")
    if array.shape[1] == 0:
        raise SeriesValueError(f"{name} has 0 channels; each series needs at least one.")
    if array.shape[2] == 0:
        raise SeriesValueError(
            f"{name} has a series of 0 timepoint(s) (sample 0); at least 1 are needed (n_timepoints >= 1)."
        )
    if n_channels is not None and array.shape[1] != n_channels:
        raise SeriesValueError(
            f"{name} has {array.shape[1]} channel(s), but {n_channels} were seen in fit. "
            "Pass series with the channels the estimator was fitted on, in the same order."
        )
    return array


class TrainingBatches(keras.utils.PyDataset):
    """Batches ``(x, y, sample_weight)`` for ``keras.Model.fit``, made at each step.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_channels, n_timepoints), list of ndarray or DiskSeries
        Training series as :func:`~sigconv.validation.check_series` returns
        them (a list for unequal lengths), or on disk.
    y, weights : ndarray
        Keras targets and sample weights, one row per series.
    batch_size : int
    seed : int
        Seed of the shuffling and augmentation draws.
    to_keras : callable
        Turns a batch of series (an array or a list) into the network's
        input: the estimator's ``_to_keras`` (layout, padding), so a batch
        is what the estimator would have made of the same series.
    augmentation : Augmenter or None
        Applied to each series over its own length, before padding.
    shuffle : bool
        Draw a new order of the series at each epoch.
    initial_epoch : int
        Epoch of the first ``on_epoch_begin`` (a resumed fit continues the draws).
    """

    def __init__(
        self, X, y, weights, *, batch_size, seed, to_keras, augmentation=None, shuffle=True, initial_epoch=0
    ):
        super().__init__(workers=1, use_multiprocessing=False)
        self.X, self.y, self.weights = X, y, weights
        self.batch_size, self.seed, self.to_keras = batch_size, seed, to_keras
        self.augmentation, self.shuffle = augmentation, shuffle
        self.epoch = initial_epoch - 1
        self.order = np.arange(len(y))
        self.error = None  # the last input error, re-raised by fit (tf.data wraps exceptions)

    @property
    def num_batches(self):
        return -(-len(self.y) // self.batch_size)

    def on_epoch_begin(self):
        self.epoch += 1
        if self.shuffle:
            self.order = np.random.default_rng([self.seed, self.epoch]).permutation(len(self.y))

    def __getitem__(self, index):
        try:
            return self._batch(index)
        except (TypeError, ValueError) as exc:
            self.error = exc
            raise

    def _batch(self, index):
        rows = np.sort(self.order[index * self.batch_size : (index + 1) * self.batch_size])
        if isinstance(self.X, DiskSeries):
            series = self.X.read(rows)
        elif isinstance(self.X, list):
            series = [self.X[i] for i in rows]
        else:
            series = self.X[rows]
        if self.augmentation is not None:
            series = self._augment(series, np.random.default_rng([self.seed, max(self.epoch, 0), index]))
        return self.to_keras(series), self.y[rows], self.weights[rows]

    def _augment(self, series, rng):
        if not isinstance(series, list):
            return self.augmentation(series, rng=rng)
        out = list(series)  # unequal lengths: series of one length at a time
        lengths = np.array([x.shape[-1] for x in series])
        for length in np.unique(lengths):
            hit = np.flatnonzero(lengths == length)
            augmented = self.augmentation(np.stack([series[i] for i in hit]), rng=rng)
            for i, x in zip(hit, augmented):
                out[i] = x
        return out
