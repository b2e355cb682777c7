"""Training batch by batch from data that stays on disk: memory-mapped X and DiskSeries (estimators/_batches.py)."""

import re
import tracemalloc

import keras
import numpy as np
import pytest

from sigconv.augmentation import Augmenter
from sigconv.estimators import FCNClassifier, FCNRegressor, _batches
from sigconv.estimators._batches import DiskSeries
from sigconv.exceptions import SeriesTypeError, SeriesValueError
from tests.helpers import tiny, waves

JITTER = Augmenter([("jitter", {"sigma": 0.5})])


# memory-mapped X --------------------------------------------------------------------------


def _memmap(tmp_path, array, name="X.npy"):
    np.save(tmp_path / name, array)
    return np.load(tmp_path / name, mmap_mode="r")


def test_fit_and_predict_on_a_memmap_read_batch_by_batch(tmp_path, monkeypatch):
    X, y = waves()
    disk = _memmap(tmp_path, X.astype(np.float64)[:, None, :])
    reads = []
    original = DiskSeries.read

    def spy(self, index):
        reads.append(len(index))
        return original(self, index)

    monkeypatch.setattr(DiskSeries, "read", spy)
    monkeypatch.setattr("sigconv.estimators._base.check_series", None)  # a full conversion would fail
    clf = tiny(batch_size=4).fit(disk, y)
    assert reads and max(reads) <= 4
    reads.clear()
    monkeypatch.setattr(_batches, "CHUNK_VALUES", 6 * 32)  # predict reads 6 series at a time
    proba = clf.predict_proba(disk)
    assert reads == [6, 6, 6, 2]
    monkeypatch.undo()
    np.testing.assert_allclose(proba, clf.predict_proba(X), rtol=1e-6)
    assert clf.embed(disk).shape == (20, 4)
    assert (clf.n_channels_in_, clf.n_timepoints_in_) == (1, 32)


def test_memmap_training_equals_in_memory_training_of_the_same_batches(tmp_path):
    X, y = waves()
    disk = _memmap(tmp_path, X)  # 2D: (n_samples, n_timepoints)
    on_disk = tiny(augmentation=JITTER).fit(disk, y)
    in_memory = tiny(augmentation=JITTER).fit(X, y)  # same draws: batches depend on the seed only
    np.testing.assert_allclose(on_disk.predict_proba(disk), in_memory.predict_proba(X), rtol=1e-5)


@pytest.mark.slow
def test_memmap_peak_memory_stays_far_below_the_file(tmp_path):
    # Python-side allocations (NumPy's included) peak at about 5 MB whatever the file size
    # (fit and predict of a 64-series file: 4.7 and 5.6 MB; of a 128-series file: 3.7 and 4.1 MB).
    rng = np.random.default_rng(0)
    n, length = 256, 20000
    disk = _memmap(tmp_path, rng.normal(size=(n, 1, length)))  # float64: 41 MB on disk
    y = np.arange(n) % 2
    size = disk.nbytes
    clf = FCNClassifier(filters=(2,), kernel_sizes=(3,), epochs=1, batch_size=4, random_state=0)
    tracemalloc.start()
    try:
        clf.fit(disk, y)
        clf.predict_proba(disk[:8])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # a float32 copy of the file is size / 2; one batch is 4 series of 160 kB
    assert peak < size / 4, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"


def test_memmap_validation_split_and_checkpoint(tmp_path):
    X, y = waves()
    disk = _memmap(tmp_path, X[:, None, :])
    clf = tiny(validation_split=0.2, checkpoint_dir=str(tmp_path / "ckpt")).fit(disk, y)
    assert len(clf.history_["val_loss"]) == 2
    again = tiny(validation_split=0.2, checkpoint_dir=str(tmp_path / "ckpt")).fit(disk, y)
    assert again.history_ == clf.history_  # resumed: the fingerprint of the file matches


def test_memmap_regressor(tmp_path):
    X, _ = waves(n=16)
    target = X.std(axis=1)
    reg = tiny(FCNRegressor).fit(_memmap(tmp_path, X), target)
    assert reg.predict(_memmap(tmp_path, X, "X2.npy")).shape == (16,)


def test_nan_in_a_memmap_names_the_sample_in_the_file(tmp_path):
    X, y = waves()
    X[13, 7] = np.nan
    disk = _memmap(tmp_path, X)
    message = (
        "X contains NaN (first at sample 13, channel 0, timepoint 7), found while reading the "
        "memory-mapped X batch by batch. sigconv does not guess missing values: impute them (for "
        "example by interpolation) or drop those samples from the file."
    )
    with pytest.raises(SeriesValueError, match=re.escape(message)):
        tiny(epochs=1).fit(disk, y)
    clf = tiny(epochs=1).fit(np.nan_to_num(X), y)
    with pytest.raises(SeriesValueError, match=re.escape(message)):
        clf.predict(disk)


def test_memmap_shape_errors(tmp_path):
    X, y = waves()
    clf = tiny(epochs=1).fit(X, y)
    with pytest.raises(SeriesValueError, match=re.escape("X has 2 channel(s), but 1 were seen in fit.")):
        clf.predict(_memmap(tmp_path, np.stack([X, X], axis=1)))
    with pytest.raises(SeriesValueError, match=re.escape(
        "X is a memory-mapped array of shape (20, 1, 32, 1); expected 2D (n_samples, n_timepoints) or 3D"
    )):
        clf.predict(_memmap(tmp_path, X[:, None, :, None], "X4.npy"))
    with pytest.raises(ValueError, match=re.escape("X has 16 features, but FCNClassifier is expecting 32")):
        clf.predict(_memmap(tmp_path, X[:, :16], "X16.npy"))


