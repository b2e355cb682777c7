"""Keras 3 network builders for series, headless, with separate task heads.

Every builder takes the input shape ``(n_timepoints, n_channels)``
(channel-last, ``n_timepoints`` None for variable length) and keyword-only
hyper-parameters, validates them, and returns a headless :class:`keras.Model`
named after the network whose layers are all named after it. The modules
are a map of the package:

- :mod:`~sigconv.networks.activations`: :func:`get_activation`, :class:`GLU`, :class:`Maxout`;
- :mod:`~sigconv.networks.blocks`: ``apply_*`` blocks the builders are made of;
- :mod:`~sigconv.networks.fcn`, :mod:`~sigconv.networks.resnet`,
  :mod:`~sigconv.networks.inception_time`, :mod:`~sigconv.networks.wavenet`,
  :mod:`~sigconv.networks.recurrent`, :mod:`~sigconv.networks.convnet`: one
  family each; :mod:`~sigconv.networks.backbones`: ``keras.applications`` image
  backbones (:data:`BACKBONES`, :func:`build_backbone`, :func:`backbone_blocks`)
  and :func:`build_image_convnet` for the image estimators;
- :mod:`~sigconv.networks.heads`: classification, regression and
  forecasting heads;
- :mod:`~sigconv.networks.registry`: :data:`NETWORKS`, :func:`build_network`,
  :func:`get_network_params` for the estimators.

Only Keras 3 is imported (``keras``, ``keras.ops``), so the networks run on
the TensorFlow, JAX and PyTorch backends.
"""

from .activations import ACTIVATIONS, GLU, Maxout, activation_channel_factor, get_activation
from .blocks import (
    apply_conv_block,
    apply_dense_block,
    apply_inception_module,
    apply_residual_block,
    apply_wavenet_block,
)
from .backbones import BACKBONES, BackbonePreprocessing, backbone_blocks, build_backbone
from .convnet import build_convnet, build_image_convnet
from .fcn import build_fcn
from .heads import (
    MaskedGlobalMaxPooling1D,
    add_classification_head,
    add_forecasting_head,
    add_regression_head,
)
from .inception_time import build_inception_time
from .recurrent import build_lstm
from .registry import NETWORKS, build_network, get_network_params
from .resnet import build_resnet
from .wavenet import build_wavenet, wavenet_receptive_field

__all__ = [
    "ACTIVATIONS",
    "BACKBONES",
    "BackbonePreprocessing",
    "GLU",
    "MaskedGlobalMaxPooling1D",
    "Maxout",
    "NETWORKS",
    "activation_channel_factor",
    "add_classification_head",
    "add_forecasting_head",
    "add_regression_head",
    "apply_conv_block",
    "apply_dense_block",
    "apply_inception_module",
    "apply_residual_block",
    "apply_wavenet_block",
    "backbone_blocks",
    "build_backbone",
    "build_convnet",
    "build_fcn",
    "build_image_convnet",
    "build_inception_time",
    "build_lstm",
    "build_network",
    "build_resnet",
    "build_wavenet",
    "get_activation",
    "get_network_params",
    "wavenet_receptive_field",
]
