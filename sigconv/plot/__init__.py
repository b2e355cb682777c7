"""Figures (matplotlib): transform galleries and what a trained network does.

Every function returns a :class:`matplotlib.figure.Figure` and never touches
pyplot's global state, so it works headless and inside notebooks alike.

- :mod:`~sigconv.plot.gallery`: every transform of one series per class;
- :mod:`~sigconv.plot.benchmark`: accuracy per data set, critical-difference diagram and
  accuracy scatter plots
  (the statistics :mod:`sigconv.benchmark` reports);
- :mod:`~sigconv.plot.inspection`: training history, confusion matrix,
  convolution kernels, activations, class activation maps and Grad-CAM
  (computed by :mod:`sigconv.inspection`).
"""

from .benchmark import plot_accuracy_by_dataset, plot_accuracy_scatter, plot_critical_difference
from .gallery import default_transformers, plot_transform_gallery, write_gallery
from .inspection import (
    plot_activations,
    plot_class_activation_map,
    plot_confusion_matrix,
    plot_filters,
    plot_grad_cam,
    plot_history,
)

__all__ = [
    "plot_accuracy_by_dataset",
    "plot_accuracy_scatter",
    "default_transformers",
    "plot_activations",
    "plot_class_activation_map",
    "plot_confusion_matrix",
    "plot_critical_difference",
    "plot_filters",
    "plot_grad_cam",
    "plot_history",
    "plot_transform_gallery",
    "write_gallery",
]
