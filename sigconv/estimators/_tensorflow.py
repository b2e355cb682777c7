"""TensorFlow-only pieces of the estimators, imported only when they are used.

The estimators are Keras 3 code and run on any backend; data-parallel
training on the TensorFlow backend needs a ``tf.distribute`` strategy, which
is the one thing here. Nothing else in :mod:`sigconv.estimators` imports
TensorFlow.
"""

import tensorflow as tf

__all__ = ["mirrored_strategy"]


def mirrored_strategy():
    """A ``tf.distribute.MirroredStrategy`` over the local GPUs, else the logical CPUs.

    ``MirroredStrategy()`` without arguments uses every GPU, or a single CPU
    when there is none; listing the logical CPUs instead lets a machine
    without GPU train data-parallel over CPU devices made with
    ``tf.config.set_logical_device_configuration`` (as the tests do).

    Returns
    -------
    strategy : tf.distribute.MirroredStrategy
    """
    devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
    return tf.distribute.MirroredStrategy(devices=[device.name for device in devices])
