"""The specs of sigconv.functional.specs answer for the function, the transformer and the layer of a transform."""

import dataclasses
import inspect
import re

import keras
import numpy as np
import pytest

import sigconv.layers as L
import sigconv.transformers as T
from sigconv.functional import specs

CASES = [
    (T.Spectrogram, L.Spectrogram, specs.SpectrogramSpec, {"n_fft": 16, "hop_length": 5}),
    (T.MelSpectrogram, L.MelSpectrogram, specs.MelSpectrogramSpec, {"sr": 800, "n_fft": 16, "n_mels": 6}),
    (T.MFCC, L.MFCC, specs.MFCCSpec, {"sr": 800, "n_fft": 16, "n_mels": 8, "n_mfcc": 4, "deltas": 2, "delta_width": 5}),
    (T.MFCC, L.MFCC, specs.MFCCSpec, {"sr": 800, "n_fft": 16, "n_mels": 8, "n_mfcc": 4, "center": False, "deltas": 1, "delta_width": 3}),
    (T.GramianAngularField, L.GramianAngularField, specs.GramianAngularFieldSpec, {}),
    (T.MarkovTransitionField, L.MarkovTransitionField, specs.MarkovTransitionFieldSpec, {"image_size": 7}),
    (T.RecurrencePlot, L.RecurrencePlot, specs.RecurrencePlotSpec, {"dimension": 3, "time_delay": 2}),
]
IDS = [f"{case[0].__name__}-{i}" for i, case in enumerate(CASES)]

STFT_PARAMETERS = {field.name for field in dataclasses.fields(specs.STFTSpec)}


def _create_parameters(spec_type):
    names = {name for name, p in inspect.signature(spec_type.create).parameters.items() if p.kind == p.KEYWORD_ONLY}
    if any(p.kind == p.VAR_KEYWORD for p in inspect.signature(spec_type.create).parameters.values()):
        names |= STFT_PARAMETERS
    return names


@pytest.mark.parametrize("transformer_type, layer_type, spec_type, params", CASES, ids=IDS)
def test_one_spec_takes_the_parameters_of_the_transformer_and_the_layer(transformer_type, layer_type, spec_type, params):
    transformer = set(inspect.signature(transformer_type).parameters) - {"flatten"}
    layer = {n for n, p in inspect.signature(layer_type).parameters.items() if p.kind != p.VAR_KEYWORD}
    assert transformer == layer == _create_parameters(spec_type)


@pytest.mark.parametrize("transformer_type, layer_type, spec_type, params", CASES, ids=IDS)
def test_spec_sizes_are_the_sizes_of_every_path(transformer_type, layer_type, spec_type, params):
    transformer = transformer_type(**params)
    spec = transformer._check_params()
    assert isinstance(spec, spec_type)
    for n_timepoints in (spec.min_timepoints, spec.min_timepoints + 7, 40):
        X = np.random.default_rng(n_timepoints).normal(size=(2, 3, n_timepoints))
        height, width = spec.output_hw(n_timepoints)
        expected = (2, height, width, 3 * spec.n_images)
        assert transformer.fit_transform(X).shape == expected
        layer = layer_type(**params)
        assert tuple(layer.compute_output_shape((2, n_timepoints, 3))) == expected
        assert tuple(keras.ops.shape(layer(np.transpose(X, (0, 2, 1)).astype("float32")))) == expected


@pytest.mark.parametrize("transformer_type, layer_type, spec_type, params", CASES, ids=IDS)
def test_spec_minimum_length_is_where_every_path_refuses(transformer_type, layer_type, spec_type, params):
    spec = transformer_type(**params)._check_params()
    too_short = spec.min_timepoints - 1
    if too_short < 1:
        pytest.skip("every length is accepted")
    with pytest.raises(ValueError) as refused:
        spec.check_length(too_short)
    assert "; got " in str(refused.value)  # the checkers' style, "...; got name=value. How to fix."
    with pytest.raises(ValueError):
        transformer_type(**params).fit(np.zeros((2, too_short)))
    with pytest.raises(ValueError, match=re.escape(str(refused.value))):  # the spec's words, unchanged
        layer_type(**params).compute_output_shape((None, too_short, 1))
    spec.check_length(spec.min_timepoints)


def test_specs_are_frozen_and_compare_by_value():
    spec = T.RecurrencePlot(dimension=2)._check_params()
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.dimension = 3
    assert spec == L.RecurrencePlot(dimension=2)._spec
    assert hash(spec) == hash(L.RecurrencePlot(dimension=2)._spec)


def test_mfcc_spec_constants_fold_the_lifter_into_the_dct():
    from sigconv.functional import dct_matrix
    from sigconv.functional.filters import lifter_weights

    spec = T.MFCC(n_mels=10, n_mfcc=5, lifter=6.0)._check_params()
    np.testing.assert_array_equal(spec.dct(), dct_matrix(5, 10) * lifter_weights(5, 6.0)[:, None])
    assert [m.shape for m in T.MFCC(deltas=2)._check_params().delta_matrices(12)] == [(12, 12), (12, 12)]
