"""The UCR/UEA file readers behind load_ucr: .tsv, .txt, .ts and .arff files."""

import re
from pathlib import Path

import numpy as np
import pytest

from sigconv.datasets import load_ucr


def _write(folder, name, ext, train, test):
    for split, text in (("TRAIN", train), ("TEST", test)):
        (folder / f"{name}_{split}{ext}").write_text(text)
    return folder


def _load(tmp_path, name, ext, train, test=None):
    _write(tmp_path, name, ext, train, train if test is None else test)
    return load_ucr(name, data_home=tmp_path, download=False)


# ---------------------------------------------------------------------------- .tsv and .txt

def test_tsv_equal_length_and_integer_labels(tmp_path):
    X, y, X_test, y_test = _load(tmp_path, "Toy", ".tsv", "1\t0.5\t1.5\t2\n-1\t3\t4\t5e-1\n",
                                 "-1\t1\t2\t3\n")
    assert X.dtype == np.float32 and X.shape == (2, 1, 3)
    np.testing.assert_array_equal(X[:, 0], [[0.5, 1.5, 2], [3, 4, 0.5]])
    assert y.dtype == np.int64 and y.tolist() == [1, -1]
    assert X_test.shape == (1, 1, 3) and y_test.tolist() == [-1]


def test_tsv_unequal_length_strips_trailing_nan_into_list(tmp_path):
    X, y, _, _ = _load(tmp_path, "Ragged", ".tsv",
                       "1\t1\t2\t3\t4\n2\t5\t6\tNaN\tNaN\n1\t7\t8\t9\tNaN\n")
    assert isinstance(X, list) and [x.shape for x in X] == [(1, 4), (1, 2), (1, 3)]
    assert all(x.dtype == np.float32 for x in X)
    np.testing.assert_array_equal(X[1], [[5, 6]])


def test_tsv_all_padded_to_same_length_gives_an_array(tmp_path):
    X, _, _, _ = _load(tmp_path, "Pad", ".tsv", "1\t1\t2\tNaN\n2\t3\t4\tNaN\n")
    assert isinstance(X, np.ndarray) and X.shape == (2, 1, 2)


def test_tsv_interior_nan_is_rejected_with_file_and_sample(tmp_path):
    _write(tmp_path, "Hole", ".tsv", "1\t1\t2\t3\n2\t4\tNaN\t6\n", "1\t1\t2\t3\n")
    path = tmp_path / "Hole_TRAIN.tsv"
    message = (f"{path}, line 2 (sample 1) has a missing value at channel 0, timepoint 1 of 3, "
               "and 1 in all inside the series.")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("Hole", data_home=tmp_path)


def test_tsv_bad_number_names_file_and_line(tmp_path):
    _write(tmp_path, "Bad", ".tsv", "1\t1\t2\n1\t1\tx2\n", "1\t1\t2\n")
    message = f"{tmp_path / 'Bad_TRAIN.tsv'}, line 2: could not read 'x2' as a number."
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("Bad", data_home=tmp_path)


def test_infinite_value_is_rejected(tmp_path):
    _write(tmp_path, "Inf", ".tsv", "1\t1\tinf\n", "1\t1\t2\n")
    message = f"{tmp_path / 'Inf_TRAIN.tsv'}, line 1 (sample 0) holds an infinite value at channel 0"
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("Inf", data_home=tmp_path)


def test_txt_whitespace_and_float_written_labels(tmp_path):
    train = ("   2.0000000e+00  -6.4788540e-01  -6.4199155e-01\n"
             "   1.0000000e+00   1.0000000e+00   2.5000000e+00\n")
    X, y, _, _ = _load(tmp_path, "Old", ".txt", train)
    np.testing.assert_allclose(X[:, 0], [[-0.6478854, -0.64199155], [1.0, 2.5]], rtol=1e-7)
    assert y.dtype == np.int64 and y.tolist() == [2, 1]