# series read on demand: DiskSeries over h5py-like loaders ---------------------------------------


class _StrictLoader:
    """An h5py-like array: rows only by a slice or a sorted array of distinct indices; no reshape."""

    def __init__(self, array):
        self._array, self.shape, self.dtype = array, array.shape, array.dtype
        self.reads = []

    def __getitem__(self, rows):
        if not isinstance(rows, slice):
            rows = np.asarray(rows)
            assert rows.ndim == 1 and np.all(np.diff(rows) > 0), f"rows not sorted and distinct: {rows}"
        out = self._array[rows]
        self.reads.append(len(out))
        return out.copy()


def test_disk_series_of_a_loader_trains_like_the_same_series_in_memory():
    X, y = waves()
    loader = _StrictLoader(X.astype(np.float64))  # 2D, as an h5py data set of (n_samples, n_timepoints)
    disk = DiskSeries(loader)
    assert disk.shape == (20, 1, 32) and loader.reads == []  # nothing read when wrapped
    on_disk = tiny(augmentation=JITTER, batch_size=4).fit(disk, y)
    assert loader.reads and max(loader.reads) <= 4 and sum(loader.reads) >= 2 * 20  # batch by batch, 2 epochs
    in_memory = tiny(augmentation=JITTER, batch_size=4).fit(X, y)
    np.testing.assert_allclose(on_disk.predict_proba(disk), in_memory.predict_proba(X), rtol=1e-5)
    assert on_disk.score(disk, y) == in_memory.score(X, y)
    assert on_disk.embed(disk).shape == (20, 4)


def test_disk_series_reads_rows_in_increasing_order_and_returns_them_as_asked():
    X, _ = waves()
    disk = DiskSeries(_StrictLoader(X[:, None, :]))
    index = np.array([7, 2, 7, 0])  # unsorted, with a repeat (a bootstrap sample)
    np.testing.assert_array_equal(disk.read(index), X[index][:, None, :])
    subset = disk[np.array([5, 3, 9])]  # scikit-learn's indexing (cross-validation splits) selects, reads nothing
    assert subset.shape == (3, 1, 32)
    np.testing.assert_array_equal(subset.read(np.arange(3)), X[[5, 3, 9]][:, None, :])


def test_disk_series_with_cross_validation():
    from sklearn.model_selection import cross_val_score

    X, y = waves()
    scores = cross_val_score(tiny(epochs=1), DiskSeries(_StrictLoader(X)), y, cv=2)
    assert scores.shape == (2,) and np.all((0 <= scores) & (scores <= 1))


def test_disk_series_refuses_what_it_cannot_read_with_clear_errors():
    X, y = waves()
    with pytest.raises(SeriesTypeError, match=re.escape(
        "X of type list cannot be read on demand: DiskSeries needs an array with shape, a NumPy dtype and "
        "row indexing"
    )):
        DiskSeries([list(x) for x in X])

    class Liar(_StrictLoader):
        def __getitem__(self, rows):
            return super().__getitem__(rows)[:, :16]  # fewer timepoints than the shape it declares

    with pytest.raises(SeriesValueError, match=re.escape(
        "X[rows] returned an array of shape (4, 1, 16) for 4 rows; expected (4, 1, 32) from the shape (20, 32) it "
        "declares."
    )):
        tiny(epochs=1, batch_size=4).fit(DiskSeries(Liar(X)), y)
    bad = X.copy()
    bad[3, 5] = np.inf
    with pytest.raises(SeriesValueError, match=re.escape(
        "X contains inf (first at sample 3, channel 0, timepoint 5), found while reading the on-demand X"
    )):
        tiny(epochs=1).fit(DiskSeries(_StrictLoader(bad)), y)
    clf = tiny(epochs=1).fit(X, y)
    with pytest.raises(SeriesValueError, match=re.escape("X has 2 channel(s), but 1 were seen in fit.")):
        clf.predict(DiskSeries(_StrictLoader(np.stack([X, X], axis=1))))


def test_disk_series_of_a_dask_array():
    da = pytest.importorskip("dask.array")
    X, y = waves()
    clf = tiny(epochs=1, batch_size=4).fit(DiskSeries(da.from_array(X, chunks=(5, 32))), y)
    np.testing.assert_allclose(clf.predict_proba(DiskSeries(da.from_array(X, chunks=5))), clf.predict_proba(X),
                               rtol=1e-6)


class _Kill(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            raise KeyboardInterrupt("simulated kill")


@pytest.mark.slow
def test_interrupted_augmented_memmap_fit_resumes(tmp_path):
    X, y = waves()
    disk = _memmap(tmp_path, X)
    params = dict(epochs=4, augmentation=JITTER, checkpoint_dir=str(tmp_path / "ckpt"), validation_split=0.2)
    with pytest.raises(KeyboardInterrupt):
        tiny(**params, callbacks=[_Kill()]).fit(disk, y)
    resumed = tiny(**params).fit(disk, y)
    uninterrupted = tiny(**{**params, "checkpoint_dir": None}).fit(disk, y)
    assert resumed.n_epochs_ == 4 and len(resumed.history_["val_loss"]) == 4
    assert resumed.history_["loss"][:2] == uninterrupted.history_["loss"][:2]
