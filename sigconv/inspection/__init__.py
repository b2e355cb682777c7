"""Inside a trained network: activations, kernels, class activation maps, Grad-CAM.

Pure computation (NumPy arrays out, no matplotlib; :mod:`sigconv.plot` draws
them). Every function takes a fitted sigconv estimator, fed as its
``predict`` feeds it, or a plain :class:`keras.Model` with ready arrays.

- :mod:`~sigconv.inspection.activations`: :func:`layer_activations`, :func:`conv_filters`;
- :mod:`~sigconv.inspection.class_maps`: :func:`class_activation_map`,
  :func:`grad_cam` (gradients through the backend adapter
  ``_gradients``: TensorFlow, JAX or PyTorch) and :func:`image_map_to_series`.
"""

from .activations import conv_filters, layer_activations
from .class_maps import class_activation_map, grad_cam, image_map_to_series

__all__ = ["class_activation_map", "conv_filters", "grad_cam", "image_map_to_series", "layer_activations"]
