"""scikit-learn estimators around sigconv's Keras 3 networks.

Each estimator trains one network of :mod:`sigconv.networks` with a
classification or regression head: Adam from a learning rate of 1e-3 on a
cosine schedule, for a number of epochs chosen from the data size (about
4,000 gradient steps), a fraction of the reference implementations' 1,500
epochs (``epochs=1500, lr_schedule="plateau"`` with
``batch_size=max(1, min(16, n_train // 10))`` is their protocol). They
take series in every layout :func:`sigconv.validation.check_series`
accepts, series of unequal length included, and work with ``clone``, ``Pipeline``, ``GridSearchCV`` and pickle.
``augmentation=`` (a :class:`sigconv.augmentation.Augmenter`, the name of
one augmentation such as ``"window_slice"``, or ``"auto"``, each estimator's
measured choice: window slices for :class:`ResNetClassifier` fitted on up
to 250 series) augments the
training batches, and an ``X`` given as a :class:`numpy.memmap` or a
:class:`DiskSeries` (h5py, zarr, dask or a loader of one's own) is read
batch by batch (see ``docs/augmentation.md``).

- classifiers: :class:`FCNClassifier`, :class:`ResNetClassifier`,
  :class:`InceptionTimeClassifier`, :class:`WaveNetClassifier`,
  :class:`LSTMClassifier`;
- regressors: :class:`FCNRegressor`, :class:`ResNetRegressor`,
  :class:`InceptionTimeRegressor`, :class:`WaveNetRegressor`,
  :class:`LSTMRegressor`;
- image models: :class:`ImageCNNClassifier`, :class:`ImageCNNRegressor`
  (a transform layer of :mod:`sigconv.layers`, then a scratch 2D ConvNet or a
  ``keras.applications`` backbone) and :class:`DeepFeatures` (pooled layer
  activations as a scikit-learn transformer);
- :class:`DiskSeries` wraps series read on demand, for data larger than memory;
- :func:`load` reads an estimator written by its ``save`` method;
- :class:`BaseDeepEstimator` (and :class:`BaseDeepClassifier`,
  :class:`BaseDeepRegressor`) hold what they share, for new estimators.
"""

from ._base import BaseDeepClassifier, BaseDeepEstimator, BaseDeepRegressor
from ._batches import DiskSeries
from ._serialization import load
from .deep_features import DeepFeatures
from .fcn import FCNClassifier, FCNRegressor
from .image import ImageCNNClassifier, ImageCNNRegressor
from .inception_time import InceptionTimeClassifier, InceptionTimeRegressor
from .lstm import LSTMClassifier, LSTMRegressor
from .resnet import ResNetClassifier, ResNetRegressor
from .wavenet import WaveNetClassifier, WaveNetRegressor

__all__ = [
    "BaseDeepClassifier",
    "BaseDeepEstimator",
    "BaseDeepRegressor",
    "DeepFeatures",
    "DiskSeries",
    "FCNClassifier",
    "FCNRegressor",
    "ImageCNNClassifier",
    "ImageCNNRegressor",
    "InceptionTimeClassifier",
    "InceptionTimeRegressor",
    "LSTMClassifier",
    "LSTMRegressor",
    "ResNetClassifier",
    "ResNetRegressor",
    "WaveNetClassifier",
    "WaveNetRegressor",
    "load",
]
