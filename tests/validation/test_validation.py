"""The input contract: every accepted input form, and a clear error for each bad one."""

import re

import numpy as np
import pandas as pd
import pytest
import scipy.sparse
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sigconv.exceptions import SeriesTypeError, SeriesValueError
from sigconv.validation import (
    check_bool,
    check_float,
    check_image_size,
    check_input_shape,
    check_int,
    check_int_tuple,
    check_name,
    check_option,
    check_positive_int,
    check_rate,
    check_same_length,
    check_series,
    is_ragged,
    series_lengths,
)


def test_2d_array_becomes_one_channel():
    X = np.arange(12, dtype=np.float64).reshape(3, 4)
    out = check_series(X)
    assert out.shape == (3, 1, 4)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out[:, 0], X)


def test_3d_float32_contiguous_is_not_copied():
    X = np.zeros((2, 3, 5), dtype=np.float32)
    assert check_series(X) is X


def test_input_is_never_modified():
    X = np.arange(10.0).reshape(2, 5)
    before = X.copy()
    out = check_series(X)
    out[:] = -1
    np.testing.assert_array_equal(X, before)


def test_dataframe_wide_form():
    df = pd.DataFrame(np.arange(6.0).reshape(2, 3), columns=["t0", "t1", "t2"])
    out = check_series(df)
    assert out.shape == (2, 1, 3)
    np.testing.assert_array_equal(out[1, 0], [3, 4, 5])


def test_dataframe_with_text_column_names_it():
    df = pd.DataFrame({"t0": [1.0, 2.0], "label": ["a", "b"]})
    with pytest.raises(SeriesTypeError, match=re.escape("non-numeric columns ('label')")):
        check_series(df)


def test_list_of_unequal_lengths_is_ragged():
    out = check_series([np.arange(3), np.arange(5), [1.0, 2.0]])
    assert is_ragged(out)
    assert [x.shape for x in out] == [(1, 3), (1, 5), (1, 2)]
    assert all(x.dtype == np.float32 for x in out)
    np.testing.assert_array_equal(series_lengths(out), [3, 5, 2])


def test_list_of_equal_lengths_is_stacked():
    out = check_series([np.zeros((2, 4)), np.ones((2, 4))])
    assert isinstance(out, np.ndarray) and out.shape == (2, 2, 4)


def test_list_of_lists_of_numbers():
    assert check_series([[1, 2, 3], [4, 5, 6]]).shape == (2, 1, 3)


def test_unequal_lengths_refused_when_not_allowed():
    msg = "X holds series of unequal lengths (from 2 to 4 timepoints)"
    with pytest.raises(SeriesValueError, match=re.escape(msg)):
        check_series([np.zeros(2), np.zeros(4)], allow_unequal_length=False)


def test_channel_counts_must_agree_in_a_list():
    msg = "X holds series with different channel counts: X[0] has 1 and X[1] has 2."
    with pytest.raises(SeriesValueError, match=re.escape(msg)):
        check_series([np.zeros(4), np.zeros((2, 4))])


def test_1d_array_error_says_how_to_fix():
    msg = "If X is a single series, pass X.reshape(1, -1)"
    with pytest.raises(SeriesValueError, match=re.escape(msg)):
        check_series(np.zeros(10))


def test_4d_array():
    with pytest.raises(SeriesValueError, match=re.escape("X has 4 dimensions (shape (1, 1, 1, 5))")):
        check_series(np.zeros((1, 1, 1, 5)))


@pytest.mark.parametrize("value, kind", [(np.nan, "NaN"), (np.inf, "inf"), (-np.inf, "inf")])
def test_non_finite_values_are_located(value, kind):
    X = np.zeros((3, 2, 6))
    X[2, 1, 4] = value
    msg = f"X contains {kind} (first at sample 2, channel 1, timepoint 4; 1 non-finite value(s)"
    with pytest.raises(SeriesValueError, match=re.escape(msg)):
        check_series(X)


def test_nan_in_ragged_input_is_located():
    msg = "X contains NaN (first at sample 1, channel 0, timepoint 2"
    with pytest.raises(SeriesValueError, match=re.escape(msg)):
        check_series([np.zeros(3), np.array([0.0, 1.0, np.nan, 3.0])])


def test_empty_input():
    with pytest.raises(SeriesValueError, match=re.escape("X is empty: it holds 0 samples.")):
        check_series(np.zeros((0, 5)))


def test_strings_complex_sparse_none():
    with pytest.raises(SeriesTypeError, match="X holds strings"):
        check_series(np.array([["a", "b"]]))
    with pytest.raises(SeriesTypeError, match=re.escape("Pass np.abs(X) for magnitudes")):
        check_series(np.ones((2, 3), dtype=complex))
    with pytest.raises(SeriesTypeError, match=re.escape("X is a sparse matrix")):
        check_series(scipy.sparse.csr_matrix(np.ones((2, 3))))
    with pytest.raises(SeriesTypeError, match="X is None"):
        check_series(None)


