"""``sigconv benchmark`` with no options runs the quick matrix: built-in sets, a baseline, a 1D and an image method."""

import pytest

from sigconv import benchmark
from sigconv.benchmark import _methods, get_method
from sigconv.cli import _parser, main


@pytest.fixture
def calls(monkeypatch, tmp_path):
    """What ``main`` passes to run_benchmark, without running anything."""
    seen = []

    def run_benchmark(datasets, methods, **kwargs):
        seen.append({"datasets": datasets, "methods": methods, **kwargs})
        raise KeyboardInterrupt  # the command's own early exit: status 130, nothing written

    monkeypatch.setattr(benchmark, "run_benchmark", run_benchmark)
    return seen


def test_no_options_run_the_quick_matrix(calls, tmp_path):
    assert main(["benchmark", "--output", str(tmp_path)]) == 130
    (call,) = calls
    assert call["datasets"] == ["GunPoint", "Coffee", "BasicMotions"]
    assert call["methods"] == ["1nn-euclidean", "fcn", "image-spectrogram"]
    assert (call["epochs"], call["time_budget"]) == (60, None)


def test_the_quick_matrix_has_a_baseline_a_1d_network_and_an_image_method():
    from sigconv.datasets import list_ucr_datasets
    from sigconv.estimators import FCNClassifier, ImageCNNClassifier

    assert set(_methods.QUICK_DATASETS) <= set(list_ucr_datasets(source="builtin"))  # nothing downloaded
    baseline, deep, image = (get_method(name) for name in _methods.QUICK_METHODS)
    assert not baseline.uses_keras and deep.uses_keras and image.uses_keras
    assert _methods.QUICK_IMAGE_METHOD == image.name
    build = dict(random_state=0, epochs=_methods.QUICK_EPOCHS, time_budget=None, work_dir=".")
    assert isinstance(deep.factory(**build), FCNClassifier)
    assert isinstance(image.factory(**build), ImageCNNClassifier)


def test_options_replace_each_part_of_the_quick_matrix(calls, tmp_path):
    main(["benchmark", "--datasets", "Coffee", "--methods", "resnet", "--time-budget", "5", "--output", str(tmp_path)])
    main(["benchmark", "--epochs", "7", "--output", str(tmp_path)])
    assert [(c["datasets"], c["methods"], c["epochs"], c["time_budget"]) for c in calls] == [
        (["Coffee"], ["resnet"], None, 5.0),
        (["GunPoint", "Coffee", "BasicMotions"], ["1nn-euclidean", "fcn", "image-spectrogram"], 7, None),
    ]


def test_help_names_the_quick_defaults():
    sub = _parser()._subparsers._group_actions[0].choices["benchmark"]
    text = " ".join(sub.format_help().split())
    assert " ".join(_methods.QUICK_DATASETS) in text and " ".join(_methods.QUICK_METHODS) in text
    assert f"default: {_methods.QUICK_EPOCHS} unless --time-budget" in text
