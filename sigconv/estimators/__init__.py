"""scikit-learn estimators around sigconv's Keras 3 networks.

Each estimator trains one network of :mod:`sigconv.networks` with a
classification or regression head, with the training defaults of the
reference implementations (Adam, learning rate 1e-3, halved on plateaus of
the training loss). They take series in every layout
:func:`sigconv.validation.check_series` accepts, series of unequal length
included, and work with ``clone``, ``Pipeline``, ``GridSearchCV`` and pickle.

- classifiers: :class:`FCNClassifier`, :class:`ResNetClassifier`,
  :class:`InceptionTimeClassifier`, :class:`WaveNetClassifier`,
  :class:`LSTMClassifier`;
- regressors: :class:`FCNRegressor`, :class:`ResNetRegressor`,
  :class:`InceptionTimeRegressor`, :class:`WaveNetRegressor`,
  :class:`LSTMRegressor`;
- :func:`load` reads an estimator written by its ``save`` method;
- :class:`BaseDeepEstimator` (and :class:`BaseDeepClassifier`,
  :class:`BaseDeepRegressor`) hold what they share, for new estimators.
"""

from ._base import BaseDeepClassifier, BaseDeepEstimator, BaseDeepRegressor
from ._serialization import load
from .fcn import FCNClassifier, FCNRegressor
from .inception_time import InceptionTimeClassifier, InceptionTimeRegressor
from .lstm import LSTMClassifier, LSTMRegressor
from .resnet import ResNetClassifier, ResNetRegressor
from .wavenet import WaveNetClassifier, WaveNetRegressor

__all__ = [
    "BaseDeepClassifier",
    "BaseDeepEstimator",
    "BaseDeepRegressor",
    "FCNClassifier",
    "FCNRegressor",
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
