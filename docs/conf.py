"""Sphinx configuration: the Markdown pages through myst-parser, the API from numpydoc docstrings.

Build with ``pip install ".[docs]" && sphinx-build -b html docs docs/_build/html``.
Nothing is downloaded: no intersphinx inventories, no ImageNet weights.
"""

import os
import sys
import warnings

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, os.path.abspath(".."))  # the checkout's sigconv, not another installed copy

import sigconv  # noqa: E402

project = "sigconv"
author = "sigconv developers"
release = sigconv.__version__
version = release

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.viewcode",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]

myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"show-inheritance": True}
autodoc_typehints = "none"  # the numpydoc Parameters section is the signature's documentation

numpydoc_show_class_members = False  # autosummary lists the methods; no duplicate tables
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# Markdown pages link each other and the repository's files (README.md, examples/);
# links outside docs/ cannot become Sphinx references.
suppress_warnings = ["myst.xref_missing"]

html_theme = "pydata_sphinx_theme"
html_title = f"sigconv {release}"
html_theme_options = {"navigation_depth": 2, "show_toc_level": 2}


def _skip_member(app, what, name, obj, skip, options):
    """Document sigconv's own members, inherited ones included, and nothing from Keras or sklearn.

    Classes are documented with ``inherited-members`` so that ``FCNClassifier``
    shows the ``fit`` it inherits from sigconv's base class; members defined
    by scikit-learn (``set_params``, the ``set_*_request`` methods of metadata
    routing) or Keras (``Layer.call`` and the rest) link to their own
    documentation instead. A sigconv override without a docstring of its own
    (``from_config``) would show Keras' docstring, so it is left out too.
    """
    if skip or what != "class":
        return skip
    target = getattr(obj, "fget", None) or getattr(obj, "__func__", None) or obj
    module = getattr(target, "__module__", None)
    if module is not None and callable(target) and not module.startswith("sigconv"):
        return True
    if callable(target) and getattr(target, "__doc__", None) is None:
        return True
    return None


_SHAPE_SECTIONS = ("Input shape", "Output shape")
# numpydoc also parses the raw docstrings for the signatures, and says so; the
# sections are rendered by _shape_sections below.
warnings.filterwarnings("ignore", message=r"Unknown section (Input|Output) Shape", category=UserWarning)


def _is_header(lines, i):
    return (i + 1 < len(lines) and lines[i].strip() and set(lines[i + 1].strip()) == {"-"}
            and len(lines[i + 1].strip()) >= len(lines[i].strip()))


def _shape_sections(app, what, name, obj, options, lines):
    """Keep the Keras-style "Input shape" / "Output shape" sections of the layers' docstrings.

    numpydoc knows no such sections and drops them; moved before the first
    section (into the free text numpydoc keeps) as rubrics, they render as
    written. Runs before numpydoc's own handler (priority 500).
    """
    moved, i = [], 0
    while i < len(lines):
        if lines[i].strip() in _SHAPE_SECTIONS and _is_header(lines, i):
            end = i + 2
            while end < len(lines) and not _is_header(lines, end):
                end += 1
            body = [line[4:] if line.startswith("    ") else line for line in lines[i + 2:end]]
            moved += [f".. rubric:: {lines[i].strip()}", "", *body]
            if moved[-1].strip():
                moved.append("")
            del lines[i:end]
        else:
            i += 1
    if moved:
        first = next((j for j in range(len(lines)) if _is_header(lines, j)), len(lines))
        lines[first:first] = moved


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("autodoc-process-docstring", _shape_sections, priority=100)
