"""The base class of the deep-learning estimators: everything they share.

A public estimator is a thin subclass that names its network in the
registry of :mod:`sigconv.networks`, lists the constructor parameters passed
to the builder, and may override the default batch size. Everything else
lives here: parameter and input validation, the channel-last layout and
padding of series for Keras, model building (mixed precision, data-parallel
distribution, ensembles), the training loop (learning-rate schedule,
validation, early stopping, time budget, checkpoints), prediction on series
of any length, embeddings, pickling and saving.
"""

import contextlib
import copy
import functools
import math
import numbers
import os

import keras
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_feature_names, check_is_fitted, column_or_1d

from ..augmentation import AUGMENTATIONS, Augmenter
from ..networks import add_classification_head, add_regression_head, build_network
from ..validation import check_bool, check_float, check_int, check_option, check_series, is_ragged, series_lengths
from . import _callbacks
from ._batches import DiskSeries, TrainingBatches
from ._checkpoint import CHECKPOINT_NAME, Checkpoint, fingerprint, read_checkpoint, restore_checkpoint
from ._context import check_distribution, distribution_scope, dtype_policy, seeded
from ._losses import SmoothedSparseCategoricalCrossentropy
from ._serialization import estimator_class, from_json, model_from_bytes, model_to_bytes, read_estimator_file, save_estimator
from ._serialization import check_file_contents
from ._divergence import StopOnNonFiniteLoss, check_input_scale
from ._targets import StandardizedTargets

__all__ = ["BaseDeepClassifier", "BaseDeepEstimator", "BaseDeepRegressor", "store_params"]

# Parameters a resumed fit may change without invalidating its checkpoint (with
# lr_schedule="cosine", more epochs stretch the rest of the schedule).
_RESUMABLE_PARAMS = ("callbacks", "checkpoint_dir", "checkpoint_every", "epochs", "max_time", "verbose")

# epochs=None: about _STEPS gradient steps, within [_MIN_EPOCHS, _MAX_EPOCHS] epochs.
_STEPS, _MIN_EPOCHS, _MAX_EPOCHS = 4000, 20, 300

# Batches run per call into the backend: small networks on a CPU spend a large
# part of a step in Python dispatch (FCN on GunPoint, TensorFlow: 4 steps per
# execution made an epoch about a third faster). Callbacks run per epoch here.
# Keras' PyTorch trainer accepts only 1.
_STEPS_PER_EXECUTION = 16


def _steps_per_execution():
    return 1 if keras.backend.backend() == "torch" else _STEPS_PER_EXECUTION

# ReduceLROnPlateau of Fawaz et al. (dl-4-tsc, InceptionTime): halve, floor 1e-4.
_LR_FACTOR = 0.5
_MIN_LR = 1e-4


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


