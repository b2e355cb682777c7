"""What every series-to-image layer shares: argument checks, constants, channel layout.

A subclass names the spec of its transform (:mod:`sigconv.functional.specs`),
built from its arguments in ``__init__`` by the same validator as the
functional layer and the transformer (so one definition says what is
valid, how large the images are and which series are too short), creates
the constants of the transform (windows, filterbanks, resampling matrices)
from the spec in ``_build_constants`` once the series length is known, and
implements ``_images``: float32 series ``(n_series, n_timepoints)`` to
images ``(n_series, n_images, height, width)``. The base class turns the
Keras layout ``(batch, n_timepoints, n_channels)`` into one row per series
channel and back to channel-last images ``(batch, height, width, n_channels
* n_images)``, in the order of the transformers' output.
"""

import inspect

import keras
import numpy as np
from keras import ops

__all__ = ["BaseImageLayer"]


def _as_tuple(value):
    """JSON turns tuples into lists; give them back their tuple form."""
    return tuple(_as_tuple(v) for v in value) if isinstance(value, list) else value


class BaseImageLayer(keras.layers.Layer):
    """Base class of the layers that turn series into images.

    Input ``(batch, n_timepoints, n_channels)``, channel-last as the
    estimators feed series to Keras; output float32 ``(batch, height, width,
    n_channels * n_images)``. ``n_timepoints`` and ``n_channels`` must be
    known when the layer is built (the constants of the transform depend on
    the length); the batch axis may be anything, so a model makes the images
    of one batch at a time.

    Subclasses set ``_spec_type``, call ``self._set_args(locals())`` first
    in ``__init__`` and implement ``_build_constants(n_timepoints)`` and
    ``_images(x)``.
    """

    _spec_type = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._n_timepoints = None
        self._n_channels = None

    def _set_args(self, arguments):
        """Check the constructor arguments (the spec) and keep them for ``get_config``.

        ``arguments`` is the ``locals()`` of the subclass's ``__init__``; the
        arguments are its parameters other than ``**kwargs``.
        """
        parameters = inspect.signature(type(self).__init__).parameters.values()
        args = {p.name: arguments[p.name] for p in parameters if p.name != "self" and p.kind != p.VAR_KEYWORD}
        self._spec = self._spec_type.create(**args)
        self._args = args
        for key, value in args.items():
            setattr(self, key, value)

    def _n_images(self):
        return self._spec.n_images

    def _output_hw(self, n_timepoints):
        return self._spec.output_hw(n_timepoints)

    def _check_length(self, n_timepoints):
        self._spec.check_length(n_timepoints)

    def _build_constants(self, n_timepoints):
        return None

    # helpers for subclasses ------------------------------------------------------------

    def _constant(self, name, value):
        """A non-trainable float32 weight holding ``value`` (a NumPy array; None stays None)."""
        if value is None:
            return None
        value = np.asarray(value, dtype=np.float32)
        weight = self.add_weight(
            name=name, shape=value.shape, initializer="zeros", trainable=False, dtype="float32", autocast=False
        )
        weight.assign(value)
        return weight

    # Keras API -------------------------------------------------------------------------------

    def _check_input_shape(self, input_shape):
        input_shape = tuple(input_shape)
        name = type(self).__name__
        if len(input_shape) != 3:
            raise ValueError(
                f"{name} expects series of shape (batch, n_timepoints, n_channels), "
                f"channel-last; got input_shape={input_shape}. Add a channel axis to univariate series."
            )
        n_timepoints, n_channels = input_shape[1], input_shape[2]
        if n_timepoints is None or n_channels is None:
            raise ValueError(
                f"{name} needs the series length and channel count when it is built "
                f"(its constants depend on them); got input_shape={input_shape}. Give the model "
                "a fixed input shape, e.g. keras.Input((n_timepoints, n_channels))."
            )
        self._check_length(int(n_timepoints))
        return int(n_timepoints), int(n_channels)

    def build(self, input_shape):
        n_timepoints, n_channels = self._check_input_shape(input_shape)
        self._n_timepoints, self._n_channels = n_timepoints, n_channels
        self._build_constants(n_timepoints)
        self.input_spec = keras.layers.InputSpec(ndim=3, axes={1: n_timepoints, 2: n_channels})
        self.built = True

    def compute_output_shape(self, input_shape):
        n_timepoints, n_channels = self._check_input_shape(input_shape)
        height, width = self._output_hw(n_timepoints)
        return (input_shape[0], height, width, n_channels * self._n_images())

    def call(self, inputs):
        n_timepoints, n_channels = self._n_timepoints, self._n_channels
        x = ops.cast(inputs, "float32")
        x = ops.reshape(ops.transpose(x, (0, 2, 1)), (-1, n_timepoints))  # one row per series channel
        images = self._images(x)  # (batch * n_channels, n_images, height, width)
        height, width = self._output_hw(n_timepoints)
        n_images = self._n_images()
        images = ops.reshape(images, (-1, n_channels, n_images, height, width))
        images = ops.transpose(images, (0, 3, 4, 1, 2))
        return ops.reshape(images, (-1, height, width, n_channels * n_images))

    def get_config(self):
        config = super().get_config()
        config.update(self._args)
        return config

    @classmethod
    def from_config(cls, config):
        config = {key: _as_tuple(value) for key, value in config.items()}
        return cls(**config)


def apply_rows(matrix, x):
    """``x @ matrix.T`` on the last axis of ``x`` (identity for ``matrix=None``)."""
    return x if matrix is None else ops.matmul(x, ops.transpose(matrix))
