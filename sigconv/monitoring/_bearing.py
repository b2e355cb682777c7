"""A bearing fault classifier built on envelope analysis at the defect orders.

:mod:`sigconv.functional` (SciPy's signal module) is imported on call, so that importing
:mod:`sigconv.monitoring` stays as quick as a monitor's start needs.
"""

import json
import numbers
import os
import tempfile
import zipfile

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from .._json import from_json, to_json
from ..validation import check_bool, check_float, check_int, check_series

__all__ = ["BearingFaultClassifier"]

#: The fault classes learnt from synthetic windows with ``synthetic_faults=True``.
SYNTHETIC_FAULTS = ("inner_race", "outer_race", "ball")
_IMPULSE_RANGES = ((1.0, 4.0), (4.0, 16.0), (16.0, 64.0))
_FORMAT = "sigconv.monitoring.BearingFaultClassifier"
_FORMAT_VERSION = 2
_METADATA_NAME = "estimator.json"
_FITTED = ("classes_", "healthy_class_", "healthy_rms_", "feature_names_", "feature_mean_", "feature_scale_",
           "coef_", "intercept_", "threshold_", "calibration_scores_", "n_timepoints_in_", "n_features_in_", "n_channels_in_")
#: Time blocks of the healthy training windows that calibrate the alarm threshold in turn.
_CALIBRATION_FOLDS = 5


