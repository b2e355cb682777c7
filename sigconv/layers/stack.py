"""Several transform layers stacked as the channels of one image."""

import keras
from keras import ops

from ._base import BaseImageLayer

__all__ = ["ImageStack"]


@keras.saving.register_keras_serializable(package="sigconv")
class ImageStack(keras.layers.Layer):
    """Stack the images of several transform layers as channels of one image.

    The layer form of :class:`sigconv.transformers.ImageStack`: every layer
    gets the same series and makes images of one height and width; their
    channels are concatenated in the order given.

    Parameters
    ----------
    layers : list of layers
        Transform layers of :mod:`sigconv.layers` (``GramianAngularField``,
        ``MarkovTransitionField``, ``RecurrencePlot``, ``Spectrogram``,
        ``MelSpectrogram``, ``MFCC``), each making images of the same size.
    **kwargs
        Arguments of :class:`keras.layers.Layer` (``name``, ...).

    Input shape
    -----------
    ``(batch, n_timepoints, n_channels)``.

    Output shape
    ------------
    ``(batch, height, width, total_channels)`` float32.

    See Also
    --------
    sigconv.transformers.ImageStack : The scikit-learn transformer.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.layers import GramianAngularField, ImageStack, MarkovTransitionField
    >>> stack = ImageStack([
    ...     GramianAngularField(method="summation", image_size=16),
    ...     GramianAngularField(method="difference", image_size=16),
    ...     MarkovTransitionField(image_size=16),
    ... ])
    >>> x = np.random.default_rng(0).normal(size=(4, 64, 1)).astype("float32")
    >>> tuple(stack(x).shape)
    (4, 16, 16, 3)
    """

    def __init__(self, layers, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(layers, (list, tuple)) or not layers:
            raise ValueError(
                f"layers must be a non-empty list of sigconv transform layers; got layers={layers!r}."
            )
        for layer in layers:
            if not isinstance(layer, BaseImageLayer):
                raise TypeError(
                    "layers must hold sigconv transform layers (e.g. GramianAngularField); "
                    f"got a {type(layer).__name__} in layers."
                )
        self.transforms = list(layers)

    def _shapes(self, input_shape):
        shapes = [layer.compute_output_shape(input_shape) for layer in self.transforms]
        first = shapes[0]
        for layer, shape in zip(self.transforms, shapes):
            if tuple(shape[1:3]) != tuple(first[1:3]):
                raise ValueError(
                    f"ImageStack needs images of one size: {self.transforms[0].name!r} makes "
                    f"{first[1]}x{first[2]} images and {layer.name!r} makes {shape[1]}x{shape[2]}; "
                    f"got input_shape={tuple(input_shape)}. Give every layer the same image_size."
                )
        return shapes

    def build(self, input_shape):
        self._shapes(input_shape)
        for layer in self.transforms:
            if not layer.built:  # layers deserialized from a .keras file come built
                layer.build(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        shapes = self._shapes(input_shape)
        return (input_shape[0], shapes[0][1], shapes[0][2], sum(shape[3] for shape in shapes))

    def call(self, inputs):
        return ops.concatenate([layer(inputs) for layer in self.transforms], axis=-1)

    def get_config(self):
        config = super().get_config()
        config["layers"] = [keras.saving.serialize_keras_object(layer) for layer in self.transforms]
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["layers"] = [keras.saving.deserialize_keras_object(item) for item in config["layers"]]
        return cls(**config)