class BaseDeepEstimator(KerasModelPickling, BaseEstimator):
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

        Fawaz et al. (2019) used ``min(16, n_samples // 10)``: batches of 3
        for 30 series. Batch normalization then trains on the statistics of
        3 series and predicts with moving averages of them; on the smallest
        UCR sets that cost ResNet up to 30 points (Beef: 0.43 with batches
        of 3, 0.73 with 16, at the same 300 epochs).
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

    def fit(self, X, y, *, sample_weight=None, validation_data=None):
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

        Returns
        -------
        self : object
            The fitted estimator.
        """
        params = self._check_params()
        self._check_validation_params(params, validation_data)
        raw_X = X
        disk = _on_demand(X)
        X = check_input_scale(check_series(X)) if disk is None else disk
        n_samples = len(X)
        params["augmentation"] = self._check_augmentation(self.augmentation, n_samples)
        ragged = is_ragged(X)
        n_channels = int(X[0].shape[0] if ragged else X.shape[1])
        lengths = series_lengths(X)
        n_timepoints = None if ragged else int(X.shape[-1])
        pad_length = int(lengths.max()) if ragged else None

        y_fit, targets = self._check_targets(y, n_samples)
        class_weights = self._class_weights(y_fit, targets, params)
        weights = self._check_sample_weight(sample_weight, n_samples)
        weights = self._weigh(weights, y_fit, class_weights)
        self._check_weights(weights, y_fit, targets)

        # Batches made per step (augmentation, X on disk) convert the series when they are read.
        # Series shortened by the augmentation are padded like series of unequal length.
        masked = ragged or self._masks_views(params["augmentation"])
        to_keras = functools.partial(self._to_keras, length=pad_length if ragged else n_timepoints, masked=masked)
        batched = params["augmentation"] is not None or isinstance(X, DiskSeries)
        X_fit = X if batched else to_keras(X)
        validation = None
        if params["validation_split"] is not None:
            train, held_out = self._split(y_fit, targets, params["validation_split"], params["random_state"])
            X_val = _take(X_fit, held_out)
            if batched and not isinstance(X_val, DiskSeries):
                X_val = to_keras(_viewed(_validation_view(params["augmentation"]), X_val))
            validation = (X_val, y_fit[held_out], weights[held_out])
            X_fit, y_fit, weights = _take(X_fit, train), y_fit[train], weights[train]
        elif validation_data is not None:
            validation = self._check_validation_data(
                validation_data, n_channels, n_timepoints, pad_length, targets, class_weights,
                _validation_view(params["augmentation"]), masked,
            )
        if validation is not None:
            validation = (
                validation[0], self._keras_targets(validation[1]), self._keras_weights(validation[2])
            )
        batch_size = params["batch_size"] or self._default_batch_size(len(X_fit))
        params["epochs"] = params["epochs"] or _default_epochs(len(X_fit), batch_size)
        if self.jit_compile == "auto" and self._xla_on_tensorflow:
            n_steps = params["epochs"] * math.ceil(len(X_fit) / batch_size)
            params["jit_compile"] = params["jit_compile"] or _xla_pays_on_tensorflow(n_steps)

        with seeded(params["random_state"]), distribution_scope(params["distribution"]):
            model, embedding_layers = self._build_model(
                n_timepoints, n_channels, self._n_outputs(targets), params, variable_length=masked
            )
            history, model = self._train(
                model,
                X_fit,
                self._keras_targets(y_fit),
                self._keras_weights(weights),
                validation,
                batch_size,
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

    def save(self, path, *, overwrite=False):
        """Write the fitted estimator to one file, without pickle.

        The file is a zip archive holding the Keras model as ``model.keras``
        (architecture, weights and optimizer state) and ``estimator.json``
        (the class name, parameters, fitted attributes such as ``classes_``
        with their dtype, and the sigconv and Keras versions). The
        ``callbacks`` parameter is not saved (callbacks are training-time
        objects): the loaded estimator has ``callbacks=None``. The file is
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

    # parameters ------------------------------------------------------------------------------

    def _check_params(self):
        """Validate the shared parameters; return them as a dict."""
        params = {
            "epochs": check_int(self.epochs, "epochs", min_value=1, allow_none=True),
            "batch_size": check_int(self.batch_size, "batch_size", min_value=1, allow_none=True),
            "learning_rate": check_float(self.learning_rate, "learning_rate", min_value=0, closed="neither"),
            "max_time": check_float(
                self.max_time, "max_time", min_value=0, closed="neither", allow_none=True,
                hint="It is a time budget in seconds.",
            ),
            "validation_split": check_float(
                self.validation_split, "validation_split", min_value=0, max_value=1,
                closed="neither", allow_none=True,
                hint="It is the fraction of the training series held out for validation.",
            ),
            "early_stopping_patience": check_int(
                self.early_stopping_patience, "early_stopping_patience", min_value=1, allow_none=True
            ),
            "lr_schedule": check_option(self.lr_schedule, "lr_schedule", ("cosine", "plateau", None)),
            "reduce_lr_patience": check_int(self.reduce_lr_patience, "reduce_lr_patience", min_value=1),
            "callbacks": self._check_callbacks(self.callbacks),
            "checkpoint_dir": self._check_checkpoint_dir(self.checkpoint_dir),
            "checkpoint_every": check_int(self.checkpoint_every, "checkpoint_every", min_value=1),
            "random_state": check_int(
                self.random_state, "random_state", min_value=0, max_value=2**32 - 1, allow_none=True,
                hint="Keras seeds its generators from an int; pass an int, not a RandomState.",
            ),
            "mixed_precision": _check_mixed_precision(self.mixed_precision),
            "jit_compile": _check_jit_compile(self.jit_compile),
            "distribution": check_distribution(self.distribution),
            "verbose": check_int(self.verbose, "verbose", min_value=0, max_value=2),
        }
        if self._has_ensemble:
            params["ensemble_size"] = check_int(
                self.ensemble_size, "ensemble_size", min_value=1,
                hint="It is the number of networks averaged (1 for a single network).",
            )
        return params

    @classmethod
    def _check_augmentation(cls, augmentation, n_samples):
        """The augmenter ``augmentation`` stands for in a fit on ``n_samples`` series: a name is
        that one step with its defaults, ``"auto"`` the class's ``_auto_augmentation`` up to
        ``_auto_augmentation_max_samples`` series and None above."""
        if augmentation is None or isinstance(augmentation, Augmenter):
            return augmentation
        if isinstance(augmentation, str):
            if augmentation == "auto":
                steps, max_samples = cls._auto_augmentation, cls._auto_augmentation_max_samples
                # n_samples is None for files written before "auto" existed, where it never occurs
                too_many = max_samples is not None and n_samples is not None and n_samples > max_samples
                if steps is None or too_many:
                    return None
                return Augmenter([(name, dict(params)) for name, params in steps])
            if augmentation not in AUGMENTATIONS:
                shown = ", ".join(repr(name) for name in ("auto", *AUGMENTATIONS))
                raise ValueError(
                    f"augmentation must be one of {{{shown}}} when it is a str; got "
                    f"augmentation={augmentation!r}. Pass None to train on the series as they are."
                )
            return Augmenter([(augmentation, {})])
        raise TypeError(
            "augmentation must be a sigconv.augmentation.Augmenter, a str (\"auto\" or the name of "
            f"one augmentation) or None; got augmentation={augmentation!r}. Wrap the steps: "
            "augmentation=Augmenter([('jitter', {'sigma': 0.03})])."
        )

    @staticmethod
    def _check_callbacks(callbacks):
        if callbacks is None:
            return []
        if not isinstance(callbacks, (list, tuple)) or not all(
            isinstance(c, keras.callbacks.Callback) for c in callbacks
        ):
            raise TypeError(
                "callbacks must be a list of keras.callbacks.Callback instances or None; got "
                f"callbacks={callbacks!r}."
            )
        return list(callbacks)

    @staticmethod
    def _check_checkpoint_dir(checkpoint_dir):
        if checkpoint_dir is None:
            return None
        if not isinstance(checkpoint_dir, (str, os.PathLike)):
            raise TypeError(
                "checkpoint_dir must be a directory path (str or os.PathLike) or None; got "
                f"checkpoint_dir={checkpoint_dir!r}."
            )
        checkpoint_dir = os.fspath(checkpoint_dir)
        if os.path.exists(checkpoint_dir) and not os.path.isdir(checkpoint_dir):
            raise ValueError(
                f"checkpoint_dir={checkpoint_dir!r} is a file, not a directory. Pass a directory "
                "(it is created if missing)."
            )
        return checkpoint_dir

    def _check_validation_params(self, params, validation_data):
        if params["validation_split"] is not None and validation_data is not None:
            raise ValueError(
                f"validation_split={params['validation_split']} and validation_data were both "
                "given; pass one: hold out part of X with validation_split, or pass "
                "validation_data=(X_val, y_val) to fit with validation_split=None."
            )
        if (
            params["early_stopping_patience"] is not None
            and params["validation_split"] is None
            and validation_data is None
        ):
            raise ValueError(
                f"early_stopping_patience={params['early_stopping_patience']} needs a validation "
                "set to watch: set validation_split or pass validation_data to fit. Without "
                "validation, training runs for all epochs and keeps the final weights "
                "(early_stopping_patience=None)."
            )

    # targets and weights ---------------------------------------------------------------------

    @staticmethod
    def _check_sample_weight(sample_weight, n_samples):
        if sample_weight is None:
            return np.ones(n_samples, dtype=np.float32)
        weights = np.asarray(sample_weight)
        if weights.dtype.kind not in "biuf":
            raise TypeError(f"sample_weight must hold numbers; got an array of dtype {weights.dtype}.")
        if weights.ndim != 1 or len(weights) != n_samples:
            raise ValueError(
                f"sample_weight must have shape ({n_samples},), one weight per series; got shape "
                f"{weights.shape}."
            )
        if not np.all(np.isfinite(weights)) or np.any(weights < 0):
            raise ValueError("sample_weight must hold finite, non-negative numbers.")
        return weights.astype(np.float32)

    def _class_weights(self, y_fit, targets, params):
        """Weight of each (encoded) class, or None: classifiers only."""
        return None

    @staticmethod
    def _weigh(weights, y_fit, class_weights):
        if class_weights is None:
            return weights
        return weights * class_weights[y_fit].astype(np.float32)

    def _check_weights(self, weights, y_fit, targets):
        if not weights.any():
            raise ValueError(
                "sample_weight is zero for every series; at least one weight must be non-zero."
            )

    def _split(self, y_fit, targets, validation_split, random_state):
        n_samples = len(y_fit)
        n_held_out = math.ceil(validation_split * n_samples)
        if n_held_out >= n_samples:
            raise ValueError(
                f"validation_split={validation_split} holds out all {n_samples} series; use a "
                "smaller fraction."
            )
        return train_test_split(
            np.arange(n_samples), test_size=n_held_out, random_state=random_state, shuffle=True
        )

    def _check_validation_data(
        self, validation_data, n_channels, n_timepoints, pad_length, targets, class_weights, view, masked
    ):
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError(
                "validation_data must be a pair (X_val, y_val); got "
                f"{type(validation_data).__name__} {validation_data!r:.80}."
            )
        X_val, y_val = validation_data
        X_val = check_series(X_val, name="validation_data[0]", n_channels=n_channels)
        lengths = series_lengths(X_val)
        if n_timepoints is not None and np.any(lengths != n_timepoints):
            raise ValueError(
                f"validation_data[0] has series of {int(lengths[lengths != n_timepoints][0])} "
                f"timepoints, but X has series of {n_timepoints}: the network is built for that "
                "length. Pass validation series of the same length."
            )
        y_val = self._check_validation_targets(y_val, len(lengths), targets)
        weights = self._weigh(np.ones(len(lengths), dtype=np.float32), y_val, class_weights)
        length = n_timepoints if n_timepoints is not None else max(pad_length, int(lengths.max()))
        return self._to_keras(_viewed(view, X_val), length, masked=masked), y_val, weights

    # series to Keras -------------------------------------------------------------------------

    def _to_keras(self, X, length, *, masked):
        """Series ``(n, c, t_i)`` to float32 ``(n, length, c)``, padded at the end with ``_pad_value``."""
        if not is_ragged(X) and X.shape[-1] == length and not (masked and self._masks_padding):
            return np.ascontiguousarray(X.transpose(0, 2, 1))
        n_channels = X[0].shape[0]
        out = np.full((len(X), length, n_channels), self._pad_value, dtype=np.float32)
        for i, x in enumerate(X):
            if masked and self._masks_padding:
                hit = np.flatnonzero(np.all(x == np.float32(self._pad_value), axis=0))
                if len(hit):
                    raise ValueError(
                        f"Series {i} has a time step (timepoint {int(hit[0])}) equal to "
                        f"{self._pad_value} in every channel: {type(self).__name__} pads series "
                        "of unequal length with that value and its network skips such steps as "
                        "padding. Shift or scale the series (e.g. standardize them) so that no "
                        "step equals it."
                    )
            out[i, : x.shape[-1]] = x.T
        return out

    def _check_X_predict(self, X):
        _check_feature_names(self, X, reset=False)
        disk = _on_demand(X)
        if disk is not None:
            return disk.check_channels(self.n_channels_in_)
        return check_input_scale(check_series(X, n_channels=self.n_channels_in_))

    def _keras_groups(self, X, views=(None,)):
        """Yield ``(indices, batch)``: the series of ``X`` grouped by padded length, for Keras.

        Each group is read once and yielded once per view (the functions of
        :meth:`Augmenter.test_views`, or None for the series as they are),
        which transforms the series first, each over its own length.
        """
        lengths = series_lengths(X)
        expected = self.n_timepoints_in_
        masked = expected is None or self._masks_views(self.augmentation_)
        if expected is not None:
            wrong = lengths != expected
            if np.any(wrong):
                n = int(lengths[wrong][0])
                raise ValueError(
                    f"X has {n} features, but {type(self).__name__} is expecting {expected} "
                    f"features as input: it was fitted on series of {expected} timepoints and its "
                    f"network is built for that length. Resample or pad the series to {expected} "
                    "timepoints, or fit on a list of series of unequal length to get a network "
                    "that accepts any length."
                )
        if isinstance(X, DiskSeries):  # read from disk a chunk at a time
            length = expected if expected is not None else max(X.shape[-1], self.pad_length_)
            for index in X.chunks():
                series = X.read(index)
                for view in views:
                    yield index, self._to_keras(_viewed(view, series), length, masked=masked)
            return
        if expected is not None:
            for view in views:
                yield np.arange(len(lengths)), self._to_keras(_viewed(view, X), expected, masked=masked)
            return
        target = np.maximum(lengths, self.pad_length_)
        for length in np.unique(target):
            index = np.flatnonzero(target == length)
            series = [X[i] for i in index]
            for view in views:
                yield index, self._to_keras(_viewed(view, series), int(length), masked=True)

    def _predict_outputs(self, X):
        """Network outputs as float64 ``(n_samples, n_outputs)``.

        Averaged over the members of an ensemble, and over the test views
        of the augmentation (the windows of a ``"window_slice"`` step).
        """
        check_is_fitted(self, "model_")
        X = self._check_X_predict(X)
        views = self._test_views()
        out = None
        for index, batch in self._keras_groups(X, views):
            outputs = np.asarray(self.model_.predict(batch, verbose=0), dtype=np.float64)
            if outputs.ndim == 3:  # ensemble: (batch, members, outputs)
                outputs = outputs.mean(axis=1)
            if out is None:
                out = np.zeros((len(X), outputs.shape[1]), dtype=np.float64)
            out[index] += outputs / len(views)
        return out

    def _masks_views(self, augmenter):
        """Whether series shortened by ``augmenter`` are padded with masking (estimators that mask padding)."""
        return self._masks_padding and augmenter is not None and augmenter.changes_length

    def _test_views(self):
        """The views of the series the network was trained on (:meth:`Augmenter.test_views`)."""
        return [None] if self.augmentation_ is None else self.augmentation_.test_views()

    # model -----------------------------------------------------------------------------------

    def _build_model(self, n_timepoints, n_channels, n_outputs, params, variable_length):
        """Build and compile the network with its head (or the ensemble of ``_n_members()``)."""
        n_members = self._n_members()
        builder_params = self._builder_params(variable_length)
        policy = dtype_policy(params["mixed_precision"]) if params["mixed_precision"] else contextlib.nullcontext()
        members, embedding_layers = [], []
        for k in range(n_members):
            name = self._network if n_members == 1 else f"{self._network}{k}"
            with policy:
                backbone = build_network(self._network, n_timepoints, n_channels, name=name, **builder_params)
            # The head is built outside the mixed policy: pooling, logits and softmax in float32.
            members.append(self._add_head(backbone, n_outputs))
            embedding_layers.append(backbone.layers[-1].name)
        if n_members == 1:
            model = members[0]
        else:
            inputs = keras.Input((n_timepoints, n_channels), name=f"{self._network}_ensemble_input")
            outputs = [
                keras.layers.Reshape((1, n_outputs), name=f"{member.name}_expand")(member(inputs))
                for member in members
            ]
            stacked = keras.layers.Concatenate(axis=1, name=f"{self._network}_ensemble_stack")(outputs)
            model = keras.Model(inputs, stacked, name=f"{self._network}_ensemble")
        self._compile(model, params)
        return model, embedding_layers

    def _compile(self, model, params, learning_rate=None):
        """Compile ``model`` with Adam (at ``learning_rate``, default the parameter) and the estimator's loss."""
        rate = params["learning_rate"] if learning_rate is None else learning_rate
        model.compile(
            optimizer=make_optimizer(rate, params["mixed_precision"]),
            loss=self._loss(params),
            jit_compile=params["jit_compile"],
            steps_per_execution=_steps_per_execution(),
        )

    def _layer_model(self, name):
        """A model from the network input to the output of the layer called ``name``."""
        found = _find_layer(self.model_, name)
        if found is None:
            names = [layer.name for layer in _all_layers(self.model_)]
            shown = ", ".join(repr(n) for n in names[-8:])
            raise ValueError(
                f"layer={name!r} is not a layer of this {type(self).__name__}'s network. Its last "
                f"layers are {shown}; list them all with [l.name for l in est.model_.layers]."
            )
        owner, layer = found
        return keras.Model(owner.inputs, layer.output, name=f"{name}_features")

    # training --------------------------------------------------------------------------------

    def _train(self, model, X, y, weights, validation, batch_size, params, *, to_keras=None):
        """Fit ``model`` with the training callbacks; resume from a checkpoint if there is one.

        ``X`` is in Keras layout; or, with ``augmentation`` or series on
        disk, the validated series (array, list of unequal lengths, or
        :class:`DiskSeries`) that ``to_keras`` converts batch by batch,
        after augmentation.
        """
        directory = params["checkpoint_dir"]
        checkpoint = None
        base_state = None
        if directory is not None:
            os.makedirs(directory, exist_ok=True)
            key = self._fingerprint(X, y, weights, validation)
            base_state = {"fingerprint": key}
            checkpoint = read_checkpoint(directory)
            if checkpoint is not None and checkpoint["state"].get("fingerprint") != key:
                raise ValueError(
                    f"checkpoint_dir={directory!r} holds a checkpoint "
                    f"({os.path.join(directory, CHECKPOINT_NAME)}) of a fit with other parameters "
                    "or data, so this fit cannot resume from it. Use another checkpoint_dir, "
                    "delete the checkpoint to start over, or fit with the same parameters (only "
                    f"{', '.join(_RESUMABLE_PARAMS)} may change) and data to resume."
                )
        state = checkpoint["state"] if checkpoint is not None else {}
        if checkpoint is not None:
            restore_checkpoint(model, checkpoint)

        recorder = _callbacks.Recorder(state.get("history"))
        callbacks = [recorder, StopOnNonFiniteLoss(type(self).__name__, X, y, params["learning_rate"])]
        if params["lr_schedule"] == "cosine":
            # before the recorder, which logs the rate each epoch starts with
            callbacks.insert(0, _callbacks.CosineDecay(params["learning_rate"], params["epochs"]))
        plateau = None
        if params["lr_schedule"] == "plateau":
            plateau = _callbacks.ReduceLROnPlateau(
                monitor="loss",
                factor=_LR_FACTOR,
                patience=params["reduce_lr_patience"],
                min_lr=_MIN_LR,
                state=state.get("plateau"),
            )
            callbacks.append(plateau)
        monitor = None
        if validation is not None:
            monitor_state = state.get("monitor")
            monitor = _callbacks.ValidationMonitor(
                params["early_stopping_patience"],
                state=None if monitor_state is None else _callbacks.ValidationMonitor.decode_state(monitor_state),
                best_weights=None if checkpoint is None else checkpoint["best_weights"],
            )
            callbacks.append(monitor)
        if params["max_time"] is not None:
            callbacks.append(_callbacks.TimeBudget(params["max_time"]))
        if directory is not None:
            callbacks.append(
                Checkpoint(
                    directory,
                    every=params["checkpoint_every"],
                    base_state=base_state,
                    recorder=recorder,
                    plateau=plateau,
                    monitor=monitor,
                )
            )
        callbacks.extend(copy.deepcopy(callback) for callback in params["callbacks"])

        done = len(recorder.history.get("loss", []))
        stopped = monitor is not None and monitor.stopped
        if done < params["epochs"] and not stopped:
            batches = None
            if params["augmentation"] is not None or isinstance(X, DiskSeries):
                seed = params["random_state"]
                batches = TrainingBatches(
                    X,
                    y,
                    weights,
                    batch_size=batch_size,
                    seed=int(np.random.SeedSequence().entropy % 2**32) if seed is None else seed,
                    to_keras=to_keras,
                    augmentation=params["augmentation"],
                    initial_epoch=done,
                )
                X, y, weights = batches, None, None
            if validation is not None and isinstance(validation[0], DiskSeries):
                view = _validation_view(params["augmentation"])
                validation = TrainingBatches(
                    *validation,
                    batch_size=batch_size,
                    seed=0,
                    to_keras=lambda series: to_keras(_viewed(view, series)),
                    shuffle=False,
                )
            try:
                model.fit(
                    X,
                    y,
                    sample_weight=weights,
                    batch_size=None if batches is not None else batch_size,
                    epochs=params["epochs"],
                    initial_epoch=done,
                    verbose=params["verbose"],
                    callbacks=callbacks,
                    validation_data=validation,
                    shuffle=True,
                )
            except Exception:
                # tf.data turns an error raised while reading a batch into its own type
                for source in (batches, validation):
                    if isinstance(source, TrainingBatches) and source.error is not None:
                        raise source.error from None
                raise
        if monitor is not None and monitor.best_weights is not None:
            model.set_weights(monitor.best_weights)
        return recorder.history, model

    def _fingerprint(self, X, y, weights, validation):
        params = {
            key: value for key, value in self.get_params(deep=False).items() if key not in _RESUMABLE_PARAMS
        }
        arrays = [X, y, weights, *(validation if validation is not None else (None, None, None))]
        return fingerprint(type(self).__name__, params, arrays)


class BaseDeepClassifier(ClassifierMixin, BaseDeepEstimator):
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

    @staticmethod
    def _check_class_weight(class_weight):
        if class_weight is None or (isinstance(class_weight, str) and class_weight == "balanced"):
            return class_weight
        if isinstance(class_weight, dict):
            for label, weight in class_weight.items():
                if isinstance(weight, (bool, np.bool_)) or not isinstance(weight, numbers.Real) or not (
                    np.isfinite(weight) and weight >= 0
                ):
                    raise ValueError(
                        "class_weight must map class labels to finite, non-negative numbers; got "
                        f"class_weight[{label!r}]={weight!r}."
                    )
            return class_weight
        raise ValueError(
            "class_weight must be None, 'balanced' or a dict {label: weight}; got "
            f"class_weight={class_weight!r}."
        )

    def _check_targets(self, y, n_samples):
        y = _labels_1d(y, "y")
        if len(y) != n_samples:
            raise ValueError(
                f"X and y have different numbers of samples: X holds {n_samples} series and y "
                f"{len(y)} labels. Pass one label per series."
            )
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        classes = encoder.classes_
        if len(classes) < 2:
            raise ValueError(
                f"y holds one class ({_show(classes[0])}) for its {n_samples} series; a classifier "
                "needs series of at least 2 classes. Check that y holds the labels you meant."
            )
        return encoder.transform(y).astype(np.int32), {"classes_": classes}

    def _check_validation_targets(self, y, n_samples, targets):
        y = _labels_1d(y, "validation_data[1]")
        if len(y) != n_samples:
            raise ValueError(
                f"validation_data holds {n_samples} series and {len(y)} labels; pass one label per series."
            )
        classes = targets["classes_"]
        unseen = [label for label in np.unique(y).tolist() if label not in set(classes.tolist())]
        if unseen:
            raise ValueError(
                f"validation_data[1] holds labels not in y: {unseen[:5]}. Validation labels must "
                f"be classes seen in training ({classes.tolist()[:10]})."
            )
        return np.searchsorted(classes, y).astype(np.int32)

    def _class_weights(self, y_fit, targets, params):
        classes = targets["classes_"]
        class_weight = params["class_weight"]
        if class_weight is None:
            return None
        if isinstance(class_weight, dict):
            known = set(classes.tolist())
            unknown = [label for label in class_weight if label not in known]
            if unknown:
                raise ValueError(
                    f"class_weight has weights for labels that are not classes of y: "
                    f"{unknown[:5]}. Its keys must be labels of y ({classes.tolist()[:10]}); "
                    "classes left out get weight 1."
                )
            return np.array([float(class_weight.get(label, 1.0)) for label in classes.tolist()])
        return compute_class_weight("balanced", classes=np.arange(len(classes)), y=y_fit)

    def _check_weights(self, weights, y_fit, targets):
        super()._check_weights(weights, y_fit, targets)
        weighted = np.unique(y_fit[weights > 0])
        if len(weighted) < 2:
            raise ValueError(
                f"sample_weight and class_weight leave non-zero weight on a single class "
                f"({_show(targets['classes_'][weighted[0]])}); a classifier needs series of at least 2 "
                "classes with non-zero weight."
            )

    def _split(self, y_fit, targets, validation_split, random_state):
        n_samples = len(y_fit)
        n_classes = int(y_fit.max()) + 1
        counts = np.bincount(y_fit, minlength=n_classes)
        n_held_out = math.ceil(validation_split * n_samples)
        if counts.min() < 2:
            raise ValueError(
                f"validation_split={validation_split} draws a stratified validation set, which "
                f"needs at least 2 series of each class; class "
                f"{_show(targets['classes_'][int(np.argmin(counts))])} has 1. Pass validation_data "
                "instead, or use validation_split=None."
            )
        if n_held_out < n_classes or n_samples - n_held_out < n_classes:
            raise ValueError(
                f"validation_split={validation_split} splits the {n_samples} series into "
                f"{n_samples - n_held_out} for training and {n_held_out} for validation, but "
                f"each part needs at least one series of each of the {n_classes} classes. "
                "Change validation_split, pass validation_data, or use validation_split=None."
            )
        return train_test_split(
            np.arange(n_samples), test_size=n_held_out, random_state=random_state, stratify=y_fit
        )

    def _n_outputs(self, targets):
        return len(targets["classes_"])

    def _keras_targets(self, y_fit):
        n_members = self._n_members()
        return y_fit if n_members == 1 else np.repeat(y_fit[:, None], n_members, axis=1)

    def _add_head(self, backbone, n_outputs):
        return add_classification_head(backbone, n_outputs)



class BaseDeepRegressor(RegressorMixin, StandardizedTargets, BaseDeepEstimator):
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

    def _check_targets(self, y, n_samples):
        y = _real_targets(y, "y")
        if len(y) != n_samples:
            raise ValueError(
                f"X and y have different numbers of samples: X holds {n_samples} series and y "
                f"{len(y)} targets. Pass one target (row) per series."
            )
        y2d = y.reshape(len(y), -1).astype(np.float32)
        return y2d, {"n_outputs_": int(y2d.shape[1]), "_y_ndim": int(y.ndim)}

    def _check_validation_targets(self, y, n_samples, targets):
        y = _real_targets(y, "validation_data[1]").reshape(n_samples if len(y) == n_samples else len(y), -1)
        if len(y) != n_samples or y.shape[1] != targets["n_outputs_"]:
            raise ValueError(
                f"validation_data[1] must have {n_samples} rows of {targets['n_outputs_']} "
                f"target(s), like y; got shape {y.shape}."
            )
        return y.astype(np.float32)

    def _n_outputs(self, targets):
        return targets["n_outputs_"]

    def _keras_targets(self, y_fit):
        n_members = self._n_members()
        return y_fit if n_members == 1 else np.repeat(y_fit[:, None, :], n_members, axis=1)

    def _add_head(self, backbone, n_outputs):
        return add_regression_head(backbone, n_outputs)



# helpers ---------------------------------------------------------------------------------


def store_params(estimator, arguments):
    """Store the constructor arguments (``locals()`` of ``__init__``) as attributes, unchanged."""
    for name, value in arguments.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)


