"""Figures (matplotlib): transform galleries.

Every function returns a :class:`matplotlib.figure.Figure` and never touches
pyplot's global state, so it works headless and inside notebooks alike.
"""

from .gallery import default_transformers, plot_transform_gallery, write_gallery

__all__ = ["default_transformers", "plot_transform_gallery", "write_gallery"]
