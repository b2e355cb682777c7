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


def _stdin_chunks(stream, n_channels, fmt, chunk_size):
    """Chunks ``(n_channels, n)`` from a binary stream of float32 samples or of text lines.

    Each read takes what the stream holds at that moment (``read1``), up to
    ``chunk_size`` samples' worth, so a live stream is scored as it arrives
    rather than once ``chunk_size`` samples have piled up. A text line that is
    not numbers comes as a :class:`~sigconv.monitoring.StreamError` in place
    of a chunk, so the monitor reports it and goes on.
    """
    import numpy as np  # noqa: PLC0415

    read = stream.read1 if hasattr(stream, "read1") else stream.read
    if fmt == "f32":
        frame = 4 * n_channels
        leftover = b""
        while True:
            data = read(frame * chunk_size)
            if not data:
                return
            data = leftover + data
            usable = len(data) - len(data) % frame
            leftover = data[usable:]
            if usable:
                yield np.frombuffer(data[:usable], dtype="<f4").reshape(-1, n_channels).T
    leftover, line_number = b"", 0
    while True:
        data = read(32 * n_channels * chunk_size)
        if not data:
            break
        *lines, leftover = (leftover + data).split(b"\n")
        yield from _text_chunks(lines, line_number)
        line_number += len(lines)
    yield from _text_chunks([leftover], line_number)


def _text_chunks(lines, line_number):
    """Runs of text lines holding the same count of numbers, each as ``(count, n_lines)``.

    A run whose count is not the stream's channel count is dropped by the
    monitor as a bad chunk; a line that is not numbers becomes a StreamError
    standing for one missing time step. Blank lines and ``#`` comments are skipped.
    """
    import numpy as np  # noqa: PLC0415

    from .monitoring import StreamError  # noqa: PLC0415

    rows = []
    for number, line in enumerate(lines, start=line_number + 1):
        line = line.decode(errors="replace").strip()
        if not line or line.startswith("#"):
            continue
        try:
            row = [float(v) for v in line.replace(",", " ").split()]
        except ValueError:
            if rows:
                yield np.asarray(rows, dtype=np.float64).T
                rows = []
            yield StreamError(
                f"standard input line {number} ({line[:80]!r}) is not numbers; it was skipped as one "
                "missing time step. --format text takes one line per time step holding one number "
                "per channel, separated by spaces or commas (use --format f32 for raw float32 samples).",
                n_samples=1,
            )
            continue
        if rows and len(row) != len(rows[-1]):
            yield np.asarray(rows, dtype=np.float64).T
            rows = []
        rows.append(row)
    if rows:
        yield np.asarray(rows, dtype=np.float64).T


def _check_monitor_options(args):
    """Check the options that need no model, before the model is loaded."""
    import math  # noqa: PLC0415

    def positive_int(option, value, minimum=1):
        if value is not None and value < minimum:
            raise ValueError(f"--{option} must be an int >= {minimum}; got --{option}={value}.")

    def positive_float(option, value):
        if value is not None and not (math.isfinite(value) and value > 0):
            raise ValueError(f"--{option} must be a finite number > 0; got --{option}={value:g}.")

    positive_int("chunk-size", args.chunk_size)
    positive_int("window", args.window, minimum=2)
    for option in ("hop", "k", "n", "m"):
        positive_int(option, getattr(args, option))
    if args.k > args.n:
        raise ValueError(f"--k must be at most --n={args.n} (k counts agreeing windows among the last n); "
                         f"got --k={args.k}.")
    for option in ("sr", "resample", "timeout"):
        positive_float(option, getattr(args, option))
    if args.recording == "-" and args.sr is None:
        raise ValueError("--sr is required when reading standard input (-).")
    if args.recording != "-" and args.format != "text":
        raise ValueError(f"--format applies to standard input only; got --format={args.format} with "
                         f"the file {args.recording!r}. Drop --format, or read the stream from -.")
    for option in ("channels", "resample"):
        if args.recording == "-" and getattr(args, option) is not None:
            raise ValueError(f"--{option} applies to recording files only; standard input (-) holds the "
                             f"model's channels at --sr. Drop --{option}, or save the stream to a file.")


