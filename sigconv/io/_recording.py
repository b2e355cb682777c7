"""The Recording type, the readers behind read_recording, and resampling."""

import dataclasses
import importlib.util
import math
import os
import re
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..validation import check_float

__all__ = ["Recording", "read_recording", "resample"]

_AUDIO_SOUNDFILE = (".wav", ".flac", ".ogg", ".aiff", ".aif")
_AUDIO_LIBROSA = (".mp3", ".m4a", ".opus")
_FORMATS = (".csv", ".parquet", *_AUDIO_SOUNDFILE, *_AUDIO_LIBROSA, ".npy", ".npz", ".mat")
_CWRU_KEY = re.compile(r"^X(\d+)_(DE|FE|BA)_time$")
_CWRU_ORDER = ("DE", "FE", "BA")


@dataclasses.dataclass(frozen=True, eq=False)
class Recording:
    """A long multichannel signal with its sampling rate.

    Parameters
    ----------
    data : array-like of shape (n_channels, n_timepoints) or (n_timepoints,)
        Samples, one row per channel; a 1D array is one channel. Kept as
        float32 or float64 (other dtypes become float64); a memory-mapped
        array stays memory-mapped.
    sr : float
        Sampling rate in Hz.
    channel_names : tuple of str or None, default=None
        One name per channel; None names them ``"ch0"``, ``"ch1"``, ...
    rpm : float or None, default=None
        Shaft speed in revolutions per minute, when known.
    metadata : dict, default={}
        Anything else the source file said (e.g. the CWRU file number).

    Attributes
    ----------
    n_channels, n_timepoints : int
        The shape of ``data``.
    duration : float
        Length in seconds, ``n_timepoints / sr``.

    See Also
    --------
    read_recording : Read one from a file.
    resample : Change its sampling rate.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.io import Recording
    >>> rec = Recording(np.zeros((2, 48000)), sr=48000.0, channel_names=("DE", "FE"))
    >>> rec.n_channels, rec.n_timepoints, rec.duration
    (2, 48000, 1.0)
    """

    data: np.ndarray
    sr: float
    channel_names: tuple = None
    rpm: float = None
    metadata: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        data = self.data if isinstance(self.data, np.ndarray) else np.asarray(self.data)
        if data.dtype.kind not in "biuf":
            raise TypeError(f"data must hold real numbers; got an array of dtype {data.dtype}.")
        if data.dtype not in (np.float32, np.float64):
            data = data.astype(np.float64)
        if data.ndim == 1:
            data = data[np.newaxis]
        if data.ndim != 2 or data.shape[1] < 1:
            raise ValueError(
                "data must be an array of shape (n_channels, n_timepoints) with at least one "
                f"timepoint; got an array of shape {data.shape}."
            )
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "sr", check_float(self.sr, "sr", min_value=0.0, closed="neither"))
        names = self.channel_names
        if names is None:
            names = tuple(f"ch{i}" for i in range(data.shape[0]))
        names = tuple(str(name) for name in names)
        if len(names) != data.shape[0]:
            raise ValueError(
                f"channel_names must hold one name per channel ({data.shape[0]}); got "
                f"{len(names)} names {names!r}."
            )
        object.__setattr__(self, "channel_names", names)
        if self.rpm is not None:
            object.__setattr__(self, "rpm", check_float(self.rpm, "rpm", min_value=0.0,
                                                        closed="neither", allow_none=True))
        object.__setattr__(self, "metadata", dict(self.metadata))

    @property
    def n_channels(self):
        return int(self.data.shape[0])

    @property
    def n_timepoints(self):
        return int(self.data.shape[1])

    @property
    def duration(self):
        return self.n_timepoints / self.sr

    def __repr__(self):
        rpm = "" if self.rpm is None else f", rpm={self.rpm:g}"
        return (f"Recording({self.n_channels} channels {list(self.channel_names)}, "
                f"{self.n_timepoints} timepoints at {self.sr:g} Hz ({self.duration:g} s){rpm})")


