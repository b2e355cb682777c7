"""Training batches made per step: augmentation, and series read from disk.

- :class:`DiskSeries`: series in an array read on demand (a memory map,
  ``np.load(path, mmap_mode="r")`` or ``np.memmap``, or an h5py data set,
  a zarr or dask array, or a loader of one's own) of shape ``(n_samples,
  n_timepoints)`` or ``(n_samples, n_channels, n_timepoints)``, checked
  from their shape and dtype alone and read a set of rows at a time:
  float32, NaN and inf refused with the index of the sample in the file;
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
    """Series in an array that is read on demand, a set of rows at a time.

    Pass it as ``X`` to ``fit``, ``predict``, ``predict_proba``, ``score``
    and ``embed`` of every sigconv estimator to train on, or predict for,
    series that do not fit in memory: the estimators read the rows of one
    training batch at each step (shuffled at each epoch), and predict a
    chunk of about 64 MiB of float32 at a time. A :class:`numpy.memmap`
    (``np.load(path, mmap_mode="r")``) passed as ``X`` is wrapped in one
    automatically.

    Parameters
    ----------
    array : array-like read on demand
        Shape ``(n_samples, n_timepoints)`` or ``(n_samples, n_channels,
        n_timepoints)``, numeric. Anything with ``shape``, a NumPy
        ``dtype`` and ``array[rows]`` for a sorted array of distinct row
        indices (``array[start:stop]`` for consecutive rows) that returns
        something :func:`numpy.asarray` reads: a :class:`numpy.memmap`, an
        ``h5py.Dataset``, a ``zarr`` array, a ``dask`` array, or a data set
        loader of one's own (reading the rows from files, say). Nothing is
        read when it is wrapped; each batch read is converted to float32
        and checked for NaN and inf, which raise with the row of the
        sample.
    name : str, default="X"
        Name in error messages.

    Attributes
    ----------
    shape : tuple of int
        ``(n_samples, n_channels, n_timepoints)`` of the rows selected.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.estimators import DiskSeries
    >>> class Loader:                      # rows made (or read from files) when asked for
    ...     shape, dtype = (100, 1, 64), np.dtype("float32")
    ...     def __getitem__(self, rows):
    ...         index = np.arange(100)[rows]
    ...         return np.sin(np.outer(index + 1, np.linspace(0, 1, 64)))[:, None, :]
    >>> X = DiskSeries(Loader())
    >>> X.shape, X[10:20].shape
    ((100, 1, 64), (10, 1, 64))
    """

    def __init__(self, array, *, name="X", n_channels=None, rows=None):
        if rows is None:
            _check_disk_array(array, name, n_channels)
            rows = np.arange(array.shape[0])
        self.array, self.name, self.rows = array, name, np.asarray(rows, dtype=np.intp)
        self._flat = len(array.shape) == 2  # (n_samples, n_timepoints): one channel, added when read
        self.shape = (len(self.rows), *((1,) if self._flat else ()), *array.shape[1:])

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        return DiskSeries(self.array, name=self.name, rows=self.rows[index])

    def __repr__(self):
        return f"DiskSeries({type(self.array).__name__}, shape={self.shape})"

    def check_channels(self, n_channels):
        """Self, once its channel count is checked against ``n_channels`` (seen in fit)."""
        _check_disk_array(self.array, self.name, n_channels)
        return self

    def read(self, index):
        """Float32 series ``(k, n_channels, n_timepoints)`` of the selected rows ``index``.

        The rows are read from the array in increasing order, each once
        (as h5py asks), and returned in the order of ``index``.
        """
        rows, order = np.unique(self.rows[index], return_inverse=True)
        contiguous = len(rows) > 0 and rows[-1] - rows[0] == len(rows) - 1
        data = self.array[int(rows[0]) : int(rows[-1]) + 1] if contiguous else self.array[rows]
        data = np.asarray(data, dtype=np.float32)
        if self._flat:
            data = data[:, None, :]
        if data.shape[0] != len(rows) or data.shape[1:] != self.shape[1:]:
            raise SeriesValueError(
                f"{self.name}[rows] returned an array of shape {data.shape} for {len(rows)} rows; "
                f"expected {(len(rows), *self.shape[1:])} from the shape {tuple(self.array.shape)} "
                f"it declares. A loader passed to DiskSeries must return the rows it is asked for."
            )
        finite = np.isfinite(data)
        if not finite.all():
            first = tuple(int(i) for i in np.argwhere(~finite)[0])
            kind = "NaN" if np.isnan(data[first]) else "inf"
            raise SeriesValueError(
                f"{self.name} contains {kind} (first at sample {int(rows[first[0]])}, channel "
                f"{first[1]}, timepoint {first[2]}), found while reading the {_kind(self.array)} "
                f"{self.name} batch by batch. sigconv does not guess missing values: impute them "
                "(for example by interpolation) or drop those samples from the file."
            )
        return data[order]

    def chunks(self):
        """Yield index arrays over the rows, about ``CHUNK_VALUES`` values each."""
        step = max(1, CHUNK_VALUES // max(1, self.shape[1] * self.shape[2]))
        for start in range(0, len(self), step):
            yield np.arange(start, min(start + step, len(self)))

    def iter_chunks(self):
        """Yield the series in Keras layout ``(k, n_timepoints, n_channels)``, chunk by chunk."""
        for index in self.chunks():
            yield self.read(index).transpose(0, 2, 1)


def _kind(array):
    return "memory-mapped" if isinstance(array, np.memmap) else "on-demand"


def _check_disk_array(array, name, n_channels):
    shape, dtype = getattr(array, "shape", None), getattr(array, "dtype", None)
    if not isinstance(dtype, np.dtype) or not hasattr(array, "__getitem__") or shape is None:
        raise SeriesTypeError(
            f"{name} of type {type(array).__name__} cannot be read on demand: DiskSeries needs an array "
            "with shape, a NumPy dtype and row indexing (a numpy.memmap, h5py.Dataset, zarr or dask "
            "array, or a loader of your own). Pass series in memory as a NumPy array."
        )
    shape = tuple(int(n) for n in shape)
    if dtype.kind not in "biuf":
        raise SeriesTypeError(f"{name} is a {_kind(array)} array of dtype {dtype}; series must be numeric.")
    if len(shape) == 2:
        shape = (shape[0], 1, shape[1])
    elif len(shape) != 3:
        raise SeriesValueError(
            f"{name} is a {_kind(array)} array of shape {shape}; expected 2D "
            "(n_samples, n_timepoints) or 3D (n_samples, n_channels, n_timepoints)."
        )
    if shape[0] == 0:
        raise SeriesValueError(f"{name} is empty: it holds 0 samples. Pass at least one series.")
    if shape[1] == 0:
        raise SeriesValueError(f"{name} has 0 channels; each series needs at least one.")
    if shape[2] == 0:
        raise SeriesValueError(
            f"{name} has a series of 0 timepoint(s) (sample 0); at least 1 are needed (n_timepoints >= 1)."
        )
    if n_channels is not None and shape[1] != n_channels:
        raise SeriesValueError(
            f"{name} has {shape[1]} channel(s), but {n_channels} were seen in fit. "
            "Pass series with the channels the estimator was fitted on, in the same order."
        )


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