def test_txt_comma_separated(tmp_path):
    X, y, _, _ = _load(tmp_path, "Comma", ".txt", "1,0.1,0.2,0.3\n2,0.4,0.5,0.6\n")
    assert X.shape == (2, 1, 3) and y.tolist() == [1, 2]


def test_labels_none_of_which_are_integers_stay_strings(tmp_path):
    _, y, _, y_test = _load(tmp_path, "Words", ".tsv", "a\t1\t2\n1.5\t3\t4\n", "b\t5\t6\n")
    assert y.dtype.kind == "U" and y.tolist() == ["a", "1.5"] and y_test.tolist() == ["b"]


def test_integer_labels_mixed_with_others_name_file_and_line(tmp_path):
    """A non-integer label among integer ones is a shifted field, not a reason to make every label a string."""
    _write(tmp_path, "Mixed", ".tsv", "1\t1\t2\n2\t3\t4\n", "2\t5\t6\n1.5\t3\t4\n")
    message = (f"{tmp_path / 'Mixed_TEST.tsv'}, line 2: class label '1.5' is not an integer, but 3 of "
               "the 4 labels of this data set are.")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("Mixed", data_home=tmp_path)


def test_tsv_cut_mid_line_names_file_and_line(tmp_path):
    """The last row of a file cut mid-line is refused, not read as a series 1 point long."""
    _write(tmp_path, "Cut", ".tsv", "1\t1\t2\t3\n", "1\t1\t2\t3\n2\t4\t5\t6\n1\t7")
    message = (f"{tmp_path / 'Cut_TEST.tsv'}, line 3: this row has 1 fields after the label, the others 3. "
               "A row of another length in a fixed-length file is a file cut mid-line")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("Cut", data_home=tmp_path)


def test_txt_row_of_another_length(tmp_path):
    _write(tmp_path, "Short", ".txt", "1 1 2 3\n2 4 5\n1 1 2 3\n", "1 1 2 3\n")
    message = f"{tmp_path / 'Short_TRAIN.txt'}, line 2: this row has 2 fields after the label, the others 3."
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("Short", data_home=tmp_path)


def test_tsv_empty_label_names_file_and_line(tmp_path):
    """A leading tab is an empty label: the first value must not become the label."""
    _write(tmp_path, "NoLabel", ".tsv", "1\t1\t2\n\t3\t4\n", "1\t1\t2\n")
    message = f"{tmp_path / 'NoLabel_TRAIN.tsv'}, line 2: the class label (the first field) is empty."
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("NoLabel", data_home=tmp_path)


def test_labels_are_typed_over_train_and_test_together(tmp_path):
    _, y, _, y_test = _load(tmp_path, "Split", ".ts",
                            "@classLabel true 1 a\n@data\n1,2:1\n", "@classLabel true 1 a\n@data\n3,4:a\n")
    assert y.tolist() == ["1"] and y_test.tolist() == ["a"]


# ---------------------------------------------------------------------------------- .ts

TS_UNIVARIATE = """# a comment
@problemName Toy
@timeStamps false
@missing false
@univariate true
@equalLength true
@seriesLength 4
@classLabel true up down
@data
1,2,3,4:up
4,3,2,1:down
"""


def test_ts_univariate_keeps_string_labels(tmp_path):
    X, y, _, _ = _load(tmp_path, "Toy", ".ts", TS_UNIVARIATE)
    assert X.shape == (2, 1, 4) and X.dtype == np.float32
    np.testing.assert_array_equal(X[1, 0], [4, 3, 2, 1])
    assert y.tolist() == ["up", "down"]


def test_ts_multivariate_channels_separated_by_colons(tmp_path):
    text = ("@problemName Multi\n@univariate false\n@dimensions 3\n@equalLength true\n"
            "@classLabel true 1 2\n@data\n1,2:3,4:5,6:1\n7,8:9,10:11,12:2\n")
    X, y, _, _ = _load(tmp_path, "Multi", ".ts", text)
    assert X.shape == (2, 3, 2)
    np.testing.assert_array_equal(X[1], [[7, 8], [9, 10], [11, 12]])
    assert y.tolist() == [1, 2]


