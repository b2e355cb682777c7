"""UCR benchmark reports: run methods over data sets and seeds, compare, report.

- :func:`run_benchmark` runs the matrix data sets x methods x seeds, each cell
  in a fresh worker process (or as a Dask task on a cluster), saves every
  finished cell to ``results.csv`` (so an interrupted run resumes) and writes
  the report; ``sigconv benchmark`` is its command line;
- the method registry: :class:`Method`, :func:`register_method`,
  :func:`get_method`, :func:`list_methods` (sigconv's estimators, cheap
  baselines and, with aeon installed, its peers);
- :class:`ResultsStore` and :data:`COLUMNS`: the ``results.csv`` file;
- statistics over data sets: :func:`mean_ranks`, :func:`friedman_test`,
  :func:`critical_difference` (Nemenyi), :func:`pairwise_wilcoxon` and
  :func:`wilcoxon_cliques` (Holm-corrected Wilcoxon signed-rank tests),
  :func:`smallest_wilcoxon_pvalue` (whether so few data sets can show a
  difference at all). They live in ``sigconv._stats``, below both this
  package and :mod:`sigconv.plot`, which draws them;
- :func:`write_report`: ``report.md`` and ``report.html``, opening with a
  figure and a summary (which method won, by how much, how sure), then tables, the
  critical-difference diagram and scatter plots against published results
  (:func:`load_published`, sources in :data:`PUBLISHED_SOURCES`).

Importing this package loads NumPy only.
"""

from ._methods import Method, get_method, list_methods, register_method
from ._published import PUBLISHED_SOURCES, load_published
from ._report import write_report
from ._runner import BenchmarkResult, default_datasets, run_benchmark
from .._stats import (
    critical_difference,
    friedman_test,
    mean_ranks,
    pairwise_wilcoxon,
    smallest_wilcoxon_pvalue,
    wilcoxon_cliques,
)
from ._store import COLUMNS, ResultsStore

__all__ = [
    "COLUMNS",
    "PUBLISHED_SOURCES",
    "BenchmarkResult",
    "Method",
    "ResultsStore",
    "critical_difference",
    "default_datasets",
    "friedman_test",
    "get_method",
    "list_methods",
    "load_published",
    "mean_ranks",
    "pairwise_wilcoxon",
    "register_method",
    "run_benchmark",
    "smallest_wilcoxon_pvalue",
    "wilcoxon_cliques",
    "write_report",
]