def test_object_array_of_numbers_is_accepted():
    X = np.array([[1, 2.5], [3, 4]], dtype=object)
    assert check_series(X).dtype == np.float32


def test_too_short_series():
    msg = "X has a series of 3 timepoint(s) (sample 1); at least 8 are needed (n_timepoints >= 8)."
    with pytest.raises(SeriesValueError, match=re.escape(msg)):
        check_series([np.zeros(10), np.zeros(3)], min_timepoints=8)


def test_channel_count_differs_from_fit():
    msg = "X has 2 channel(s), but 3 were seen in fit."
    with pytest.raises(SeriesValueError, match=re.escape(msg)):
        check_series(np.zeros((4, 2, 10)), n_channels=3)


def test_errors_are_builtin_subclasses():
    assert issubclass(SeriesValueError, ValueError)
    assert issubclass(SeriesTypeError, TypeError)


@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=6),
        elements=st.floats(-1e6, 1e6),
    )
)
def test_any_finite_array_round_trips(X):
    out = check_series(X)
    assert out.ndim == 3 and out.dtype == np.float32
    np.testing.assert_allclose(out.reshape(X.shape), X.astype(np.float32))


def test_param_checkers():
    assert check_int(3, "n") == 3
    with pytest.raises(ValueError, match=re.escape("n_fft must be an int >= 2; got n_fft=1.")):
        check_int(1, "n_fft", min_value=2)
    with pytest.raises(TypeError, match=re.escape("n_fft must be an int >= 2; got n_fft=2.5 (float).")):
        check_int(2.5, "n_fft", min_value=2)
    with pytest.raises(TypeError, match="got flag=True"):
        check_int(True, "flag")
    with pytest.raises(ValueError, match=re.escape("power must be a number > 0; got power=0.0.")):
        check_float(0, "power", min_value=0, closed="neither")
    with pytest.raises(ValueError, match=re.escape("method must be one of {'summation', 'difference'}; got method='sum'.")):
        check_option("sum", "method", ("summation", "difference"))
    assert check_option(None, "threshold", (None, "point")) is None
    assert check_image_size(32) == (32, 32)
    assert check_image_size((16, 8)) == (16, 8)
    assert check_image_size(None) is None
    with pytest.raises(ValueError, match=re.escape("got image_size=0")):
        check_image_size(0)
    with pytest.raises(TypeError, match=re.escape("got image_size=32.0")):
        check_image_size(32.0)


def test_network_argument_checkers():
    """The checkers of the network builders (once in sigconv.networks) write the same style."""
    assert check_positive_int(np.int64(4), "n_filters") == 4
    assert check_positive_int(None, "n_skip_filters", allow_none=True) is None
    with pytest.raises(ValueError, match=re.escape("n_filters must be an int >= 1; got n_filters=0.")):
        check_positive_int(0, "n_filters")
    with pytest.raises(TypeError, match=re.escape("n_filters must be an int >= 1; got n_filters=True (bool).")):
        check_positive_int(True, "n_filters")
    assert check_rate(0, "dropout") == 0.0
    with pytest.raises(ValueError, match=re.escape("dropout must be a number in [0, 1); got dropout=1.0.")):
        check_rate(1, "dropout")
    with pytest.raises(ValueError, match=re.escape("dropout must be a number in [0, 1); got dropout=nan.")):
        check_rate(float("nan"), "dropout")
    with pytest.raises(TypeError, match=re.escape("dropout must be a number in [0, 1); got dropout='0.1' (str).")):
        check_rate("0.1", "dropout")
    assert check_bool(np.bool_(True), "use_bias") is True
    with pytest.raises(TypeError, match=re.escape("use_bias must be True or False; got use_bias=1 (int).")):
        check_bool(1, "use_bias")
    assert check_int_tuple([8, np.int32(5)], "kernel_sizes") == (8, 5)
    assert check_int_tuple((), "dense_units", allow_empty=True) == ()
    msg = "filters must be a non-empty tuple of ints >= 1; got filters=8. Give one entry per layer (write (8,) for a single layer)."
    with pytest.raises(TypeError, match=re.escape(msg)):
        check_int_tuple(8, "filters")
    with pytest.raises(ValueError, match=re.escape("dilation_rates must be a tuple of ints >= 1; got dilation_rates=(1, 0).")):
        check_int_tuple((1, 0), "dilation_rates", allow_empty=True)
    msg = "filters and kernel_sizes must have the same length (one entry per layer); got filters=(1,) (length 1), kernel_sizes=(3, 3) (length 2)."
    with pytest.raises(ValueError, match=re.escape(msg)):
        check_same_length((1,), "filters", (3, 3), "kernel_sizes")
    with pytest.raises(TypeError, match=re.escape("name must be a non-empty string; got name=None.")):
        check_name(None)
    assert check_input_shape(None, 2) == (None, 2)
    msg = "n_timepoints must be an int >= 1 or None; got n_timepoints=-1. Use None for variable-length series."
    with pytest.raises(ValueError, match=re.escape(msg)):
        check_input_shape(-1, 1)
