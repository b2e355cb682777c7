"""Property-based tests of the contract every public entry point keeps (issue 32).

For any input, a public function, transformer, layer, estimator or reader
gives one of two outcomes: a correct result (finite for finite input, of the
documented shape) or a ``ValueError`` / ``TypeError`` (or the library's
subclasses) whose message says what was wrong. Never an exception of another
type from deep inside NumPy or Keras, never a non-finite output from finite
input, never a silently shortened series.

The default profile keeps each property to a few dozen examples so the file
runs in the default suite; the tests marked ``slow`` run the same properties
on many more (``pytest -m slow tests/reliability/test_properties.py``).
"""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sigconv import transformers
from sigconv.datasets import load_ucr
from sigconv.validation import check_series

FAST = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
THOROUGH = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), database=None)

ALLOWED = (ValueError, TypeError)


def _outcome(call):
    """``("ok", result)`` or ``("refused", exception)``; any other exception fails the test."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "ok", call()
    except ALLOWED as exc:
        message = str(exc)
        assert len(message) > 20, f"{type(exc).__name__} with a message too short to act on: {message!r}"
        assert not message.startswith(("could not convert", "setting an array element", "operands could not")), (
            f"a NumPy message passed on as it is: {message!r}")
        return "refused", exc


# -- generated inputs ---------------------------------------------------------------------------

_DTYPES = st.sampled_from([np.float16, np.float32, np.float64, np.int8, np.int64, np.uint8, np.bool_,
                           np.complex64, object, "U3"])


def _values(dtype, magnitude):
    if dtype is object:
        return st.one_of(st.floats(-magnitude, magnitude), st.text(max_size=2), st.none())
    if dtype == "U3":
        # NumPy's fixed-width strings drop trailing NULs, which hypothesis refuses to generate
        return st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=3)
    return None  # hypothesis' default for the dtype, NaN and inf included for floats


@st.composite
def arrays(draw, max_dims=4, magnitude=1e6, finite=False):
    """Arrays of many dtypes and shapes (0 to ``max_dims`` axes, empty axes included)."""
    dtype = draw(st.sampled_from([np.float32, np.float64]) if finite else _DTYPES)
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=0, max_side=6))
    if finite:
        bound = float(np.float32(magnitude))
        elements = st.floats(-bound, bound, allow_nan=False, allow_infinity=False, width=32)
    else:
        elements = _values(dtype, magnitude)
    return draw(hnp.arrays(dtype, shape, elements=elements))


@st.composite
def finite_series(draw, min_length=1, max_length=40, magnitude=1e6, max_channels=2):
    n = draw(st.integers(1, 4))
    c = draw(st.integers(1, max_channels))
    t = draw(st.integers(min_length, max_length))
    bound = float(np.float32(magnitude))
    elements = st.floats(-bound, bound, allow_nan=False, allow_infinity=False, width=32)
    return draw(hnp.arrays(np.float32, (n, c, t), elements=elements))


@st.composite
def ragged(draw):
    """Lists of series whose lengths, channel counts or element types may differ."""
    n = draw(st.integers(0, 4))
    channels = draw(st.integers(1, 2))
    out = []
    for _ in range(n):
        length = draw(st.integers(0, 8))
        c = draw(st.sampled_from([channels, channels, channels + 1]))
        shape = (length,) if c == 1 and draw(st.booleans()) else (c, length)
        out.append(draw(hnp.arrays(np.float64, shape)))
    if out and draw(st.booleans()):
        out[draw(st.integers(0, len(out) - 1))] = draw(st.sampled_from(["abc", None, [1, "x"], {"a": 1}]))
    return out


@st.composite
def frames(draw):
    """Wide DataFrames, one row per series, with columns of mixed types."""
    n_rows = draw(st.integers(0, 4))
    n_cols = draw(st.integers(0, 5))
    columns = {}
    for j in range(n_cols):
        kind = draw(st.sampled_from(["float", "int", "str", "object", "bool", "category"]))
        if kind == "float":
            values = draw(st.lists(st.floats(allow_nan=True), min_size=n_rows, max_size=n_rows))
        elif kind == "int":
            values = draw(st.lists(st.integers(-100, 100), min_size=n_rows, max_size=n_rows))
        elif kind == "str":
            values = draw(st.lists(st.text(max_size=2), min_size=n_rows, max_size=n_rows))
        elif kind == "bool":
            values = draw(st.lists(st.booleans(), min_size=n_rows, max_size=n_rows))
        else:
            values = draw(st.lists(st.one_of(st.floats(-1, 1), st.text(max_size=1)), min_size=n_rows,
                                   max_size=n_rows))
        series = pd.Series(values, dtype="category" if kind == "category" else None)
        columns[f"c{j}"] = series
    return pd.DataFrame(columns)


def _inputs():
    return st.one_of(arrays(), ragged(), frames(), st.none(), st.text(max_size=3), st.integers(), st.floats())


# -- validation ---------------------------------------------------------------------------------

def _check_series_property(X):
    kind, result = _outcome(lambda: check_series(X))
    if kind == "ok":
        series = result if isinstance(result, list) else list(result)
        assert len(series) >= 1
        for x in series:
            assert x.dtype == np.float32 and x.ndim == 2 and x.shape[1] >= 1
            assert np.isfinite(x).all()


@FAST
@given(_inputs())
def test_check_series_gives_finite_float32_series_or_a_clear_error(X):
    _check_series_property(X)


@pytest.mark.slow
@THOROUGH
@given(_inputs())
def test_check_series_thorough(X):
    _check_series_property(X)


# -- transformers -------------------------------------------------------------------------------

def _transformers():
    return st.one_of(
        st.builds(transformers.GramianAngularField, image_size=st.one_of(st.none(), st.integers(-1, 12)),
                  method=st.sampled_from(["summation", "difference", "other"])),
        st.builds(transformers.RecurrencePlot, image_size=st.one_of(st.none(), st.integers(0, 12))),
        st.builds(transformers.MarkovTransitionField, image_size=st.one_of(st.none(), st.integers(0, 12)),
                  n_bins=st.integers(0, 10)),
        st.builds(transformers.Spectrogram, n_fft=st.integers(0, 64), hop_length=st.one_of(st.none(), st.integers(0, 16))),
        st.builds(transformers.MelSpectrogram, n_fft=st.integers(0, 64), n_mels=st.integers(0, 20)),
        st.builds(transformers.MFCC, n_fft=st.integers(0, 64), n_mfcc=st.integers(0, 20), n_mels=st.integers(1, 20)),
    )


def _transform_property(transformer, X):
    kind, result = _outcome(lambda: transformer.fit_transform(X))
    if kind == "ok":
        assert len(result) == len(X)
        assert np.isfinite(np.asarray(result)).all(), f"{transformer!r} gave a non-finite image for finite input"


@FAST
@given(_transformers(), finite_series(magnitude=1e6))
def test_transformers_give_finite_images_or_a_clear_error(transformer, X):
    _transform_property(transformer, X)


@pytest.mark.slow
@THOROUGH
@given(_transformers(), finite_series(magnitude=1e6, max_length=200))
def test_transformers_thorough(transformer, X):
    _transform_property(transformer, X)


@FAST
@given(_transformers(), _inputs())
def test_transformers_refuse_bad_input_clearly(transformer, X):
    _outcome(lambda: transformer.fit_transform(X))


# -- layers -------------------------------------------------------------------------------------

@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.sampled_from(["GramianAngularField", "RecurrencePlot", "MarkovTransitionField", "Spectrogram"]),
       finite_series(min_length=16, max_length=32, magnitude=1e3))
def test_layers_give_finite_images_for_finite_series(name, X):
    from sigconv import layers

    layer = getattr(layers, name)(**({"n_fft": 16} if name == "Spectrogram" else {"image_size": 8}))
    kind, result = _outcome(lambda: np.asarray(layer(np.ascontiguousarray(X.transpose(0, 2, 1)))))
    if kind == "ok":
        assert result.shape[0] == len(X) and np.isfinite(result).all()


# -- readers ------------------------------------------------------------------------------------

@st.composite
def damaged_tsv(draw):
    """A well-formed UCR .tsv text, then cut, with a field emptied, or a label replaced."""
    n, length = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    rows = [[str(draw(st.integers(1, 3)))] + [f"{draw(st.floats(-10, 10)):.3f}" for _ in range(length)]
            for _ in range(n)]
    damage = draw(st.sampled_from(["none", "cut", "empty", "label", "extra"]))
    r = draw(st.integers(0, n - 1))
    if damage == "empty":
        rows[r][draw(st.integers(0, length))] = ""
    elif damage == "label":
        rows[r][0] = draw(st.sampled_from(["", "x", "1.5", "nan"]))
    elif damage == "extra":
        rows[r].append("1.0")
    text = "\n".join("\t".join(row) for row in rows) + "\n"
    if damage == "cut":
        text = text[: draw(st.integers(1, len(text) - 1))]
    return text, n, length, damage


def _reader_property(tmp_path_factory, case):
    text, n, length, damage = case
    folder = tmp_path_factory.mktemp("ucr")
    (folder / "Toy_TRAIN.tsv").write_text(text)
    (folder / "Toy_TEST.tsv").write_text(text)
    kind, result = _outcome(lambda: load_ucr("Toy", data_home=folder, download=False))
    if kind == "refused":
        assert re.search(r"Toy_(TRAIN|TEST)\.tsv", str(result)), f"the error does not name the file: {result}"
        return
    X, y, X_test, y_test = result
    # accepted: every series whole, one label each, labels of the file. (A file cut inside its only
    # row, or whose only row has a value more, is a series of that length as far as any reader can
    # tell: there is no other row to compare it with.)
    alone = damage in ("cut", "extra") and len([line for line in text.splitlines() if line.strip()]) == 1
    assert isinstance(X, np.ndarray) and (X.shape[2] == length or alone) and len(X) == len(y)
    # (one row whose label was replaced: a data set labelled by that name, which is valid)
    assert (y.dtype == np.int64 and set(y.tolist()) <= {1, 2, 3}) or (damage == "label" and n == 1)
    assert len(X) == n or damage == "cut"


@FAST
@given(damaged_tsv())
def test_ucr_reader_reads_whole_series_or_names_the_file(tmp_path_factory, case):
    _reader_property(tmp_path_factory, case)


@pytest.mark.slow
@THOROUGH
@given(damaged_tsv())
def test_ucr_reader_thorough(tmp_path_factory, case):
    _reader_property(tmp_path_factory, case)


# -- estimators ---------------------------------------------------------------------------------

@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.one_of(arrays(max_dims=3), ragged(), frames()), st.one_of(st.none(), arrays(max_dims=2)))
def test_estimator_fit_refuses_bad_input_clearly(X, y):
    from sigconv.estimators import FCNClassifier

    clf = FCNClassifier(filters=(2,), kernel_sizes=(3,), epochs=1, random_state=0)
    kind, _ = _outcome(lambda: clf.fit(X, y))
    if kind == "ok":
        assert np.isfinite(clf.predict_proba(X)).all()


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(finite_series(min_length=4, max_length=16, magnitude=1e12, max_channels=1),
       st.sampled_from([1e-6, 1.0, 1e6, 1e12]))
def test_regressor_predictions_are_finite_for_finite_data(X, target_scale):
    from sigconv.estimators import FCNRegressor

    y = np.linspace(-1, 1, len(X)) * target_scale
    kind, reg = _outcome(lambda: FCNRegressor(filters=(2,), kernel_sizes=(3,), epochs=1, random_state=0).fit(X, y))
    if kind == "ok":
        assert np.isfinite(reg.predict(X)).all()