def test_ts_unequal_length_multivariate(tmp_path):
    text = ("@problemName Vary\n@univariate false\n@dimensions 2\n@equalLength false\n"
            "@classLabel true a b\n@data\n1,2,3:4,5,6:a\n1,2:3,4:b\n")
    X, y, _, _ = _load(tmp_path, "Vary", ".ts", text)
    assert isinstance(X, list) and [x.shape for x in X] == [(2, 3), (2, 2)]
    np.testing.assert_array_equal(X[1], [[1, 2], [3, 4]])


def test_ts_trailing_question_marks_are_padding(tmp_path):
    text = "@univariate true\n@classLabel true a b\n@data\n1,2,3:a\n4,5,?:b\n"
    X, _, _, _ = _load(tmp_path, "QPad", ".ts", text)
    assert [x.shape for x in X] == [(1, 3), (1, 2)]


def test_ts_padding_must_cover_every_channel(tmp_path):
    """A timepoint missing in one channel only is a hole, not padding."""
    text = "@dimensions 2\n@classLabel true a\n@data\n1,2,3:4,5,?:a\n"
    _write(tmp_path, "Partial", ".ts", text, text)
    message = f"{tmp_path / 'Partial_TRAIN.ts'}, line 4 (sample 0) has a missing value at channel 1, timepoint 2 of 3"
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("Partial", data_home=tmp_path)


def test_ts_interior_missing_value_is_rejected(tmp_path):
    text = "@univariate true\n@classLabel true a b\n@data\n1,2,3:a\n4,?,6:b\n"
    _write(tmp_path, "QHole", ".ts", text, text)
    message = f"{tmp_path / 'QHole_TRAIN.ts'}, line 5 (sample 1) has a missing value at channel 0, timepoint 1 of 3"
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("QHole", data_home=tmp_path)


def test_ts_label_outside_the_declared_ones(tmp_path):
    text = "@classLabel true a b\n@data\n1,2:c\n"
    _write(tmp_path, "Undeclared", ".ts", text, text)
    message = (f"{tmp_path / 'Undeclared_TRAIN.ts'}, line 3: class label 'c' is not among those "
               "the header declares (@classLabel true a b).")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("Undeclared", data_home=tmp_path)


def test_ts_wrong_channel_count(tmp_path):
    text = "@dimensions 2\n@classLabel true a\n@data\n1,2:3,4:a\n1,2:a\n"
    _write(tmp_path, "Dims", ".ts", text, text)
    message = (f"{tmp_path / 'Dims_TRAIN.ts'}, line 5: expected 2 channel(s) separated by ':' and "
               "then the class label; got 1 channel(s).")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("Dims", data_home=tmp_path)


def test_ts_channels_of_different_lengths(tmp_path):
    text = "@dimensions 2\n@classLabel true a\n@data\n1,2,3:4,5:a\n"
    _write(tmp_path, "Uneven", ".ts", text, text)
    with pytest.raises(ValueError, match=re.escape("have different numbers of values (3, 2)")):
        load_ucr("Uneven", data_home=tmp_path)


def test_ts_without_class_labels_or_with_timestamps(tmp_path):
    text = "@classLabel false\n@data\n1,2\n"
    _write(tmp_path, "NoLabels", ".ts", text, text)
    with pytest.raises(ValueError, match=re.escape("the header has no '@classLabel true <labels>' line")):
        load_ucr("NoLabels", data_home=tmp_path)
    text = "@timeStamps true\n@classLabel true a\n@data\n(0,1),(1,2):a\n"
    _write(tmp_path, "Stamped", ".ts", text, text)
    with pytest.raises(ValueError, match=re.escape("time-stamped .ts files (@timeStamps true) are not supported")):
        load_ucr("Stamped", data_home=tmp_path)


def test_ts_without_data_section(tmp_path):
    _write(tmp_path, "Empty", ".ts", "@classLabel true a\n", "@classLabel true a\n")
    with pytest.raises(ValueError, match=re.escape("no @data line found")):
        load_ucr("Empty", data_home=tmp_path)


