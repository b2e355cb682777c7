"""Docstring sections shared by the estimators, filled in by :func:`fill_doc`.

The parameters and attributes every estimator has are written once here;
a class docstring holds the markers ``%(training_parameters)s`` and
``%(attributes)s`` where they go, and documents its own network parameters,
``epochs`` and ``batch_size`` itself.
"""

import inspect

__all__ = ["fill_doc"]

_TRAINING = """\
learning_rate : float, default=1e-3
    Initial learning rate of the Adam optimizer.
max_time : float or None, default=None
    Time budget of the training loop, in seconds: training stops at the
    end of the first epoch that ends ``max_time`` seconds or more after
    training began, even if ``epochs`` are not done (``n_epochs_`` tells
    how many ran). Building the network is not counted. None trains for
    ``epochs``.
validation_split : float or None, default=None
    Fraction of the training series held out as a validation set, in
    (0, 1), drawn with ``random_state``%(stratified)s. With a validation set
    (this or ``validation_data`` in :meth:`fit`), the weights kept at the
    end are those of the epoch with the lowest validation loss; without
    one, the weights of the last epoch are kept.
early_stopping_patience : int or None, default=None
    Stop training after this many epochs without a lower validation loss;
    needs a validation set. None trains for ``epochs``.
lr_schedule : {"cosine", "plateau"} or None, default="cosine"
    How the learning rate changes from epoch to epoch. ``"cosine"``: a half
    cosine from ``learning_rate`` at the first epoch down towards 0 at the
    end of ``epochs``, set per epoch (a fit stopped early by ``max_time``
    or early stopping ends at a higher rate). The
    README's Performance section compares it with the papers' schedule on
    UCR data sets. ``"plateau"``: the schedule of Fawaz
    et al. (dl-4-tsc, InceptionTime): halve the rate after
    ``reduce_lr_patience`` epochs without a lower training loss, down to
    1e-4. None keeps ``learning_rate`` constant.
reduce_lr_patience : int, default=50
    Epochs without a lower training loss before ``lr_schedule="plateau"``
    halves the rate. Unused by the other schedules.
%(class_weight)scallbacks : list of keras.callbacks.Callback or None, default=None
    Extra Keras callbacks. They are deep-copied at each :meth:`fit`, so
    the objects passed are never changed; they run after sigconv's own
    callbacks (history, learning-rate schedule, validation, time budget,
    checkpoint). Batch-level hooks (``on_train_batch_end``) run once per
    16 batches: the model is compiled with ``steps_per_execution=16``
    (1 on the PyTorch backend, which accepts no other value).
augmentation : sigconv.augmentation.Augmenter, str or None, default=%(augmentation_default)s
    Random transformations of the training series (jitter, scaling, time
    warp, window slice; see :class:`~sigconv.augmentation.Augmenter`),
    applied to every training batch with new draws at each epoch, which
    follow from ``random_state``. A str names one of them with its default
    parameters: ``"window_slice"`` is ``Augmenter([("window_slice", {})])``,
    a random window of 90%% of each series stretched back to its length
    (with ``stretch=False``, kept as it is and padded at the end like a
    shorter series, masked by the estimators that mask padding).
    ``"auto"`` is %(augmentation_auto)s.
    Series of unequal length are augmented over their own length, before
    padding.
    Validation series, :meth:`predict` and :meth:`embed` are never
    augmented, but after window slicing, whose network never saw a whole
    series, :meth:`predict` averages over ``n_test_windows`` windows of
    each series and the validation loss is that of the centred window
    (:meth:`Augmenter.test_views <sigconv.augmentation.Augmenter.test_views>`).
    None trains on the series as they are.%(augmentation_note)s
checkpoint_dir : str, os.PathLike or None, default=None
    Directory (created if missing) where a checkpoint is written every
    ``checkpoint_every`` epochs and at the end of training: one file,
    ``sigconv_checkpoint.zip``, replaced atomically. If it holds a
    checkpoint when :meth:`fit` starts, the fit resumes from it (weights,
    optimizer state, history, learning-rate schedule, best validation
    weights) instead of starting over; only ``epochs``, ``max_time``,
    ``verbose``, ``callbacks``, ``checkpoint_dir`` and ``checkpoint_every``
    may differ from the interrupted fit, and the data must be the same,
    otherwise :meth:`fit` raises. A finished fit leaves its last
    checkpoint: fitting again returns at once with its model (raise
    ``epochs`` to train further). None writes no file.
checkpoint_every : int, default=1
    Epochs between two checkpoints.
random_state : int or None, default=None
    Seed of the weight initialisation, the shuffling of batches, dropout
    and the validation split: two fits on CPU with the same int give
    identical predictions. The seeds of Python and NumPy are restored after
    :meth:`fit`; the backend's global seed stays set. On GPU, identical
    results also need deterministic kernels (with TensorFlow,
    ``tf.config.experimental.enable_op_determinism()``). A resumed fit is
    not identical to an uninterrupted one. None draws a new seed.
mixed_precision : bool, "float16" or "bfloat16", default=False
    Build the network under a Keras mixed dtype policy: 16-bit
    computation, float32 weights; the head (pooling, output layer,
    softmax) stays in float32, and the global dtype policy is restored
    after building. ``True`` or ``"float16"``: ``"mixed_float16"``, with a
    loss-scaling optimizer, for GPUs with float16 tensor cores.
    ``"bfloat16"``: ``"mixed_bfloat16"`` (float32's exponent range, so no
    loss scaling), for TPUs and CPUs with bfloat16 matrix units (AMX);
    docs/estimators.md, "Backends and devices", has its timings on a CPU
    without AMX.
jit_compile : bool or "auto", default="auto"
    Compile the training and prediction steps with XLA (TensorFlow, JAX)
    or ``torch.compile`` (passed to ``keras.Model.compile``), at a
    compilation cost on the first batches. ``"auto"`` compiles on the JAX
    backend, where uncompiled steps run op by op and are several times
    slower. On TensorFlow it compiles the fits of FCN, ResNet and WaveNet
    that run at least 1,000 training steps (``epochs`` times batches per
    epoch; the default ``epochs=None`` gives up to 4,000), where XLA's
    shorter epochs pay for its longer first one (docs/estimators.md,
    "Backends and devices"). InceptionTime and LSTM epochs were no faster
    with XLA, so they compile on TensorFlow only when asked;
    ``torch.compile`` is opt-in.
distribution : {"data_parallel"} or None, default=None
    ``"data_parallel"`` splits each batch over the local devices: on the
    JAX backend with ``keras.distribution.DataParallel``, on TensorFlow
    with a ``tf.distribute.MirroredStrategy`` over the GPUs (the logical
    CPUs when there is no GPU). ``batch_size`` is the global batch size.
    Not supported on the PyTorch backend. None trains on one device.
verbose : int, default=0
    Keras progress output of :meth:`fit`: 0 silent, 1 progress bar, 2 one
    line per epoch."""

