"""report.md and report.html from a results table: tables, tests, figures."""

import datetime
import html
import os
import re
from pathlib import Path

import numpy as np

from ._published import PUBLISHED_SOURCES, load_published
from .._stats import friedman_test, mean_ranks, pairwise_wilcoxon, smallest_wilcoxon_pvalue

__all__ = ["write_report"]

_ANCHOR = "HC2"  # the published state of the art, shown beside every run


class _Bold(str):
    """A table cell shown in bold."""


def _fmt(value, digits=4):
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    return f"{value:.{digits}f}"


def _slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()


class _Document:
    def __init__(self):
        self.blocks = []

    def h(self, level, text):
        self.blocks.append(("h", level, text))

    def p(self, text):
        self.blocks.append(("p", text))

    def table(self, header, rows):
        self.blocks.append(("table", header, rows))

    def img(self, path, alt):
        self.blocks.append(("img", path, alt))

    def markdown(self):
        out = []
        for block in self.blocks:
            if block[0] == "h":
                out.append(f"{'#' * block[1]} {block[2]}")
            elif block[0] == "p":
                out.append(block[1])
            elif block[0] == "img":
                out.append(f"![{block[2]}]({block[1]})")
            else:
                _, header, rows = block

                def cell(value):
                    text = str(value).replace("|", "\\|")
                    return f"**{text}**" if isinstance(value, _Bold) and text else text

                out.append("| " + " | ".join(header) + " |")
                out.append("|" + "|".join("---" for _ in header) + "|")
                out.extend("| " + " | ".join(cell(v) for v in row) + " |" for row in rows)
            out.append("")
        return "\n".join(out)

    def html(self, title):
        esc = html.escape
        body = []
        for block in self.blocks:
            if block[0] == "h":
                body.append(f"<h{block[1]}>{esc(block[2])}</h{block[1]}>")
            elif block[0] == "p":
                text = esc(block[1])
                text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
                body.append(f"<p>{text}</p>")
            elif block[0] == "img":
                body.append(f'<figure><img src="{esc(block[1])}" alt="{esc(block[2])}">'
                            f"<figcaption>{esc(block[2])}</figcaption></figure>")
            else:
                _, header, rows = block
                head = "".join(f"<th>{esc(h)}</th>" for h in header)
                lines = "".join(
                    "<tr>" + "".join(f"<td><b>{esc(v)}</b></td>" if isinstance(v, _Bold) else f"<td>{esc(str(v))}</td>"
                                     for v in row) + "</tr>"
                    for row in rows)
                body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table>")
        style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
                 "table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:0.9em}"
                 "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
                 "td:first-child,th:first-child{text-align:left}th{background:#f2f2f2}"
                 "img{max-width:100%}figure{margin:1em 0}figcaption{font-size:0.85em;color:#555}")
        return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{esc(title)}</title>"
                f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def _save(fig, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fig.savefig(tmp, dpi=110, format="png")
    os.replace(tmp, path)


def _gallery(doc, output_dir, dataset, data_home):
    from ..datasets import load_ucr
    from ..plot import default_transformers, write_gallery

    X, y, _, _ = load_ucr(dataset, data_home=data_home, download=False)
    classes = list(dict.fromkeys(np.asarray(y).tolist()))[:4]
    keep = np.isin(y, classes)
    folder = output_dir / "figures" / "gallery"
    transformers = default_transformers(X.shape[-1], image_size=48)
    write_gallery(X[keep], np.asarray(y)[keep], folder, transformers=transformers, dataset_name=dataset)
    doc.h(2, f"The transforms on {dataset}")
    doc.p(f"What each of sigconv's signal-to-image transforms makes of one training series per class "
          f"(the first {len(classes)} classes), drawn by `sigconv.plot.write_gallery`.")
    for number, label in enumerate(transformers):
        for png in folder.glob(f"{number:02d}_*.png"):
            doc.img(png.relative_to(output_dir).as_posix(), label)


def write_report(results, output_dir, *, data_home=None, notes=(), alpha=0.05, gallery=True):
    """Write ``report.md``, ``report.html`` and their figures from a benchmark's results.

    Parameters
    ----------
    results : pandas.DataFrame or str or path-like
        The rows of ``results.csv`` (see :data:`sigconv.benchmark.COLUMNS`),
        or the path of such a file.
    output_dir : str or path-like
        Folder to write into; figures go to ``<output_dir>/figures/``.
    data_home : str, path-like or None, default=None
        Where the data sets are (for the transform gallery).
    notes : list of str, default=()
        Sentences listed under "Notes" (e.g. methods skipped).
    alpha : float, default=0.05
        Significance level of the Wilcoxon and Friedman tests.
    gallery : bool, default=True
        Whether to draw every transform of the first data set.

    Returns
    -------
    page : pathlib.Path
        ``<output_dir>/report.html`` (``report.md`` sits beside it).

    See Also
    --------
    run_benchmark : Computes the results and calls this.
    """
    import pandas as pd

    from ..plot import plot_accuracy_by_dataset, plot_accuracy_scatter, plot_critical_difference
    from ._store import COLUMNS, ResultsStore

    output_dir = Path(output_dir)
    if not isinstance(results, pd.DataFrame):
        results = pd.DataFrame(ResultsStore(results).rows(), columns=list(COLUMNS))
    missing = [c for c in ("dataset", "method", "seed", "status", "accuracy") if c not in results.columns]
    if missing:
        raise ValueError(f"results has no {missing[0]!r} column; pass the rows of a results.csv "
                         "written by sigconv.benchmark.run_benchmark.")
    results = _label_configurations(results)
    figures = output_dir / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    datasets = list(dict.fromkeys(results["dataset"]))
    methods = list(dict.fromkeys(results["method"]))
    ok = results[results["status"] == "ok"]
    scores = ok.pivot_table(index="dataset", columns="method", values="accuracy", aggfunc="mean")
    scores = scores.reindex(index=[d for d in datasets if d in scores.index],
                            columns=[m for m in methods if m in scores.columns])
    spread = ok.pivot_table(index="dataset", columns="method", values="accuracy", aggfunc="std")
    complete = scores.dropna()
    published = load_published()
    from ._methods import _REGISTRY

    registered = dict(zip(results["method"], results["registered_method"]))
    matched = {m: _REGISTRY[registered[m]].reference for m in methods
               if registered[m] in _REGISTRY and _REGISTRY[registered[m]].reference}
    references = list(dict.fromkeys([*matched.values(), _ANCHOR]))
    seeds = sorted(set(results["seed"]))

    doc = _Document()
    doc.h(1, "sigconv benchmark")
    # -- the figure and the summary first: what a reader wants before the tables -------------------
    if len(scores) and len(scores) <= _MAX_DOT_ROWS:
        shown = [r for r in references if r in published.columns]
        _save(plot_accuracy_by_dataset(scores, references=published[shown] if shown else None),
              figures / "accuracy.png")
        doc.img("figures/accuracy.png", "test accuracy of each method on each data set"
                + (f" (hollow: published {', '.join(shown)})" if shown else ""))
    for sentence in _summary(complete, ok, alpha):
        doc.p(sentence)
    n_failed = int((results["status"] != "ok").sum())
    budget = sorted({str(v) for v in results["time_budget"].dropna()}) if "time_budget" in results else []
    epochs = sorted({str(int(v)) for v in results["epochs"].dropna()}) if "epochs" in results else []
    backends = sorted({b for b in results.get("backend", pd.Series(dtype=str)).fillna("") if b})
    devices = sorted({d for d in results.get("device", pd.Series(dtype=str)).fillna("") if d})
    doc.p(f"{_count(len(datasets), 'data set')} x {_count(len(methods), 'method')} x "
          f"{_count(len(seeds), 'seed')} = {_count(len(results), 'cell')} "
          f"({len(results) - n_failed} ok, {n_failed} failed). Standard UCR train/test splits; accuracy on "
          f"the test split, averaged over seeds {', '.join(map(str, seeds))}. "
          f"Epochs: {', '.join(epochs) or 'each method default'}; time budget per fit: "
          f"{', '.join(s + ' s' for s in budget) or 'none'}; Keras backend: {', '.join(backends) or '-'}; "
          f"devices: {', '.join(devices) or '-'}. Written {datetime.datetime.now():%Y-%m-%d %H:%M}.")

    # -- per data set -----------------------------------------------------------------------------
    doc.h(2, "Accuracy per data set")
    refs_here = [r for r in references if r in published.columns]
    header = ["data set", "train", "test", "length", "classes", *methods, *(f"{r} (published)" for r in refs_here)]
    rows = []
    for dataset in datasets:
        cells = results[results["dataset"] == dataset]
        first = cells.iloc[0]
        values = [scores.loc[dataset, m] if dataset in scores.index and m in scores.columns else np.nan
                  for m in methods]
        best = np.nanmax(values) if np.isfinite(values).any() else None
        row = [dataset, *(_fmt(first.get(c), 0) if pd.notna(first.get(c)) else "" for c in
                          ("n_train", "n_test", "n_timepoints", "n_classes"))]
        for m, v in zip(methods, values):
            if not np.isfinite(v):
                row.append("failed" if (cells["method"] == m).any() else "")
                continue
            text = _fmt(v)
            if len(seeds) > 1 and dataset in spread.index and m in spread.columns and pd.notna(spread.loc[dataset, m]):
                text += f" ± {spread.loc[dataset, m]:.3f}"
            row.append(_Bold(text) if v == best else text)
        row += [_fmt(published.loc[dataset, r]) if dataset in published.index else "" for r in refs_here]
        rows.append(row)
    doc.table(header, rows)

    # -- summary per method -------------------------------------------------------------------------
    doc.h(2, "Summary per method")
    ranks = mean_ranks(complete) if complete.shape[1] >= 2 and len(complete) else None
    doc.p(f"Means over the {_count(len(complete), 'data set')} where every method succeeded"
          + (f" ({', '.join(complete.index)})" if len(complete) <= 20 else "")
          + "; rank 1 is best, ties share the mean rank. Times are per fit, memory is the peak of a cell.")
    header = ["method", "ok", "failed", "mean accuracy", "mean balanced accuracy", "mean rank",
              "mean fit s", "mean predict s", "peak memory MB", "mean epochs run"]
    rows = []
    balanced = ok.pivot_table(index="dataset", columns="method", values="balanced_accuracy", aggfunc="mean")
    for m in methods:
        mine = results[results["method"] == m]
        good = mine[mine["status"] == "ok"]
        in_complete = m in complete.columns and len(complete)
        epochs_run = good["epochs_run"].dropna() if "epochs_run" in good else []
        rows.append([
            m, str(len(good)), str(len(mine) - len(good)),
            _fmt(complete[m].mean()) if in_complete else "",
            _fmt(balanced.loc[complete.index, m].mean()) if in_complete else "",
            _fmt(ranks[m], 2) if ranks is not None and m in ranks else "",
            _fmt(good["fit_s"].mean(), 1) if len(good) else "",
            _fmt(good["predict_s"].mean(), 2) if len(good) else "",
            _fmt(good["peak_memory_mb"].max(), 0) if len(good) and good["peak_memory_mb"].notna().any() else "",
            _fmt(float(np.mean(epochs_run)), 0) if len(epochs_run) else "",
        ])
    doc.table(header, rows)

    # -- critical difference ------------------------------------------------------------------------
    doc.h(2, "Critical-difference diagram")
    cd_scores = complete.copy()
    for m, ref in matched.items():
        if m in cd_scores.columns and ref in published.columns and f"{ref} (published)" not in cd_scores:
            cd_scores[f"{ref} (published)"] = published[ref].reindex(cd_scores.index).to_numpy()
    cd_scores = cd_scores.dropna(axis=1)
    if cd_scores.shape[1] >= 2 and len(cd_scores) >= 2:
        _save(plot_critical_difference(cd_scores, alpha=alpha), figures / "critical_difference.png")
        statistic, pvalue = friedman_test(cd_scores)
        doc.p(f"The methods run here and the published results of the same algorithms, over "
              f"{len(cd_scores)} data sets. Friedman test: "
              + (f"chi-square {statistic:.2f}, p = {pvalue:.3g}." if np.isfinite(pvalue)
                 else "needs at least 3 methods.")
              )
        doc.img("figures/critical_difference.png", "critical-difference diagram")
        n_pairs = cd_scores.shape[1] * (cd_scores.shape[1] - 1) // 2
        if _can_be_significant(len(cd_scores), alpha / n_pairs):
            tests = pairwise_wilcoxon(cd_scores, alpha=alpha)
            doc.p(f"Pairwise Wilcoxon signed-rank tests (scipy.stats.wilcoxon), Holm-corrected at alpha = {alpha}.")
            doc.table(["method a", "method b", "a wins", "ties", "a losses", "p-value", "Holm threshold",
                       "significant"],
                      [[t.a, t.b, str(t.wins), str(t.ties), str(t.losses), f"{t.pvalue:.3g}", f"{t.threshold:.3g}",
                        "yes" if t.significant else "no"] for t in tests.itertuples()])
        else:
            doc.p(_untestable(len(cd_scores), alpha / n_pairs, "the pairwise Wilcoxon-Holm table"))
    else:
        doc.p("Needs at least 2 methods (or published references) with results on at least 2 common data sets.")

    # -- published --------------------------------------------------------------------------------
    doc.h(2, "Against published results")
    testable = _can_be_significant(int(scores.notna().sum().max()) if scores.size else 0, alpha)
    if testable:
        doc.p("Each method run here against each published reference on the data sets both have; the "
              "Wilcoxon signed-rank p-value tests whether the paired accuracies differ (not corrected for the "
              "number of comparisons). The reference of the same algorithm comes first.")
    rows = []
    for m in scores.columns:
        order = list(dict.fromkeys([r for r in [matched.get(m)] if r] + list(published.columns)))
        panels = []
        for ref in order:
            pair = pd.concat([scores[m], published[ref].reindex(scores.index)], axis=1).dropna()
            if not len(pair):
                continue
            panels.append(ref)
            diff = pair.iloc[:, 0] - pair.iloc[:, 1]
            p = _wilcoxon_p(pair.iloc[:, 0], pair.iloc[:, 1])
            rows.append([m, ref, str(len(pair)), _fmt(pair.iloc[:, 0].mean()), _fmt(pair.iloc[:, 1].mean()),
                         f"{diff.mean():+.4f}", f"{(diff > 0).sum()}/{(diff == 0).sum()}/{(diff < 0).sum()}",
                         f"{p:.3g}"])
        if panels:
            from matplotlib.figure import Figure

            n_cols = min(3, len(panels))
            n_rows = -(-len(panels) // n_cols)
            fig = Figure(figsize=(3.3 * n_cols, 3.4 * n_rows))  # a fixed layout: 9 panels draw fast
            axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
            fig.subplots_adjust(left=0.09, right=0.98, bottom=0.07, top=0.94, wspace=0.4, hspace=0.5)
            for ax, ref in zip(axes, panels):
                plot_accuracy_scatter(published[ref], scores[m], x_label=f"{ref} (published)", y_label=m, ax=ax)
            for ax in axes[len(panels):]:
                ax.axis("off")
            _save(fig, figures / f"scatter_{_slug(m)}.png")
    if rows:
        if testable:
            doc.table(["method", "reference", "data sets", "method mean", "reference mean", "mean difference",
                       "wins/ties/losses", "Wilcoxon p"], rows)
        else:
            doc.p(_untestable(int(scores.notna().sum().max()), alpha, "the table of Wilcoxon tests against "
                              "each published reference") + " The published accuracies of the same "
                  "algorithms and of HC2 are in the table per data set; the figures below show every reference.")
        for m in scores.columns:
            if (figures / f"scatter_{_slug(m)}.png").is_file():
                doc.img(f"figures/scatter_{_slug(m)}.png", f"{m} against each published reference")
    else:
        doc.p("None of these data sets is in the published table (the 128 UCR 2018 data sets).")
    doc.p("Published columns: " + "; ".join(f"{k}: {v}" for k, v in PUBLISHED_SOURCES.items()) + ".")

    # -- failures and notes -------------------------------------------------------------------------
    failed = results[results["status"] != "ok"]
    if len(failed):
        doc.h(2, "Failed cells")
        doc.table(["data set", "method", "seed", "error"],
                  [[r.dataset, r.method, str(r.seed), str(r.error)] for r in failed.itertuples()])
    if notes:
        doc.h(2, "Notes")
        for note in notes:
            doc.p(note)
    versions = sorted({v for v in results.get("versions", pd.Series(dtype=str)).fillna("") if v})
    if versions:
        doc.h(2, "Versions")
        for v in versions:
            doc.p(f"`{v}`")
    if gallery and len(ok):
        try:
            _gallery(doc, output_dir, ok["dataset"].iloc[0], data_home)
        except Exception as exc:  # noqa: BLE001 - the gallery illustrates; it never fails the report
            doc.p(f"The transform gallery could not be drawn: {type(exc).__name__}: {exc}")

    (output_dir / "report.md").write_text(doc.markdown(), encoding="utf-8")
    page = output_dir / "report.html"
    page.write_text(doc.html("sigconv benchmark"), encoding="utf-8")
    return page


_MAX_DOT_ROWS = 20  # the opening figure has a row per data set; beyond this the CD diagram reads better


def _can_be_significant(n_datasets, threshold):
    """Whether a Wilcoxon signed-rank test over ``n_datasets`` pairs can give a p-value below ``threshold``."""
    return smallest_wilcoxon_pvalue(n_datasets) < threshold


def _untestable(n_datasets, threshold, what):
    return (f"Left out: {what}. With {_count(n_datasets, 'data set')} the Wilcoxon signed-rank test cannot give "
            f"a p-value below {smallest_wilcoxon_pvalue(n_datasets):.3g} (one method ahead on every data set), "
            f"so no pair can differ at {threshold:.3g}; run more data sets (`--all`) to test differences.")


def _summary(complete, ok, alpha):
    """The opening sentences: which method won, by how much, and how sure that is."""
    if complete.shape[1] == 0 or not len(complete):
        return ["No data set has a result from every method, so no method is ranked; the tables below "
                "give what finished."]
    means = complete.mean().sort_values(ascending=False, kind="stable")
    n = len(complete)
    if len(means) == 1:
        return [f"One method ran: {means.index[0]}, mean test accuracy {means.iloc[0]:.4f} over "
                f"{_count(n, 'data set')}."]
    winner, second = means.index[0], means.index[1]
    diff = complete[winner] - complete[second]
    wins, ties, losses = int((diff > 0).sum()), int((diff == 0).sum()), int((diff < 0).sum())
    ranking = ", ".join(f"{m} {v:.4f}" for m, v in means.items())
    lead = (f"**{winner} won**: mean test accuracy {means.iloc[0]:.4f} over {_count(n, 'data set')}, "
            f"{diff.mean():.4f} ahead of {second}, the second ({_count(wins, 'win')}, {_count(ties, 'tie')}, "
            f"{_count(losses, 'loss')}). "
            f"Mean accuracy of each method: {ranking}.")
    if means.iloc[0] == means.iloc[1]:
        lead = (f"**{winner} and {second} tied** for first: mean test accuracy {means.iloc[0]:.4f} over "
                f"{_count(n, 'data set')} ({_count(wins, 'win')}, {_count(ties, 'tie')}, "
                f"{_count(losses, 'loss')}). Mean accuracy of each "
                f"method: {ranking}.")
    # How sure, two ways: across data sets (a paired test, if so few can show anything) and within each
    # data set (the test split is a sample: the binomial standard error of an accuracy on n_test series).
    if _can_be_significant(n, alpha):
        from .._stats import _wilcoxon

        p = _wilcoxon(complete[winner], complete[second])
        across = (f"How sure: across data sets, a Wilcoxon signed-rank test of {winner} against {second} gives "
                  f"p = {p:.3g} ({'a difference' if p < alpha else 'no difference'} at alpha = {alpha}).")
    else:
        across = (f"How sure: with {_count(n, 'data set')} no paired test across data sets can show a difference "
                  f"(the smallest Wilcoxon p-value is {smallest_wilcoxon_pvalue(n):.3g}), so the ranking is "
                  "what these data sets show, not a general claim.")
    n_test = ok.groupby("dataset")["n_test"].first().reindex(complete.index)
    a, b = complete[winner], complete[second]
    se = np.sqrt((a * (1 - a) + b * (1 - b)) / n_test.astype(float))
    clear = int(((diff.abs() > 2 * se) & (diff != 0)).sum())
    within = (f"Within data sets, the gap between them exceeds twice its binomial standard error (from the "
              f"size of the test split) on {clear} of {_count(n, 'data set')}"
              + ("." if clear == n else ", so another test split could reverse it on any of them." if clear == 0
                 else "; on the others another test split could reverse it."))
    seeds = ok[ok["method"] == winner].groupby("dataset")["accuracy"].std().dropna()
    spread = (f" Over seeds, {winner}'s accuracy varies by {seeds.mean():.3f} (mean standard deviation)."
              if len(seeds) else "")
    return [lead, across + " " + within + spread]


def _count(n, noun):
    return f"{n} {noun}{'' if n == 1 else 'es' if noun.endswith('s') else 's'}"


def _label_configurations(results):
    """Rename a method run with several configurations (epochs, time budget, backend) after each one."""
    results = results.copy()
    config = [c for c in ("epochs", "time_budget", "backend") if c in results.columns]
    labels = []
    for row in results.itertuples(index=False):
        row = row._asdict()
        same = results[results["method"] == row["method"]][config].astype(str).drop_duplicates()
        if len(same) <= 1:
            labels.append(row["method"])
            continue
        parts = [f"{c}={row[c]:g}" if c == "time_budget" else f"{c}={row[c]:.0f}" if c == "epochs"
                 else f"{c}={row[c]}" for c in config
                 if same[c].nunique() > 1 and _notna(row[c]) and row[c] != ""]
        labels.append(f"{row['method']} ({', '.join(parts) or 'default'})")
    results["registered_method"] = results["method"]
    results["method"] = labels
    return results


def _notna(value):
    import pandas as pd

    return bool(pd.notna(value))


def _wilcoxon_p(a, b):
    from .._stats import _wilcoxon

    return _wilcoxon(a, b)