# -------------------------------------------------------------------------------- .arff

ARFF_UNIVARIATE = """% comment
@relation Toy
@attribute att0 numeric
@attribute att1 numeric
@attribute att2 numeric
@attribute  target {0,1}

@data
0.5,1.5,2.5,0
3,?,?,1
"""

ARFF_MULTIVARIATE = """@relation 'Multi'
@attribute relationalAtt relational
@attribute att0 numeric
@attribute att1 numeric
@attribute att2 numeric
@end relationalAtt
@attribute activity {Standing,Running}
@data
'1,2,3\\n4,5,6',Standing
"7,8,9\\n10,11,?",Running
'1,2,?\\n3,4,?',Running
"""


def test_arff_univariate_with_trailing_missing(tmp_path):
    X, y, _, _ = _load(tmp_path, "Toy", ".arff", ARFF_UNIVARIATE)
    assert isinstance(X, list) and [x.shape for x in X] == [(1, 3), (1, 1)]
    np.testing.assert_array_equal(X[0], [[0.5, 1.5, 2.5]])
    assert y.tolist() == [0, 1]


def test_arff_multivariate_relational(tmp_path):
    X, y, _, _ = _load(tmp_path, "Multi", ".arff", ARFF_MULTIVARIATE.replace("11,?", "11,12"))
    assert [x.shape for x in X] == [(2, 3), (2, 3), (2, 2)]
    np.testing.assert_array_equal(X[2], [[1, 2], [3, 4]])
    assert y.tolist() == ["Standing", "Running", "Running"]