def _validation_view(augmenter):
    """What the validation loss is computed on: the centred window of a window-slicing augmenter."""
    return None if augmenter is None else augmenter.test_views(1)[0]


def _viewed(view, series):
    """``view`` applied to an array of series, or to each series of a list (None: as they are)."""
    if view is None:
        return series
    if isinstance(series, list):
        return [view(x) for x in series]
    return view(series)


def _on_demand(X):
    """``X`` as a :class:`DiskSeries` when it is one or a :class:`numpy.memmap`, else None."""
    if isinstance(X, DiskSeries):
        return X
    return DiskSeries(X) if isinstance(X, np.memmap) else None


def _take(X, index):
    """The series ``index`` of an array, a :class:`DiskSeries` or a list of series."""
    return [X[i] for i in index] if isinstance(X, list) else X[index]


def _show(label):
    """``repr`` of a label as the user wrote it (``'a'``, not ``np.str_('a')``)."""
    return repr(label.item() if isinstance(label, np.generic) else label)


def _is_missing(value):
    return value is None or (isinstance(value, (float, np.floating)) and np.isnan(value))


def _labels_1d(y, name):
    if y is None:
        raise ValueError(
            f"This classifier requires {name} to be passed, but the target {name} is None; pass "
            "one label per series."
        )
    y = column_or_1d(y, warn=True)
    if y.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(y))
    elif y.dtype.kind == "O":
        bad = np.flatnonzero([_is_missing(v) for v in y])
    else:
        bad = []
    if len(bad):
        kind = "NaN" if _is_missing(y[bad[0]]) else "inf"
        raise ValueError(
            f"{name} contains {kind} (first at sample {int(bad[0])}; {len(bad)} in all); every "
            f"series needs a label. Drop the unlabelled series from X and {name}."
        )
    return y


