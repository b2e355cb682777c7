"""Recurrent networks: stacked (bidirectional) LSTM."""

import numbers

import keras
import numpy as np

from ..validation import check_bool, check_input_shape, check_int_tuple, check_name, check_rate

__all__ = ["build_lstm"]


def build_lstm(
    n_timepoints,
    n_channels,
    *,
    units=(128,),
    bidirectional=False,
    dropout=0.0,
    recurrent_dropout=0.0,
    mask_value=None,
    return_sequences=False,
    name="lstm",
):
    """Build a stack of LSTM layers, optionally bidirectional, headless.

    Every layer but the last returns its full sequence to the next; the last
    returns its final state, or its sequence with ``return_sequences``. With
    ``mask_value``, a :class:`keras.layers.Masking` layer first marks the
    time steps whose channels all equal ``mask_value`` as padding: the
    LSTM skips them (their state carries over), so a series padded at the
    end gives the same output as the unpadded series, and the mask flows on
    to :func:`~sigconv.networks.add_classification_head` (masked pooling).

    Parameters
    ----------
    n_timepoints : int or None
        Length of the series; None for variable length.
    n_channels : int
        Number of channels (input is channel-last ``(n_timepoints, n_channels)``).
    units : tuple of int, default=(128,)
        Units of each LSTM layer (per direction).
    bidirectional : bool, default=False
        Whether each layer reads the series in both directions (BLSTM,
        forward and backward outputs concatenated).
    dropout : float, default=0.0
        Dropout rate on the inputs of each LSTM layer, in [0, 1).
    recurrent_dropout : float, default=0.0
        Dropout rate on the recurrent state, in [0, 1).
    mask_value : float or None, default=None
        Value marking padded time steps; None for no masking.
    return_sequences : bool, default=False
        Whether the output keeps the time axis.
    name : str, default="lstm"
        Model name and prefix of the layer names (``{name}_layer{i}_lstm``,
        or ``{name}_layer{i}_bilstm``).

    Returns
    -------
    model : keras.Model
        Headless model, output of shape ``(batch, d)``, or
        ``(batch, n_timepoints, d)`` with ``return_sequences``, where
        ``d = units[-1]``, doubled when bidirectional.

    References
    ----------
    .. [1] S. Hochreiter and J. Schmidhuber, "Long short-term memory",
       Neural Computation 9(8), 1997.
    .. [2] A. Graves and J. Schmidhuber, "Framewise phoneme classification
       with bidirectional LSTM and other neural network architectures",
       Neural Networks 18(5-6), 2005.

    Examples
    --------
    >>> from sigconv.networks import build_lstm
    >>> model = build_lstm(None, 3, units=(8, 4), bidirectional=True, mask_value=0.0)
    >>> model.output.shape
    (None, 8)
    """
    n_timepoints, n_channels = check_input_shape(n_timepoints, n_channels)
    units = check_int_tuple(units, "units")
    bidirectional = check_bool(bidirectional, "bidirectional")
    dropout = check_rate(dropout, "dropout")
    recurrent_dropout = check_rate(recurrent_dropout, "recurrent_dropout")
    if mask_value is not None:
        if isinstance(mask_value, (bool, np.bool_)) or not isinstance(mask_value, numbers.Real):
            raise TypeError(
                "mask_value must be a number (the value of padded steps) or None; "
                f"got mask_value={mask_value!r}."
            )
        if not np.isfinite(mask_value):
            raise ValueError(
                f"mask_value must be a finite number; got mask_value={mask_value!r}. Padded steps "
                "are compared with ==, and NaN never compares equal."
            )
        mask_value = float(mask_value)
    return_sequences = check_bool(return_sequences, "return_sequences")
    name = check_name(name)

    inputs = keras.Input((n_timepoints, n_channels), name=f"{name}_input")
    x = inputs
    if mask_value is not None:
        x = keras.layers.Masking(mask_value=mask_value, name=f"{name}_masking")(x)
    last = len(units) - 1
    for i, n_units in enumerate(units):
        lstm = keras.layers.LSTM(
            n_units,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            return_sequences=return_sequences or i < last,
            name=f"{name}_layer{i}_lstm",
        )
        if bidirectional:
            lstm = keras.layers.Bidirectional(lstm, name=f"{name}_layer{i}_bilstm")
        x = lstm(x)
    return keras.Model(inputs, x, name=name)
