"""The gallery: figures with content, an HTML page, and the command line."""

import numpy as np
import pytest

from sigconv.cli import main
from sigconv.plot import default_transformers, plot_transform_gallery, write_gallery
from sigconv.transformers import RecurrencePlot


def _png_is_not_blank(path):
    import matplotlib.image

    pixels = matplotlib.image.imread(path)
    return pixels.shape[0] > 100 and pixels[..., :3].std() > 0.05


def test_plot_transform_gallery_draws_each_class():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(9, 40)).cumsum(axis=1)
    y = np.array(["a", "b", "c"] * 3)
    fig = plot_transform_gallery(X, y, RecurrencePlot(image_size=20))
    assert len(fig.axes) == 6
    assert [ax.get_title() for ax in fig.axes[:3]] == ["class a", "class b", "class c"]
    assert fig.axes[3].images[0].get_array().shape == (20, 20)


def test_default_transformers_work_on_short_series():
    X = np.random.default_rng(0).normal(size=(3, 24))
    for transformer in default_transformers(24, image_size=16).values():
        assert transformer.fit_transform(X).shape[1:3] == (16, 16)


def test_write_gallery(tmp_path):
    X = np.random.default_rng(0).normal(size=(6, 2, 64)).cumsum(axis=-1)
    page = write_gallery(X, [0, 1] * 3, tmp_path / "out", dataset_name="toy", image_size=32)
    pngs = sorted(page.parent.glob("*.png"))
    assert len(pngs) == len(default_transformers(64))
    assert all(_png_is_not_blank(p) for p in pngs)
    html = page.read_text()
    assert all(p.name in html for p in pngs) and "toy" in html


def test_cli_gallery_on_built_in_data(tmp_path, capsys):
    assert main(["gallery", "--output", str(tmp_path), "--image-size", "32"]) == 0
    assert "GunPoint" in capsys.readouterr().out
    assert (tmp_path / "index.html").exists()
    assert len(list(tmp_path.glob("*.png"))) == 7


def test_cli_reports_errors_without_traceback(tmp_path, capsys):
    assert main(["gallery", "--dataset", "NoSuchSet", "--data-dir", str(tmp_path)]) == 2
    assert "sigconv gallery: error:" in capsys.readouterr().err