def read_recording(path, *, sr=None, channels=None, mmap=False):
    """Read a recording from a file, choosing the reader by the file's extension.

    - ``.csv`` (pandas): one column per channel, named by the header; a
      column named ``time`` (seconds) is dropped and, when ``sr`` is None,
      gives the sampling rate from its median step.
    - ``.parquet`` (pandas with pyarrow): as CSV.
    - ``.wav``, ``.flac``, ``.ogg``, ``.aiff`` (soundfile), ``.mp3``, ``.m4a``,
      ``.opus`` (librosa): one channel per audio channel, the file's rate.
    - ``.npy``: a ``(n_timepoints,)`` or ``(n_channels, n_timepoints)`` array;
      ``sr`` is required. ``mmap=True`` maps the file rather than reading it,
      for recordings larger than memory.
    - ``.npz``: an array ``data`` as for ``.npy``, and optionally ``sr``,
      ``channel_names`` and ``rpm``.
    - ``.mat``: a Case Western Reserve University bearing data file: channels
      ``DE``, ``FE`` and ``BA`` from ``X<nnn>_DE_time``, ``X<nnn>_FE_time``,
      ``X<nnn>_BA_time`` (those present), ``rpm`` from ``X<nnn>RPM``, the file
      number in ``metadata["file_number"]``. The files do not store their
      rate: pass ``sr`` (48,000 Hz for the normal baselines, 12,000 Hz for
      the 12k drive-end fault files).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    sr : float or None, default=None
        Sampling rate in Hz; required for ``.npy``, ``.mat`` and CSV/Parquet
        without a ``time`` column. For a file that states its rate (audio,
        ``.npz`` with ``sr``, a ``time`` column) it must agree with it; to
        change the rate, use :func:`resample`.
    channels : sequence of str or int, or None, default=None
        Channels to keep, by name or index, in that order; None keeps all.
    mmap : bool, default=False
        Memory-map a ``.npy`` file (read-only) instead of loading it.

    Returns
    -------
    recording : Recording

    Raises
    ------
    ValueError
        For an unknown extension, a missing or contradictory ``sr``, a file
        without channels, or unknown ``channels``; for a file its reader
        cannot parse (cut short or damaged), with the reader's reason; for a
        table column that is not numeric (every column but ``time`` is a
        channel unless ``channels`` names the ones to read) and for a
        missing (NaN) or infinite value, with its channel and position
        (a memory-mapped ``.npy`` is not scanned).
    ImportError
        For Parquet without pyarrow.

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> from sigconv.io import read_recording
    >>> path = os.path.join(tempfile.mkdtemp(), "signal.npy")
    >>> np.save(path, np.zeros((2, 1000)))
    >>> read_recording(path, sr=1000.0)
    Recording(2 channels ['ch0', 'ch1'], 1000 timepoints at 1000 Hz (1 s))
    """
    path = Path(os.fspath(path))
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise ValueError(
            f"path must name a file with one of the extensions {', '.join(_FORMATS)}; got "
            f"{str(path)!r}. Convert the recording to one of them (e.g. np.save to .npy)."
        )
    if not path.is_file():
        raise FileNotFoundError(f"No recording file at {str(path)!r}.")
    sr = check_float(sr, "sr", min_value=0.0, closed="neither", allow_none=True)
    _check_channels(channels)
    if suffix in (".csv", ".parquet"):
        recording = _read_table(path, suffix, sr, channels)
    elif suffix in _AUDIO_SOUNDFILE or suffix in _AUDIO_LIBROSA:
        recording = _read_audio(path, suffix, sr)
    elif suffix == ".npy":
        data = _parsed(path, "a .npy array", lambda: np.load(path, mmap_mode="r" if mmap else None))
        recording = Recording(data, sr=_required_sr(sr, path, "a .npy file"))
    elif suffix == ".npz":
        recording = _read_npz(path, sr)
    else:
        recording = _read_cwru(path, sr)
    recording = _select(recording, channels)
    if not isinstance(recording.data, np.memmap):  # a map may exceed memory: it is not scanned
        _check_finite(recording, path)
    return recording


