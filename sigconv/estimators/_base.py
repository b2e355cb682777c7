"""The base class of the deep-learning estimators: everything they share.

A public estimator is a thin subclass that names its network in the
registry of :mod:`sigconv.networks`, lists the constructor parameters passed
to the builder, and may override the default batch size. This module holds
the class skeleton, its hooks and the scikit-learn API (``fit``, ``embed``,
prediction, pickling and saving); the rest is in one module per concern,
mixed into :class:`BaseDeepEstimator`:

- :mod:`._params`: parameter checks, and the frozen :class:`FitParams` a fit
  resolves once and reads everywhere after;
- :mod:`._targets`: labels or real targets, sample and class weights,
  validation splits and ``validation_data``;
- :mod:`._keras_data`: series to the channel-last Keras layout, padding,
  grouping series of any length for prediction;
- :mod:`._model`: network and head, ensembles, mixed precision, compilation;
- :mod:`._training`: the training loop (learning-rate schedule, validation,
  early stopping, time budget, checkpoints, batches made per step).
"""

import copy
import functools
import os

import keras
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.validation import _check_feature_names, check_is_fitted

from ..networks import add_classification_head, add_regression_head
from ..validation import check_bool, check_float, check_option, check_series, is_ragged, series_lengths
from . import _budget
from ._adapt import AdaptationMixin
from ._batches import DiskSeries
from ._context import distribution_scope, seeded
from ._keras_data import KerasDataMixin, _on_demand, _take, _validation_view, _viewed
from ._losses import SmoothedSparseCategoricalCrossentropy
from ._model import ModelMixin, _all_layers, _find_layer  # noqa: F401  (_all_layers, _find_layer: imported from here)
from ._params import ParamsMixin, resolve_params
from ._serialization import estimator_class, from_json, model_from_bytes, model_to_bytes, read_estimator_file, save_estimator
from ._targets import ClassifierTargetsMixin, RegressorTargetsMixin, TargetsMixin
from ._training import TrainingMixin
from ._divergence import check_input_scale
from ._serialization import check_file_contents
from ._target_scaling import StandardizedTargets
from ._transfer import clone_with_source, is_source

__all__ = ["BaseDeepClassifier", "BaseDeepEstimator", "BaseDeepRegressor", "store_params"]


class _KerasModelBytes:
    """A Keras model inside a pickle: the bytes of its ``.keras`` archive."""

    def __init__(self, data):
        self.data = data


class KerasModelPickling:
    """Pickle a fitted ``model_`` (a keras.Model) as the bytes of its ``.keras`` archive.

    Mixed in before :class:`sklearn.base.BaseEstimator`, whose pickling it extends.
    """

    def __getstate__(self):
        state = super().__getstate__()
        if isinstance(state.get("model_"), keras.Model):
            state = dict(state)
            state["model_"] = _KerasModelBytes(model_to_bytes(state["model_"]))
        return state

    def __setstate__(self, state):
        if isinstance(state.get("model_"), _KerasModelBytes):
            state = dict(state)
            state["model_"] = model_from_bytes(state["model_"].data)
        super().__setstate__(state)


