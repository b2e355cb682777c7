"""fit(X, y, groups=...): windows of recordings get a grouped validation split and a shorter budget."""

import re

import numpy as np
import pytest

from sigconv.estimators import FCNClassifier, FCNRegressor
from sigconv.estimators._params import _default_epochs
from sigconv.estimators import _budget
from sigconv.estimators._budget import WINDOW_PATIENCE, grouped_split, window_epochs


def _windows(n_groups=10, per_group=6, seed=0):
    """Windows of 2 classes, ``per_group`` from each of ``n_groups`` recordings, 24 samples."""
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(n_groups), per_group)
    y = np.where(groups % 2 == 0, "healthy", "fault")
    X = rng.normal(size=(len(y), 1, 24)) * np.where(y == "fault", 3.0, 1.0)[:, None, None]
    return X.astype(np.float32), y, groups


def test_the_budget_of_windows_is_a_quarter_of_the_steps():
    # 1,342 windows, 20% held out, batches of 16: 68 steps an epoch, 15 epochs where the rule
    # for independent series gives 59
    assert window_epochs(1074, 16) == 15
    assert _default_epochs(1074, 16) == 59
    assert window_epochs(40, 16) == 300 and window_epochs(10**6, 16) == 5


def test_grouped_split_holds_out_whole_groups_of_each_class():
    _, y, groups = _windows(n_groups=20)
    train, held_out = grouped_split(groups, y, 0.2, 0, stratify=True)
    assert not set(groups[train]) & set(groups[held_out])
    assert sorted(np.concatenate([train, held_out]).tolist()) == list(range(len(y)))
    assert len(set(groups[held_out])) == 4 and set(y[held_out]) == {"healthy", "fault"}
    train_r, held_r = grouped_split(groups, np.arange(len(y), dtype=float), 0.2, 0, stratify=False)
    assert not set(groups[train_r]) & set(groups[held_r]) and len(set(groups[held_r])) == 4


def test_fit_with_groups_validates_on_held_out_groups_and_stops_early(monkeypatch):
    monkeypatch.setattr(_budget, "WINDOW_STEPS", 60)  # 20 epochs of the 3 batches of 48 windows
    X, y, groups = _windows()
    clf = FCNClassifier(filters=(4,), kernel_sizes=(3,), random_state=0).fit(X, y, groups=groups)
    val_loss = np.asarray(clf.history_["val_loss"])
    assert len(val_loss) == clf.n_epochs_ <= 20
    if clf.n_epochs_ < 20:  # stopped: no lower loss in the last epochs
        assert clf.n_epochs_ - 1 - int(np.argmin(val_loss)) == WINDOW_PATIENCE
    # a set number of epochs is trained in full, with the grouped validation set
    fixed = FCNClassifier(filters=(4,), kernel_sizes=(3,), epochs=3, random_state=0).fit(X, y, groups=groups)
    assert fixed.n_epochs_ == 3 and len(fixed.history_["val_loss"]) == 3
    reg = FCNRegressor(filters=(4,), kernel_sizes=(3,), epochs=2, random_state=0)
    assert reg.fit(X, np.arange(len(y), dtype=float), groups=groups).n_epochs_ == 2


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(groups=np.zeros(5)), "groups must have shape (60,), one group label per series (the recording, "
                               "or time block of one, each window comes from); got shape (5,)."),
    (dict(groups=np.zeros(60)), "groups must hold at least 2 distinct groups to hold one out for "
                                "validation; got 1. Cut each recording into time blocks and give each "
                                "block its own group, or fit without groups."),
    (dict(groups=np.arange(60) % 3), "validation_split=0.2 asks for 1 of 5 folds of the groups, but "
                                     "groups holds 3. Give more groups (time blocks of each recording) "
                                     "or a larger validation_split."),
])
def test_fit_checks_groups(kwargs, message):
    X, y, _ = _windows()
    with pytest.raises(ValueError, match=re.escape(message)):
        FCNClassifier(filters=(2,), kernel_sizes=(3,), epochs=1).fit(X, y, **kwargs)


def test_groups_and_validation_data_are_exclusive():
    X, y, groups = _windows()
    with pytest.raises(ValueError, match=re.escape(
            "groups and validation_data were both given; pass one: groups hold out whole groups of X "
            "for validation, validation_data is a validation set of its own.")):
        FCNClassifier(filters=(2,), kernel_sizes=(3,), epochs=1).fit(X, y, groups=groups,
                                                                     validation_data=(X, y))