def _load_model(path):
    """Load MODEL, importing Keras only for a model that holds a Keras network.

    The file's class name is read first (a zip holding JSON); a class of
    :mod:`sigconv.monitoring` with its own ``load`` is loaded by it, without
    importing :mod:`sigconv.estimators` (and TensorFlow).
    """
    import json  # noqa: PLC0415
    import zipfile  # noqa: PLC0415

    name = None
    try:
        with zipfile.ZipFile(path) as archive:
            metadata = json.loads(archive.read("estimator.json"))
        name = metadata.get("class") if isinstance(metadata, dict) else None
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        pass  # sigconv.estimators.load says what is wrong with the file
    if isinstance(name, str):
        from . import monitoring  # noqa: PLC0415

        cls = getattr(monitoring, name, None) if name in monitoring.__all__ else None
        if isinstance(cls, type) and callable(getattr(cls, "load", None)):
            return cls.load(path)
    from .estimators import load  # noqa: PLC0415

    return load(path)


def _healthy_class(estimator, option):
    """The healthy label: --healthy-class, else the model's ``healthy_class_``, else "healthy"; one of its classes."""
    classes = [c.item() if hasattr(c, "item") else c for c in getattr(estimator, "classes_", [])]
    given_option = option is not None
    if option is None:
        recorded = getattr(estimator, "healthy_class_", None)
        if recorded is not None:
            return recorded.item() if hasattr(recorded, "item") else recorded
        option = "healthy"
    # The option is text; the classes may be numbers: use the class that prints as it.
    match = [c for c in classes if str(c) == option]
    if not match:
        given = f"--healthy-class={option!r}" if given_option else (
            f"the default {option!r} (the model records no healthy_class_)")
        raise ValueError(
            f"--healthy-class must be one of the model's classes ({', '.join(map(repr, classes))}); "
            f"got {given}. Pass --healthy-class with the label the model was trained with for "
            "healthy windows."
        )
    return match[0]


def _monitor(args):
    import json  # noqa: PLC0415

    _check_monitor_options(args)
    from .monitoring import AlarmPolicy, Monitor, StreamingPredictor, WindowPrediction  # noqa: PLC0415

    estimator = _load_model(args.model)
    healthy = _healthy_class(estimator, args.healthy_class)
    policy = AlarmPolicy(k=args.k, n=args.n, m=args.m, healthy_class=healthy)
    n_channels = getattr(estimator, "n_channels_in_", 1)
    if args.recording == "-":
        sr = args.sr
        chunks = _stdin_chunks(sys.stdin.buffer, n_channels, args.format, args.chunk_size)
    else:
        from .io import read_recording, resample  # noqa: PLC0415

        channels = None if args.channels is None else [c.strip() for c in args.channels.split(",")]
        recording = read_recording(args.recording, sr=args.sr, channels=channels, mmap=True)
        if args.resample is not None:
            recording = resample(recording, args.resample)
        sr, data = recording.sr, recording.data
        chunks = (data[:, i : i + args.chunk_size] for i in range(0, data.shape[1], args.chunk_size))
    predictor = StreamingPredictor(estimator, sr=sr, window=args.window, hop=args.hop,
                                   standardize=args.standardize)
    monitor = Monitor(predictor, policy, keep_predictions=False)
    classes = predictor.classes_
    for item in monitor.run(chunks, timeout=args.timeout, predictions=args.predictions):
        line = ({"kind": "window", **item.to_dict(classes)} if isinstance(item, WindowPrediction)
                else item.to_dict())
        print(json.dumps(line), flush=True)
    return 0


