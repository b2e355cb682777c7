"""Recordings from every supported format, CWRU .mat files, resampling."""

import importlib.util
import re

import numpy as np
import pandas as pd
import pytest
import scipy.io
import scipy.signal
import soundfile

from sigconv.io import Recording, read_recording, resample


def _cwru(tmp_path, number="097", n=4800, fault=False):
    rng = np.random.default_rng(int(number))
    contents = {f"X{number}_DE_time": rng.normal(size=(n, 1)),
                f"X{number}_FE_time": rng.normal(size=(n, 1)),
                f"X{number}RPM": np.array([[1797.0]])}
    if fault:
        contents[f"X{number}_BA_time"] = rng.normal(size=(n, 1))
    path = tmp_path / f"{int(number)}.mat"
    scipy.io.savemat(path, contents)
    return path, contents


def test_cwru_baseline(tmp_path):
    path, contents = _cwru(tmp_path)
    rec = read_recording(path, sr=48000.0)
    assert rec.channel_names == ("DE", "FE") and rec.rpm == 1797.0 and rec.sr == 48000.0
    assert rec.metadata["file_number"] == "097" and rec.data.dtype == np.float64
    np.testing.assert_array_equal(rec.data[0], contents["X097_DE_time"][:, 0])
    np.testing.assert_array_equal(rec.data[1], contents["X097_FE_time"][:, 0])


def test_cwru_fault_file_has_three_channels_and_selects(tmp_path):
    path, contents = _cwru(tmp_path, "105", fault=True)
    rec = read_recording(path, sr=12000.0)
    assert rec.channel_names == ("DE", "FE", "BA")
    de = read_recording(path, sr=12000.0, channels=["BA", 0])
    assert de.channel_names == ("BA", "DE")
    np.testing.assert_array_equal(de.data[0], contents["X105_BA_time"][:, 0])


def test_cwru_needs_sr(tmp_path):
    path, _ = _cwru(tmp_path)
    with pytest.raises(ValueError, match=re.escape("sr is required to read")):
        read_recording(path)
    scipy.io.savemat(tmp_path / "other.mat", {"signal": np.zeros((5, 1))})
    with pytest.raises(ValueError, match="holds no CWRU channel"):
        read_recording(tmp_path / "other.mat", sr=1.0)


def test_resample_cwru_48k_to_12k_matches_resample_poly(tmp_path):
    path, contents = _cwru(tmp_path)
    rec = resample(read_recording(path, sr=48000.0), 12000.0)
    assert rec.sr == 12000.0 and rec.n_timepoints == 1200 and rec.rpm == 1797.0
    np.testing.assert_allclose(rec.data[0], scipy.signal.resample_poly(contents["X097_DE_time"][:, 0], 1, 4))


def test_resample_keeps_a_tone():
    sr = 48000.0
    t = np.arange(48000) / sr
    rec = resample(Recording(np.sin(2 * np.pi * 100 * t), sr=sr), 12000.0)
    expected = np.sin(2 * np.pi * 100 * np.arange(12000) / 12000.0)
    np.testing.assert_allclose(rec.data[0][500:-500], expected[500:-500], atol=1e-3)
    with pytest.raises(ValueError, match="not a fraction up/down"):
        resample(rec, 12000.0 * np.pi)


def test_csv_with_and_without_time(tmp_path):
    data = np.random.default_rng(0).normal(size=(200, 2))
    frame = pd.DataFrame({"time": np.arange(200) / 500.0, "x": data[:, 0], "y": data[:, 1]})
    frame.to_csv(tmp_path / "a.csv", index=False)
    rec = read_recording(tmp_path / "a.csv")
    assert rec.sr == 500.0 and rec.channel_names == ("x", "y")
    np.testing.assert_allclose(rec.data, data.T)
    with pytest.raises(ValueError, match=re.escape("sr=400 contradicts the sampling rate 500 Hz")):
        read_recording(tmp_path / "a.csv", sr=400.0)
    frame.drop(columns="time").to_csv(tmp_path / "b.csv", index=False)
    assert read_recording(tmp_path / "b.csv", sr=100.0, channels=["y"]).channel_names == ("y",)
    with pytest.raises(ValueError, match="sr is required"):
        read_recording(tmp_path / "b.csv")


def test_parquet(tmp_path):
    frame = pd.DataFrame({"a": np.arange(10.0)})
    if importlib.util.find_spec("pyarrow") is None:
        (tmp_path / "a.parquet").write_bytes(b"PAR1")
        with pytest.raises(ImportError, match=re.escape("`pip install pyarrow`")):
            read_recording(tmp_path / "a.parquet", sr=10.0)
    else:
        frame.to_parquet(tmp_path / "a.parquet")
        np.testing.assert_array_equal(read_recording(tmp_path / "a.parquet", sr=10.0).data[0],
                                      np.arange(10.0))


