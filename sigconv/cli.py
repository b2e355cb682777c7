"""The ``sigconv`` command line."""

import argparse
import sys
import time

__all__ = ["main"]


def _gallery(args):
    from .datasets import load_ucr
    from .plot import write_gallery

    start = time.perf_counter()
    X_train, y_train, _, _ = load_ucr(args.dataset, data_home=args.data_dir)
    page = write_gallery(
        X_train, y_train, args.output, dataset_name=args.dataset, image_size=args.image_size
    )
    n_png = len(list(page.parent.glob("[0-9][0-9]_*.png")))
    print(f"Wrote {n_png} transform figures of {args.dataset} and {page} "
          f"in {time.perf_counter() - start:.1f} s. Open {page.resolve().as_uri()} in a browser.")
    return 0


def _parser():
    parser = argparse.ArgumentParser(
        prog="sigconv", description="Deep learning on signals and time series."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    gallery = commands.add_parser(
        "gallery",
        help="render every signal-to-image transform of a data set, per class, to PNG and HTML",
        description="Render every transform (spectrogram, mel spectrogram, MFCC, recurrence "
        "plot, Gramian angular fields, Markov transition field) of one series per class "
        "to PNG files and an index.html page.",
    )
    gallery.add_argument("--dataset", default="GunPoint",
                         help="UCR/UEA data set name (default: GunPoint, built in)")
    gallery.add_argument("--data-dir", default=None,
                         help="folder with UCR/UEA files (default: $SIGCONV_DATA, then built-in data)")
    gallery.add_argument("--output", default="sigconv_gallery",
                         help="output folder (default: ./sigconv_gallery)")
    gallery.add_argument("--image-size", type=int, default=64, help="image height and width (default: 64)")
    gallery.set_defaults(run=_gallery)
    return parser


def _version():
    from . import __version__

    return __version__


def main(argv=None):
    """Run the ``sigconv`` command; return its exit status."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, TypeError, OSError) as exc:
        print(f"sigconv {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
