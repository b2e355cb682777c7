"""benchmarks/configurations.py: the experiment variants live beside the scripts, out of the product's registry."""

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from sigconv.benchmark import _methods, get_method, list_methods

BENCHMARKS = Path(__file__).parents[2] / "benchmarks"
VARIANTS = {
    "resnet-none": {"augmentation": None},
    "resnet-stretch": {"augmentation": "window_slice"},
    "resnet-smooth": {"label_smoothing": 0.1},
    "resnet-dilated": {"dilation_rates": (1, 2, 4)},
    "resnet-ensemble3": {"ensemble_size": 3},
    "resnet-narrow3": {"n_filters": 32, "ensemble_size": 3},
    "resnet-bf16": {"mixed_precision": "bfloat16", "jit_compile": False},
}


@pytest.fixture
def configurations(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    monkeypatch.setattr(_methods, "_REGISTRY", dict(_methods._REGISTRY))  # registered names vanish after
    sys.modules.pop("configurations", None)
    import configurations

    yield configurations
    sys.modules.pop("configurations", None)


def test_the_product_registry_holds_no_experiment_variant():
    assert not [name for name in list_methods() if name.startswith("resnet-")]


def test_importing_configurations_registers_every_variant(configurations):
    names = [method.name for method in configurations.CONFIGURATIONS]
    assert set(VARIANTS) | {"resnet-crop", "resnet-both"} == set(names)
    assert all(name in list_methods() for name in names)
    assert all(get_method(name).reference == "ResNet" and get_method(name).uses_keras for name in names)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_each_variant_builds_the_resnet_it_names(configurations, tmp_path, name):
    clf = get_method(name).factory(random_state=2, epochs=3, time_budget=4.0, work_dir=tmp_path)
    params = clf.get_params()
    assert (params["random_state"], params["epochs"], params["max_time"]) == (2, 3, 4.0)
    assert {key: params[key] for key in VARIANTS[name]} == VARIANTS[name]


@pytest.mark.parametrize(("name", "stretch"), [("resnet-crop", False), ("resnet-both", "both")])
def test_window_slice_variants_stretch_as_named(configurations, tmp_path, name, stretch):
    augmentation = get_method(name).factory(random_state=0, epochs=None, time_budget=None,
                                            work_dir=tmp_path).get_params()["augmentation"]
    assert repr(augmentation) == repr(type(augmentation)([("window_slice", {"stretch": stretch})]))


def test_a_worker_process_finds_a_variant_by_reference(configurations):
    # What run_cell_in_subprocess does: the method travels pickled; the child has the parent's sys.path.
    payload = pickle.dumps(get_method("resnet-both"))
    code = ("import pickle, sys; m = pickle.loads(sys.stdin.buffer.read()); "
            "print(type(m.factory(random_state=0, epochs=1, time_budget=None, work_dir='.')).__name__)")
    env_path = ":".join(p for p in sys.path if p)
    done = subprocess.run([sys.executable, "-c", code], input=payload, capture_output=True, check=True,
                          env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.stdout.decode().strip() == "ResNetClassifier"
