"""Recordings: long multichannel signals with their sampling rate, read from files.

- :class:`Recording`: data ``(n_channels, n_timepoints)``, sampling rate
  ``sr`` in Hz, channel names, optional shaft speed and metadata;
- :func:`read_recording`: read CSV, Parquet, audio (WAV, FLAC, OGG through
  soundfile, other formats through librosa), NumPy ``.npy`` / ``.npz`` and the
  Case Western Reserve University (CWRU) bearing data's ``.mat`` files;
- :func:`resample`: bring a recording to another sampling rate
  (:func:`scipy.signal.resample_poly`).

Importing this package loads NumPy only; readers import pandas, soundfile or
SciPy when they run.
"""

from ._recording import Recording, read_recording, resample

__all__ = ["Recording", "read_recording", "resample"]
