"""Backend adapter: the gradient of a scalar function, on TensorFlow, JAX or PyTorch.

Keras 3 has no backend-neutral ``grad``; Grad-CAM needs one. This module is
the only place in :mod:`sigconv.inspection` that imports a backend library,
one function per backend, each importing it only when called.
"""

import keras
import numpy as np

__all__ = ["gradient"]


def _tensorflow_gradient(fn, x):
    import tensorflow as tf  # noqa: PLC0415

    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = fn(x)
    return tape.gradient(value, x)


def _jax_gradient(fn, x):
    import jax  # noqa: PLC0415
    import jax.numpy as jnp  # noqa: PLC0415

    return jax.grad(fn)(jnp.asarray(x))


def _torch_gradient(fn, x):
    import torch  # noqa: PLC0415

    x = keras.ops.convert_to_tensor(x).detach().requires_grad_(True)
    value = fn(x)
    (grad,) = torch.autograd.grad(value, x)
    return grad


_GRADIENTS = {"tensorflow": _tensorflow_gradient, "jax": _jax_gradient, "torch": _torch_gradient}


def gradient(fn, x):
    """Gradient of the scalar ``fn`` at ``x``, with the active Keras backend.

    Parameters
    ----------
    fn : callable
        Maps a backend tensor shaped like ``x`` to a scalar tensor, with
        ``keras.ops`` (or Keras layers) only.
    x : ndarray
        Point to differentiate at.

    Returns
    -------
    grad : ndarray of the shape of ``x``
        float32 gradient.
    """
    backend = keras.backend.backend()
    if backend not in _GRADIENTS:
        raise RuntimeError(
            f"Gradients are computed with TensorFlow, JAX or PyTorch; the Keras backend is "
            f"{backend!r}. Set KERAS_BACKEND to 'tensorflow', 'jax' or 'torch'."
        )
    grad = _GRADIENTS[backend](fn, np.asarray(x, dtype=np.float32))
    return np.asarray(keras.ops.convert_to_numpy(grad), dtype=np.float32)