class BearingFaultClassifier(ClassifierMixin, BaseEstimator):
    """Classify windows of one accelerometer channel by bearing condition, from the physics.

    Each window is demodulated in the band of largest spectral kurtosis
    (the kurtogram), and the spectrum of its squared envelope read in shaft
    orders at the bearing's defect orders (BPFI, BPFO, 2 x BSF, BSF, FTF),
    their harmonics and sidebands (:func:`sigconv.functional.bearing_features`):
    ratios of a line to its local noise floor, which do not depend on the
    gain of the sensor, with the kurtosis of the window and of its band,
    and one level feature: the log RMS over that of the healthy training
    windows. A multinomial logistic regression on the
    standardised features, with balanced class weights, learns which lines
    mean which fault. Its standardisation is the statistics that
    :meth:`adapt` re-estimates on windows of another machine or load.

    With ``synthetic_faults=True``, fault windows are synthesised on the
    healthy windows of ``y`` (:func:`sigconv.datasets.calibrate_bearing_model`
    and :func:`sigconv.datasets.make_bearing_vibration`: the machine's own
    background and resonance band, impulse amplitude, damping, slip and
    load-zone modulation drawn at random), so a model can be trained on a
    machine that has never failed.

    Parameters
    ----------
    sr : float
        Sampling rate of the windows in Hz.
    rpm : float or None
        Shaft speed in revolutions per minute, > 0; None if every call to
        ``fit``, ``predict`` etc. passes one speed per window as ``rpm=``.
    n_balls : int
        Number of rolling elements.
    ball_diameter : float
        Rolling-element diameter, smaller than ``pitch_diameter``.
    pitch_diameter : float
        Pitch diameter, in the unit of ``ball_diameter``.
    contact_angle : float, default=0.0
        Contact angle in degrees, in [0, 90).
    healthy_class : object, default="healthy"
        The label of healthy windows in ``y``; it must be one of them.
    synthetic_faults : bool, default=False
        Whether to add synthetic ``"inner_race"``, ``"outer_race"`` and
        ``"ball"`` windows, built on the healthy windows of ``y``, to the
        training set. ``y`` may then hold the healthy class only; labels must
        be strings.
    n_synthetic : int, default=200
        Synthetic windows of each fault class with ``synthetic_faults=True``.
    C : float, default=1.0
        Inverse regularisation strength of the logistic regression, > 0.
    false_alarm_rate : float or None, default=0.01
        Largest fraction of healthy windows that may raise an alarm, in
        (0, 1); None to take the most probable class. The healthy windows of
        ``y`` are split in 5 time blocks (in the order of ``X``, or by
        ``groups=`` of ``fit``); a model fitted without each block scores
        its windows by their fault evidence (largest fault logit minus the
        healthy logit), and the threshold is the ``1 - false_alarm_rate``
        quantile of those held-out scores. A window is called healthy unless
        its evidence passes the threshold. The quantile is the larger of the
        empirical one and that of a normal law fitted to the scores, which
        extrapolates the tail when there are fewer than
        ``1 / false_alarm_rate`` healthy windows (the empirical quantile is
        then only their maximum).
    cepstrum_prewhitening : bool, default=False
        Whether to add the defect lines of the cepstrum-pre-whitened window's
        envelope (:func:`sigconv.functional.cepstrum_prewhiten`, Smith and
        Randall 2015) to the features.
    random_state : int, numpy.random.RandomState or None, default=None
        Seed of the synthetic windows (the logistic regression is deterministic).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    healthy_class_ : object
        The healthy class, as found in ``classes_`` (what a monitor treats as
        no alarm).
    healthy_rms_ : float
        Median RMS of the healthy training windows: the ``"level"`` feature
        is the log RMS of a window over it.
    feature_names_ : list of str
        Names of the physics features.
    feature_mean_, feature_scale_ : ndarray of shape (n_features,)
        Standardisation statistics of the features (of the training windows,
        or of the windows given to :meth:`adapt`).
    coef_ : ndarray of shape (n_classes, n_features)
        Weights of the logistic regression on standardised features.
    intercept_ : ndarray of shape (n_classes,)
        Its intercepts.
    threshold_ : float
        Fault evidence above which a window raises an alarm (see
        ``false_alarm_rate``); :meth:`decision_function` adds it to the
        healthy logit. 0.0 with ``false_alarm_rate=None``.
    calibration_scores_ : ndarray of shape (n_healthy_windows,)
        The held-out fault evidence of each healthy training window that set
        ``threshold_`` (empty with ``false_alarm_rate=None``).
    n_timepoints_in_ : int
        Window length seen in ``fit``; ``n_features_in_`` is the same number.
    n_channels_in_ : int
        1.

    See Also
    --------
    sigconv.functional.bearing_features : The features.
    sigconv.monitoring.recording_windows : Windows, labels and groups for a leak-free evaluation.
    sigconv.monitoring.StreamingPredictor : Score a live stream with the fitted classifier.

    References
    ----------
    .. [1] J. Antoni, "The spectral kurtosis: a useful tool for characterising
       non-stationary signals", Mechanical Systems and Signal Processing, 20(2), 2006.
    .. [2] R. B. Randall and J. Antoni, "Rolling element bearing diagnostics - A
       tutorial", Mechanical Systems and Signal Processing, 25(2), 2011.
    .. [3] Y. Li, N. Wang, J. Shi, J. Liu and X. Hou, "Revisiting batch
       normalization for practical domain adaptation", arXiv:1603.04779, 2016.

    Examples
    --------
    >>> from sigconv.datasets import make_bearing_vibration
    >>> from sigconv.monitoring import BearingFaultClassifier
    >>> X, y = make_bearing_vibration(10, duration=0.4, random_state=0, return_X_y=True)
    >>> clf = BearingFaultClassifier(sr=12000.0, rpm=1797.0, n_balls=9, ball_diameter=7.94,
    ...                              pitch_diameter=39.04).fit(X, y)
    >>> clf.classes_.tolist(), clf.healthy_class_
    (['ball', 'healthy', 'inner_race', 'outer_race'], 'healthy')
    >>> X_test, y_test = make_bearing_vibration(10, duration=0.4, random_state=1, return_X_y=True)
    >>> bool(clf.score(X_test, y_test) > 0.9)
    True
    """

    def __init__(self, *, sr, rpm, n_balls, ball_diameter, pitch_diameter, contact_angle=0.0,
                 healthy_class="healthy", synthetic_faults=False, n_synthetic=200, C=1.0,
                 false_alarm_rate=0.01, cepstrum_prewhitening=False, random_state=None):
        self.sr = sr
        self.rpm = rpm
        self.n_balls = n_balls
        self.ball_diameter = ball_diameter
        self.pitch_diameter = pitch_diameter
        self.contact_angle = contact_angle
        self.healthy_class = healthy_class
        self.synthetic_faults = synthetic_faults
        self.n_synthetic = n_synthetic
        self.C = C
        self.false_alarm_rate = false_alarm_rate
        self.cepstrum_prewhitening = cepstrum_prewhitening
        self.random_state = random_state

    # checks -------------------------------------------------------------------------------

    def _geometry(self):
        from ..functional.vibration import bearing_defect_frequencies  # noqa: PLC0415

        geometry = dict(n_balls=self.n_balls, ball_diameter=self.ball_diameter,
                        pitch_diameter=self.pitch_diameter, contact_angle=self.contact_angle)
        bearing_defect_frequencies(60.0, **geometry)  # raises for a geometry that cannot exist
        return geometry

    def _check_params(self):
        sr = check_float(self.sr, "sr", min_value=0.0, closed="neither")
        if self.rpm is not None:
            check_float(self.rpm, "rpm", min_value=0.0, closed="neither", allow_none=True,
                        hint="Pass one speed per window as fit(X, y, rpm=...) for a varying speed.")
        geometry = self._geometry()
        # the features' own option, passed with the geometry to every bearing_features call
        geometry_and_features = dict(geometry, cepstrum_prewhitening=check_bool(
            self.cepstrum_prewhitening, "cepstrum_prewhitening"))
        check_bool(self.synthetic_faults, "synthetic_faults")
        check_int(self.n_synthetic, "n_synthetic", min_value=1)
        check_float(self.C, "C", min_value=0.0, closed="neither")
        check_float(self.false_alarm_rate, "false_alarm_rate", min_value=0.0, max_value=1.0,
                    closed="neither", allow_none=True,
                    hint="Pass e.g. 0.01 for at most 1% of healthy windows alarming, or None.")
        if not (self.random_state is None or isinstance(self.random_state, numbers.Integral)
                or isinstance(self.random_state, np.random.RandomState)):
            raise TypeError("random_state must be None, an int or a numpy.random.RandomState; got "
                            f"random_state={self.random_state!r}.")
        return sr, geometry_and_features

    def _speeds(self, rpm, n_windows):
        if rpm is None:
            if self.rpm is None:
                raise ValueError(
                    "rpm must be given: the constructor has rpm=None, so pass one shaft speed per "
                    "window as rpm= (or set the estimator's rpm to a number)."
                )
            return np.full(n_windows, float(self.rpm))
        from ..functional.vibration import _check_rpm  # noqa: PLC0415

        return np.array(_check_rpm(rpm, (n_windows,)), dtype=np.float64)

    def _windows(self, X, reset):
        X = check_series(X, min_timepoints=2, allow_unequal_length=False)
        if X.shape[1] != 1:
            raise ValueError(
                f"X must hold one accelerometer channel per window; got {X.shape[1]} channels "
                "(shape (n_windows, n_channels, n_timepoints)). Select one, e.g. X[:, :1]."
            )
        if not reset and X.shape[-1] != self.n_timepoints_in_:
            raise ValueError(
                f"X has {X.shape[-1]} features, but BearingFaultClassifier is expecting "
                f"{self.n_timepoints_in_} features as input: windows must have the "
                f"{self.n_timepoints_in_} timepoints seen in fit."
            )
        return X[:, 0].astype(np.float64)

    def _features(self, X, rpm):
        from ..functional.vibration import bearing_features  # noqa: PLC0415

        sr, geometry = self._check_params()
        windows = self._windows(X, reset=False)
        return _with_level(windows, bearing_features(windows, sr=sr, rpm=self._speeds(rpm, len(windows)),
                                                     **geometry)[1], self.healthy_rms_)

    # fitting ------------------------------------------------------------------------------

    def fit(self, X, y, *, rpm=None, groups=None):
        """Learn the fault classes from labelled windows (and synthetic ones).

        Parameters
        ----------
        X : array-like of shape (n_windows, n_timepoints) or (n_windows, 1, n_timepoints)
            Windows of one accelerometer channel at ``sr``.
        y : array-like of shape (n_windows,)
            Labels of any type, ``healthy_class`` among them.
        rpm : float, array-like of shape (n_windows,) or None, default=None
            Shaft speed of each window; None for the constructor's ``rpm``.
        groups : array-like of shape (n_windows,) or None, default=None
            Recording or time block of each window (as from
            :func:`sigconv.monitoring.recording_windows` with ``block=``): the
            healthy windows of a group are held out together to calibrate the
            alarm threshold, so overlapping windows do not leak. None: 5
            contiguous blocks of the healthy windows in the order of ``X``.

        Returns
        -------
        self : BearingFaultClassifier
            The fitted classifier.
        """
        from ..functional.vibration import bearing_features  # noqa: PLC0415

        sr, geometry = self._check_params()
        windows = self._windows(X, reset=True)
        if y is None:
            raise ValueError("BearingFaultClassifier requires y to be passed, but the target y is None. "
                             "Pass one label per window.")
        from sklearn.utils.validation import column_or_1d  # noqa: PLC0415

        y = column_or_1d(y, warn=True)
        if len(y) != len(windows):
            raise ValueError(f"y must hold one label per window ({len(windows)}); got {len(y)} labels.")
        check_classification_targets(y)
        speeds = self._speeds(rpm, len(windows))
        if groups is not None:
            groups = column_or_1d(groups)
            if len(groups) != len(windows):
                raise ValueError(f"groups must hold one group per window ({len(windows)}); got "
                                 f"{len(groups)}. Pass the groups of recording_windows, or None.")
        found = np.unique(y)
        healthy = [c for c in found if c == self.healthy_class]
        if not healthy and self.synthetic_faults:
            raise ValueError(
                f"synthetic_faults=True needs healthy windows in y (healthy_class="
                f"{self.healthy_class!r}) to build synthetic faults on; y holds "
                f"{[_plain(c) for c in found]}. Add healthy windows of the machine, or set healthy_class."
            )
        if not healthy:
            raise ValueError(
                f"healthy_class must be one of the classes in y; got healthy_class="
                f"{self.healthy_class!r}, and y holds {[_plain(c) for c in found]}. Pass the label "
                "of the healthy windows as healthy_class."
            )
        if self.synthetic_faults and (y.dtype.kind not in "UO" or not all(isinstance(c, str) for c in found)):
            raise TypeError(
                "y must hold string labels with synthetic_faults=True, as the synthetic "
                f"classes are named {list(SYNTHETIC_FAULTS)}; got labels {found.tolist()!r}."
            )
        is_healthy = y == healthy[0]
        calibrate = self.false_alarm_rate is not None
        if calibrate and is_healthy.sum() < 2:
            raise ValueError(
                f"false_alarm_rate needs at least 2 healthy windows to calibrate the alarm threshold "
                f"on; y holds {int(is_healthy.sum())}. Add healthy windows, or pass false_alarm_rate=None."
            )
        blocks = _calibration_blocks(is_healthy, groups) if calibrate else None
        self.n_timepoints_in_ = self.n_features_in_ = int(windows.shape[-1])
        self.n_channels_in_ = 1
        names, features = bearing_features(windows, sr=sr, rpm=speeds, **geometry)
        self.feature_names_ = [*names, "level"]
        self.healthy_rms_, self.feature_mean_, self.feature_scale_, self.classes_, self.coef_, self.intercept_ = (
            self._learn(windows, features, y, is_healthy, speeds, sr, geometry))
        self.healthy_class_ = _plain(next(c for c in self.classes_ if c == self.healthy_class))
        self.threshold_, self.calibration_scores_ = 0.0, np.zeros(0)
        if calibrate:
            # Cross-fitting: each block of healthy windows is scored by a model that has not seen it,
            # so the threshold reflects unseen healthy windows, not the fitted ones.
            scores = np.empty(int(is_healthy.sum()))
            healthy_index = np.flatnonzero(is_healthy)
            for block in np.unique(blocks):
                held = healthy_index[blocks == block]
                keep = np.ones(len(y), dtype=bool)
                keep[held] = False
                rms, mean, scale, classes, coef, intercept = self._learn(
                    windows[keep], features[keep], y[keep], is_healthy[keep], speeds[keep], sr, geometry)
                logits = (_with_level(windows[held], features[held], rms) - mean) / scale @ coef.T + intercept
                scores[blocks == block] = _fault_evidence(logits, classes == self.healthy_class_)
            self.calibration_scores_ = scores
            self.threshold_ = _alarm_threshold(scores, float(self.false_alarm_rate))
        return self

    def _learn(self, windows, features, y, is_healthy, speeds, sr, geometry):
        """Healthy RMS, standardisation, classes and logistic weights from real (and synthetic) windows."""
        from ..functional.vibration import bearing_features  # noqa: PLC0415

        healthy_rms = float(np.median(np.std(windows[is_healthy], axis=-1)))
        if healthy_rms == 0:
            raise ValueError("The healthy windows of X are constant (zero RMS); pass recorded windows.")
        features = _with_level(windows, features, healthy_rms)
        if self.synthetic_faults:
            synthetic, labels, synthetic_speeds = self._synthesise(windows[is_healthy], speeds[is_healthy], sr)
            _, extra = bearing_features(synthetic, sr=sr, rpm=synthetic_speeds, **geometry)
            features = np.concatenate([features, _with_level(synthetic, extra, healthy_rms)])
            y = np.concatenate([y.astype(object), labels.astype(object)])
            if all(isinstance(c, str) for c in y):
                y = y.astype(str)
        classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError(
                f"y must hold at least two classes; got only {[_plain(c) for c in classes]}. "
                "Add fault windows, or pass synthetic_faults=True to learn faults from the "
                "healthy windows."
            )
        mean, scale = _statistics(features)
        from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

        model = LogisticRegression(C=float(self.C), class_weight="balanced", max_iter=5000)
        model.fit((features - mean) / scale, y)
        coef, intercept = model.coef_, model.intercept_
        if len(classes) == 2:  # one logit for the second class, as two softmax logits
            coef = np.concatenate([-coef / 2, coef / 2])
            intercept = np.concatenate([-intercept / 2, intercept / 2])
        return healthy_rms, mean, scale, classes, coef, intercept

    def _synthesise(self, healthy, speeds, sr):
        from ..datasets import calibrate_bearing_model, make_bearing_vibration  # noqa: PLC0415

        rng = np.random.default_rng(
            self.random_state.randint(2**31 - 1) if isinstance(self.random_state, np.random.RandomState)
            else self.random_state)
        rpm = float(np.median(speeds))
        spread = float(np.max(np.abs(speeds / rpm - 1)))
        windows, labels, rpms = [], [], []
        # Impulse peaks from 1 to 64 times the healthy RMS, one octave pair per call:
        # a fault's size cannot be estimated from healthy data, and a real one may be loud.
        for i, impulse_range in enumerate(_IMPULSE_RANGES):
            n = int(self.n_synthetic) // len(_IMPULSE_RANGES) + (i < int(self.n_synthetic) % len(_IMPULSE_RANGES))
            if n == 0:
                continue
            bunch = make_bearing_vibration(
                n, faults=SYNTHETIC_FAULTS, sr=sr, duration=healthy.shape[-1] / sr, rpm=rpm,
                speed_variation=min(max(spread, 0.005), 0.5), random_state=rng, **self._geometry(),
                **calibrate_bearing_model(healthy, sr=sr, impulse_range=impulse_range),
            )
            windows.append(bunch.data[:, 0].astype(np.float64))
            labels.append(np.asarray(bunch.target))
            rpms.append(bunch.rpm)
        return np.concatenate(windows), np.concatenate(labels), np.concatenate(rpms)

    def adapt(self, X, *, rpm=None):
        """Re-estimate the feature standardisation on unlabelled windows of a target machine.

        AdaBN (Li et al. 2016) for a linear model: the weights stay, the mean
        and scale of each feature are taken from ``X`` instead of the
        training windows, so features that shift with a new load, machine or
        resonance are re-centred. It assumes ``X`` holds a mix of conditions
        like that of training (adapting on healthy windows alone moves every
        feature's healthy level to the mean).

        Parameters
        ----------
        X : array-like of shape (n_windows, n_timepoints) or (n_windows, 1, n_timepoints)
            Unlabelled windows of the target, the length seen in ``fit``; at least 2.
        rpm : float, array-like of shape (n_windows,) or None, default=None
            Shaft speed of each window; None for the constructor's ``rpm``.

        Returns
        -------
        self : BearingFaultClassifier
            The classifier, adapted.
        """
        check_is_fitted(self, "coef_")
        features = self._features(X, rpm)
        if len(features) < 2:
            raise ValueError(f"X must hold at least 2 windows to adapt to; got {len(features)}.")
        self.feature_mean_, self.feature_scale_ = _statistics(features)
        return self

    # prediction ---------------------------------------------------------------------------

    def _standardise(self, features):
        return (features - self.feature_mean_) / self.feature_scale_

    def decision_function(self, X, *, rpm=None):
        """Logits of each class, the healthy one raised by ``threshold_``.

        Parameters
        ----------
        X : array-like of shape (n_windows, n_timepoints) or (n_windows, 1, n_timepoints)
            Windows of the length seen in ``fit``.
        rpm : float, array-like of shape (n_windows,) or None, default=None
            Shaft speed of each window; None for the constructor's ``rpm``.

        Returns
        -------
        logits : ndarray of shape (n_windows, n_classes)
        """
        check_is_fitted(self, "coef_")
        features = self._features(X, rpm)
        logits = self._standardise(features) @ self.coef_.T + self.intercept_
        logits[:, self.classes_ == self.healthy_class_] += self.threshold_
        return logits

    def predict_proba(self, X, *, rpm=None):
        """Probability of each class (softmax of :meth:`decision_function`).

        Parameters
        ----------
        X : array-like of shape (n_windows, n_timepoints) or (n_windows, 1, n_timepoints)
            Windows of the length seen in ``fit``.
        rpm : float, array-like of shape (n_windows,) or None, default=None
            Shaft speed of each window; None for the constructor's ``rpm``.

        Returns
        -------
        proba : ndarray of shape (n_windows, n_classes)
            In the order of ``classes_``.
        """
        logits = self.decision_function(X, rpm=rpm)
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X, *, rpm=None):
        """Class of each window.

        Parameters
        ----------
        X : array-like of shape (n_windows, n_timepoints) or (n_windows, 1, n_timepoints)
            Windows of the length seen in ``fit``.
        rpm : float, array-like of shape (n_windows,) or None, default=None
            Shaft speed of each window; None for the constructor's ``rpm``.

        Returns
        -------
        y : ndarray of shape (n_windows,)
        """
        logits = self.decision_function(X, rpm=rpm)
        return self.classes_[np.argmax(logits, axis=1)]

    def score(self, X, y, sample_weight=None, *, rpm=None):
        """Accuracy on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_windows, n_timepoints) or (n_windows, 1, n_timepoints)
            Windows of the length seen in ``fit``.
        y : array-like of shape (n_windows,)
            True labels.
        sample_weight : array-like of shape (n_windows,) or None, default=None
            Weights of the windows.
        rpm : float, array-like of shape (n_windows,) or None, default=None
            Shaft speed of each window; None for the constructor's ``rpm``.

        Returns
        -------
        score : float
        """
        from sklearn.metrics import accuracy_score  # noqa: PLC0415

        return float(accuracy_score(y, self.predict(X, rpm=rpm), sample_weight=sample_weight))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = False
        return tags

    # files --------------------------------------------------------------------------------

    def save(self, path, *, overwrite=False):
        """Write the fitted classifier to one file: JSON in a zip, no pickle.

        Parameters
        ----------
        path : str or os.PathLike
            File to write (by convention ``.sigconv``).
        overwrite : bool, default=False
            Whether to replace an existing file.

        See Also
        --------
        load : Read it back.
        """
        check_is_fitted(self, "coef_")

        path = os.fspath(path)
        if os.path.isdir(path):
            raise IsADirectoryError(f"path={path!r} is a directory; pass the path of a file to write.")
        if os.path.exists(path) and not check_bool(overwrite, "overwrite"):
            raise FileExistsError(f"path={path!r} already exists; pass overwrite=True to replace it, "
                                  "or choose another path.")
        from .. import __version__  # noqa: PLC0415

        metadata = {
            "format": _FORMAT,
            "format_version": _FORMAT_VERSION,
            "sigconv_version": __version__,
            "class": type(self).__name__,
            "params": {key: to_json(value, key) for key, value in self.get_params().items()
                       if key != "random_state" or not isinstance(value, np.random.RandomState)},
            "fitted": {key: to_json(getattr(self, key), key) for key in _FITTED},
        }
        handle, temporary = tempfile.mkstemp(prefix=".sigconv-save-",
                                             dir=os.path.dirname(os.path.abspath(path)))
        try:
            with os.fdopen(handle, "wb") as file, zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(_METADATA_NAME, json.dumps(metadata, indent=1))
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.remove(temporary)
            raise

    @classmethod
    def load(cls, path):
        """Read a classifier written by :meth:`save`; nothing in the file is executed.

        Parameters
        ----------
        path : str or os.PathLike
            The file.

        Returns
        -------
        estimator : BearingFaultClassifier
            The fitted classifier.
        """

        path = os.fspath(path)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"No classifier file at path={path!r}.")
        hint = "Load files written by BearingFaultClassifier.save(path)."
        try:
            with zipfile.ZipFile(path) as archive:
                metadata = json.loads(archive.read(_METADATA_NAME).decode("utf-8"))
        except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
            raise ValueError(f"{path!r} is not a BearingFaultClassifier file ({exc}). {hint}") from exc
        if not isinstance(metadata, dict) or metadata.get("format") != _FORMAT:
            raise ValueError(f"{path!r} is not a BearingFaultClassifier file: its {_METADATA_NAME} "
                             f"has no 'format': {_FORMAT!r} entry. {hint}")
        if not isinstance(metadata.get("format_version"), int) or metadata["format_version"] > _FORMAT_VERSION:
            raise ValueError(f"{path!r} was written in a newer format ({metadata.get('format_version')!r}); "
                             "upgrade sigconv to load it.")
        try:
            params = {key: from_json(value) for key, value in metadata["params"].items()}
            estimator = cls(**params)
            fitted = dict(metadata["fitted"])
            if metadata["format_version"] == 1:  # written before the alarm threshold
                fitted.setdefault("threshold_", 0.0)
                fitted.setdefault("calibration_scores_", [])
            for key in _FITTED:
                value = from_json(fitted[key])
                setattr(estimator, key, value)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path!r} is a corrupt BearingFaultClassifier file ({exc}). {hint}") from exc
        return estimator