def _parsed(path, what, read):
    """``read()``: a library's reader on ``path``, its failure on a damaged file made one clear error."""
    try:
        return read()
    except Exception as exc:  # noqa: BLE001 - numpy, zipfile, zlib and scipy each raise their own types
        raise ValueError(
            f"{str(path)!r} could not be read as {what} ({type(exc).__name__}: {exc}). The file "
            "may be cut short or damaged: write it again from its source."
        ) from exc


def _check_finite(recording, path):
    finite = np.isfinite(recording.data)
    if not finite.all():
        channel, timepoint = (int(i) for i in np.argwhere(~finite)[0])
        kind = "NaN" if np.isnan(recording.data[channel, timepoint]) else "an infinite value"
        raise ValueError(
            f"{str(path)!r} holds {kind} in channel {recording.channel_names[channel]!r} at "
            f"timepoint {timepoint} ({int((~finite).sum())} non-finite values in all). sigconv "
            "does not impute: fill or interpolate the gaps in the file, or cut the recording "
            "before them."
        )


def _required_sr(sr, path, what):
    if sr is None:
        raise ValueError(
            f"sr is required to read {str(path)!r}: {what} does not store its sampling rate. "
            "Pass sr=<Hz> (or --sr on the command line)."
        )
    return sr


def _agree(sr, found, path):
    if sr is not None and not math.isclose(sr, found, rel_tol=1e-9):
        raise ValueError(
            f"sr={sr:g} contradicts the sampling rate {found:g} Hz stated by {str(path)!r}. Leave "
            "sr=None to read it, then change the rate with sigconv.io.resample."
        )
    return found


def _read_table(path, suffix, sr, channels=None):
    import pandas as pd  # noqa: PLC0415

    if suffix == ".parquet":
        if importlib.util.find_spec("pyarrow") is None:
            raise ImportError(
                f"Reading {str(path)!r} needs pyarrow, which is not installed. Install it with "
                "`pip install pyarrow`."
            )
        frame = _parsed(path, "a Parquet table", lambda: pd.read_parquet(path, engine="pyarrow"))
    else:
        # index_col=False: rows with one field more than the header are an error, not an index
        frame = _parsed(path, "a CSV table", lambda: pd.read_csv(path, index_col=False))
    metadata = {}
    if "time" in frame.columns:
        steps = np.diff(frame["time"].to_numpy(dtype=np.float64))
        if len(steps) == 0 or not np.all(steps > 0):
            raise ValueError(f"The time column of {str(path)!r} must increase; it does not.")
        sr = _agree(sr, round(1.0 / float(np.median(steps)), 6), path)
        metadata["start_time"] = float(frame["time"].iloc[0])
        frame = frame.drop(columns="time")
    sr = _required_sr(sr, path, "a table without a 'time' column")
    if frame.shape[1] == 0:
        raise ValueError(f"{str(path)!r} holds no column to read as a channel.")
    if channels is not None and all(isinstance(c, str) for c in channels):
        # columns left out by name are never read, so they may hold anything
        frame = frame[[c for c in frame.columns if str(c) in channels]]
    for column in frame.columns:
        _check_numeric_column(frame[column], column, path, suffix)
    return Recording(frame.to_numpy(dtype=np.float64).T, sr=sr,
                     channel_names=tuple(str(c) for c in frame.columns), metadata=metadata)


def _check_numeric_column(values, column, path, suffix):
    """Every column read is a channel: a column of text is refused, never silently dropped."""
    if values.dtype.kind in "biuf":
        return
    import pandas as pd  # noqa: PLC0415

    numbers = pd.to_numeric(values, errors="coerce")
    bad = np.flatnonzero(numbers.isna().to_numpy() & values.notna().to_numpy())
    where = ""
    if len(bad):
        row = int(bad[0])
        where = (f" (first {values.iloc[row]!r} at "
                 + (f"line {row + 2})" if suffix == ".csv" else f"row {row})"))
    raise ValueError(
        f"{str(path)!r}: column {str(column)!r} holds values that are not numbers{where}. Every "
        "column but 'time' is read as a channel: fix the value, remove the column, or pass "
        "channels=[...] naming only the numeric columns."
    )


