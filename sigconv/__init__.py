"""sigconv: deep learning on signals and time series.

Subpackages, in the order imports point (each imports only those above it):

- :mod:`sigconv.validation`: the input contract and parameter checks;
- :mod:`sigconv.functional`: pure NumPy signal-to-image functions;
- :mod:`sigconv.transformers`: scikit-learn transformers over them;
- :mod:`sigconv.layers`: the same transforms as Keras 3 layers (images made on the GPU);
- :mod:`sigconv.augmentation`: random series transformations for training;
- :mod:`sigconv.networks`: Keras 3 network builders (FCN, ResNet, InceptionTime, ...);
- :mod:`sigconv.estimators`: scikit-learn estimators around the networks;
- :mod:`sigconv.inspection`: activations, kernels, CAM and Grad-CAM of trained networks;
- :mod:`sigconv.datasets`: UCR/UEA loaders and synthetic generators;
- :mod:`sigconv.io`: recordings (CSV, Parquet, audio, NumPy, CWRU .mat) and resampling;
- :mod:`sigconv.monitoring`: sliding windows, streaming prediction, alarms;
- :mod:`sigconv.plot`: galleries and figures of trained networks (matplotlib);
- :mod:`sigconv.benchmark`: UCR benchmark runs and reports (``sigconv benchmark``).

``import sigconv`` is light: subpackages load on first use, and nothing
here imports TensorFlow or pyts.
"""

import importlib

__version__ = "0.1.0"

_SUBPACKAGES = (
    "augmentation",
    "benchmark",
    "datasets",
    "estimators",
    "exceptions",
    "functional",
    "inspection",
    "io",
    "layers",
    "monitoring",
    "networks",
    "plot",
    "transformers",
    "validation",
)

__all__ = ["__version__", *_SUBPACKAGES]


def __getattr__(name):
    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
