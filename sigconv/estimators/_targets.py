"""Targets, weights and validation splits: labels or real targets, sample and class weights.

:class:`TargetsMixin` holds what every deep estimator shares (sample weights,
the validation set), :class:`ClassifierTargetsMixin` and
:class:`RegressorTargetsMixin` what differs between labels and real targets.
They are parts of :class:`~sigconv.estimators.BaseDeepEstimator`,
:class:`~sigconv.estimators.BaseDeepClassifier` and
:class:`~sigconv.estimators.BaseDeepRegressor`.
"""

import math
import numbers

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from ..validation import check_series, series_lengths
from ._keras_data import _viewed

__all__ = ["ClassifierTargetsMixin", "RegressorTargetsMixin", "TargetsMixin"]


class TargetsMixin:
    """Sample weights and validation sets, for every deep estimator."""

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


class ClassifierTargetsMixin:
    """Labels of any type, class weights and stratified splits (before the deep base class in the MRO)."""

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


class RegressorTargetsMixin:
    """Real targets, one or several outputs (before the deep base class in the MRO)."""

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