def _real_targets(y, name):
    if y is None:
        raise ValueError(
            f"This regressor requires {name} to be passed, but the target {name} is None; pass "
            "one target per series."
        )
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must hold numbers for a regressor ({exc}).") from exc
    if y.ndim not in (1, 2):
        raise ValueError(
            f"{name} must have shape (n_samples,) or (n_samples, n_outputs); got shape {y.shape}."
        )
    bad = np.argwhere(~np.isfinite(y))
    if len(bad):
        kind = "NaN" if np.isnan(y[tuple(bad[0])]) else "inf"
        raise ValueError(
            f"{name} contains {kind} (first at sample {int(bad[0][0])}; {len(bad)} in all); every "
            f"series needs a finite target. Drop those series from X and {name}."
        )
    return y


def _all_layers(model):
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from _all_layers(layer)


def _default_epochs(n_samples, batch_size):
    """Epochs when ``epochs=None``: about ``_STEPS`` gradient steps, clipped to the bounds."""
    steps_per_epoch = math.ceil(n_samples / batch_size)
    return min(_MAX_EPOCHS, max(_MIN_EPOCHS, math.ceil(_STEPS / steps_per_epoch)))


# The Keras dtype policy of each mixed_precision= value.
_MIXED_PRECISION = {False: None, True: "mixed_float16", "float16": "mixed_float16", "bfloat16": "mixed_bfloat16"}


