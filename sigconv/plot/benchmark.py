"""Benchmark figures: accuracy per data set, critical-difference diagram, accuracy scatter plots.

The statistics they draw come from ``sigconv._stats`` (public in
:mod:`sigconv.benchmark`), a module below both packages: this one never
imports :mod:`sigconv.benchmark`, which draws with it.
"""

import numpy as np

__all__ = ["plot_accuracy_by_dataset", "plot_accuracy_scatter", "plot_critical_difference"]

_COLOURS = ("#1f5f99", "#d0701c", "#2f8f3a", "#b03030", "#7b4f9d", "#8c564b", "#c2549d", "#5f5f5f")


def plot_accuracy_by_dataset(scores, *, references=None, fig=None):
    """Accuracy of each method on each data set, one row per data set: the first figure of a report.

    Parameters
    ----------
    scores : pandas.DataFrame
        Accuracy of each method (columns) on each data set (rows); a missing
        value (a failed method) is left out of its row.
    references : pandas.DataFrame or None, default=None
        Published accuracies (columns) of the same data sets, drawn as grey
        hollow markers; rows it lacks are skipped.
    fig : matplotlib.figure.Figure or None, default=None
        Figure to draw into; a new one is made when None.

    Returns
    -------
    fig : matplotlib.figure.Figure

    See Also
    --------
    plot_critical_difference : The same comparison by mean rank, for many data sets.

    Examples
    --------
    >>> import pandas as pd
    >>> from sigconv.plot import plot_accuracy_by_dataset
    >>> scores = pd.DataFrame({"a": [0.9, 0.8], "b": [0.7, 0.85]}, index=["X", "Y"])
    >>> fig = plot_accuracy_by_dataset(scores)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['X', 'Y']
    """
    from matplotlib.figure import Figure

    references = references.reindex(scores.index) if references is not None else None
    n_rows = len(scores.index)
    if fig is None:
        fig = Figure(figsize=(7.5, 1.3 + 0.42 * n_rows), layout="constrained")
    ax = fig.subplots()
    rows = np.arange(n_rows)[::-1]  # the first data set on top
    n_methods = scores.shape[1]
    offsets = np.linspace(-0.18, 0.18, n_methods) if n_methods > 1 else np.zeros(1)
    if references is not None:
        for j, ref in enumerate(references.columns):
            values = references[ref].to_numpy(float)
            ax.scatter(values, rows, s=70, marker="os^Dv"[j % 5], facecolors="none", edgecolors="#9a9a9a",
                       linewidths=1.2, label=f"{ref} (published)", zorder=2)
    for j, method in enumerate(scores.columns):
        values = scores[method].to_numpy(float)
        ax.scatter(values, rows + offsets[j], s=34, color=_COLOURS[j % len(_COLOURS)], label=method, zorder=3)
    finite = scores.to_numpy(float)[np.isfinite(scores.to_numpy(float))]
    lo = max(0.0, float(finite.min()) - 0.05) if finite.size else 0.0
    ax.set_xlim(lo, 1.02)
    ax.set_yticks(rows, [str(name) for name in scores.index])
    ax.set_ylim(-0.6, n_rows - 0.4)
    ax.grid(axis="x", color="#e3e3e3", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.set_xlabel("test accuracy", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8, loc="lower left", bbox_to_anchor=(0, 1.01), ncol=min(4, n_methods + (
        0 if references is None else references.shape[1])), frameon=False)
    return fig


def plot_critical_difference(scores, *, alpha=0.05, fig=None):
    """Critical-difference diagram: methods by mean rank, joined where no test separates them.

    Methods sit on a rank axis (best on the left); thick bars join cliques of
    methods that no Holm-corrected Wilcoxon signed-rank test separates (as
    aeon's ``plot_critical_difference`` draws them), and a segment above the
    axis shows Nemenyi's critical difference after Friedman's test.

    Parameters
    ----------
    scores : pandas.DataFrame
        Accuracy of each method (columns) on each data set (rows), no missing
        value, at least 2 methods.
    alpha : float, default=0.05
        Significance level of the tests.
    fig : matplotlib.figure.Figure or None, default=None
        Figure to draw into; a new one is made when None.

    Returns
    -------
    fig : matplotlib.figure.Figure

    See Also
    --------
    sigconv.benchmark.mean_ranks, sigconv.benchmark.wilcoxon_cliques,
    sigconv.benchmark.critical_difference : What the diagram shows.

    Examples
    --------
    >>> import pandas as pd
    >>> from sigconv.plot import plot_critical_difference
    >>> scores = pd.DataFrame({"a": [0.9, 0.8, 0.7, 0.9], "b": [0.8, 0.7, 0.6, 0.8], "c": [0.85, 0.8, 0.7, 0.7]})
    >>> fig = plot_critical_difference(scores)
    >>> len(fig.axes)
    1
    """
    from matplotlib.figure import Figure

    from .._stats import critical_difference, friedman_test, mean_ranks, wilcoxon_cliques

    ranks = mean_ranks(scores)
    k, n = scores.shape[1], scores.shape[0]
    cliques = wilcoxon_cliques(scores, alpha=alpha)
    cd = critical_difference(k, n, alpha=alpha)
    _, pvalue = friedman_test(scores)
    n_left = (k + 1) // 2
    height = 1.6 + 0.32 * max(n_left, k - n_left) + 0.18 * len(cliques)
    if fig is None:
        fig = Figure(figsize=(7.5, height), layout="constrained")
    ax = fig.subplots()
    low, high = 1, max(k, 2)
    ax.set_xlim(low - 0.3 - 0.35 * (high - low), high + 0.3 + 0.35 * (high - low))
    ax.set_ylim(-(max(n_left, k - n_left) + 1.5 + 0.4 * len(cliques)), 2.0)
    ax.axis("off")
    ax.hlines(0, low, high, color="black", linewidth=1)
    for r in range(low, high + 1):
        ax.vlines(r, 0, 0.15, color="black", linewidth=1)
        ax.text(r, 0.3, str(r), ha="center", va="bottom", fontsize=9)
    if np.isfinite(cd) and cd <= high - low:
        ax.hlines(1.2, low, low + cd, color="#b03030", linewidth=2)
        ax.text(low + cd / 2, 1.35, f"Nemenyi CD = {cd:.2f}" + (f" (Friedman p = {pvalue:.3g})"
                if np.isfinite(pvalue) else ""), ha="left" if cd < 0.6 else "center", fontsize=8,
                color="#b03030")
    y_clique = -0.35
    for clique in cliques:
        ax.hlines(y_clique, ranks[clique[0]] - 0.03, ranks[clique[-1]] + 0.03, color="#333333", linewidth=4)
        y_clique -= 0.4
    first_label = y_clique - 0.2
    for i, (method, rank) in enumerate(ranks.items()):
        left = i < n_left
        row = i if left else k - 1 - i
        y = first_label - row
        x_text = low - 0.25 - 0.35 * (high - low) + 0.05 if left else high + 0.25 + 0.35 * (high - low) - 0.05
        ax.plot([rank, rank, x_text], [0, y, y], color="#1f5f99", linewidth=1)
        ax.text(x_text, y + 0.12, f"{method} ({rank:.2f})", ha="left" if left else "right", va="bottom",
                fontsize=9)
    ax.set_title(f"Mean rank over {n} data sets (thick bars: no significant Wilcoxon-Holm difference, "
                 f"alpha = {alpha})", fontsize=9)
    return fig


def plot_accuracy_scatter(x, y, *, x_label, y_label, ax=None, fig=None):
    """Accuracy of one method against another's, one point per data set, with the diagonal.

    Parameters
    ----------
    x, y : pandas.Series
        Accuracies indexed by data set; only data sets present in both
        (and not NaN) are drawn.
    x_label, y_label : str
        Names of the two methods.
    ax : matplotlib.axes.Axes or None, default=None
        Axes to draw into; when None a new figure (or ``fig``) gets one.
    fig : matplotlib.figure.Figure or None, default=None
        Figure for the new axes when ``ax`` is None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The title's second line counts the data sets where ``y`` wins, ties and loses.

    Examples
    --------
    >>> import pandas as pd
    >>> from sigconv.plot import plot_accuracy_scatter
    >>> fig = plot_accuracy_scatter(pd.Series({"A": 0.8, "B": 0.9}), pd.Series({"A": 0.85, "B": 0.9}),
    ...                             x_label="ref", y_label="mine")
    >>> print(fig.axes[0].get_title())
    mine vs ref
    1 wins, 1 ties, 0 losses
    """
    from matplotlib.figure import Figure

    both = np.intersect1d(x.dropna().index, y.dropna().index)
    xs, ys = x.loc[both].to_numpy(float), y.loc[both].to_numpy(float)
    if ax is None:
        fig = fig or Figure(figsize=(4, 4), layout="constrained")
        ax = fig.subplots()
    lo = min(0.0, *(xs.tolist() + ys.tolist())) if len(xs) else 0.0
    ax.plot([lo, 1], [lo, 1], color="#999999", linewidth=1, linestyle="--")
    ax.scatter(xs, ys, s=22, color="#1f5f99", alpha=0.8)
    for name, a, b in zip(both, xs, ys):
        if len(both) <= 12:
            ax.annotate(str(name), (a, b), fontsize=7, xytext=(-3, 3), textcoords="offset points", ha="right")
    ax.set_xlim(lo, 1.02)
    ax.set_ylim(lo, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel(f"{x_label} accuracy", fontsize=9)
    ax.set_ylabel(f"{y_label} accuracy", fontsize=9)
    ax.tick_params(labelsize=8)
    wins, ties = int(np.sum(ys > xs)), int(np.sum(ys == xs))
    ax.set_title(f"{y_label} vs {x_label}\n{wins} wins, {ties} ties, {len(xs) - wins - ties} losses",
                 fontsize=8)
    return ax.figure
