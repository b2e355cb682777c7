"""The tutorials in docs/tutorials run as written, and the Sphinx site builds.

Each tutorial's ```python blocks are joined in order and run as one script in a
fresh interpreter (so one tutorial's Keras state or registered benchmark methods
never leak into another), with ``MPLBACKEND=Agg`` and a temporary working
directory, against this checkout's ``sigconv``. The tutorials use built-in or
generated data and few epochs; the README ("Development") gives the time they
take together.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TUTORIALS = sorted((ROOT / "docs" / "tutorials").glob("*.md"))
CODE_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _environment():
    env = dict(os.environ, MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="3")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def extract_code(text):
    """The ```python blocks of a Markdown text, in order, as one script."""
    return "\n\n".join(block.rstrip() for block in CODE_BLOCK.findall(text)) + "\n"


def test_extract_code_keeps_python_blocks_only():
    text = "# t\n\n```python\na = 1\n```\n\n```bash\nrm -rf /\n```\n\n```python\nprint(a)\n```\n"
    assert extract_code(text) == "a = 1\n\nprint(a)\n"


def test_every_tutorial_is_linked_from_the_index():
    index = (ROOT / "docs" / "index.md").read_text()
    for path in TUTORIALS:
        assert f"tutorials/{path.name}" in index and f"tutorials/{path.stem}\n" in index, path.name


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.stem for p in TUTORIALS])
def test_tutorial_runs(path, tmp_path):
    code = extract_code(path.read_text())
    assert code.strip(), f"{path.name} has no ```python block"
    script = tmp_path / f"{path.stem}.py"
    script.write_text(code)
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=_environment(),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (
        f"{path.name} failed (script {script}):\n{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
    )


_SPHINX_PACKAGES = ("sphinx", "numpydoc", "myst_parser", "pydata_sphinx_theme")


@pytest.mark.slow
@pytest.mark.skipif(any(importlib.util.find_spec(name) is None for name in _SPHINX_PACKAGES),
                    reason='needs the docs tools: pip install ".[docs]"')
def test_sphinx_build(tmp_path):
    # a copy of docs/ (with the files its pages include), so the generated API stubs
    # are written under tmp_path and never into the checkout
    source = tmp_path / "repo"
    shutil.copytree(ROOT / "docs", source / "docs", ignore=shutil.ignore_patterns("_build", "generated"))
    shutil.copy(ROOT / "README.md", source / "README.md")
    (source / "datasets").mkdir()
    shutil.copy(ROOT / "datasets" / "README.md", source / "datasets" / "README.md")
    html = tmp_path / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q",
         "-d", str(tmp_path / "doctrees"), str(source / "docs"), str(html)],
        env=_environment(), capture_output=True, text=True, timeout=1200,
    )
    assert result.returncode == 0, result.stderr[-6000:]
    assert (html / "index.html").is_file()
    assert (html / "tutorials" / "quickstart.html").is_file()
    api_page = html / "api" / "generated" / "sigconv.estimators.FCNClassifier.html"
    assert api_page.is_file()
    assert 'id="sigconv.estimators.FCNClassifier.fit"' in api_page.read_text()
