"""Named experiment configurations of sigconv's estimators, for the benchmark scripts.

The product's registry (``sigconv.benchmark.list_methods``) holds the methods
a user should choose. The variants that measured sigconv's defaults (ResNet
without augmentation, with each kind of window, label smoothing, dilations,
ensembles, bfloat16; docs/augmentation.md and docs/estimators.md) live here
and are registered with :func:`sigconv.benchmark.register_method` when this
module is imported, so that the scripts which measured them still run them::

    python benchmarks/ucr_accuracy.py --model resnet-both
    python benchmarks/ucr_resamples.py --methods resnet-both resnet-none

From Python, ``import configurations`` with ``benchmarks/`` on ``sys.path``
(the benchmark's worker processes get the same ``sys.path``, so they find the
factories by reference).
"""

import functools

from sigconv.benchmark import Method, list_methods, register_method

__all__ = ["CONFIGURATIONS"]


def _resnet(*, random_state, epochs, time_budget, work_dir, **params):
    from sigconv.estimators import ResNetClassifier

    return ResNetClassifier(random_state=random_state, epochs=epochs, max_time=time_budget, **params)


def _resnet_slices(*, random_state, epochs, time_budget, work_dir, stretch):
    """ResNetClassifier on window slices with ``stretch`` (False: kept unstretched; "both": half each)."""
    from sigconv.augmentation import Augmenter

    return _resnet(random_state=random_state, epochs=epochs, time_budget=time_budget, work_dir=work_dir,
                   augmentation=Augmenter([("window_slice", {"stretch": stretch})]))


def _variant(name, factory, description):
    return Method(name, factory, description, reference="ResNet", uses_keras=True)


#: The configurations this module registers, in the order docs/benchmark.md lists them.
CONFIGURATIONS = (
    _variant("resnet-none", functools.partial(_resnet, augmentation=None),
             "sigconv ResNetClassifier(augmentation=None)"),
    _variant("resnet-stretch", functools.partial(_resnet, augmentation="window_slice"),
             'sigconv ResNetClassifier(augmentation="window_slice")'),
    _variant("resnet-crop", functools.partial(_resnet_slices, stretch=False),
             'sigconv ResNetClassifier(augmentation=Augmenter([("window_slice", {"stretch": False})]))'),
    _variant("resnet-both", functools.partial(_resnet_slices, stretch="both"),
             'sigconv ResNetClassifier(augmentation=Augmenter([("window_slice", {"stretch": "both"})]))'),
    _variant("resnet-smooth", functools.partial(_resnet, label_smoothing=0.1),
             "sigconv ResNetClassifier(label_smoothing=0.1)"),
    _variant("resnet-dilated", functools.partial(_resnet, dilation_rates=(1, 2, 4)),
             "sigconv ResNetClassifier(dilation_rates=(1, 2, 4))"),
    _variant("resnet-ensemble3", functools.partial(_resnet, ensemble_size=3),
             "sigconv ResNetClassifier(ensemble_size=3)"),
    _variant("resnet-narrow3", functools.partial(_resnet, n_filters=32, ensemble_size=3),
             "sigconv ResNetClassifier(n_filters=32, ensemble_size=3)"),
    _variant("resnet-bf16", functools.partial(_resnet, mixed_precision="bfloat16", jit_compile=False),
             'sigconv ResNetClassifier(mixed_precision="bfloat16", jit_compile=False)'),
)

for _method in CONFIGURATIONS:
    # Importing this module twice (as a script's neighbour and by path) registers the same names again.
    register_method(_method, replace=_method.name in list_methods())
del _method
