"""The method registry: names the benchmark runs, each a factory of a fresh classifier."""

import dataclasses
import importlib
import importlib.util
import time
from collections.abc import Callable

import numpy as np

__all__ = ["Method", "get_method", "list_methods", "register_method"]

# -- the quick run: ``sigconv benchmark`` with no options ------------------------------------------
# What the library is for, in under 5 minutes on 2 CPU cores: a cheap baseline, a 1D deep estimator
# and an image method side by side, on built-in sets where both deep models converge in that time.
# Chosen on validation splits of the training series (benchmarks/quick_defaults.py, docs/benchmark.md
# "The quick run"). A number of epochs, not a time budget: the cosine schedule then ends at a low
# rate whatever the machine's load, where a budget cut on a busy machine left FCN at chance.
QUICK_DATASETS = ("GunPoint", "Coffee", "BasicMotions")
#: The image method of the quick run: the one name to change for a pretrained backbone.
QUICK_IMAGE_METHOD = "image-spectrogram"
QUICK_METHODS = ("1nn-euclidean", "fcn", QUICK_IMAGE_METHOD)
#: Epochs of every deep method in the quick run.
QUICK_EPOCHS = 60


@dataclasses.dataclass(frozen=True)
class Method:
    """A classifier the benchmark can run, by name.

    Parameters
    ----------
    name : str
        Name used on the command line and in ``results.csv``.
    factory : callable
        ``factory(*, random_state, epochs, time_budget, work_dir)`` returns a
        fresh, unfitted classifier with ``fit(X, y)`` and ``predict(X)``;
        ``X`` is an ndarray of shape (n_samples, n_channels, n_timepoints).
        ``epochs`` and ``time_budget`` are None or the benchmark's values;
        a method without epochs ignores them. ``work_dir`` is an empty
        scratch folder for files the classifier insists on writing. It must
        be picklable (a module-level function) so that worker processes and
        Dask workers can run it.
    description : str, default=""
        One line shown in the report.
    requires : tuple of str, default=()
        Modules that must be importable (e.g. ``("aeon",)``); without them the
        method is skipped with a note.
    reference : str or None, default=None
        Column of the published-results table that reports the same
        algorithm, compared first in the report.
    uses_keras : bool, default=False
        Whether the classifier trains a Keras model (its results then name the
        Keras backend and device).
    check : callable or None, default=None
        ``check()`` returns None when the method can run here, or a sentence
        saying why not; run after ``requires`` is met.
    """

    name: str
    factory: Callable
    description: str = ""
    requires: tuple = ()
    reference: str | None = None
    uses_keras: bool = False
    check: Callable | None = None

    def unavailable_reason(self):
        """None when this method can run here, else a sentence saying why not."""
        for module in self.requires:
            if importlib.util.find_spec(module) is None:
                return (f"method {self.name!r} needs the {module!r} package, which is not installed "
                        f"(pip install {module}).")
        return None if self.check is None else self.check()


_REGISTRY = {}


def register_method(method, *, replace=False):
    """Add a method to the registry so that the benchmark can run it by name.

    Parameters
    ----------
    method : Method
        The method; its ``name`` is the key.
    replace : bool, default=False
        Whether an existing method of the same name may be replaced.

    Returns
    -------
    method : Method
        The method registered.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sigconv.benchmark import Method, get_method, register_method
    >>> def majority(*, random_state, epochs, time_budget, work_dir):
    ...     return DummyClassifier()
    >>> _ = register_method(Method("majority", majority), replace=True)
    >>> get_method("majority").name
    'majority'
    """
    if not isinstance(method, Method):
        raise TypeError(f"method must be a sigconv.benchmark.Method; got {type(method).__name__}.")
    if method.name in _REGISTRY and not replace:
        raise ValueError(f"a method named {method.name!r} is already registered; pass replace=True "
                         "to replace it or choose another name.")
    _REGISTRY[method.name] = method
    return method


def list_methods():
    """Names of the registered methods, in registration order (available or not).

    Examples
    --------
    >>> from sigconv.benchmark import list_methods
    >>> list_methods()[:3]
    ['1nn-euclidean', 'gaf-logreg', 'fcn']
    """
    return list(_REGISTRY)


def get_method(name):
    """The registered :class:`Method` called ``name``.

    Raises
    ------
    ValueError
        If no method has that name; the message lists the valid names.
    """
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown method {name!r}; valid methods are: {', '.join(_REGISTRY)}. "
            "Register others with sigconv.benchmark.register_method."
        ) from None


# -- factories -------------------------------------------------------------------------------------

def _z_normalize(X):
    """Each channel of each series to mean 0 and standard deviation 1 (constant ones to 0)."""
    X = np.asarray(X, dtype=np.float64)
    std = X.std(axis=-1, keepdims=True)
    return (X - X.mean(axis=-1, keepdims=True)) / np.where(std > 0, std, 1.0)


def _flatten_z(X):
    return _z_normalize(X).reshape(len(X), -1)


def _one_nn_euclidean(*, random_state, epochs, time_budget, work_dir):
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    return make_pipeline(FunctionTransformer(_flatten_z), KNeighborsClassifier(n_neighbors=1))


def _gaf_logreg(*, random_state, epochs, time_budget, work_dir):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from ..transformers import GramianAngularField

    return make_pipeline(GramianAngularField(image_size=32, flatten=True),
                         LogisticRegression(max_iter=1000, random_state=random_state))


def _by_name(factory, name):
    """``factory`` named ``name`` at module level, so that pickle finds it by reference (workers, Dask)."""
    factory.__name__ = factory.__qualname__ = name
    globals()[name] = factory
    return factory