def _with_level(windows, features, healthy_rms):
    """``features`` with the log RMS of each window over the healthy windows' median RMS.

    The one feature that is not a ratio within a window's own spectrum: the
    overall level against the machine's healthy baseline (the severity
    measure of ISO 10816-style monitoring), which any fault raises.
    """
    level = np.log(np.maximum(np.std(windows, axis=-1), 1e-300) / healthy_rms)
    return np.concatenate([features, level[:, None]], axis=1)


def _calibration_blocks(is_healthy, groups):
    """Block of each healthy window: its group, or one of 5 contiguous runs in the order of X."""
    n_healthy = int(is_healthy.sum())
    if groups is not None:
        _, blocks = np.unique(groups[is_healthy], return_inverse=True)
        if blocks.max() == 0:
            raise ValueError(
                "groups must put the healthy windows in at least 2 groups to hold one out at a "
                "time; they are all in one. Pass time blocks (recording_windows(..., block=...)), "
                "or groups=None."
            )
        return blocks
    n_blocks = min(_CALIBRATION_FOLDS, n_healthy)
    return np.arange(n_healthy) * n_blocks // n_healthy


def _alarm_threshold(scores, rate):
    """The larger of the empirical and the normal ``1 - rate`` quantiles of held-out healthy scores.

    With fewer than ``1 / rate`` windows the empirical quantile is only their
    largest score (about the ``1 - 1 / (n + 1)`` quantile), too low a
    threshold; the normal quantile (mean + z * std) extrapolates the tail from
    a few windows, the empirical one guards it where the tail is heavier.
    """
    from scipy.stats import norm  # noqa: PLC0415

    empirical = np.quantile(scores, 1.0 - rate, method="higher")
    normal = scores.mean() + norm.ppf(1.0 - rate) * scores.std(ddof=1)
    return float(max(empirical, normal))


def _fault_evidence(logits, healthy_column):
    """Largest fault logit minus the healthy logit: above 0, argmax would raise an alarm."""
    return logits[:, ~healthy_column].max(axis=1) - logits[:, healthy_column][:, 0]


def _statistics(features):
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    return mean, np.where(scale > 1e-12, scale, 1.0)


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value
