"""Small models and series shared by the estimator tests of several packages."""

import numpy as np

from sigconv.estimators import FCNClassifier


def tiny(cls=FCNClassifier, **params):
    return cls(**{"filters": (4,), "kernel_sizes": (3,), "epochs": 2, "random_state": 0, **params})


def waves(n=20, n_timepoints=32, seed=0):
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, n_timepoints)
    x = np.sin(2 * np.pi * rng.uniform(2, 4, (n, 1)) * t + rng.uniform(0, 6, (n, 1)))
    y = np.arange(n) % 2
    x[y == 1] = np.sign(x[y == 1])
    return x.astype(np.float32), y