_CLASS_WEIGHT = """\
class_weight : dict, "balanced" or None, default=None
    Weight of each class in the loss, multiplied with ``sample_weight``:
    a dict ``{label: weight}`` (classes left out weigh 1) or
    ``"balanced"``, ``n_samples / (n_classes * count(class))`` as in
    :func:`sklearn.utils.class_weight.compute_class_weight`. The
    validation loss is weighted the same way. None weighs classes equally.
label_smoothing : float, default=0.0
    Share of each training target spread evenly over the classes, in
    [0, 1): the network learns ``1 - label_smoothing + label_smoothing /
    n_classes`` for the true class instead of 1 (Szegedy et al. 2016),
    which keeps it from driving its outputs to 0 and 1 on a small training
    set. The validation loss is smoothed the same way. 0 trains on the
    plain cross-entropy.
"""

_ATTRIBUTES = """\
%(targets)smodel_ : keras.Model
    The trained network with its head%(ensemble)s.
history_ : dict of str to list of float
    Per-epoch training log: ``"loss"``, ``"learning_rate"`` (the rate
    used in the epoch) and, with validation, ``"val_loss"``; it continues
    across a resumed fit.
n_epochs_ : int
    Number of epochs trained (fewer than ``epochs`` after early stopping
    or when ``max_time`` ran out).
augmentation_ : sigconv.augmentation.Augmenter or None
    A copy of the augmentation the network was trained with (a str
    ``augmentation`` as its Augmenter), whose test views :meth:`predict`
    averages over: changing ``augmentation`` after :meth:`fit` changes
    nothing until the next fit.
n_channels_in_ : int
    Number of channels of the training series.
n_timepoints_in_ : int or None
    Length of the training series, which :meth:`predict` requires; None
    when they had unequal lengths (the network then takes any length).
n_features_in_ : int
    Equal to ``n_timepoints_in_``; only defined when that is not None.
pad_length_ : int or None
    Length of the longest training series, to which shorter series are
    padded, when the training series had unequal lengths; None otherwise.
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Column names of ``X`` when it was a DataFrame with string column names."""