class BaseDeepEstimator(
    KerasModelPickling, ParamsMixin, TargetsMixin, KerasDataMixin, ModelMixin, TrainingMixin, AdaptationMixin,
    BaseEstimator,
):
    """Base class of sigconv's deep-learning estimators.

    Subclasses set the class attributes ``_network`` (a key of
    :data:`sigconv.networks.NETWORKS`) and ``_network_params`` (the names of
    their constructor parameters passed to the builder), and may override
    :meth:`_default_batch_size` and :meth:`_builder_params`. Those with an
    ``ensemble_size`` parameter set ``_has_ensemble = True``. Classifiers
    and regressors derive from :class:`BaseDeepClassifier` and
    :class:`BaseDeepRegressor`.

    Conventions every estimator follows:

    - series go through :func:`sigconv.validation.check_series` and reach
      Keras channel-last, ``(n_samples, n_timepoints, n_channels)``;
    - series of equal length give a network built for that length, and
      ``predict`` asks for the same length; series of unequal length give a
      network that takes any length: they are padded at the end to the
      longest training series with ``_pad_value`` (zeros for convolutional
      networks; recurrent networks pad with a value their masking layer
      skips), and at prediction each series shorter than that is padded the
      same way, so a series is seen exactly as in training, while longer
      series run at their own length. A prediction never depends on the
      other series passed with it (beyond float32 rounding: some backend
      kernels are chosen by batch size, a difference of about 1e-6
      relative);
    - a fresh Keras model is built at every ``fit`` (unless it resumes
      from a checkpoint);
    - an ``X`` that is a :class:`numpy.memmap` (``np.load(path,
      mmap_mode="r")``) or a :class:`~sigconv.estimators.DiskSeries` is
      never read whole: ``fit``, ``predict`` and ``embed`` read it a batch
      of rows at a time (see the ``X`` parameter of :meth:`fit`);
    - with ``augmentation``, or with ``X`` on disk, training batches are made
      at each step by a ``keras.utils.PyDataset``, shuffled at each epoch.
    """

    _network = None
    _network_params = ()
    # True for estimators with an ``ensemble_size`` parameter (networks trained side by side).
    _has_ensemble = False
    # True where XLA measurably shortens TensorFlow's CPU epochs of the network
    # (docs/estimators.md, "Backends and devices"): ``jit_compile="auto"`` then
    # compiles long fits there too.
    _xla_on_tensorflow = False
    # The steps of the Augmenter that ``augmentation="auto"`` stands for, where one measurably
    # raised the estimator's UCR accuracy (docs/augmentation.md, "On UCR data sets"), and the
    # most training series it is used on (None: any number); on more, or with no steps, "auto"
    # trains on the series as they are.
    _auto_augmentation = None
    _auto_augmentation_max_samples = None
    _pad_value = 0.0
    _masks_padding = False
    _fitted_attributes = (
        "n_channels_in_",
        "n_timepoints_in_",
        "n_features_in_",
        "feature_names_in_",
        "pad_length_",
        "history_",
        "n_epochs_",
        "augmentation_",
        "_embedding_layers",
    )

    # hooks for subclasses --------------------------------------------------------------------

    def _default_batch_size(self, n_samples):
        """Batch size when ``batch_size=None``: 16, or ``n_samples`` if fewer.

        Not Fawaz et al.'s ``min(16, n_samples // 10)``: batch normalization
        on 3 series cost the smallest UCR sets points (docs/estimators.md,
        "Training defaults", batch size).
        """
        return max(1, min(16, n_samples))

    def _n_members(self):
        """Number of networks trained together as an ensemble: ``ensemble_size``, or 1 without it."""
        return self.ensemble_size if self._has_ensemble else 1

    def _keras_weights(self, weights):
        """Sample weights for Keras: one per series and ensemble member."""
        n_members = self._n_members()
        return weights if n_members == 1 else np.repeat(weights[:, None], n_members, axis=1)

    def _builder_params(self, variable_length):
        """Keyword arguments of the network builder."""
        return {name: getattr(self, name) for name in self._network_params}

    # scikit-learn API ------------------------------------------------------------------------

    def fit(self, X, y, *, sample_weight=None, validation_data=None, groups=None):
        """Build the network and train it on ``X``, ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints), or list of array-like
            Training series: a 2D array for univariate series, a 3D array,
            a wide DataFrame (one row per series), or a list of 1D or 2D
            arrays for series of unequal length (see the class docstring
            for how they are padded). A :class:`numpy.memmap` (what
            ``np.load(path, mmap_mode="r")`` returns) of shape
            ``(n_samples, n_timepoints)`` or ``(n_samples, n_channels,
            n_timepoints)``, or a :class:`~sigconv.estimators.DiskSeries`
            (an h5py data set, a zarr or dask array, a loader of your
            own), is read batch by batch, each batch converted to float32
            and checked for NaN and inf (which raise with the index of the
            sample in the file) when it is read, so data larger than
            memory can be trained on; ``validation_split`` batches from the
            same file, and ``validation_data`` is read into memory.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels of any type (classifiers) or real targets
            (regressors).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each series in the loss (multiplied by
            the class weights of ``class_weight``). None weighs all equally.
        validation_data : tuple (X_val, y_val) or None, default=None
            Series and targets to compute the validation loss on after each
            epoch, instead of holding out ``validation_split`` of ``X``.
            The weights kept are those of the epoch with the lowest
            validation loss.
        groups : array-like of shape (n_samples,) or None, default=None
            For windows cut from recordings: the recording (or time block
            of one) each window comes from, e.g. the groups of
            ``sigconv.monitoring``'s windowing helpers. The validation set
            then holds out whole groups (``validation_split``, 0.2 if
            None), and ``epochs=None`` trains for about 1,000 gradient
            steps (within [5, 300] epochs) instead of about 4,000,
            stopping after 3 epochs without a lower validation loss (unless
            ``early_stopping_patience`` is set); the weights of the epoch
            with the lowest validation loss are kept. Neighbouring windows
            overlap, so a random split would validate on windows the
            network has nearly seen (see ``docs/monitoring.md``).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        checked = _budget.window_params(self._check_params(), groups, validation_data)
        self._check_validation_params(checked, validation_data)
        raw_X = X
        disk = _on_demand(X)
        X = check_input_scale(check_series(X)) if disk is None else disk
        n_samples = len(X)
        groups = _budget.check_groups(groups, n_samples)
        augmentation = self._check_augmentation(self.augmentation, n_samples)
        ragged = is_ragged(X)
        n_channels = int(X[0].shape[0] if ragged else X.shape[1])
        lengths = series_lengths(X)
        n_timepoints = None if ragged else int(X.shape[-1])
        pad_length = int(lengths.max()) if ragged else None

        y_fit, targets = self._check_targets(y, n_samples)
        class_weights = self._class_weights(y_fit, targets, checked)
        weights = self._check_sample_weight(sample_weight, n_samples)
        weights = self._weigh(weights, y_fit, class_weights)
        self._check_weights(weights, y_fit, targets)

        # Batches made per step (augmentation, X on disk) convert the series when they are read.
        # Series shortened by the augmentation are padded like series of unequal length.
        masked = ragged or self._masks_views(augmentation)
        to_keras = functools.partial(self._to_keras, length=pad_length if ragged else n_timepoints, masked=masked)
        batched = augmentation is not None or isinstance(X, DiskSeries)
        X_fit = X if batched else to_keras(X)
        validation = None
        if checked["validation_split"] is not None:
            train, held_out = (
                self._split(y_fit, targets, checked["validation_split"], checked["random_state"])
                if groups is None else _budget.grouped_split(
                    groups, y_fit, checked["validation_split"], checked["random_state"],
                    stratify=isinstance(self, ClassifierMixin))
            )
            X_val = _take(X_fit, held_out)
            if batched and not isinstance(X_val, DiskSeries):
                X_val = to_keras(_viewed(_validation_view(augmentation), X_val))
            validation = (X_val, y_fit[held_out], weights[held_out])
            X_fit, y_fit, weights = _take(X_fit, train), y_fit[train], weights[train]
        elif validation_data is not None:
            validation = self._check_validation_data(
                validation_data, n_channels, n_timepoints, pad_length, targets, class_weights,
                _validation_view(augmentation), masked,
            )
        if validation is not None:
            validation = (
                validation[0], self._keras_targets(validation[1]), self._keras_weights(validation[2])
            )
        if groups is not None and checked["epochs"] is None:
            checked["epochs"] = _budget.window_epochs(
                len(X_fit), checked["batch_size"] or self._default_batch_size(len(X_fit)))
        params = resolve_params(
            checked,
            augmentation=augmentation,
            n_train=len(X_fit),
            default_batch_size=self._default_batch_size(len(X_fit)),
            xla_on_tensorflow=self._xla_on_tensorflow,
            jit_compile=self.jit_compile,
        )

        with seeded(params["random_state"]), distribution_scope(params["distribution"]):
            model, embedding_layers, plan = self._build_model(
                n_timepoints, n_channels, self._n_outputs(targets), params, variable_length=masked
            )
            history, model = self._fit_model(
                model,
                plan,
                X_fit,
                self._keras_targets(y_fit),
                self._keras_weights(weights),
                validation,
                params,
                to_keras=to_keras,
            )

        _check_feature_names(self, raw_X, reset=True)
        self.n_channels_in_ = n_channels
        self.n_timepoints_in_ = n_timepoints
        if n_timepoints is not None:
            self.n_features_in_ = n_timepoints
        elif hasattr(self, "n_features_in_"):
            del self.n_features_in_
        self.pad_length_ = pad_length
        for key, value in targets.items():
            setattr(self, key, value)
        self.model_ = model
        self.history_ = history
        self.n_epochs_ = len(history.get("loss", []))
        # predict's test views follow the training, not a parameter set after it
        self.augmentation_ = copy.deepcopy(params["augmentation"])
        self._embedding_layers = embedding_layers
        return self

    def embed(self, X, *, layer=None, pooling="avg"):
        """Activations of an inner layer of the network, as features for another model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints), or list of array-like
            Series, as for :meth:`predict`.
        layer : str or None, default=None
            Name of a layer of ``model_`` (see ``[l.name for l in
            est.model_.layers]``; inside an ensemble, layers of the member
            networks are found by name too). None takes the output of the
            network before its head (the last feature map, or the last
            LSTM state); for an ensemble, those of all members side by side.
        pooling : {"avg", "max"}, default="avg"
            How an output with a time axis ``(n_samples, time, channels)``
            (or the image axes of ``(n_samples, height, width, channels)``)
            is reduced to ``(n_samples, channels)``: the mean or maximum over
            time (or height and width). Other outputs are flattened.

        Returns
        -------
        features : ndarray of shape (n_samples, n_features)
            float32 features, one row per series.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sigconv.estimators import FCNClassifier
        >>> X = np.sin(np.linspace(0, 6, 20))[None, :] * np.arange(1, 9)[:, None]
        >>> y = [0, 1] * 4
        >>> clf = FCNClassifier(filters=(4, 3), kernel_sizes=(3, 3), epochs=2, random_state=0).fit(X, y)
        >>> features = clf.embed(X)
        >>> features.shape
        (8, 3)
        >>> LogisticRegression().fit(features, y).predict(features).shape
        (8,)
        """
        check_is_fitted(self, "model_")
        if layer is not None and not isinstance(layer, str):
            raise TypeError(f"layer must be a layer name (str) or None; got layer={layer!r}.")
        pooling = check_option(pooling, "pooling", ("avg", "max"))
        names = list(self._embedding_layers) if layer is None else [layer]
        extractors = [self._layer_model(name) for name in names]
        X = self._check_X_predict(X)
        parts = None
        for index, batch in self._keras_groups(X):
            features = []
            for extractor in extractors:
                output = np.asarray(extractor.predict(batch, verbose=0), dtype=np.float32)
                if output.ndim in (3, 4):  # over time, or over height and width of images
                    axes = tuple(range(1, output.ndim - 1))
                    output = output.mean(axis=axes) if pooling == "avg" else output.max(axis=axes)
                features.append(output.reshape(len(output), -1))
            features = np.concatenate(features, axis=1)
            if parts is None:
                parts = np.empty((len(X), features.shape[1]), dtype=np.float32)
            parts[index] = features
        return parts

    def __sklearn_clone__(self):
        # clone(est) would clone a fitted source estimator in ``weights`` into an unfitted one
        if is_source(getattr(self, "weights", None)):
            return clone_with_source(self)
        return super().__sklearn_clone__()

    def save(self, path, *, overwrite=False):
        """Write the fitted estimator to one file, without pickle.

        The file is a zip archive holding the Keras model as ``model.keras``
        (architecture, weights and optimizer state) and ``estimator.json``
        (the class name, parameters, fitted attributes such as ``classes_``
        with their dtype, and the sigconv and Keras versions). The
        ``callbacks`` parameter is not saved (callbacks are training-time
        objects): the loaded estimator has ``callbacks=None``. A ``weights``
        that is a fitted estimator is saved as None (its weights are in the
        model; ``estimator.json``'s ``"notes"`` says so); a path is kept. The file is
        written to a temporary file next to ``path`` and then moved into
        place.

        Parameters
        ----------
        path : str or os.PathLike
            File to write; any extension (e.g. ``"model.sigconv"``).
        overwrite : bool, default=False
            Whether an existing file at ``path`` may be replaced.

        Raises
        ------
        FileExistsError
            If ``path`` exists and ``overwrite`` is False.

        See Also
        --------
        load : Read the file back (also :func:`sigconv.estimators.load`).
        """
        check_is_fitted(self, "model_")
        from .. import __version__  # noqa: PLC0415

        save_estimator(
            self,
            path,
            overwrite=check_bool(overwrite, "overwrite"),
            fitted_attributes=self._fitted_attributes,
            version=__version__,
        )

    @classmethod
    def load(cls, path):
        """Load an estimator of this class written by :meth:`save`.

        Parameters
        ----------
        path : str or os.PathLike
            A file written by :meth:`save`.

        Returns
        -------
        estimator : object
            The fitted estimator.

        Raises
        ------
        ValueError
            If the file is not a sigconv estimator file, is corrupt, or
            holds another estimator class (use
            :func:`sigconv.estimators.load` to load any class).
        """
        metadata, model_bytes = read_estimator_file(path)
        found = estimator_class(metadata["class"], path)
        if not issubclass(found, cls):
            raise ValueError(
                f"{os.fspath(path)!r} holds a {found.__name__}, not a {cls.__name__}. Load it "
                f"with {found.__name__}.load or sigconv.estimators.load."
            )
        return found._from_file_contents(metadata, model_bytes, path)

    @classmethod
    def _from_file_contents(cls, metadata, model_bytes, path):
        params = {key: from_json(value) for key, value in metadata["params"].items()}
        expected = set(cls._get_param_names())
        if set(params) != expected:
            raise ValueError(
                f"{os.fspath(path)!r} holds a {cls.__name__} with parameters "
                f"{sorted(params)}, which differ from those of this sigconv's "
                f"{cls.__name__} ({sorted(expected)}); it was written by sigconv "
                f"{metadata.get('sigconv_version')!r}."
            )
        estimator = cls(**params)
        for key, value in metadata["fitted"].items():
            setattr(estimator, key, from_json(value))
        if "augmentation_" not in metadata["fitted"]:  # written before it (and "auto") existed
            estimator.augmentation_ = copy.deepcopy(cls._check_augmentation(params["augmentation"], None))
        try:
            estimator.model_ = model_from_bytes(model_bytes)
        except Exception as exc:
            raise ValueError(
                f"{os.fspath(path)!r} is a corrupt sigconv estimator file: its Keras model could "
                f"not be loaded ({exc})."
            ) from exc
        check_file_contents(estimator, path)
        return estimator

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = False
        tags.non_deterministic = self.random_state is None
        return tags


class BaseDeepClassifier(ClassifierMixin, ClassifierTargetsMixin, BaseDeepEstimator):
    """Base class of the deep-learning classifiers: labels, class weights, probabilities.

    Labels of any type (strings, ints, non-contiguous values) are encoded
    with :class:`sklearn.preprocessing.LabelEncoder`; the network has a
    softmax over ``len(classes_)`` outputs (two for binary problems) and is
    trained with the sparse categorical cross-entropy, smoothed with
    ``label_smoothing``.
    """

    _fitted_attributes = ("classes_", *BaseDeepEstimator._fitted_attributes)

    @staticmethod
    def _loss(params):
        """The cross-entropy of integer labels, smoothed when ``label_smoothing`` is set."""
        if params["label_smoothing"] == 0:
            return "sparse_categorical_crossentropy"
        return SmoothedSparseCategoricalCrossentropy(params["label_smoothing"])

    def predict(self, X):
        """Predict the class of each series.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints), or list of array-like
            Series with the channels seen in ``fit`` (and its length, if
            ``fit`` had series of equal length).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels of the most probable class, of the type of ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def predict_proba(self, X):
        """Predict the probability of each class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints), or list of array-like
            Series, as for :meth:`predict`.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            float64 probabilities (the mean of the members' for an
            ensemble), columns in the order of ``classes_``, rows summing
            to 1.
        """
        proba = self._predict_outputs(X)
        return proba / proba.sum(axis=1, keepdims=True)

    def _check_params(self):
        params = super()._check_params()
        params["class_weight"] = self._check_class_weight(self.class_weight)
        params["label_smoothing"] = check_float(
            self.label_smoothing, "label_smoothing", min_value=0, max_value=1, closed="left",
            hint="It is the share of each target spread evenly over the classes (0 for none, 0.1 is common).",
        )
        return params

    def _add_head(self, backbone, n_outputs):
        return add_classification_head(backbone, n_outputs)


