"""Start a network from a fitted estimator: ``weights=`` a fitted sigconv estimator or its ``.sigconv`` file.

- :func:`check_source`: the source of ``weights`` (a fitted estimator, or the
  one loaded from a ``.sigconv`` file with :func:`~sigconv.estimators.load`,
  which runs no code from the file), checked against the estimator that
  takes it: same class family, same network parameters, before any data
  is read;
- :func:`copy_body`: after the new model is built, every layer of its body
  (all but the head, which is rebuilt for the new classes or outputs) takes
  the weights of the source's layer of the same name; a layer that is
  missing or of another shape raises before any training;
- :func:`clone_with_source`: ``sklearn.base.clone`` without cloning the
  source (a clone of a fitted estimator would be an unfitted one).
"""

import os

import numpy as np
from sklearn.base import clone

__all__ = ["check_source", "check_source_channels", "clone_with_source", "copy_body", "head_layer_names", "is_source"]

_SUFFIX = ".sigconv"


def is_source(weights):
    """True if ``weights`` is an estimator (fitted or not) rather than None, a name or a path."""
    return hasattr(weights, "get_params") and hasattr(weights, "fit")


def check_source(estimator, weights, *, backbone=False):
    """The fitted estimator ``weights`` stands for, or None.

    None is returned for ``weights=None`` and, with ``backbone=True`` (the
    image estimators), for the other values its backbone takes (``"imagenet"``,
    a ``.weights.h5`` path), which the caller checks.
    """
    name = type(estimator).__name__
    accepted = "None, 'imagenet', the path of a .weights.h5 file" if backbone else "None"
    accepted = f"{accepted}, the path of a {_SUFFIX} file or a fitted sigconv estimator"
    if isinstance(weights, (str, os.PathLike)) and os.fspath(weights).endswith(_SUFFIX):
        from ._serialization import load  # noqa: PLC0415  (imports the estimator classes)

        path = os.fspath(weights)
        if not os.path.isfile(path):
            raise FileNotFoundError(
                f"weights must be the path of an existing {_SUFFIX} file; {path!r} does not exist. "
                f"Write one with a fitted estimator's save(path)."
            )
        source = load(path)
    elif is_source(weights):
        source = weights
    elif weights is None or backbone and isinstance(weights, (str, os.PathLike)):
        return None
    elif isinstance(weights, (str, os.PathLike)):
        raise ValueError(
            f"weights must be {accepted}; got weights={os.fspath(weights)!r}. Pass the path of a "
            f"file written by a fitted estimator's save(path) (it ends in {_SUFFIX!r})."
        )
    else:
        raise TypeError(
            f"weights must be {accepted}; got weights={weights!r} ({type(weights).__name__}). "
            "Pass a fitted estimator, or the path of the file its save(path) wrote."
        )
    from ._base import BaseDeepEstimator  # noqa: PLC0415  (_base imports this module)

    if not isinstance(source, BaseDeepEstimator):  # another library's estimator, or DeepFeatures
        raise TypeError(
            f"weights must be {accepted}; got a {type(source).__name__}, which has no sigconv network. "
            "Pass a fitted sigconv deep estimator (FCNClassifier, ResNetClassifier, ...)."
        )
    if not hasattr(source, "model_"):
        raise ValueError(
            f"weights={type(source).__name__}(...) is not fitted: {name} starts from the trained "
            f"network of a fitted estimator. Fit it first, or pass the path of its saved {_SUFFIX} file."
        )
    if source._network != estimator._network:
        raise ValueError(
            f"weights is a {type(source).__name__}, whose network ({source._network!r}) is not "
            f"{name}'s ({estimator._network!r}); the body of a network is copied only into the same "
            f"network. Pass a fitted estimator of the same network (e.g. a "
            f"{name.replace('Regressor', 'Classifier')} or {name.replace('Classifier', 'Regressor')})."
        )
    for param in _architecture_params(estimator):
        mine, theirs = getattr(estimator, param), source.get_params()[param]
        if not _same(mine, theirs):
            raise ValueError(
                f"weights: the source {type(source).__name__} was built with {param}={theirs!r}, "
                f"this {name} with {param}={mine!r}; the network body is copied only between the "
                f"same architecture. Set {param}={theirs!r}, or use weights=None."
            )
    return source


def _architecture_params(estimator):
    """Parameters that shape the body's weights: the network's, the ensemble size, the image front."""
    names = list(estimator._network_params)
    if estimator._has_ensemble:
        names.append("ensemble_size")
    names += [n for n in ("image_transform", "image_size", "network", "alpha") if hasattr(estimator, n)]
    if getattr(estimator, "network", None) == "convnet":
        names += ["conv_filters", "dense_units"]
    return names


def _same(a, b):
    if hasattr(a, "get_config") and hasattr(b, "get_config"):
        return type(a) is type(b) and a.get_config() == b.get_config()
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def check_source_channels(source, n_channels):
    """Raise if ``source`` was fitted on series with another number of channels."""
    if source.n_channels_in_ != n_channels:
        raise ValueError(
            f"weights: the source {type(source).__name__} was fitted on series with "
            f"{source.n_channels_in_} channel(s); X has {n_channels}. Its first layer takes "
            f"{source.n_channels_in_} channel(s): pass series with that many channels (select or "
            f"average channels), or use weights=None."
        )


def copy_body(source_model, model, head_names):
    """Set every layer of ``model`` but ``head_names`` from the layer of ``source_model`` of the same name.

    All layers are checked before any is set, so a mismatch leaves ``model`` as built.
    """
    found = {layer.name: layer for layer in _layers(source_model)}
    pairs = []
    for layer in _layers(model):
        if layer.name in head_names or not layer.weights or _is_model(layer):
            continue
        if layer.name not in found:
            raise ValueError(
                f"weights: layer {layer.name!r} of this network is not in the source estimator's "
                "network; the source was built from other parameters. Fit the source with the same "
                "network parameters, or use weights=None."
            )
        ours = [tuple(w.shape) for w in layer.weights]
        theirs = [tuple(w.shape) for w in found[layer.name].weights]
        if ours != theirs:
            raise ValueError(
                f"weights: layer {layer.name!r} has weights of shapes {theirs} in the source "
                f"estimator's network and {ours} here. Use the source's parameters and input "
                "channels, or weights=None."
            )
        pairs.append((layer, found[layer.name]))
    for layer, source in pairs:
        layer.set_weights([np.asarray(w) for w in source.get_weights()])
    return [layer.name for layer, _ in pairs]


def head_layer_names(model, body):
    """Names of the layers of ``model`` that are not in the (headless) model ``body``."""
    names = {layer.name for layer in _layers(body)}
    return {layer.name for layer in _layers(model) if layer.name not in names}


def clone_with_source(estimator):
    """``sklearn.base.clone`` of ``estimator``, keeping its ``weights`` estimator (not cloned: it is read only)."""
    params = estimator.get_params(deep=False)
    return type(estimator)(**{
        key: value if key == "weights" else clone(value, safe=False) for key, value in params.items()
    })


def _is_model(layer):
    import keras  # noqa: PLC0415

    return isinstance(layer, keras.Model)


def _layers(model):
    for layer in model.layers:
        yield layer
        if _is_model(layer):
            yield from _layers(layer)