_EPOCHS = """\
epochs : int or None, default=None
    Number of training epochs. None chooses it from the data: enough
    epochs for about 4,000 gradient steps (``ceil(4000 / steps_per_epoch)``
    with ``steps_per_epoch = ceil(n_train / batch_size)``), at least 20 and
    at most 300: many epochs for small data sets, fewer for large ones.
    With the default cosine ``lr_schedule`` this is a fraction of the
    papers' 1,500 to 2,000 epochs (``epochs=1500, lr_schedule="plateau"``
    and ``batch_size=max(1, min(16, n_train // 10))`` is their protocol);
    ``benchmarks/ucr_accuracy.py`` measures what it gives on UCR data sets.
"""

_ENSEMBLE_SIZE = """\
ensemble_size : int, default=1
    Number of networks averaged: each from its own random initialisation,
    all trained side by side on the same batches, each on its own loss;
    the predicted probabilities (or values) are the members' mean, as in
    the ensembles of Ismail Fawaz et al. (2019). Training costs
    ``ensemble_size`` times one network's, or a little more on a CPU.
"""

_AUGMENTATION_DEFAULT = """ Window slicing is this
    estimator's default (``"auto"``) in fits on up to 250 series: each
    training series is cropped to a random window of 90% of it, stretched
    back to its length or kept as it is and padded, with equal odds, and
    :meth:`predict` averages over the 9 test windows of each kind. It was
    chosen on the fifteen UCR data sets of the README's accuracy table
    against windows of both kinds on every set, stretched windows only
    (``augmentation="window_slice"``) and no augmentation; the figures are
    in ``docs/augmentation.md``, "On UCR data sets"."""

_WEIGHTS = """\
weights : None, fitted sigconv estimator or path, default=None
    Where the network starts. None: random weights. A fitted estimator of
    the same network (classifier or regressor), or the path of the
    ``.sigconv`` file its ``save`` wrote (read with
    :func:`~sigconv.estimators.load`, which runs no code from the file):
    every layer but the head takes the source's trained weights, and the
    head is rebuilt for this fit's classes or outputs; then the whole
    network trains. The network parameters (and ``ensemble_size``) must
    be the source's, and the series must have its number of channels; the
    length may differ (global pooling). Otherwise :meth:`fit` raises a
    ValueError naming the parameter, or the layer and shapes, before any
    training. :func:`sklearn.base.clone` keeps the same source object (not
    an unfitted copy of it); ``save`` writes ``weights=None`` in place of
    an estimator (its weights are already in the saved model) and keeps a
    path as it is.
"""

_CLASSIFIER_TARGETS = """\
classes_ : ndarray of shape (n_classes,)
    Class labels, sorted, of the type of ``y``.
"""

_REGRESSOR_TARGETS = """\
n_outputs_ : int
    Number of regression targets (columns of ``y``).
"""


def fill_doc(cls):
    """Fill the shared sections into the docstring of ``cls``; return ``cls``."""
    from ._base import BaseDeepClassifier  # noqa: PLC0415

    classifier = issubclass(cls, BaseDeepClassifier)
    ensemble = cls._has_ensemble
    augmentation = inspect.signature(cls.__init__).parameters["augmentation"].default
    training = _TRAINING % {
        "stratified": " and stratified by class" if classifier else "",
        "class_weight": _CLASS_WEIGHT if classifier else "",
        "augmentation_default": f'"{augmentation}"' if isinstance(augmentation, str) else repr(augmentation),
        "augmentation_auto": _auto_augmentation(cls._auto_augmentation, cls._auto_augmentation_max_samples),
        "augmentation_note": "" if augmentation is None else _AUGMENTATION_DEFAULT,
    }
    attributes = _ATTRIBUTES % {
        "targets": _CLASSIFIER_TARGETS if classifier else _REGRESSOR_TARGETS,
        "ensemble": (
            " (with ``ensemble_size > 1``, the members side by side, output of shape "
            "``(batch, ensemble_size, n_outputs)``)"
            if ensemble
            else ""
        ),
    }
    cls.__doc__ = (
        cls.__doc__.replace("%(ensemble_size)s", _indent(_ENSEMBLE_SIZE.rstrip("\n")))
        .replace("%(epochs)s", _indent(_EPOCHS.rstrip("\n")))
        .replace("%(weights)s", _indent(_WEIGHTS.rstrip("\n")))
        .replace("%(training_parameters)s", _indent(training))
        .replace("%(attributes)s", _indent(attributes))
    )
    return cls


def _auto_augmentation(steps, max_samples):
    if steps is None:
        return "None for this estimator: no augmentation was measured to\n    raise its accuracy"
    choice = f"this estimator's measured choice,\n    ``Augmenter({list(steps)!r})``"
    if max_samples is None:
        return choice
    return f"{choice}, when :meth:`fit` is\n    given at most {max_samples} series, and None (no augmentation) on more"


def _indent(text, prefix="    "):
    lines = text.splitlines()
    return "\n".join(lines[:1] + [prefix + line if line else line for line in lines[1:]])
