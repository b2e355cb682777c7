"""The training loop of a deep estimator: callbacks, batches, checkpoints and resuming.

:class:`TrainingMixin` is part of :class:`~sigconv.estimators.BaseDeepEstimator`:
it fits the compiled model with the learning-rate schedule, validation and
early stopping, the time budget, checkpoints (resuming from one written by an
earlier fit with the same parameters and data) and the user's callbacks
(copied), on arrays or on batches made at each step (augmentation, series on
disk).
"""

import copy
import os

import numpy as np

from . import _callbacks
from ._batches import DiskSeries, TrainingBatches
from ._checkpoint import CHECKPOINT_NAME, Checkpoint, fingerprint, read_checkpoint, restore_checkpoint
from ._divergence import StopOnNonFiniteLoss
from ._keras_data import _validation_view, _viewed

__all__ = ["TrainingMixin"]

# Parameters a resumed fit may change without invalidating its checkpoint (with
# lr_schedule="cosine", more epochs stretch the rest of the schedule).
_RESUMABLE_PARAMS = ("callbacks", "checkpoint_dir", "checkpoint_every", "epochs", "max_time", "verbose")

# ReduceLROnPlateau of Fawaz et al. (dl-4-tsc, InceptionTime): halve, floor 1e-4.
_LR_FACTOR = 0.5
_MIN_LR = 1e-4


class TrainingMixin:
    """Fit the model built for the estimator, one phase or several."""

    def _fit_model(self, model, plan, X, y, weights, validation, params, *, to_keras):
        """Train the model that :meth:`_build_model` returned with its ``plan``: one phase here.

        Returns ``(history, model)``. Estimators that train in phases (the
        image estimators' fine-tuning) override this and call :meth:`_train`
        once per phase.
        """
        return self._train(model, X, y, weights, validation, params, to_keras=to_keras)

    def _train(self, model, X, y, weights, validation, params, *, to_keras=None):
        """Fit ``model`` with the training callbacks; resume from a checkpoint if there is one.

        ``X`` is in Keras layout; or, with ``augmentation`` or series on
        disk, the validated series (array, list of unequal lengths, or
        :class:`DiskSeries`) that ``to_keras`` converts batch by batch,
        after augmentation. ``params`` is the fit's
        :class:`~sigconv.estimators._params.FitParams` (batch size and
        epochs resolved).
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
            callbacks.insert(0, _callbacks.cosine_decay(params["learning_rate"], params["epochs"]))
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
                    batch_size=params["batch_size"],
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
                    batch_size=params["batch_size"],
                    seed=0,
                    to_keras=lambda series: to_keras(_viewed(view, series)),
                    shuffle=False,
                )
            try:
                model.fit(
                    X,
                    y,
                    sample_weight=weights,
                    batch_size=None if batches is not None else params["batch_size"],
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