def _benchmark(args):
    from .benchmark import get_method, list_methods, run_benchmark  # noqa: PLC0415

    if args.list_methods:
        for name in list_methods():
            method = get_method(name)
            reason = method.unavailable_reason()
            print(f"{name:<16} {method.description}" + (f"  [unavailable: {reason}]" if reason else ""))
        return 0
    from .benchmark._methods import QUICK_DATASETS, QUICK_EPOCHS, QUICK_METHODS  # noqa: PLC0415

    datasets = list(QUICK_DATASETS) if args.datasets is None else args.datasets
    methods = list(QUICK_METHODS) if args.methods is None else args.methods
    if args.all:
        from .datasets import list_ucr_datasets  # noqa: PLC0415
        from .datasets._ucr import _data_home  # noqa: PLC0415

        datasets = list_ucr_datasets(source="local", data_home=args.data_dir)
        if not datasets:
            raise ValueError(f"--all found no data sets in {_data_home(args.data_dir)}: pass --data-dir (or "
                             "set SIGCONV_DATA) to a folder of UCR/UEA files, or name sets with --datasets.")
    # A quick report by default; --time-budget alone means "train this long", each method's epochs.
    epochs = QUICK_EPOCHS if args.time_budget is None and args.epochs is None else args.epochs
    try:
        run = run_benchmark(
            datasets, methods, seeds=args.seeds, epochs=epochs, time_budget=args.time_budget,
            data_home=args.data_dir, output_dir=args.output, backend=args.backend, cluster=args.cluster,
            isolation="inline" if args.inline else "process", n_jobs=args.jobs,
            cell_timeout=args.cell_timeout,
        )
    except KeyboardInterrupt:
        print(f"sigconv benchmark: interrupted; the cells finished so far are in {args.output}/results.csv. "
              "Run the same command again to resume.", file=sys.stderr)
        return 130
    print(f"{len(run.results)} cells ({run.n_computed} run now, {run.n_reused} from an earlier run, "
          f"{run.n_failed} failed) in {run.elapsed_s:.1f} s. Wrote {run.output_dir / 'results.csv'}, "
          f"{run.output_dir / 'report.md'} and {run.report}. Open {run.report.resolve().as_uri()} in a browser.")
    return 1 if run.n_failed else 0


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
    monitor = commands.add_parser(
        "monitor",
        help="watch a recording or a stream with a saved classifier; print alarms as JSON lines",
        description="Cut RECORDING into windows, score each with the classifier MODEL (a file "
        "written by its save() method) and print events as JSON lines: alarms when K of the "
        "last N windows agree on a fault class, clears after M healthy windows, and stream "
        "faults (bad_data, gap, bad_chunk, stalled). RECORDING is a file read by "
        "sigconv.io.read_recording (.csv, .parquet, .wav/.flac/.ogg, .npy, .npz, CWRU .mat) "
        "or - for standard input: with --format text (the default), one line per time step "
        "holding one number per channel, separated by spaces or commas; with --format f32, "
        "raw little-endian float32 samples, channels interleaved.",
    )
    monitor.add_argument("model", metavar="MODEL", help="estimator file written by save()")
    monitor.add_argument("recording", metavar="RECORDING", help="recording file, or - for standard input")
    monitor.add_argument("--sr", type=float, default=None,
                         help="sampling rate in Hz (required for -, .npy, .mat and tables without a time column)")
    monitor.add_argument("--resample", type=float, default=None, metavar="SR",
                         help="resample the recording to this rate first (the model's training rate)")
    monitor.add_argument("--channels", default=None, help="comma-separated channel names to keep, e.g. DE")
    monitor.add_argument("--window", type=int, default=None,
                         help="window length in samples (default: the model's training length)")
    monitor.add_argument("--hop", type=int, default=None, help="samples between windows (default: window // 2)")
    monitor.add_argument("--standardize", action="store_true",
                         help="standardize each window, as SlidingWindows(standardize=True) did in training")
    monitor.add_argument("--k", type=int, default=3, help="agreeing windows that raise an alarm (default: 3)")
    monitor.add_argument("--n", type=int, default=5, help="windows looked at (default: 5)")
    monitor.add_argument("--m", type=int, default=3, help="healthy windows that clear an alarm (default: 3)")
    monitor.add_argument("--healthy-class", default=None,
                         help="label of the healthy class, one of the model's classes (default: the "
                         "healthy class the model records, else healthy)")
    monitor.add_argument("--format", choices=("text", "f32"), default="text",
                         help="standard input format (default: text)")
    monitor.add_argument("--chunk-size", type=int, default=4096,
                         help="samples read at a time (default: 4096)")
    monitor.add_argument("--timeout", type=float, default=None,
                         help="seconds without data before a 'stalled' event (default: wait forever)")
    monitor.add_argument("--predictions", action="store_true",
                         help="also print one line per window (kind 'window') as it is scored")
    monitor.set_defaults(run=_monitor)
    benchmark = commands.add_parser(
        "benchmark",
        help="train and score methods on UCR data sets; write results.csv and a report",
        description="Run every method on every data set (standard UCR train/test split) for every "
        "seed, each cell in its own worker process (or as a Dask task with --cluster). Each finished "
        "cell is saved to OUTPUT/results.csv at once, so running the same command again resumes an "
        "interrupted run (failed cells are retried). Then writes OUTPUT/report.md and "
        "OUTPUT/report.html: accuracy per data set, mean accuracy and rank, a critical-difference "
        "diagram, Wilcoxon tests and scatter plots against published results, and the transforms. "
        "With no options (about 4 minutes on 2 CPU cores): the built-in sets GunPoint, Coffee and "
        "BasicMotions with a baseline (1nn-euclidean), a 1D network (fcn) and an image method "
        "(image-spectrogram), 60 epochs per fit. The exit status is 1 when a cell failed.",
    )
    which = benchmark.add_mutually_exclusive_group()
    which.add_argument("--datasets", nargs="+", metavar="NAME", default=None,
                       help="data sets (default: GunPoint Coffee BasicMotions, built in)")
    which.add_argument("--all", action="store_true", help="every data set in --data-dir")
    benchmark.add_argument("--data-dir", default=None,
                           help="folder with UCR/UEA files (default: $SIGCONV_DATA, then built-in data)")
    benchmark.add_argument("--methods", nargs="+", metavar="NAME", default=None,
                           help="methods (default: 1nn-euclidean fcn image-spectrogram; see --list-methods)")
    benchmark.add_argument("--list-methods", action="store_true", help="list the methods and exit")
    benchmark.add_argument("--epochs", type=int, default=None,
                           help="epochs of every deep method (default: 60 unless --time-budget is given, "
                           "then each method's own)")
    benchmark.add_argument("--time-budget", type=float, default=None, metavar="SECONDS",
                           help="training seconds per fit (estimators' max_time; default: none)")
    benchmark.add_argument("--seeds", type=int, nargs="+", default=[0], help="random seeds (default: 0)")
    benchmark.add_argument("--backend", choices=("tensorflow", "jax", "torch"), default=None,
                           help="KERAS_BACKEND of the worker processes (default: $KERAS_BACKEND, else tensorflow)")
    benchmark.add_argument("--output", default="sigconv_benchmark",
                           help="output folder (default: ./sigconv_benchmark)")
    benchmark.add_argument("--cluster", default=None, metavar="ADDRESS",
                           help="Dask scheduler address: run each cell as a task there (pip install \"sigconv[cluster]\")")
    benchmark.add_argument("--jobs", type=int, default=1,
                           help="cells run at once on this machine (default: 1; ignored with --cluster)")
    benchmark.add_argument("--cell-timeout", type=float, default=None, metavar="SECONDS",
                           help="kill a cell's worker process after this long and mark the cell failed "
                           "(default: wait)")
    benchmark.add_argument("--inline", action="store_true",
                           help="run cells in this process (or the Dask worker) instead of a fresh process each")
    benchmark.set_defaults(run=_benchmark)
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
