"""Every Examples section of the installed package runs and prints what it shows."""

import doctest
import importlib
import pkgutil

import pytest

import sigconv


def _modules():
    names = [sigconv.__name__]
    for info in pkgutil.walk_packages(sigconv.__path__, prefix="sigconv."):
        if info.name != "sigconv.__main__":
            names.append(info.name)
    return names


@pytest.mark.parametrize("module_name", _modules())
def test_examples(module_name):
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    # find() keeps objects defined in this module, so re-exports are tested once, where defined
    for test in finder.find(module, module_name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {module_name}"