class BaseDeepRegressor(RegressorMixin, RegressorTargetsMixin, StandardizedTargets, BaseDeepEstimator):
    """Base class of the deep-learning regressors: real targets, one or several outputs.

    The network ends in a linear layer with one unit per target and is
    trained with the mean squared error on the standardized targets
    (``(y - target_mean_) / target_scale_``, per output over the training
    series; predictions are mapped back), so targets of any magnitude train
    alike; ``history_`` losses are in standardized units.
    """

    _fitted_attributes = ("n_outputs_", "_y_ndim", "target_mean_", "target_scale_",
                          *BaseDeepEstimator._fitted_attributes)

    @staticmethod
    def _loss(params):
        return "mean_squared_error"

    def predict(self, X):
        """Predict the target(s) of each series.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints), or list of array-like
            Series with the channels seen in ``fit`` (and its length, if
            ``fit`` had series of equal length).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            float64 predictions (the mean of the members' for an ensemble),
            1D when ``fit`` got a 1D ``y``.
        """
        outputs = self._predict_outputs(X)
        return outputs.ravel() if self._y_ndim == 1 else outputs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _add_head(self, backbone, n_outputs):
        return add_regression_head(backbone, n_outputs)


def store_params(estimator, arguments):
    """Store the constructor arguments (``locals()`` of ``__init__``) as attributes, unchanged."""
    for name, value in arguments.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)
