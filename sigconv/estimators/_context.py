"""Context managers that set and restore Keras' global state around a fit.

Each changes one piece of process-wide state for the duration of a ``with``
block and puts back what was there before, so fitting an estimator never
leaves a dtype policy, a distribution or a reseeded NumPy generator behind.
Everything here is backend-neutral; the TensorFlow-only strategy lives in
:mod:`sigconv.estimators._tensorflow`, imported only when it is used.
"""

import contextlib
import random

import keras
import numpy as np

__all__ = ["DISTRIBUTIONS", "check_distribution", "distribution_scope", "dtype_policy", "seeded"]

#: Values accepted by the ``distribution`` parameter of the estimators.
DISTRIBUTIONS = (None, "data_parallel")


@contextlib.contextmanager
def dtype_policy(name):
    """Set Keras' global dtype policy to ``name`` inside the block."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


@contextlib.contextmanager
def seeded(random_state):
    """Seed Python, NumPy and the Keras backend with ``random_state`` inside the block.

    ``keras.utils.set_random_seed`` reseeds the global Python and NumPy
    generators too; their states are put back on exit, so a seeded fit does
    not change the random numbers the caller draws afterwards. The backend
    seed (e.g. TensorFlow's global seed) stays set, as there is no public way
    to read it back. None does nothing.
    """
    if random_state is None:
        yield
        return
    python_state = random.getstate()
    numpy_state = np.random.get_state()
    keras.utils.set_random_seed(random_state)
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


def check_distribution(distribution):
    """Check the ``distribution`` parameter against the current Keras backend."""
    if not (distribution is None or (isinstance(distribution, str) and distribution in DISTRIBUTIONS)):
        raise ValueError(
            "distribution must be None (one device) or 'data_parallel' (the batch split "
            f"over all local GPUs); got distribution={distribution!r}."
        )
    backend = keras.backend.backend()
    if distribution == "data_parallel" and backend not in ("jax", "tensorflow"):
        raise ValueError(
            "distribution='data_parallel' needs the JAX or TensorFlow Keras backend; the "
            f"current backend is {backend!r}. Set KERAS_BACKEND=jax or tensorflow, or use "
            "distribution=None."
        )
    return distribution


@contextlib.contextmanager
def distribution_scope(distribution):
    """Run the block under a data-parallel distribution, or do nothing for None.

    On JAX, ``keras.distribution.DataParallel`` over all devices is set as
    the global distribution and the previous one restored on exit. On
    TensorFlow, the block runs in the scope of a ``tf.distribute``
    mirrored strategy over the local GPUs (or logical CPUs when there is no
    GPU); see :mod:`sigconv.estimators._tensorflow`.
    """
    if distribution is None:
        yield
        return
    backend = keras.backend.backend()
    if backend == "jax":
        previous = keras.distribution.distribution()
        keras.distribution.set_distribution(keras.distribution.DataParallel())
        try:
            yield
        finally:
            keras.distribution.set_distribution(previous)
    elif backend == "tensorflow":
        from ._tensorflow import mirrored_strategy

        with mirrored_strategy().scope():
            yield
    else:  # checked in fit before anything is built
        raise ValueError(f"distribution={distribution!r} is not supported on the {backend!r} backend.")