def _check_mixed_precision(mixed_precision):
    """The Keras dtype policy ``mixed_precision`` stands for, or None for float32."""
    if isinstance(mixed_precision, (bool, np.bool_)):
        return _MIXED_PRECISION[bool(mixed_precision)]
    if isinstance(mixed_precision, str) and mixed_precision in _MIXED_PRECISION:
        return _MIXED_PRECISION[mixed_precision]
    raise ValueError(
        "mixed_precision must be False, True (float16), 'float16' or 'bfloat16'; got "
        f"mixed_precision={mixed_precision!r}. Use 'bfloat16' on CPUs and TPUs, 'float16' on GPUs."
    )


def make_optimizer(learning_rate, policy):
    """Adam at ``learning_rate``; under float16 (``policy="mixed_float16"``) with loss scaling.

    bfloat16 has float32's exponent range, so its gradients need no scaling.
    """
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    if policy == "mixed_float16":
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


def _check_jit_compile(jit_compile):
    """``jit_compile`` as a bool before the fit's length is known: ``"auto"`` compiles on JAX.

    On JAX a step that is not compiled runs op by op, several times slower,
    and ``torch.compile`` is opt-in. On TensorFlow, estimators whose network
    XLA speeds up decide in ``fit``, once the number of steps is known (see
    :func:`_xla_pays_on_tensorflow`).
    """
    if isinstance(jit_compile, str) and jit_compile == "auto":
        return keras.backend.backend() == "jax"
    if isinstance(jit_compile, (bool, np.bool_)):
        return bool(jit_compile)
    raise ValueError(f"jit_compile must be True, False or 'auto'; got jit_compile={jit_compile!r}.")


# XLA's first TensorFlow epoch took 2 to 7 s longer on the 2-core CPU (FCN,
# ResNet, WaveNet on GunPoint), then saved 6 to 15 ms a step: it pays for
# itself after a few hundred steps. Below this many, a fit stays uncompiled.
_XLA_MIN_STEPS = 1000


def _xla_pays_on_tensorflow(n_steps):
    """Whether ``jit_compile="auto"`` compiles a TensorFlow fit of ``n_steps`` training steps."""
    return keras.backend.backend() == "tensorflow" and n_steps >= _XLA_MIN_STEPS


def _find_layer(model, name):
    """``(owner, layer)``: the layer called ``name`` and the (possibly nested) model holding it."""
    for layer in model.layers:
        if layer.name == name:
            return model, layer
        if isinstance(layer, keras.Model):
            found = _find_layer(layer, name)
            if found is not None:
                return found
    return None