def _read_audio(path, suffix, sr):
    if suffix in _AUDIO_SOUNDFILE:
        import soundfile  # noqa: PLC0415

        data, found = _parsed(path, "audio", lambda: soundfile.read(path, dtype="float64", always_2d=True))
        data = data.T
        if suffix == ".wav":
            _check_wav_complete(path, data.shape[1])
    else:
        import librosa  # noqa: PLC0415

        data, found = _parsed(path, "audio", lambda: librosa.load(path, sr=None, mono=False))
    return Recording(data, sr=_agree(sr, float(found), path))


def _check_wav_complete(path, n_read):
    """A WAV file cut short still opens (libsndfile reads what is left): compare with its header."""
    import struct  # noqa: PLC0415

    with open(path, "rb") as file:
        head = file.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return
        block_align = None
        while True:
            chunk = file.read(8)
            if len(chunk) < 8:
                return
            name, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if name == b"fmt ":
                fmt = file.read(size + size % 2)
                block_align = struct.unpack("<H", fmt[12:14])[0] if len(fmt) >= 14 else None
            elif name == b"data":
                if not block_align or size in (0, 0xFFFFFFFF):  # streamed files leave the size open
                    return
                declared = size // block_align
                if declared > n_read:
                    raise ValueError(
                        f"{str(path)!r} could not be read as audio: its header declares {declared} "
                        f"frames, the file holds {n_read}. The file may be cut short or damaged: "
                        "write it again from its source."
                    )
                return
            else:
                file.seek(size + size % 2, 1)


def _read_npz(path, sr):
    def members():
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}

    archive = _parsed(path, "an .npz archive", members)
    if "data" not in archive:
        raise ValueError(
            f"{str(path)!r} must hold an array named 'data' (and optionally 'sr', "
            f"'channel_names', 'rpm'); it holds {sorted(archive)}."
        )
    for name in ("sr", "rpm"):
        if name in archive and (archive[name].size != 1 or archive[name].dtype.kind not in "iuf"):
            raise ValueError(
                f"{str(path)!r}: {name!r} must be a single number; got an array of shape "
                f"{archive[name].shape} and dtype {archive[name].dtype}."
            )
    data = archive["data"]
    if "sr" in archive:
        sr = _agree(sr, float(archive["sr"].reshape(-1)[0]), path)
    names = tuple(archive["channel_names"].reshape(-1).tolist()) if "channel_names" in archive else None
    rpm = float(archive["rpm"].reshape(-1)[0]) if "rpm" in archive else None
    return Recording(data, sr=_required_sr(sr, path, "an .npz file without 'sr'"),
                     channel_names=names, rpm=rpm)


def _read_cwru(path, sr):
    import scipy.io  # noqa: PLC0415

    contents = _parsed(path, "a MATLAB .mat file", lambda: scipy.io.loadmat(path))
    found = {}
    numbers = set()
    for key, value in contents.items():
        match = _CWRU_KEY.match(key)
        if match:
            numbers.add(match.group(1))
            if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf":
                raise ValueError(f"{str(path)!r}: {key} must be a numeric array; got {type(value).__name__}"
                                 f"{'' if not isinstance(value, np.ndarray) else ' of dtype ' + str(value.dtype)}.")
            found[match.group(2)] = np.asarray(value, dtype=np.float64).reshape(-1)
    if not found:
        raise ValueError(
            f"{str(path)!r} holds no CWRU channel (variables named X<nnn>_DE_time, "
            f"X<nnn>_FE_time or X<nnn>_BA_time); it holds "
            f"{sorted(k for k in contents if not k.startswith('__'))}."
        )
    if len(numbers) > 1:
        raise ValueError(f"{str(path)!r} holds channels of several CWRU files: {sorted(numbers)}.")
    number = numbers.pop()
    names = tuple(name for name in _CWRU_ORDER if name in found)
    lengths = {len(found[name]) for name in names}
    if len(lengths) > 1:
        raise ValueError(f"The channels of {str(path)!r} differ in length: {sorted(lengths)}.")
    rpm = contents.get(f"X{number}RPM")
    rpm = None if rpm is None else float(np.asarray(rpm).reshape(-1)[0])
    sr = _required_sr(sr, path, "a CWRU .mat file (48000 Hz for the normal baselines and the "
                                "48k drive-end files, 12000 Hz for the 12k fault files)")
    return Recording(np.stack([found[name] for name in names]), sr=sr, channel_names=names,
                     rpm=rpm, metadata={"file_number": number})


