"""Comparing classifiers over many data sets: ranks, Friedman, Nemenyi, Wilcoxon-Holm (scipy.stats).

Below both :mod:`sigconv.plot` (which draws these statistics) and
:mod:`sigconv.benchmark` (which reports them and draws with ``plot``), so
that neither package imports the other's statistics. The public names are
re-exported by :mod:`sigconv.benchmark`.
"""

import itertools

import numpy as np

__all__ = [
    "critical_difference",
    "friedman_test",
    "mean_ranks",
    "pairwise_wilcoxon",
    "smallest_wilcoxon_pvalue",
    "wilcoxon_cliques",
]


def _scores(scores):
    """A data sets x methods DataFrame with no missing value, at least 2 methods."""
    import pandas as pd

    if not isinstance(scores, pd.DataFrame):
        raise TypeError(f"scores must be a pandas.DataFrame of data sets (rows) x methods (columns); "
                        f"got {type(scores).__name__}.")
    if scores.shape[1] < 2:
        raise ValueError(f"scores must have at least 2 methods (columns); got {scores.shape[1]}.")
    if scores.shape[0] < 1 or scores.isna().any().any():
        raise ValueError("scores must have at least one data set (row) and no missing value; "
                         "drop the data sets where a method has no result first (scores.dropna()).")
    return scores.astype(float)


def mean_ranks(scores):
    """Mean rank of each method over the data sets (1 = best; ties share the mean rank).

    Parameters
    ----------
    scores : pandas.DataFrame
        Accuracy (higher is better) of each method (columns) on each data set
        (rows), no missing value.

    Returns
    -------
    ranks : pandas.Series
        Mean rank per method, best first.

    Examples
    --------
    >>> import pandas as pd
    >>> from sigconv.benchmark import mean_ranks
    >>> scores = pd.DataFrame({"a": [0.9, 0.8, 0.7], "b": [0.8, 0.8, 0.6]})
    >>> mean_ranks(scores).to_dict()
    {'a': 1.1666666666666667, 'b': 1.8333333333333333}
    """
    from scipy.stats import rankdata

    scores = _scores(scores)
    ranks = rankdata(-scores.to_numpy(), axis=1)
    return scores.__class__(ranks, index=scores.index, columns=scores.columns).mean().sort_values()


def friedman_test(scores):
    """Friedman's test that all methods rank alike (``scipy.stats.friedmanchisquare``).

    Returns
    -------
    statistic, pvalue : float
        NaN with fewer than 3 methods or 2 data sets, where the test is not defined.
    """
    from scipy.stats import friedmanchisquare

    scores = _scores(scores)
    if scores.shape[1] < 3 or scores.shape[0] < 2:
        return float("nan"), float("nan")
    if np.all(scores.to_numpy() == scores.to_numpy()[:, :1]):
        return 0.0, 1.0
    result = friedmanchisquare(*[scores[c].to_numpy() for c in scores.columns])
    return float(result.statistic), float(result.pvalue)


def critical_difference(n_methods, n_datasets, *, alpha=0.05):
    """Nemenyi's critical difference of mean ranks (Demšar 2006).

    ``CD = q_alpha * sqrt(k (k + 1) / (6 N))`` with ``q_alpha`` the
    studentized range quantile (infinite degrees of freedom) over sqrt(2).

    Examples
    --------
    >>> from sigconv.benchmark import critical_difference
    >>> round(critical_difference(4, 14), 3)   # Demšar's q_0.05 = 2.569 for k = 4
    1.254

    References
    ----------
    J. Demšar, "Statistical comparisons of classifiers over multiple data
    sets", JMLR 7 (2006).
    """
    from scipy.stats import studentized_range

    q = studentized_range.ppf(1 - alpha, n_methods, np.inf) / np.sqrt(2)
    return float(q * np.sqrt(n_methods * (n_methods + 1) / (6 * n_datasets)))


def _wilcoxon(a, b):
    from scipy.stats import wilcoxon

    differences = np.asarray(a, float) - np.asarray(b, float)
    if np.all(differences == 0):
        return 1.0
    return float(wilcoxon(differences, zero_method="wilcox").pvalue)


def smallest_wilcoxon_pvalue(n_datasets):
    """The smallest p-value the two-sided Wilcoxon signed-rank test can give on ``n_datasets`` pairs.

    It is the p-value of one method ahead on every data set, which
    ``scipy.stats.wilcoxon`` (exact below 51 pairs) puts at
    ``2 / 2**n_datasets``: 0.25 for 3 data sets, 0.0625 for 5, 0.03125 for 6.
    A table of such tests over fewer data sets cannot show a difference at
    ``alpha`` once this is at least ``alpha`` (or Holm's first threshold).

    Examples
    --------
    >>> from sigconv.benchmark import smallest_wilcoxon_pvalue
    >>> [smallest_wilcoxon_pvalue(n) for n in (1, 3, 5, 6)]
    [1.0, 0.25, 0.0625, 0.03125]
    """
    if not isinstance(n_datasets, (int, np.integer)) or isinstance(n_datasets, bool) or n_datasets < 0:
        raise ValueError(f"n_datasets must be an int >= 0; got n_datasets={n_datasets!r}.")
    if n_datasets == 0:
        return 1.0
    return _wilcoxon(np.arange(1, n_datasets + 1), np.zeros(n_datasets))


def pairwise_wilcoxon(scores, *, alpha=0.05):
    """Wilcoxon signed-rank test of every pair of methods, Holm-corrected.

    Returns
    -------
    tests : pandas.DataFrame
        One row per pair (``a``, ``b``): wins, ties and losses of ``a``, the
        p-value, the Holm threshold it is compared with and whether the pair
        differs significantly; sorted by p-value.
    """
    import pandas as pd

    scores = _scores(scores)
    rows = []
    for a, b in itertools.combinations(scores.columns, 2):
        diff = scores[a] - scores[b]
        rows.append({"a": a, "b": b, "wins": int((diff > 0).sum()), "ties": int((diff == 0).sum()),
                     "losses": int((diff < 0).sum()), "pvalue": _wilcoxon(scores[a], scores[b])})
    tests = pd.DataFrame(rows).sort_values("pvalue", kind="stable").reset_index(drop=True)
    m = len(tests)
    tests["threshold"] = [alpha / (m - i) for i in range(m)]
    significant, rejecting = [], True
    for p, t in zip(tests["pvalue"], tests["threshold"]):
        rejecting = rejecting and p < t  # Holm: stop at the first pair not rejected
        significant.append(bool(rejecting))
    tests["significant"] = significant
    return tests


def wilcoxon_cliques(scores, *, alpha=0.05):
    """Groups of methods, adjacent in mean rank, with no significant difference inside (as aeon draws).

    Returns
    -------
    cliques : list of list of str
        Maximal runs of methods (ordered by mean rank) where no pair differs
        under :func:`pairwise_wilcoxon`; runs of one method are left out.
    """
    order = list(mean_ranks(scores).index)
    tests = pairwise_wilcoxon(scores, alpha=alpha)
    differ = {frozenset((a, b)) for a, b, s in zip(tests["a"], tests["b"], tests["significant"]) if s}
    cliques = []
    for i in range(len(order)):
        j = i
        while j + 1 < len(order) and all(frozenset((order[k], order[j + 1])) not in differ
                                          for k in range(i, j + 1)):
            j += 1
        if j > i and not any(i >= lo and j <= hi for lo, hi in cliques):
            cliques.append((i, j))
    return [order[lo:hi + 1] for lo, hi in cliques]
