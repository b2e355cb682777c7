"""Fixtures shared across the test packages (tests/<package>/test_<module>.py mirror sigconv/)."""

import os

import pytest


@pytest.fixture(scope="session")
def keras_home(tmp_path_factory):
    """One Keras cache folder for the test session: ImageNet weights are converted once per worker, never into ~/.keras."""
    path = tmp_path_factory.mktemp("keras_home")
    previous = os.environ.get("KERAS_HOME")
    os.environ["KERAS_HOME"] = str(path)
    yield path
    if previous is None:
        del os.environ["KERAS_HOME"]
    else:
        os.environ["KERAS_HOME"] = previous
