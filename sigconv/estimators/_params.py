"""The parameters of a fit: checked once, then resolved into one frozen :class:`FitParams`.

:meth:`ParamsMixin._check_params` validates the constructor parameters before
any data is read (subclasses add their own); :func:`resolve_params` fills in
what depends on the data (the augmenter ``"auto"`` stands for, the batch size,
the number of epochs, whether to compile with XLA) once the training series
are known, and returns the :class:`FitParams` every later step of ``fit``
reads. Nothing changes it after that; a training phase with other values
(``image.py``) makes a new one with :meth:`FitParams.replace`.
"""

import collections.abc
import math
import os
import types

import keras
import numpy as np

from ..augmentation import AUGMENTATIONS, Augmenter
from ..validation import check_float, check_int, check_option
from ._context import check_distribution
from ._transfer import check_source

__all__ = ["FitParams", "ParamsMixin", "resolve_params"]

# epochs=None: about _STEPS gradient steps, within [_MIN_EPOCHS, _MAX_EPOCHS] epochs.
_STEPS, _MIN_EPOCHS, _MAX_EPOCHS = 4000, 20, 300


class FitParams(collections.abc.Mapping):
    """The checked and resolved parameters of one fit: a read-only mapping.

    Read as ``params["epochs"]``; :meth:`replace` returns a copy with some
    values changed (the learning rate and checkpoint directory of a training
    phase), so no step of a fit changes what another step reads.
    """

    __slots__ = ("_values",)

    def __init__(self, values):
        object.__setattr__(self, "_values", types.MappingProxyType(dict(values)))

    def __getitem__(self, key):
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def __setattr__(self, name, value):
        raise AttributeError("FitParams is read-only; use replace() to get changed parameters.")

    def __repr__(self):
        return f"FitParams({dict(self._values)!r})"

    def __reduce__(self):
        return FitParams, (dict(self._values),)

    def replace(self, **changes):
        """A copy with the values of ``changes`` (keys that exist already)."""
        unknown = sorted(set(changes) - set(self._values))
        if unknown:
            raise KeyError(f"FitParams has no parameters {unknown}.")
        return FitParams({**self._values, **changes})


def resolve_params(checked, *, augmentation, n_train, default_batch_size, xla_on_tensorflow, jit_compile):
    """The :class:`FitParams` of a fit on ``n_train`` series, from the ``checked`` parameters.

    ``augmentation`` is the augmenter the parameter stands for in this fit,
    ``default_batch_size`` the estimator's batch size for ``n_train`` series
    (used when ``batch_size=None``), ``jit_compile`` the parameter as given
    (``"auto"`` decides on TensorFlow by the number of steps when
    ``xla_on_tensorflow``).
    """
    batch_size = checked["batch_size"] or default_batch_size
    epochs = checked["epochs"] or _default_epochs(n_train, batch_size)
    compile_ = checked["jit_compile"]
    if jit_compile == "auto" and xla_on_tensorflow:
        n_steps = epochs * math.ceil(n_train / batch_size)
        compile_ = compile_ or _xla_pays_on_tensorflow(n_steps)
    return FitParams(
        {**checked, "augmentation": augmentation, "batch_size": batch_size, "epochs": epochs, "jit_compile": compile_}
    )


class ParamsMixin:
    """Checks of the parameters every deep estimator shares (part of :class:`BaseDeepEstimator`)."""

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
        # last: it may load a .sigconv file and compares the source with the parameters above
        params["source"] = check_source(
            self, getattr(self, "weights", None), backbone=hasattr(self, "image_transform")
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


# XLA's longer first TensorFlow epoch pays for itself only after some hundred
# steps (docs/estimators.md, "Backends and devices"). Below this many, a fit
# stays uncompiled.
_XLA_MIN_STEPS = 1000


def _xla_pays_on_tensorflow(n_steps):
    """Whether ``jit_compile="auto"`` compiles a TensorFlow fit of ``n_steps`` training steps."""
    return keras.backend.backend() == "tensorflow" and n_steps >= _XLA_MIN_STEPS