@pytest.mark.parametrize("suffix", [".wav", ".flac"])
def test_audio(tmp_path, suffix):
    data = np.random.default_rng(0).uniform(-0.5, 0.5, size=(1000, 2))
    soundfile.write(tmp_path / f"a{suffix}", data, 8000, subtype="PCM_16")
    rec = read_recording(tmp_path / f"a{suffix}")
    assert rec.sr == 8000.0 and rec.n_channels == 2 and rec.n_timepoints == 1000
    np.testing.assert_allclose(rec.data, data.T, atol=1 / 2**15)


def test_npy_mmap_and_npz(tmp_path):
    data = np.arange(20.0).reshape(2, 10)
    np.save(tmp_path / "a.npy", data)
    rec = read_recording(tmp_path / "a.npy", sr=10.0, mmap=True)
    assert isinstance(rec.data, np.memmap)
    np.testing.assert_array_equal(rec.data, data)
    np.savez(tmp_path / "b.npz", data=data, sr=10.0, channel_names=np.array(["p", "q"]), rpm=600.0)
    rec = read_recording(tmp_path / "b.npz")
    assert rec.channel_names == ("p", "q") and rec.rpm == 600.0 and rec.sr == 10.0


def test_errors(tmp_path):
    with pytest.raises(ValueError, match=re.escape("path must name a file with one of the extensions")):
        read_recording(tmp_path / "a.txt")
    with pytest.raises(FileNotFoundError):
        read_recording(tmp_path / "missing.npy", sr=1.0)
    with pytest.raises(ValueError, match=re.escape("channel_names must hold one name per channel (2)")):
        Recording(np.zeros((2, 5)), sr=1.0, channel_names=("a",))
    np.save(tmp_path / "a.npy", np.zeros((2, 5)))
    with pytest.raises(ValueError, match=re.escape("channels names 'z', which the recording does not have")):
        read_recording(tmp_path / "a.npy", sr=1.0, channels=["z"])
    with pytest.raises(TypeError, match=re.escape("pass channels=['DE']")):
        read_recording(tmp_path / "a.npy", sr=1.0, channels="DE")


# damaged and partial files -----------------------------------------------------------------

def test_csv_text_column_is_refused_not_dropped(tmp_path):
    (tmp_path / "a.csv").write_text("x,y\n1,2\n3,oops\n5,6\n")
    message = (f"{str(tmp_path / 'a.csv')!r}: column 'y' holds values that are not numbers (first 'oops' "
               "at line 3). Every column but 'time' is read as a channel")
    with pytest.raises(ValueError, match=re.escape(message)):
        read_recording(tmp_path / "a.csv", sr=10.0)
    # a column left out by name is never read
    assert read_recording(tmp_path / "a.csv", sr=10.0, channels=["x"]).data.tolist() == [[1, 3, 5]]


def test_csv_cut_mid_line_is_refused(tmp_path):
    (tmp_path / "a.csv").write_text("x,y\n1,2\n3,4\n5")
    message = f"{str(tmp_path / 'a.csv')!r} holds NaN in channel 'y' at timepoint 2 (1 non-finite values in all)."
    with pytest.raises(ValueError, match=re.escape(message)):
        read_recording(tmp_path / "a.csv", sr=10.0)


def test_csv_row_with_an_extra_field_is_refused(tmp_path):
    (tmp_path / "a.csv").write_text("x,y\n1,2\n3,4,5\n")
    with pytest.raises(ValueError, match=re.escape(f"{str(tmp_path / 'a.csv')!r} could not be read as a CSV table")):
        read_recording(tmp_path / "a.csv", sr=10.0)


@pytest.mark.parametrize("suffix", [".npy", ".npz", ".mat", ".wav"])
def test_truncated_binary_files_name_the_file(tmp_path, suffix):
    path = tmp_path / f"a{suffix}"
    data = np.random.default_rng(0).uniform(-0.5, 0.5, size=(2, 4000))
    if suffix == ".npy":
        np.save(path, data)
    elif suffix == ".npz":
        np.savez(path, data=data, sr=10.0)
    elif suffix == ".mat":
        scipy.io.savemat(path, {"X097_DE_time": data[0][:, None]})
    else:
        soundfile.write(path, data.T, 8000, subtype="PCM_16")
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2 - 7])
    with pytest.raises(ValueError, match=re.escape(f"{str(path)!r} could not be read as")):
        read_recording(path, sr=None if suffix in (".npz", ".wav") else 10.0)


def test_nan_in_an_array_file_is_refused(tmp_path):
    data = np.zeros((2, 10))
    data[1, 4] = np.inf
    np.save(tmp_path / "a.npy", data)
    message = f"{str(tmp_path / 'a.npy')!r} holds an infinite value in channel 'ch1' at timepoint 4"
    with pytest.raises(ValueError, match=re.escape(message)):
        read_recording(tmp_path / "a.npy", sr=1.0)
