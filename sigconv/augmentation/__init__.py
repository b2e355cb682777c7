"""Data augmentation for the deep estimators: chains of random series transformations.

:class:`Augmenter` applies the functions of
:mod:`sigconv.functional.augmentation` (jitter, scaling, time warp, window
slice) one after the other; pass one as the ``augmentation`` parameter of
any estimator of :mod:`sigconv.estimators` to transform its training
batches with fresh random draws at every epoch.
"""

from ._augmenter import AUGMENTATIONS, Augmenter

__all__ = ["AUGMENTATIONS", "Augmenter"]