def test_arff_quoted_labels_and_values_over_several_lines(tmp_path):
    # the first value separates its channels with a literal \n, the second with a line break
    text = ARFF_MULTIVARIATE.split("@data")[0] + "@data\n'1,2\\n3,4','Running'\n'5,6\n7,8',Standing\n"
    X, y, _, _ = _load(tmp_path, "Quoted", ".arff", text)
    np.testing.assert_array_equal(X, [[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
    assert y.tolist() == ["Running", "Standing"]


def test_arff_multivariate_missing_inside_one_channel(tmp_path):
    """``?`` at the end of one channel only is a hole: the other channel goes on."""
    _write(tmp_path, "Gap", ".arff", ARFF_MULTIVARIATE, ARFF_MULTIVARIATE)
    message = f"{tmp_path / 'Gap_TRAIN.arff'}, line 10 (sample 1) has a missing value at channel 1, timepoint 2 of 3"
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("Gap", data_home=tmp_path)


def test_arff_wrong_number_of_values(tmp_path):
    text = ARFF_UNIVARIATE.replace("3,?,?,1", "3,1")
    _write(tmp_path, "Short", ".arff", text, text)
    message = (f"{tmp_path / 'Short_TRAIN.arff'}, line 10: expected 4 comma-separated values "
               "(the header's attributes), got 2.")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("Short", data_home=tmp_path)


def test_arff_undeclared_label(tmp_path):
    text = ARFF_UNIVARIATE.replace("0.5,1.5,2.5,0", "0.5,1.5,2.5,7")
    _write(tmp_path, "Label", ".arff", text, text)
    with pytest.raises(ValueError, match=re.escape("class label '7' is not among those the header declares for target {0,1}")):
        load_ucr("Label", data_home=tmp_path)


# --------------------------------------------- real files shipped with aeon, aeon as the oracle

def _aeon_data():
    aeon = pytest.importorskip("aeon", reason="aeon (the bench extra) is not installed")
    return Path(next(iter(aeon.__path__))) / "datasets" / "data"


@pytest.mark.parametrize("name, ext", [
    ("JapaneseVowels", ".ts"),  # multivariate, unequal length
    ("PickupGestureWiimoteZ", ".ts"),  # univariate, unequal length
    ("BasicMotions", ".ts"),  # multivariate, string labels
    ("ArrowHead", ".ts"),
])
def test_ts_files_match_aeon(name, ext):
    folder = _aeon_data()
    from aeon.datasets import load_from_ts_file

    X, y, X_test, y_test = load_ucr(name, data_home=folder, download=False)
    for ours, labels, split in ((X, y, "TRAIN"), (X_test, y_test, "TEST")):
        theirs, their_labels = load_from_ts_file(str(folder / name / f"{name}_{split}{ext}"))
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert a.shape == b.shape
            np.testing.assert_array_equal(a, b.astype(np.float32))
        # aeon lower-cases what it reads from the header, labels included
        assert [str(v).lower() for v in labels] == [str(v).lower() for v in their_labels]


def test_arff_files_match_aeon(tmp_path):
    folder = _aeon_data()
    from aeon.datasets import load_from_arff_file

    for name in ("GunPoint", "BasicMotions"):
        source = folder / name / f"{name}_TRAIN.arff"
        # aeon ships the TRAIN .arff only: use it as both files
        (tmp_path / f"{name}_TRAIN.arff").write_bytes(source.read_bytes())
        (tmp_path / f"{name}_TEST.arff").write_bytes(source.read_bytes())
        X, y, _, _ = load_ucr(name, data_home=tmp_path, download=False)
        theirs, their_labels = load_from_arff_file(str(source))
        np.testing.assert_array_equal(X, theirs.astype(np.float32))
        assert [str(v) for v in y] == list(their_labels)


def test_ts_equal_length_declared_but_a_series_is_short(tmp_path):
    text = TS_UNIVARIATE.replace("4,3,2,1:down", "4,3:down")
    _write(tmp_path, "CutTs", ".ts", text, TS_UNIVARIATE)
    message = f"{tmp_path / 'CutTs_TRAIN.ts'}, line 11: this series has 2 values per channel, the others 4."
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("CutTs", data_home=tmp_path)


def test_ts_empty_label(tmp_path):
    text = "@univariate true\n@classLabel true a b\n@data\n1,2:a\n3,4:\n"
    _write(tmp_path, "Empty", ".ts", text, text)
    message = f"{tmp_path / 'Empty_TRAIN.ts'}, line 5: the class label (the last field, after the channels) is empty."
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("Empty", data_home=tmp_path)


def test_ts_series_of_another_channel_count(tmp_path):
    text = "@univariate false\n@classLabel true a b\n@data\n1,2:3,4:a\n"
    other = "@univariate false\n@classLabel true a b\n@data\n1,2:3,4:a\n1,2:b\n"
    _write(tmp_path, "Chan", ".ts", other, text)
    message = f"{tmp_path / 'Chan_TRAIN.ts'}, line 5: expected 2 channel(s) separated by ':'"
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("Chan", data_home=tmp_path)


def test_arff_cut_inside_a_quoted_value(tmp_path):
    text = ARFF_MULTIVARIATE.replace("'1,2,?\\n3,4,?',Running\n", "'1,2,?\\n3,")
    _write(tmp_path, "CutArff", ".arff", text, ARFF_MULTIVARIATE)
    message = f"{tmp_path / 'CutArff_TRAIN.arff'}, line 11: the quoted relational value that starts here is never closed"
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("CutArff", data_home=tmp_path)


def test_arff_multivariate_series_of_another_length(tmp_path):
    text = ARFF_MULTIVARIATE.replace("'1,2,?\\n3,4,?'", "'1,2\\n3,4'")
    _write(tmp_path, "LenArff", ".arff", text, text)
    message = f"{tmp_path / 'LenArff_TRAIN.arff'}, line 11: this series has 2 values per channel, the others 3."
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("LenArff", data_home=tmp_path)


def test_arff_series_of_another_channel_count(tmp_path):
    text = ARFF_MULTIVARIATE.replace("'1,2,?\\n3,4,?'", "'1,2,?'")
    _write(tmp_path, "ChArff", ".arff", text, text)
    message = (f"{tmp_path / 'ChArff_TRAIN.arff'}, line 11: this series has 1 channel(s), the first one "
               "(line 9) 2. Every series of a data set needs the same channels.")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_ucr("ChArff", data_home=tmp_path)