def _sigconv_factory(class_name, **params):
    def factory(*, random_state, epochs, time_budget, work_dir):
        from .. import estimators

        return getattr(estimators, class_name)(
            random_state=random_state, epochs=epochs, max_time=time_budget, **params
        )

    return _by_name(factory, f"_sigconv_{class_name}" + "".join(f"_{key}{value}" for key, value in params.items()))


#: The imaging table of ``image-{transform}`` and ``image-{transform}-{backbone}``
#: methods: each transform (64x64 images) read by the scratch ConvNet and by a
#: backbone without pretrained weights (nothing is downloaded in a benchmark).
IMAGE_TRANSFORMS = ("gasf", "mtf", "rp", "spectrogram")
IMAGE_BACKBONES = ("mobilenet_v2",)


def _image_factory(transform, network):
    def factory(*, random_state, epochs, time_budget, work_dir):
        from .. import estimators

        return estimators.ImageCNNClassifier(image_transform=transform, network=network, random_state=random_state,
                                             epochs=epochs, max_time=time_budget)

    return _by_name(factory, f"_image_{transform}" + ("" if network == "convnet" else f"_{network}"))


def _image_methods():
    for transform in IMAGE_TRANSFORMS:
        yield Method(f"image-{transform}", _image_factory(transform, "convnet"),
                     f"sigconv ImageCNNClassifier: {transform} 64x64 images in the model, scratch 2D ConvNet",
                     uses_keras=True)
        for backbone in IMAGE_BACKBONES:
            yield Method(f"image-{transform}-{backbone.replace('_', '')}", _image_factory(transform, backbone),
                         f"sigconv ImageCNNClassifier: {transform} 64x64 images, keras.applications {backbone} "
                         "trained from random weights", uses_keras=True)


class _Float64:
    """An aeon classifier fed float64 arrays (aeon's numba kernels want them), z-normalized if asked."""

    def __init__(self, estimator, *, z_normalize=False):
        self.estimator = estimator
        self.z_normalize = z_normalize

    def _X(self, X):
        return _z_normalize(X) if self.z_normalize else np.asarray(X, dtype=np.float64)

    def fit(self, X, y):
        self.estimator.fit(self._X(X), y)
        members = getattr(self.estimator, "classifiers_", None) or [self.estimator]  # InceptionTime: 5 nets
        history = getattr(members[0], "history", None)
        if history is not None and hasattr(history, "history"):
            self.n_epochs_ = len(history.history.get("loss", []))
        return self

    def predict(self, X):
        return self.estimator.predict(self._X(X))


def _minirocket(*, random_state, epochs, time_budget, work_dir):
    from aeon.classification.convolution_based import MiniRocketClassifier

    return _Float64(MiniRocketClassifier(random_state=random_state))


def _one_nn_dtw(*, random_state, epochs, time_budget, work_dir):
    from aeon.classification.distance_based import KNeighborsTimeSeriesClassifier

    return _Float64(KNeighborsTimeSeriesClassifier(n_neighbors=1, distance="dtw"), z_normalize=True)


def _time_budget_callback(seconds):
    import keras

    class TimeBudget(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self._start = time.monotonic()

        def on_epoch_end(self, epoch, logs=None):
            if time.monotonic() - self._start >= seconds:
                self.model.stop_training = True

    return TimeBudget()


def _aeon_factory(module, class_name):
    def factory(*, random_state, epochs, time_budget, work_dir):
        cls = getattr(importlib.import_module(module), class_name)
        params = {"random_state": random_state, "file_path": str(work_dir) + "/"}
        if epochs is not None:
            params["n_epochs"] = epochs
        if time_budget is not None:
            params["callbacks"] = [_time_budget_callback(time_budget)]
        return _Float64(cls(**params))

    return _by_name(factory, f"_aeon_{class_name}")


_AEON_DEEP = "aeon.classification.deep_learning"
for _method in (
    Method("1nn-euclidean", _one_nn_euclidean, "1-nearest neighbour, Euclidean distance, z-normalized series (scikit-learn)",
           reference="1NN-ED"),
    Method("gaf-logreg", _gaf_logreg, "Gramian angular summation field (32x32) + logistic regression"),
    Method("fcn", _sigconv_factory("FCNClassifier"), "sigconv FCNClassifier", reference="FCN", uses_keras=True),
    Method("resnet", _sigconv_factory("ResNetClassifier"), "sigconv ResNetClassifier", reference="ResNet",
           uses_keras=True),
    Method("inception", _sigconv_factory("InceptionTimeClassifier"), "sigconv InceptionTimeClassifier",
           reference="Inception", uses_keras=True),
    Method("wavenet", _sigconv_factory("WaveNetClassifier"), "sigconv WaveNetClassifier", uses_keras=True),
    Method("lstm", _sigconv_factory("LSTMClassifier"), "sigconv LSTMClassifier", uses_keras=True),
    *_image_methods(),
    Method("minirocket", _minirocket, "aeon MiniRocketClassifier", requires=("aeon",), reference="MiniRocket"),
    Method("aeon-fcn", _aeon_factory(_AEON_DEEP, "FCNClassifier"), "aeon FCNClassifier", requires=("aeon",),
           reference="FCN", uses_keras=True),
    Method("aeon-resnet", _aeon_factory(_AEON_DEEP, "ResNetClassifier"), "aeon ResNetClassifier",
           requires=("aeon",), reference="ResNet", uses_keras=True),
    Method("aeon-inception", _aeon_factory(_AEON_DEEP, "InceptionTimeClassifier"),
           "aeon InceptionTimeClassifier", requires=("aeon",), reference="InceptionTime", uses_keras=True),
    Method("1nn-dtw", _one_nn_dtw, "aeon 1-nearest neighbour, DTW with a full window, z-normalized series", requires=("aeon",),
           reference="1NN-DTW"),
):
    register_method(_method)
del _method
