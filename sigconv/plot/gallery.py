"""Transform galleries: what each transform makes of one series per class."""

import html
import os
from pathlib import Path

import numpy as np

from ..validation import check_int, check_series, is_ragged

__all__ = ["default_transformers", "plot_transform_gallery", "write_gallery"]


def default_transformers(n_timepoints, *, image_size=64):
    """One transformer of each kind, with parameters suited to the series length.

    Spectral transforms get an ``n_fft`` of about a quarter of the series
    (a power of two, at least 8) and a hop of an eighth of it; every
    transform resizes to ``image_size`` so that images compare side by side.
    UCR series carry no sampling rate, so the mel transforms use ``sr=1.0``
    (frequencies in cycles per sample).

    Parameters
    ----------
    n_timepoints : int
        Length of the (shortest) series to transform, at least 8.
    image_size : int, default=64
        Height and width of every image.

    Returns
    -------
    transformers : dict of str to transformer
        Display name to unfitted transformer, in display order.

    Examples
    --------
    >>> from sigconv.plot import default_transformers
    >>> list(default_transformers(150))[:3]
    ['Spectrogram (dB)', 'Mel spectrogram (dB)', 'MFCC']
    """
    from ..transformers import (
        MFCC,
        GramianAngularField,
        MarkovTransitionField,
        MelSpectrogram,
        RecurrencePlot,
        Spectrogram,
    )

    n_timepoints = check_int(n_timepoints, "n_timepoints", min_value=8)
    image_size = check_int(image_size, "image_size", min_value=2)
    n_fft = max(8, 2 ** int(np.floor(np.log2(max(n_timepoints // 4, 8)))))
    hop = max(1, n_fft // 8)
    n_mels = max(4, min(32, n_fft // 4))
    spectral = dict(n_fft=n_fft, hop_length=hop, image_size=image_size)
    mel = dict(sr=1.0, n_mels=n_mels, **spectral)
    return {
        "Spectrogram (dB)": Spectrogram(db=True, **spectral),
        "Mel spectrogram (dB)": MelSpectrogram(db=True, **mel),
        "MFCC": MFCC(n_mfcc=min(20, n_mels), **mel),
        "Recurrence plot": RecurrencePlot(image_size=image_size),
        "Gramian angular summation field": GramianAngularField(method="summation", image_size=image_size),
        "Gramian angular difference field": GramianAngularField(method="difference", image_size=image_size),
        "Markov transition field": MarkovTransitionField(image_size=image_size),
    }


def _examples_per_class(X, y):
    """Index of the first sample of each class, classes in sorted order."""
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"X and y have different lengths: {len(X)} samples and {len(y)} labels.")
    classes = np.unique(y)
    return classes, [int(np.flatnonzero(y == c)[0]) for c in classes]


def plot_transform_gallery(X, y, transformer, *, title=None, channel=0, fig=None):
    """Draw one series per class above the image a transformer makes of it.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints), or list of array-like
        Series; the first series of each class is drawn.
    y : array-like of shape (n_samples,)
        Class labels.
    transformer : sigconv image transformer
        Unfitted or fitted; a fitted clone is used, ``transformer`` is not changed.
    title : str or None, default=None
        Figure title; defaults to the transformer's class name.
    channel : int, default=0
        Series channel to draw (and image channel to show).
    fig : matplotlib.figure.Figure or None, default=None
        Figure to draw into; a new one is made when None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Two rows (series, image) and one column per class.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.plot import plot_transform_gallery
    >>> from sigconv.transformers import GramianAngularField
    >>> X = np.random.default_rng(0).normal(size=(6, 32))
    >>> fig = plot_transform_gallery(X, [0, 1, 2] * 2, GramianAngularField(image_size=16))
    >>> len(fig.axes)
    6
    """
    from matplotlib.figure import Figure
    from sklearn.base import clone

    X = check_series(X)
    classes, index = _examples_per_class(X, y)
    n_channels = X[0].shape[0] if is_ragged(X) else X.shape[1]
    channel = check_int(channel, "channel", min_value=0, max_value=n_channels - 1)
    examples = [X[i] for i in index]
    images = clone(transformer).fit(X).transform(examples if is_ragged(X) else np.stack(examples))
    n_images = images.shape[-1] // n_channels
    if fig is None:
        fig = Figure(figsize=(2.6 * len(classes) + 0.6, 5.2), layout="constrained")
    axes = fig.subplots(2, len(classes), squeeze=False, height_ratios=(1, 2.2))
    for column, (label, series, image) in enumerate(zip(classes, examples, images)):
        top, bottom = axes[0, column], axes[1, column]
        top.plot(series[channel], linewidth=0.9, color="#1f5f99")
        top.set_title(f"class {label}", fontsize=10)
        top.set_xticks([])
        top.tick_params(labelsize=7)
        bottom.imshow(image[:, :, channel * n_images], origin="lower", aspect="auto", cmap="viridis")
        bottom.set_xticks([])
        bottom.set_yticks([])
    fig.suptitle(title or type(transformer).__name__, fontsize=11)
    return fig


def write_gallery(X, y, output_dir, *, transformers=None, dataset_name="data", image_size=64):
    """Render every transform of a data set, one series per class, to PNG files and an HTML page.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints), or list of array-like
        Series.
    y : array-like of shape (n_samples,)
        Class labels.
    output_dir : str or path-like
        Folder to write into (created if missing). Existing files of the same
        names are replaced; nothing else in the folder is touched.
    transformers : dict of str to transformer or None, default=None
        Display name to transformer; :func:`default_transformers` when None.
    dataset_name : str, default="data"
        Shown in the page title and used in file names.
    image_size : int, default=64
        Image size of the default transformers.

    Returns
    -------
    page : pathlib.Path
        The HTML page (``<output_dir>/index.html``), which links every PNG.
    """
    X = check_series(X)
    lengths = [x.shape[-1] for x in X] if is_ragged(X) else [X.shape[-1]]
    if transformers is None:
        transformers = default_transformers(min(lengths), image_size=image_size)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    classes, _ = _examples_per_class(X, y)
    entries = []
    for number, (label, transformer) in enumerate(transformers.items()):
        fig = plot_transform_gallery(X, y, transformer, title=f"{dataset_name}: {label}")
        png = f"{number:02d}_{_slug(label)}.png"
        _save_atomically(fig, output_dir / png)
        params = {k: v for k, v in transformer.get_params().items() if v is not None}
        entries.append((label, png, type(transformer).__name__, params))
    page = output_dir / "index.html"
    page.write_text(_html_page(dataset_name, X, classes, entries), encoding="utf-8")
    return page


def _slug(text):
    return "".join(c if c.isalnum() else "_" for c in text.lower()).strip("_")


def _save_atomically(fig, path):
    tmp = path.with_name(f".{path.name}.tmp")
    fig.savefig(tmp, dpi=110, format="png")
    os.replace(tmp, path)


def _html_page(dataset_name, X, classes, entries):
    n_samples = len(X)
    n_channels = X[0].shape[0] if is_ragged(X) else X.shape[1]
    lengths = sorted({x.shape[-1] for x in X}) if is_ragged(X) else [X.shape[-1]]
    length = f"{lengths[0]}" if len(lengths) == 1 else f"{lengths[0]} to {lengths[-1]}"
    esc = html.escape
    sections = "\n".join(
        f"<section><h2>{esc(label)}</h2><p><code>{esc(cls)}("
        + esc(", ".join(f"{k}={v!r}" for k, v in params.items()))
        + f")</code></p><img src=\"{esc(png)}\" alt=\"{esc(label)}\"></section>"
        for label, png, cls, params in entries
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>sigconv gallery: {esc(dataset_name)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}}
img{{max-width:100%;border:1px solid #ddd}}code{{font-size:0.85em;color:#444}}</style>
</head><body>
<h1>sigconv gallery: {esc(dataset_name)}</h1>
<p>{n_samples} series, {n_channels} channel(s), length {length}, {len(classes)} classes
({esc(", ".join(str(c) for c in classes))}). Each figure shows the first series of every class
(top) and the image the transform makes of it (bottom, first channel).</p>
{sections}
</body></html>
"""
