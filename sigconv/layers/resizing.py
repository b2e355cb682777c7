"""Resizing of series (time axis) and images (height and width) with one linear operator."""

import keras
from keras import ops

from ..functional import resampling_matrix
from ..validation import check_image_size, check_int
from ._base import _as_tuple

__all__ = ["Resize"]


@keras.saving.register_keras_serializable(package="sigconv")
class Resize(keras.layers.Layer):
    """Resize series to a length, or images to a size, as a Keras layer.

    Shortening is piecewise aggregate approximation (block means over
    pyts's segments), lengthening linear interpolation: the matrices of
    :func:`sigconv.functional.resampling_matrix`, held as non-trainable
    weights. On series ``(batch, n_timepoints, n_channels)`` it does what
    :func:`sigconv.functional.paa` does on the time axis; on images
    ``(batch, height, width, n_channels)`` what
    :func:`sigconv.functional.resize_image` does on height and width.

    Parameters
    ----------
    size : int or (int, int)
        Series: the output length (an int). Images: the output ``(height,
        width)``, or an int for a square.
    **kwargs
        Arguments of :class:`keras.layers.Layer` (``name``, ...).

    Input shape
    -----------
    ``(batch, n_timepoints, n_channels)`` or ``(batch, height, width,
    n_channels)``, the resized axes known when the layer is built.

    Output shape
    ------------
    ``(batch, size, n_channels)`` or ``(batch, size[0], size[1], n_channels)``.

    See Also
    --------
    sigconv.functional.resampling_matrix : The matrices.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.layers import Resize
    >>> series = np.arange(6.0, dtype="float32").reshape(1, 6, 1)
    >>> np.asarray(Resize(3)(series))[0, :, 0].tolist()
    [0.5, 2.5, 4.5]
    >>> tuple(Resize((8, 4))(np.ones((2, 16, 16, 3), dtype="float32")).shape)
    (2, 8, 4, 3)
    """

    def __init__(self, size, **kwargs):
        super().__init__(**kwargs)
        self._size = check_image_size(size, "size", allow_none=False)
        self.size = size

    def _check_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) not in (3, 4):
            raise ValueError(
                "Resize expects series (batch, n_timepoints, n_channels) or images (batch, "
                f"height, width, n_channels); got input_shape={input_shape}."
            )
        if len(input_shape) == 3:
            check_int(self.size, "size", min_value=1, hint="Series have one length: pass one int.")
        axes = input_shape[1 : len(input_shape) - 1]
        if any(n is None for n in axes):
            raise ValueError(
                "Resize needs the lengths of the resized axes when it is built (its matrices "
                f"depend on them); got input_shape={input_shape}. Give the model a fixed input shape."
            )
        return input_shape

    def build(self, input_shape):
        input_shape = self._check_shape(input_shape)
        self._matrices = []
        for i, n_in in enumerate(input_shape[1:-1]):
            n_out = self._size[i]
            if n_in == n_out:
                self._matrices.append(None)
                continue
            matrix = resampling_matrix(n_in, n_out).astype("float32")
            weight = self.add_weight(
                name=f"resize{i}", shape=matrix.shape, initializer="zeros", trainable=False, dtype="float32", autocast=False
            )
            weight.assign(matrix)
            self._matrices.append(weight)
        self.built = True

    def compute_output_shape(self, input_shape):
        input_shape = self._check_shape(input_shape)
        n_axes = len(input_shape) - 2
        return (input_shape[0], *self._size[:n_axes], input_shape[-1])

    def call(self, inputs):
        x = ops.cast(inputs, "float32")
        if len(self._matrices) == 1:
            (matrix,) = self._matrices
            return x if matrix is None else ops.einsum("ot,btc->boc", matrix, x)
        rows, cols = self._matrices
        if rows is not None:
            x = ops.einsum("ph,bhwc->bpwc", rows, x)
        if cols is not None:
            x = ops.einsum("qw,bhwc->bhqc", cols, x)
        return x

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**{key: _as_tuple(value) for key, value in config.items()})
