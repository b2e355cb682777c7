"""The input contract: any accepted series input to float32 ``(n_samples, n_channels, n_timepoints)``."""

import numbers

import numpy as np

from ..exceptions import SeriesTypeError, SeriesValueError

__all__ = ["check_series", "series_lengths", "is_ragged"]

_ACCEPTED = (
    "Accepted inputs: an array of shape (n_samples, n_timepoints) or "
    "(n_samples, n_channels, n_timepoints), a wide pandas DataFrame (one row "
    "per sample), or a list of 1D or 2D arrays for series of unequal length."
)


def is_ragged(X):
    """Return True if ``X`` is the list form returned by :func:`check_series` for unequal lengths."""
    return isinstance(X, list)


def series_lengths(X):
    """Number of timepoints of each series of a validated input.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_channels, n_timepoints) or list of ndarray
        Output of :func:`check_series`.

    Returns
    -------
    lengths : ndarray of shape (n_samples,)
    """
    if is_ragged(X):
        return np.array([x.shape[-1] for x in X], dtype=np.intp)
    return np.full(X.shape[0], X.shape[-1], dtype=np.intp)


def check_series(
    X,
    *,
    name="X",
    min_timepoints=1,
    n_channels=None,
    allow_unequal_length=True,
    dtype=np.float32,
):
    """Validate series input and convert it to the sigconv layout.

    Parameters
    ----------
    X : array-like, pandas DataFrame or list of array-like
        ``(n_samples, n_timepoints)`` for univariate series,
        ``(n_samples, n_channels, n_timepoints)`` for multichannel series, a
        wide DataFrame with one row per sample, or a list of 1D
        ``(n_timepoints,)`` or 2D ``(n_channels, n_timepoints)`` arrays whose
        lengths may differ.
    name : str, default="X"
        Name of the argument, used in error messages.
    min_timepoints : int, default=1
        Shortest series length accepted.
    n_channels : int or None, default=None
        Number of channels expected (the one seen in ``fit``); None accepts any.
    allow_unequal_length : bool, default=True
        Whether series of unequal length are accepted.
    dtype : numpy dtype, default=np.float32
        Floating dtype of the output.

    Returns
    -------
    X : ndarray of shape (n_samples, n_channels, n_timepoints) or list of ndarray
        A C-contiguous array when all series have the same length; otherwise
        a list of ``n_samples`` arrays of shape ``(n_channels, n_timepoints_i)``.
        Input that is already float32, 3D and C-contiguous is returned
        without a copy; nothing the caller passed is modified.

    Raises
    ------
    SeriesValueError
        For an empty input, a 1D array, more than three dimensions, NaN or
        infinite values, series shorter than ``min_timepoints``, a channel count
        other than ``n_channels``, or unequal lengths where they are not allowed.
    SeriesTypeError
        For strings, complex numbers, sparse matrices or other non-numeric input.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.validation import check_series
    >>> check_series(np.zeros((4, 100))).shape
    (4, 1, 100)
    >>> [x.shape for x in check_series([np.zeros(5), np.zeros(8)])]
    [(1, 5), (1, 8)]
    """
    series = _to_arrays(X, name)
    if is_ragged(series):
        lengths = {x.shape[-1] for x in series}
        if len(lengths) == 1:
            series = np.stack(series)
        elif not allow_unequal_length:
            raise SeriesValueError(
                f"{name} holds series of unequal lengths (from {min(lengths)} to "
                f"{max(lengths)} timepoints), which this operation does not accept. "
                "Pad or resample them to one length, or set image_size on the "
                "transform so that any length maps to a fixed-size output."
            )
    _check_dtype(series, name)
    if is_ragged(series):
        series = [np.ascontiguousarray(x, dtype=dtype) for x in series]
        _check_values(series, name)
    else:
        series = np.ascontiguousarray(series, dtype=dtype)
        _check_values([series], name)
    _check_shape(series, name, min_timepoints, n_channels)
    return series


def _to_arrays(X, name):
    """Any accepted input to a 3D array, or a list of 2D arrays when lengths differ."""
    if X is None:
        raise SeriesTypeError(f"{name} is None. {_ACCEPTED}")
    if hasattr(X, "toarray") or type(X).__module__.startswith("scipy.sparse"):
        raise SeriesTypeError(
            f"{name} is a sparse matrix; sigconv needs dense series. "
            f"Convert it with {name}.toarray()."
        )
    if isinstance(X, (str, bytes)):
        raise SeriesTypeError(f"{name} is a string. {_ACCEPTED}")
    if _is_dataframe(X):
        return _from_dataframe(X, name)
    if isinstance(X, (list, tuple)) and len(X) > 0 and not isinstance(X[0], numbers.Number):
        return _from_sequence(X, name)
    try:
        array = np.asarray(X)
    except ValueError as exc:  # e.g. inhomogeneous nested lists
        raise SeriesValueError(f"{name} could not be read as an array ({exc}). {_ACCEPTED}") from exc
    return _from_array(array, name)


def _is_dataframe(X):
    return type(X).__name__ == "DataFrame" and hasattr(X, "columns") and hasattr(X, "iloc")


def _from_dataframe(X, name):
    non_numeric = [
        str(col) for col, kind in zip(X.columns, X.dtypes) if not _is_numeric_kind(kind)
    ]
    if non_numeric:
        shown = ", ".join(repr(c) for c in non_numeric[:5])
        raise SeriesTypeError(
            f"{name} is a DataFrame with non-numeric columns ({shown}"
            f"{', ...' if len(non_numeric) > 5 else ''}). sigconv reads wide DataFrames: "
            "one row per sample, one numeric column per timepoint. Drop or encode "
            "the other columns."
        )
    return _from_array(X.to_numpy(), name)


