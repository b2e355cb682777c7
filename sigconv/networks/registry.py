"""The network registry: every builder by name, with its parameters.

Estimators build their network from a name and a dict of parameters;
:func:`build_network` checks both against the builder's signature before
building anything, and :func:`get_network_params` gives back a builder's
parameters with their defaults.
"""

import inspect
import types

from ..validation import check_option
from .convnet import build_convnet
from .fcn import build_fcn
from .inception_time import build_inception_time
from .recurrent import build_lstm
from .resnet import build_resnet
from .wavenet import build_wavenet

__all__ = ["NETWORKS", "build_network", "get_network_params"]

#: Read-only mapping from network name to builder.
NETWORKS = types.MappingProxyType(
    {
        "convnet": build_convnet,
        "fcn": build_fcn,
        "inception_time": build_inception_time,
        "lstm": build_lstm,
        "resnet": build_resnet,
        "wavenet": build_wavenet,
    }
)


def _builder(network):
    return NETWORKS[check_option(network, "network", tuple(NETWORKS))]


def get_network_params(network):
    """Return the parameters of a registered builder, with their defaults.

    Parameters
    ----------
    network : str
        A key of :data:`NETWORKS`.

    Returns
    -------
    params : dict
        The keyword-only parameters of the builder (everything but
        ``n_timepoints`` and ``n_channels``) mapped to their defaults, in
        signature order.

    Examples
    --------
    >>> from sigconv.networks import get_network_params
    >>> get_network_params("fcn")
    {'filters': (128, 256, 128), 'kernel_sizes': (8, 5, 3), 'activation': 'relu', 'name': 'fcn'}
    """
    parameters = inspect.signature(_builder(network)).parameters.values()
    return {p.name: p.default for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}


def build_network(network, n_timepoints, n_channels, /, **params):
    """Build a registered network by name, checking its parameters first.

    Parameters
    ----------
    network : str
        A key of :data:`NETWORKS`: ``"convnet"``, ``"fcn"``,
        ``"inception_time"``, ``"lstm"``, ``"resnet"`` or ``"wavenet"``.
    n_timepoints : int or None
        Length of the series; None for variable length.
    n_channels : int
        Number of channels.
    **params
        Keyword arguments of the builder (see :func:`get_network_params`),
        ``name`` included; each builder validates their values.

    Returns
    -------
    model : keras.Model
        The headless network.

    Raises
    ------
    ValueError
        For an unknown network or a parameter the builder does not take; the
        message lists the valid ones.

    Examples
    --------
    >>> from sigconv.networks import build_network
    >>> model = build_network("resnet", 40, 1, n_filters=4, n_blocks=2, name="tiny_resnet")
    >>> model.name, model.output.shape
    ('tiny_resnet', (None, 40, 8))
    """
    builder = _builder(network)
    valid = get_network_params(network)
    unknown = sorted(set(params) - set(valid))
    if unknown:
        shown = ", ".join(repr(key) for key in unknown)
        raise ValueError(
            f"{builder.__name__} has no parameter {shown}; got params={params!r}. Valid "
            f"parameters: {', '.join(repr(key) for key in valid)}."
        )
    return builder(n_timepoints, n_channels, **params)
