"""Keras callbacks that implement the estimators' training options.

Keras' own callbacks where they do the job; where a resumed fit needs their
state, a subclass or a callback of ours that can report its state as JSON-able
data and take it back, so a fit resumed from a checkpoint continues exactly
where the interrupted one was: same epoch count, same learning-rate schedule,
same best validation loss.
"""

import math
import time

import keras
import numpy as np

__all__ = ["Recorder", "ReduceLROnPlateau", "TimeBudget", "ValidationMonitor", "cosine_decay"]


def _learning_rate(model):
    return float(model.optimizer.learning_rate.numpy())


class Recorder(keras.callbacks.History):
    """Keras' History of the fit, continued from ``history``, with the learning rate each epoch used.

    Not plain History: a checkpoint needs the history so far and floats, and
    Keras' ReduceLROnPlateau logs the rate after its reduction, not the one
    the epoch trained with. Being a History, it is what ``model.fit`` returns.
    """

    def __init__(self, history=None):
        super().__init__()
        self.history = {key: list(values) for key, values in (history or {}).items()}

    def on_epoch_begin(self, epoch, logs=None):
        self._rate = _learning_rate(self.model)

    def on_epoch_end(self, epoch, logs=None):
        entries = {key: float(value) for key, value in (logs or {}).items() if key != "learning_rate"}
        entries["learning_rate"] = self._rate
        super().on_epoch_end(epoch, entries)


def cosine_decay(initial, epochs):
    """Keras' LearningRateScheduler setting epoch ``e``'s rate to ``initial * (1 + cos(pi * e / epochs)) / 2``.

    A half cosine from ``initial`` at the first epoch towards 0 after the
    last (Loshchilov and Hutter, SGDR, 2017, without restarts). Per epoch,
    not ``keras.optimizers.schedules.CosineDecay``'s per step: the rate
    depends on the epoch index alone, so a resumed fit (even one given more
    epochs) continues the schedule with no state to save, and the rates stay
    those the golden outputs were recorded with. Why it does not also decay
    over ``max_time``: docs/estimators.md, "Training defaults".
    """

    def schedule(epoch, rate):
        return initial * 0.5 * (1.0 + math.cos(math.pi * epoch / epochs))

    return keras.callbacks.LearningRateScheduler(schedule)


class ReduceLROnPlateau(keras.callbacks.ReduceLROnPlateau):
    """Keras' ReduceLROnPlateau whose counters survive a resumed fit."""

    def __init__(self, *, state=None, **kwargs):
        super().__init__(**kwargs)
        self._resume = state

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)  # resets the counters
        if self._resume is not None:
            self.wait = self._resume["wait"]
            self.best = self._resume["best"]
            self.cooldown_counter = self._resume["cooldown_counter"]

    def state(self):
        best = None if self.best is None else float(self.best)
        return {"wait": int(self.wait), "best": best, "cooldown_counter": int(self.cooldown_counter)}


class ValidationMonitor(keras.callbacks.Callback):
    """Keep the weights of the epoch with the lowest validation loss; stop early if asked.

    A NaN validation loss never counts as an improvement. With
    ``patience``, training stops after ``patience`` epochs without
    improvement. The best weights stay in memory (``best_weights``); the
    estimator puts them into the model after training.

    Not ``keras.callbacks.EarlyStopping(restore_best_weights=True)``: its
    ``on_train_begin`` resets the best loss, weights and wait a resumed fit
    restores, it takes a NaN loss of the first epoch as the best for good
    (any value beats its initial ``best=None``), and it has no "never stop".
    """

    def __init__(self, patience=None, state=None, best_weights=None):
        super().__init__()
        self.patience = patience
        self.best = np.inf
        self.best_epoch = -1
        self.wait = 0
        self.stopped = False
        self.best_weights = best_weights
        if state is not None:
            self.best = state["best"]
            self.best_epoch = state["best_epoch"]
            self.wait = state["wait"]
            self.stopped = state["stopped"]

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get("val_loss")
        if current is None:
            return
        current = float(current)
        if current < self.best:
            self.best, self.best_epoch, self.wait = current, epoch, 0
            self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.patience is not None and self.wait >= self.patience:
            self.stopped = True
            self.model.stop_training = True

    def state(self):
        best = float(self.best) if np.isfinite(self.best) else None
        return {"best": best, "best_epoch": self.best_epoch, "wait": self.wait, "stopped": self.stopped}

    @staticmethod
    def decode_state(state):
        state = dict(state)
        state["best"] = np.inf if state["best"] is None else state["best"]
        return state


class TimeBudget(keras.callbacks.Callback):
    """Stop training at the end of the first epoch that ends ``max_time`` seconds after it began."""

    def __init__(self, max_time):
        super().__init__()
        self.max_time = max_time
        self.exhausted = False

    def on_train_begin(self, logs=None):
        self._start = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        if time.monotonic() - self._start >= self.max_time:
            self.exhausted = True
            self.model.stop_training = True
