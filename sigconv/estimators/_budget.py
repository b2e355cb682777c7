"""Training budget for windows of recordings: a grouped validation split and early stopping.

Thousands of windows cut from a few recordings say far less than as many
independent series: neighbouring windows overlap and repeat one machine
state. ``fit(X, y, groups=...)`` marks such data (one group per recording or
per time block of one). With ``epochs=None`` it then trains for about
``WINDOW_STEPS`` gradient steps instead of the ~4,000 chosen for independent
series, holds out whole groups as a validation set (``validation_split``,
default ``WINDOW_VALIDATION_SPLIT``), keeps the weights of the epoch with the
lowest validation loss and stops after ``WINDOW_PATIENCE`` epochs without a
lower one. Without ``groups`` nothing changes: the defaults measured on the
UCR sets stay as they are.
"""

import math

import numpy as np
from sklearn.model_selection import GroupShuffleSplit, StratifiedGroupKFold

__all__ = ["WINDOW_PATIENCE", "WINDOW_STEPS", "WINDOW_VALIDATION_SPLIT", "check_groups",
           "grouped_split", "window_epochs", "window_params"]

#: Gradient steps of ``epochs=None`` with groups (about 4,000 without), within [5, 300] epochs.
WINDOW_STEPS = 1000
_MIN_EPOCHS, _MAX_EPOCHS = 5, 300
#: Epochs without a lower validation loss before a fit with groups stops.
WINDOW_PATIENCE = 3
#: Fraction of the groups held out for validation when ``validation_split=None``.
WINDOW_VALIDATION_SPLIT = 0.2


def check_groups(groups, n_samples):
    """``groups`` as a 1D array of one label per series, or None; at least 2 distinct groups."""
    if groups is None:
        return None
    groups = np.asarray(groups)
    if groups.ndim != 1 or len(groups) != n_samples:
        raise ValueError(
            f"groups must have shape ({n_samples},), one group label per series (the recording, or "
            f"time block of one, each window comes from); got shape {groups.shape}."
        )
    if len(np.unique(groups)) < 2:
        raise ValueError(
            f"groups must hold at least 2 distinct groups to hold one out for validation; got "
            f"{len(np.unique(groups))}. Cut each recording into time blocks and give each block "
            "its own group, or fit without groups."
        )
    return groups


def window_params(params, groups, validation_data):
    """The training parameters of a fit given ``groups``: validation on held-out groups, early stopping."""
    if groups is None:
        return params
    if validation_data is not None:
        raise ValueError(
            "groups and validation_data were both given; pass one: groups hold out whole groups of "
            "X for validation, validation_data is a validation set of its own."
        )
    params = dict(params)
    if params["validation_split"] is None:
        params["validation_split"] = WINDOW_VALIDATION_SPLIT
    if params["epochs"] is None and params["early_stopping_patience"] is None:
        params["early_stopping_patience"] = WINDOW_PATIENCE
    return params


def window_epochs(n_samples, batch_size):
    """Epochs of ``epochs=None`` with groups: about ``WINDOW_STEPS`` steps, within [5, 300] epochs."""
    steps_per_epoch = math.ceil(n_samples / batch_size)
    return min(_MAX_EPOCHS, max(_MIN_EPOCHS, math.ceil(WINDOW_STEPS / steps_per_epoch)))


def grouped_split(groups, y_fit, validation_split, random_state, *, stratify):
    """``(train, held_out)`` indices: about ``validation_split`` of the groups held out whole.

    Classifiers (``stratify=True``) hold out the fold of
    :class:`~sklearn.model_selection.StratifiedGroupKFold` with
    ``round(1 / validation_split)`` folds, which keeps the classes'
    proportions as far as whole groups allow; regressors a
    :class:`~sklearn.model_selection.GroupShuffleSplit`.
    """
    index = np.arange(len(groups))
    if stratify:
        n_splits = max(2, round(1 / validation_split))
        n_groups = len(np.unique(groups))
        if n_groups < n_splits:
            raise ValueError(
                f"validation_split={validation_split} asks for 1 of {n_splits} folds of the groups, "
                f"but groups holds {n_groups}. Give more groups (time blocks of each recording) or "
                "a larger validation_split."
            )
        seed = None if random_state is None else int(random_state)
        splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        train, held_out = next(splitter.split(index, y_fit, groups))
    else:
        splitter = GroupShuffleSplit(n_splits=1, test_size=validation_split, random_state=random_state)
        train, held_out = next(splitter.split(index, groups=groups))
    if not len(train):
        raise ValueError(f"validation_split={validation_split} holds out every group; use a smaller fraction.")
    return train, held_out
