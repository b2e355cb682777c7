"""Tests of the network builders and blocks of sigconv.networks."""

import re

import keras
import numpy as np
import pytest

from sigconv.networks import (
    ACTIVATIONS,
    Maxout,
    add_classification_head,
    apply_conv_block,
    apply_dense_block,
    apply_inception_module,
    apply_residual_block,
    apply_wavenet_block,
    build_convnet,
    build_fcn,
    build_inception_time,
    build_lstm,
    build_resnet,
    build_wavenet,
    wavenet_receptive_field,
)
from sigconv.networks.blocks import BN_MOMENTUM

# Tiny configurations of every builder, and the channel count of their output.
TINY = {
    "fcn": (build_fcn, dict(filters=(4, 6, 5), kernel_sizes=(5, 3, 3)), 5),
    "resnet": (build_resnet, dict(n_filters=3, kernel_sizes=(5, 3)), 6),
    "inception_time": (
        build_inception_time,
        dict(depth=3, n_filters=2, bottleneck_size=3, kernel_sizes=(7, 3)),
        6,
    ),
    "wavenet": (build_wavenet, dict(n_filters=3, n_layers_per_stack=2, n_stacks=2, n_skip_filters=5), 5),
    "convnet": (build_convnet, dict(conv_filters=(3, 4), dense_units=()), 4),
}


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _random(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


@pytest.mark.parametrize("network", sorted(TINY))
@pytest.mark.parametrize("n_timepoints", [16, None])
@pytest.mark.parametrize("n_channels", [1, 3])
def test_convolutional_output_shape(network, n_timepoints, n_channels):
    builder, params, out_channels = TINY[network]
    model = builder(n_timepoints, n_channels, **params)
    assert isinstance(model, keras.Model) and model.name == network
    time = n_timepoints if network != "convnet" else (None if n_timepoints is None else n_timepoints // 4)
    assert tuple(model.output.shape) == (None, time, out_channels)
    out = _np(model(_random((2, 16, n_channels)), training=False))
    assert out.shape == (2, 16 if network != "convnet" else 4, out_channels)
    assert np.all(np.isfinite(out))


@pytest.mark.parametrize("n_timepoints", [12, None])
@pytest.mark.parametrize("n_channels", [1, 2])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_lstm_output_shape(n_timepoints, n_channels, bidirectional, return_sequences):
    model = build_lstm(
        n_timepoints, n_channels, units=(3, 4), bidirectional=bidirectional, return_sequences=return_sequences
    )
    width = 8 if bidirectional else 4
    expected = (None, n_timepoints, width) if return_sequences else (None, width)
    assert tuple(model.output.shape) == expected
    out = _np(model(_random((2, 12, n_channels))))
    assert out.shape == ((2, 12, width) if return_sequences else (2, width))


def test_convnet_with_dense_layers():
    model = build_convnet(32, 2, conv_filters=(3, 4), kernel_size=5, pool_size=2, dense_units=(7, 6), dropout=0.2)
    assert tuple(model.output.shape) == (None, 6)
    names = [layer.name for layer in model.layers]
    assert "convnet_flatten" in names and "convnet_dense1_dropout" in names and "convnet_block1_pool" in names
    # flatten sees 32 // 4 = 8 steps of 4 channels
    assert model.get_layer("convnet_dense0").kernel.shape == (32, 7)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("builder", [build_fcn, build_resnet, build_convnet])
def test_activations_in_builders(builder, activation):
    params = {
        build_fcn: dict(filters=(4, 6), kernel_sizes=(3, 3)),
        build_resnet: dict(n_filters=2, n_blocks=2, kernel_sizes=(3, 3)),
        build_convnet: dict(conv_filters=(4, 6), dense_units=(4,)),
    }[builder]
    model = builder(16, 2, activation=activation, **params)
    out = _np(model(_random((2, 16, 2))))
    expected = {build_fcn: (2, 16, 6), build_resnet: (2, 16, 4), build_convnet: (2, 4)}[builder]
    assert out.shape == expected


def test_activation_template_in_builder():
    model = build_fcn(16, 1, filters=(6,), kernel_sizes=(3,), activation=Maxout(n_pieces=3))
    assert model.get_layer("fcn_block0_conv").filters == 18
    assert isinstance(model.get_layer("fcn_block0_act"), Maxout)
    assert model.output.shape[-1] == 6
    slope = build_resnet(
        16, 1, n_filters=2, n_blocks=1, kernel_sizes=(3,), activation=keras.layers.LeakyReLU(negative_slope=0.05)
    ).get_layer("resnet_block0_out_act")
    assert float(slope.negative_slope) == pytest.approx(0.05)


def _conv_bn(k, c_in, f):
    return (k * c_in + 1) * f + 4 * f  # conv kernel + bias, BN gamma/beta/mean/variance


def test_fcn_parameter_count():
    model = build_fcn(20, 2, filters=(4, 8, 4), kernel_sizes=(8, 5, 3))
    assert model.count_params() == _conv_bn(8, 2, 4) + _conv_bn(5, 4, 8) + _conv_bn(3, 8, 4)
    glu = build_fcn(20, 2, filters=(4, 8, 4), kernel_sizes=(8, 5, 3), activation="glu")
    assert glu.count_params() == _conv_bn(8, 2, 8) + _conv_bn(5, 4, 16) + _conv_bn(3, 8, 8)


def test_resnet_structure_follows_fawaz():
    model = build_resnet(20, 1, n_filters=2)
    names = {layer.name for layer in model.layers}
    # 64/128/128 pattern: blocks 0 and 1 change the channel count and project the shortcut
    assert {"resnet_block0_shortcut_conv", "resnet_block1_shortcut_conv"} <= names
    assert "resnet_block2_shortcut_conv" not in names and "resnet_block2_shortcut_bn" in names
    assert [model.get_layer(f"resnet_block{i}_conv0").filters for i in range(3)] == [2, 4, 4]
    assert [model.get_layer(f"resnet_block0_conv{j}").kernel_size for j in range(3)] == [(8,), (5,), (3,)]
    expected = (
        _conv_bn(8, 1, 2) + _conv_bn(5, 2, 2) + _conv_bn(3, 2, 2) + _conv_bn(1, 1, 2)
        + _conv_bn(8, 2, 4) + _conv_bn(5, 4, 4) + _conv_bn(3, 4, 4) + _conv_bn(1, 2, 4)
        + _conv_bn(8, 4, 4) + _conv_bn(5, 4, 4) + _conv_bn(3, 4, 4) + 4 * 4
    )
    assert model.count_params() == expected


def test_resnet_dilation_rates_widen_the_receptive_field_at_the_same_size():
    plain = build_resnet(200, 1, n_filters=2, activation="leaky_relu")
    dilated = build_resnet(200, 1, n_filters=2, activation="leaky_relu", dilation_rates=(1, 2, 4))
    assert [dilated.get_layer(f"resnet_block{i}_conv{j}").dilation_rate for i in range(3) for j in range(3)] == [
        (1,)] * 3 + [(2,)] * 3 + [(4,)] * 3
    assert dilated.get_layer("resnet_block1_shortcut_conv").dilation_rate == (1,)
    assert dilated.count_params() == plain.count_params()
    x = _random((1, 200, 1))
    changed = x.copy()
    changed[:, 100] += 3.0
    for model, field in ((plain, 3 * (7 + 4 + 2) + 1), (dilated, (1 + 2 + 4) * (7 + 4 + 2) + 1)):
        moved = np.flatnonzero(np.any(_np(model(x)) != _np(model(changed)), axis=-1)[0])
        assert len(moved) == field and moved[-1] - moved[0] == field - 1
    with pytest.raises(ValueError, match=re.escape(
        "dilation_rates must have one entry per block (n_blocks=3), or be None; got dilation_rates=(1, 2)."
    )):
        build_resnet(10, 1, dilation_rates=(1, 2))


def test_inception_bottleneck_only_on_several_channels():
    univariate = build_inception_time(32, 1, depth=2, n_filters=2, bottleneck_size=3, kernel_sizes=(5, 3))
    names = {layer.name for layer in univariate.layers}
    assert "inception_time_module0_bottleneck" not in names
    assert "inception_time_module1_bottleneck" in names
    multivariate = build_inception_time(32, 2, depth=1, n_filters=2, bottleneck_size=3, kernel_sizes=(5, 3))
    assert multivariate.get_layer("inception_time_module0_bottleneck").filters == 3
    no_bottleneck = build_inception_time(
        32, 2, depth=2, n_filters=2, kernel_sizes=(5, 3), use_bottleneck=False
    )
    assert not any("bottleneck" in layer.name for layer in no_bottleneck.layers)


@pytest.mark.parametrize("depth, expected", [(6, [0, 1]), (5, [0]), (2, [])])
def test_inception_residual_every_three_modules(depth, expected):
    model = build_inception_time(16, 1, depth=depth, n_filters=2, bottleneck_size=2, kernel_sizes=(3,))
    adds = sorted(int(layer.name.split("residual")[1][0]) for layer in model.layers if layer.name.endswith("_add"))
    assert adds == expected
    plain = build_inception_time(
        16, 1, depth=depth, n_filters=2, bottleneck_size=2, kernel_sizes=(3,), use_residual=False
    )
    assert not any("residual" in layer.name for layer in plain.layers)


def test_inception_module_parameter_count():
    x = keras.Input((16, 3))
    y = apply_inception_module(x, n_filters=2, kernel_sizes=(5, 3), bottleneck_size=4, name="m")
    model = keras.Model(x, y)
    # bottleneck 1x3x4, branches 5x4x2 and 3x4x2, maxpool conv 1x3x2, BN over 6 channels; no biases
    assert model.count_params() == 3 * 4 + 5 * 4 * 2 + 3 * 4 * 2 + 3 * 2 + 4 * 6


def test_wavenet_dilations_and_receptive_field():
    model = build_wavenet(None, 1, n_filters=2, n_layers_per_stack=3, n_stacks=2)
    for s in range(2):
        rates = [model.get_layer(f"wavenet_stack{s}_block{i}_filter_conv").dilation_rate for i in range(3)]
        assert rates == [(1,), (2,), (4,)]
    # input conv: 2 steps; each block adds its dilation: 1 + 1 + 2 * (1 + 2 + 4) = 16
    assert wavenet_receptive_field(kernel_size=2, n_layers_per_stack=3, n_stacks=2) == 16
    assert wavenet_receptive_field(kernel_size=3, n_layers_per_stack=1, n_stacks=1) == 5


@pytest.mark.parametrize("kernel_size", [2, 3])
def test_wavenet_is_causal(kernel_size):
    keras.utils.set_random_seed(0)
    model = build_wavenet(None, 2, n_filters=4, kernel_size=kernel_size, n_layers_per_stack=2, n_stacks=2)
    field = wavenet_receptive_field(kernel_size=kernel_size, n_layers_per_stack=2, n_stacks=2)
    # The sum of the skip outputs, before the ReLUs that may zero a step, shows the exact field.
    skips = keras.Model(model.input, model.get_layer("wavenet_skip_add").output)
    x = _random((1, 40, 2))
    t = 10
    changed = x.copy()
    changed[:, t] += 3.0
    before, after = _np(model(x)), _np(model(changed))
    np.testing.assert_array_equal(before[:, :t], after[:, :t])  # the past does not see the change
    assert not np.allclose(before[:, t:], after[:, t:])
    before, after = _np(skips(x)), _np(skips(changed))
    np.testing.assert_array_equal(before[:, :t], after[:, :t])
    assert not np.allclose(before[:, t], after[:, t])
    assert not np.allclose(before[:, t + field - 1], after[:, t + field - 1])
    np.testing.assert_array_equal(before[:, t + field :], after[:, t + field :])  # beyond the field


def test_lstm_parameter_count():
    model = build_lstm(10, 3, units=(4, 2))
    lstm = lambda n_in, n: 4 * (n * (n_in + n) + n)  # noqa: E731 (four gates)
    assert model.count_params() == lstm(3, 4) + lstm(4, 2)
    bidirectional = build_lstm(10, 3, units=(4, 2), bidirectional=True)
    assert bidirectional.count_params() == 2 * lstm(3, 4) + 2 * lstm(8, 2)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_masking_ignores_padding(bidirectional):
    keras.utils.set_random_seed(1)
    model = build_lstm(None, 2, units=(3, 4), bidirectional=bidirectional, mask_value=0.0)
    x = _random((1, 6, 2))
    padded = np.concatenate([x, np.zeros((1, 4, 2), "float32")], axis=1)
    np.testing.assert_allclose(_np(model(x)), _np(model(padded)), rtol=1e-5, atol=1e-6)
    unmasked = build_lstm(None, 2, units=(3, 4), bidirectional=bidirectional)
    assert not np.allclose(_np(unmasked(x)), _np(unmasked(padded)), atol=1e-4)


def test_lstm_masked_sequences_pooled_by_head():
    keras.utils.set_random_seed(2)
    backbone = build_lstm(None, 1, units=(3,), mask_value=-1.0, return_sequences=True)
    x = _random((2, 5, 1))
    padded = np.concatenate([x, -np.ones((2, 3, 1), "float32")], axis=1)
    for pooling in ("avg", "max"):
        model = add_classification_head(backbone, 2, pooling=pooling, name=f"clf_{pooling}")
        np.testing.assert_allclose(_np(model(x)), _np(model(padded)), rtol=1e-5, atol=1e-6)


ALL_TINY = {
    **{name: (builder, params) for name, (builder, params, _) in TINY.items()},
    "lstm": (build_lstm, dict(units=(3, 3), bidirectional=True, mask_value=0.0)),
    "convnet_dense": (build_convnet, dict(conv_filters=(3, 4), dense_units=(5,), dropout=0.1)),
}


@pytest.mark.parametrize("network", ["fcn", "resnet", "inception_time"])
def test_batch_normalization_uses_the_project_momentum(network):
    builder, params, _ = TINY[network]
    bn = [layer for layer in builder(16, 2, **params).layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert bn and all(layer.momentum == BN_MOMENTUM == 0.9 for layer in bn)


@pytest.mark.parametrize("network", sorted(ALL_TINY))
def test_layer_names_unique_and_prefixed(network):
    builder, params = ALL_TINY[network]
    model = builder(16, 2, name="net", **params)
    names = [layer.name for layer in model.layers]
    assert all(names) and len(set(names)) == len(names)
    assert all(name.startswith("net_") for name in names), names
    assert model.name == "net"


def test_blocks_name_every_layer():
    x = keras.Input((16, 4))
    outputs = [
        apply_conv_block(x, filters=2, kernel_size=3, name="c"),
        apply_residual_block(x, filters=2, kernel_sizes=(3,), name="r"),
        apply_inception_module(x, n_filters=2, kernel_sizes=(3,), bottleneck_size=2, name="i"),
        *apply_wavenet_block(x, n_filters=4, name="w"),
        apply_dense_block(x, n_layers=2, growth_rate=2, name="d"),
    ]
    model = keras.Model(x, outputs)
    prefixes = ("c_", "r_", "i_", "w_", "d_")
    assert all(layer.name.startswith(prefixes) for layer in model.layers[1:])


def test_dense_block_channels_and_parameters():
    x = keras.Input((10, 3))
    y = apply_dense_block(x, n_layers=2, growth_rate=2, kernel_size=3, use_bottleneck=False, name="d")
    assert tuple(y.shape) == (None, 10, 7)
    # layer 0: BN(3) + conv 3x3x2; layer 1: BN(5) + conv 3x5x2 (no biases)
    assert keras.Model(x, y).count_params() == 4 * 3 + 3 * 3 * 2 + 4 * 5 + 3 * 5 * 2
    z = apply_dense_block(x, n_layers=2, growth_rate=2, name="db")
    assert tuple(z.shape) == (None, 10, 7)


def test_conv_block_causal_padding():
    x = keras.Input((None, 1))
    model = keras.Model(
        x, apply_conv_block(x, filters=2, kernel_size=3, padding="causal", use_batch_norm=False, name="c")
    )
    signal = _random((1, 10, 1))
    changed = signal.copy()
    changed[:, 5] = 7.0
    np.testing.assert_array_equal(_np(model(signal))[:, :5], _np(model(changed))[:, :5])


# -- argument validation ---------------------------------------------------------------------


def test_fcn_filters_and_kernel_sizes_lengths():
    msg = (
        "filters and kernel_sizes must have the same length (one entry per layer); "
        "got filters=(128, 256) (length 2), kernel_sizes=(8, 5, 3) (length 3)."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        build_fcn(100, 1, filters=(128, 256))


@pytest.mark.parametrize(
    "kwargs, error, msg",
    [
        (
            dict(n_timepoints=0),
            ValueError,
            "n_timepoints must be an int >= 1 or None; got n_timepoints=0. "
            "Use None for variable-length series.",
        ),
        (
            dict(n_timepoints=10.0),
            TypeError,
            "n_timepoints must be an int >= 1 or None; got n_timepoints=10.0 (float). "
            "Use None for variable-length series.",
        ),
        (dict(n_channels=None), TypeError, "n_channels must be an int >= 1; got n_channels=None (NoneType)."),
        (
            dict(filters=128),
            TypeError,
            "filters must be a non-empty tuple of ints >= 1; got filters=128. Give one entry per "
            "layer (write (8,) for a single layer).",
        ),
        (
            dict(filters=(), kernel_sizes=()),
            ValueError,
            "filters must be a non-empty tuple of ints >= 1; got filters=().",
        ),
        (dict(filters=(4, 0, 4)), ValueError, "filters must be a non-empty tuple of ints >= 1; got filters=(4, 0, 4)."),
        (
            dict(filters=(4, True, 4)),
            TypeError,
            "filters must be a non-empty tuple of ints >= 1; got filters=(4, True, 4).",
        ),
        (dict(name=""), TypeError, "name must be a non-empty string; got name=''."),
        (dict(activation="Relu"), ValueError, "(negative_slope=0.1)); got activation='Relu'."),
    ],
)
def test_fcn_validation(kwargs, error, msg):
    args = dict(n_timepoints=50, n_channels=1)
    args.update(kwargs)
    with pytest.raises(error, match=re.escape(msg)):
        build_fcn(args.pop("n_timepoints"), args.pop("n_channels"), **args)


def test_builders_validate_their_own_arguments():
    with pytest.raises(ValueError, match=re.escape("n_blocks must be an int >= 1; got n_blocks=0.")):
        build_resnet(10, 1, n_blocks=0)
    with pytest.raises(TypeError, match=re.escape("use_residual must be True or False; got use_residual=1 (int).")):
        build_inception_time(10, 1, use_residual=1)
    with pytest.raises(ValueError, match=re.escape("n_stacks must be an int >= 1; got n_stacks=0.")):
        build_wavenet(10, 1, n_stacks=0)
    with pytest.raises(ValueError, match=re.escape("dropout must be a number in [0, 1); got dropout=1.0.")):
        build_lstm(10, 1, dropout=1.0)
    with pytest.raises(ValueError, match=re.escape("mask_value must be a finite number; got mask_value=nan. Padded steps")):
        build_lstm(10, 1, mask_value=float("nan"))
    with pytest.raises(TypeError, match=re.escape("mask_value must be a number (the value of padded steps) or None; got mask_value='0'.")):
        build_lstm(10, 1, mask_value="0")


def test_convnet_needs_fixed_length_to_flatten():
    msg = (
        "build_convnet flattens the feature map before the dense layers, which needs a fixed "
        "n_timepoints; got n_timepoints=None, dense_units=(128,). Give n_timepoints, or set "
        "dense_units=() to keep the time axis."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        build_convnet(None, 1)


def test_convnet_series_too_short_for_pooling():
    msg = (
        "build_convnet pools 3 times by pool_size=2, so n_timepoints must be >= "
        "pool_size ** len(conv_filters) = 8; got n_timepoints=7. Use fewer convolutions or a "
        "smaller pool_size."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        build_convnet(7, 1, conv_filters=(2, 2, 2))
    assert build_convnet(8, 1, conv_filters=(2, 2, 2), dense_units=()).output.shape[1] == 1


def test_block_validation():
    x = keras.Input((10, 3))
    msg = (
        "apply_wavenet_block adds its input to a projection with n_filters channels, so the input "
        "must have n_filters channels; got n_filters=4, x with shape (None, 10, 3). "
        "Project it first with a causal convolution."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        apply_wavenet_block(x, n_filters=4, name="w")
    msg = (
        "apply_dense_block applies the activation before each convolution, so it needs an activation "
        "that keeps the channel count (not GLU or Maxout); got activation='glu'."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        apply_dense_block(x, n_layers=1, growth_rate=2, activation="glu", name="d")
    with pytest.raises(ValueError, match=re.escape(
        "apply_conv_block needs a channel-last sequence tensor of shape (batch, time, channels); "
        "got x with shape (None, 3)."
    )):
        apply_conv_block(keras.Input((3,)), filters=2, kernel_size=3, name="c")
    with pytest.raises(ValueError, match=re.escape("padding must be one of {'same', 'valid', 'causal'}; got padding='full'.")):
        apply_conv_block(x, filters=2, kernel_size=3, padding="full", name="c")


def test_networks_import_only_keras():
    # Keras 3 only, so that the JAX and PyTorch backends work too.
    import pathlib

    import sigconv.networks

    for path in pathlib.Path(sigconv.networks.__file__).parent.glob("*.py"):
        source = path.read_text()
        assert "import tensorflow" not in source and "from tensorflow" not in source, path
        assert "tf.keras" not in source, path