def _check_channels(channels):
    if channels is None:
        return
    if (isinstance(channels, (str, int)) or not hasattr(channels, "__iter__")
            or not all(isinstance(c, (str, int)) and not isinstance(c, bool) for c in channels)):
        raise TypeError(
            "channels must be a sequence of channel names or indices, or None; got "
            f"channels={channels!r}. For one channel, pass channels=[{channels!r}]."
        )


def _select(recording, channels):
    if channels is None:
        return recording
    _check_channels(channels)
    index = []
    for channel in channels:
        if isinstance(channel, str):
            if channel not in recording.channel_names:
                raise ValueError(
                    f"channels names {channel!r}, which the recording does not have; its "
                    f"channels are {list(recording.channel_names)}."
                )
            index.append(recording.channel_names.index(channel))
        else:
            if not -recording.n_channels <= channel < recording.n_channels:
                raise ValueError(
                    f"channels holds index {channel}, out of range for a recording of "
                    f"{recording.n_channels} channels."
                )
            index.append(channel % recording.n_channels)
    return dataclasses.replace(recording, data=recording.data[index],
                               channel_names=tuple(recording.channel_names[i] for i in index))


def resample(recording, sr, *, max_denominator=1000):
    """Resample a recording to another sampling rate by polyphase filtering.

    The rate changes by the ratio ``up / down = sr / recording.sr``, a
    fraction with terms at most ``max_denominator``, with
    :func:`scipy.signal.resample_poly` (an anti-aliasing FIR filter):
    48,000 Hz to 12,000 Hz is ``up=1, down=4``.

    Parameters
    ----------
    recording : Recording
        The recording.
    sr : float
        The new sampling rate in Hz.
    max_denominator : int, default=1000
        Largest ``up`` or ``down`` accepted.

    Returns
    -------
    recording : Recording
        A new recording at ``sr``, ``ceil(n_timepoints * up / down)``
        timepoints, float64; the same recording if the rate is already ``sr``.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.io import Recording, resample
    >>> rec = Recording(np.random.default_rng(0).normal(size=(1, 48000)), sr=48000.0)
    >>> resample(rec, 12000.0).n_timepoints
    12000
    """
    if not isinstance(recording, Recording):
        raise TypeError(f"recording must be a sigconv.io.Recording; got {type(recording).__name__}.")
    sr = check_float(sr, "sr", min_value=0.0, closed="neither")
    if sr == recording.sr:
        return recording
    ratio = Fraction(sr / recording.sr).limit_denominator(max_denominator)
    if ratio.numerator > max_denominator or not math.isclose(
            ratio.numerator / ratio.denominator * recording.sr, sr, rel_tol=1e-9):
        raise ValueError(
            f"sr / recording.sr = {sr:g} / {recording.sr:g} is not a fraction up/down with terms "
            f"at most max_denominator={max_denominator}; raise max_denominator or pick a rate "
            "with a simpler ratio."
        )
    import scipy.signal  # noqa: PLC0415

    data = scipy.signal.resample_poly(np.asarray(recording.data, dtype=np.float64),
                                      ratio.numerator, ratio.denominator, axis=-1)
    return dataclasses.replace(recording, data=data, sr=sr)