def _is_numeric_kind(dtype):
    try:
        return np.dtype(dtype).kind in "biuf"
    except TypeError:  # pandas extension dtypes
        return bool(getattr(dtype, "_is_numeric", False))


def _from_sequence(X, name):
    arrays = []
    for i, x in enumerate(X):
        x = _as_numeric_array(x, f"{name}[{i}]")
        if x.ndim == 1:
            x = x[np.newaxis]
        elif x.ndim != 2:
            raise SeriesValueError(
                f"{name}[{i}] has {x.ndim} dimensions (shape {x.shape}); each series in a "
                "list must be 1D (n_timepoints,) or 2D (n_channels, n_timepoints)."
            )
        arrays.append(x)
    channels = {x.shape[0] for x in arrays}
    if len(channels) > 1:
        counts = [x.shape[0] for x in arrays]
        first = next(i for i, c in enumerate(counts) if c != counts[0])
        raise SeriesValueError(
            f"{name} holds series with different channel counts: {name}[0] has "
            f"{counts[0]} and {name}[{first}] has {counts[first]}. All series need "
            "the same channels."
        )
    return arrays


def _as_numeric_array(x, name):
    if hasattr(x, "toarray"):
        raise SeriesTypeError(f"{name} is a sparse matrix; convert it with .toarray().")
    if _is_dataframe(x):
        x = x.to_numpy()
    try:
        x = np.asarray(x)
    except ValueError as exc:
        raise SeriesValueError(f"{name} could not be read as an array ({exc}).") from exc
    _check_dtype(x, name)
    return x


def _from_array(array, name):
    if array.ndim == 0:
        raise SeriesValueError(f"{name} is a scalar ({array!r}). {_ACCEPTED}")
    if array.ndim == 1:
        if array.dtype == object and array.size and not isinstance(array[0], numbers.Number):
            return _from_sequence(list(array), name)
        raise SeriesValueError(
            f"{name} is a 1D array of shape {array.shape}; expected 2D "
            "(n_samples, n_timepoints) or 3D (n_samples, n_channels, n_timepoints). "
            f"If {name} is a single series, pass {name}.reshape(1, -1); if it holds "
            f"one value per sample, pass {name}.reshape(-1, 1)."
        )
    if array.ndim == 2:
        array = array[:, np.newaxis, :]
    elif array.ndim > 3:
        raise SeriesValueError(
            f"{name} has {array.ndim} dimensions (shape {array.shape}); expected 2D "
            "(n_samples, n_timepoints) or 3D (n_samples, n_channels, n_timepoints)."
        )
    return array


def _check_dtype(X, name):
    arrays = X if is_ragged(X) else [X]
    for x in arrays:
        kind = x.dtype.kind
        if kind in "biuf":
            continue
        if kind == "c":
            raise SeriesTypeError(
                f"{name} holds complex numbers; sigconv transforms real-valued series. "
                f"Pass np.abs({name}) for magnitudes or {name}.real for the real part."
            )
        if kind in "USa":
            raise SeriesTypeError(
                f"{name} holds strings (dtype {x.dtype}); series must be numeric. "
                "Convert them with astype(float) if they are numbers written as text."
            )
        if kind == "O":
            try:
                x.astype(np.float64)
            except (TypeError, ValueError) as exc:
                raise SeriesTypeError(
                    f"{name} holds values that are not numbers ({exc}); series must be numeric."
                ) from exc
            continue
        raise SeriesTypeError(f"{name} has dtype {x.dtype}; series must be numeric.")


def _check_values(arrays, name):
    for index, x in enumerate(arrays):
        finite = np.isfinite(x)
        if finite.all():
            continue
        bad = np.argwhere(~finite)
        first = tuple(int(i) for i in bad[0])
        value = x[first]
        if x.ndim == 2:  # one series of a list: prepend its sample index
            first = (index,) + first
        kind = "NaN" if np.isnan(value) else "inf"
        where = f"sample {first[0]}, channel {first[1]}, timepoint {first[2]}"
        raise SeriesValueError(
            f"{name} contains {kind} (first at {where}; {len(bad)} non-finite value(s) "
            "in all). sigconv does not guess missing values: impute them (for example "
            "by interpolation) or drop those samples. For series of unequal length, "
            "pass a list of arrays instead of padding with NaN."
        )


def _check_shape(X, name, min_timepoints, n_channels):
    lengths = series_lengths(X)
    if len(lengths) == 0:
        raise SeriesValueError(f"{name} is empty: it holds 0 samples. Pass at least one series.")
    channels = X[0].shape[0] if is_ragged(X) else X.shape[1]
    if channels == 0:
        raise SeriesValueError(f"{name} has 0 channels; each series needs at least one.")
    shortest = int(lengths.min())
    if shortest < min_timepoints:
        position = int(lengths.argmin())
        raise SeriesValueError(
            f"{name} has a series of {shortest} timepoint(s) (sample {position}); "
            f"at least {min_timepoints} are needed (n_timepoints >= {min_timepoints}). "
            "Pad or drop short series, or use parameters that need fewer timepoints."
        )
    if n_channels is not None and channels != n_channels:
        raise SeriesValueError(
            f"{name} has {channels} channel(s), but {n_channels} were seen in fit. "
            "Pass series with the channels the estimator was fitted on, in the same order."
        )
