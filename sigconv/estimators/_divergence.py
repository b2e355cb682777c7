"""Training that cannot end well: inputs out of float32's reach, and a loss that becomes NaN or inf.

- :func:`check_input_scale` refuses, before anything is built, series whose
  magnitude makes float32 training overflow: batch normalization and the
  losses square activations, and a square above float32's largest value
  (about 3.4e38) is inf. Such a fit does not always end in NaN: batch
  normalization divides by an infinite variance and gives constant outputs,
  so a classifier predicts 0.5 for every series, without a word.
- :class:`StopOnNonFiniteLoss` ends a fit at the first epoch whose loss (or
  validation loss) is NaN or inf, with the likely cause (the scale of X or y)
  and the fix, instead of letting it predict NaN.
"""

import keras
import numpy as np

from ..exceptions import SeriesValueError

__all__ = ["MAX_ABS_INPUT", "StopOnNonFiniteLoss", "check_input_scale"]

#: Largest magnitude of a series value a deep estimator trains on. The square of 1e19 is about
#: float32's largest value; a margin of 10 covers the gain of the first convolution.
MAX_ABS_INPUT = 1e18

_STANDARDIZE = (
    "Standardize the series first, each over its own length: "
    "X = (X - X.mean(axis=-1, keepdims=True)) / X.std(axis=-1, keepdims=True), or put a "
    "scaler before the estimator in a Pipeline."
)


def _peak(X):
    """``(max |value|, sample)`` of series in memory (an array or a list); None for series on disk."""
    if isinstance(X, np.ndarray):
        if X.size == 0:
            return None
        flat = np.abs(X.reshape(len(X), -1)).max(axis=1)
    elif isinstance(X, list) and X and all(isinstance(x, np.ndarray) for x in X):
        flat = np.array([np.abs(x).max() if x.size else 0.0 for x in X])
    else:
        return None
    sample = int(np.argmax(flat))
    return float(flat[sample]), sample


def check_input_scale(X, name="X"):
    """Refuse series that reach :data:`MAX_ABS_INPUT` in absolute value (see the module docstring)."""
    peak = _peak(X)
    if peak is not None and peak[0] > MAX_ABS_INPUT:
        raise SeriesValueError(
            f"{name} holds values up to {peak[0]:.3g} in absolute value (sample {peak[1]}); a deep "
            f"estimator trains on |{name}| <= {MAX_ABS_INPUT:.0e}: above it the squares computed in "
            "float32 (batch normalization, the loss) overflow, and training ends in NaN or in "
            f"constant predictions. {_STANDARDIZE}"
        )
    return X


class StopOnNonFiniteLoss(keras.callbacks.Callback):
    """Raise a ValueError naming the likely cause at the first epoch whose loss is NaN or inf.

    Parameters
    ----------
    estimator : str
        Class name, for the message.
    X, y : ndarray, list, or a batch source
        The training series (Keras layout) and targets, looked at only when
        the loss has diverged, to say which of them is out of scale.
    learning_rate : float
    """

    def __init__(self, estimator, X, y, learning_rate):
        super().__init__()
        self.estimator, self.X, self.y, self.learning_rate = estimator, X, y, learning_rate

    def on_epoch_end(self, epoch, logs=None):
        for key in ("loss", "val_loss"):
            value = (logs or {}).get(key)
            if value is not None and not np.isfinite(float(value)):
                raise ValueError(self._message(key, float(value), epoch))

    def _message(self, key, value, epoch):
        what = "training loss" if key == "loss" else "validation loss"
        message = f"{self.estimator}'s {what} became {value} at epoch {epoch + 1}, so training stopped."
        peak_y = _peak(self.y) if isinstance(self.y, np.ndarray) and self.y.dtype.kind == "f" else None
        peak_x = _peak(self.X)
        if peak_y is not None and peak_y[0] > 1e3:
            return (
                f"{message} The targets y reach {peak_y[0]:.3g} in absolute value (sample "
                f"{peak_y[1]}): the squared errors overflow float32. Standardize y (for example "
                "with sklearn.compose.TransformedTargetRegressor and a StandardScaler)."
            )
        if peak_x is not None and peak_x[0] > 1e3:
            return (
                f"{message} The series reach {peak_x[0]:.3g} in absolute value (sample "
                f"{peak_x[1]}), far from the unit scale the networks are initialised for. "
                f"{_STANDARDIZE}"
            )
        return (
            f"{message} The series and targets are of a moderate scale, so the learning rate "
            f"(learning_rate={self.learning_rate:g}) is the likely cause: lower it (by 10x), or "
            "standardize the series if they are not."
        )
