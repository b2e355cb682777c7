"""A synthetic vibration signal of a rolling-element bearing, healthy or with one fault."""

import math
import numbers

import numpy as np

from ..validation import check_bool, check_float, check_int

__all__ = ["calibrate_bearing_model", "make_bearing_vibration"]

_FAULTS = ("healthy", "inner_race", "outer_race", "ball")


def _defect_frequencies(rpm, **geometry):
    """Defect frequencies of the bearing: :func:`sigconv.functional.bearing_defect_frequencies`.

    Imported on call, so that importing :mod:`sigconv.datasets` stays free
    of SciPy (which :mod:`sigconv.functional` loads).
    """
    from ..functional.vibration import bearing_defect_frequencies  # noqa: PLC0415

    return bearing_defect_frequencies(rpm, **geometry)


def _check_faults(faults):
    message = (
        f"faults must be a non-empty tuple or list of distinct names from {_FAULTS}; "
        f"got faults={faults!r}."
    )
    if isinstance(faults, str):
        raise TypeError(message + f" For one class, pass faults=({faults!r},).")
    if not isinstance(faults, (tuple, list)) or not all(isinstance(f, str) for f in faults):
        raise TypeError(message)
    if not faults or len(set(faults)) != len(faults) or not set(faults) <= set(_FAULTS):
        raise ValueError(message)
    return tuple(faults)


def make_bearing_vibration(
    n_samples_per_class=50,
    *,
    faults=_FAULTS,
    sr=12000.0,
    duration=0.5,
    rpm=1797.0,
    speed_variation=0.02,
    load=1.0,
    load_variation=0.2,
    noise=0.5,
    imbalance=0.2,
    resonance_hz=3000.0,
    damping=0.05,
    slip=0.01,
    modulation_depth=0.5,
    n_balls=9,
    ball_diameter=7.94,
    pitch_diameter=39.04,
    contact_angle=0.0,
    background=None,
    shuffle=True,
    random_state=None,
    return_X_y=False,
):
    """Generate vibration signals of a rotating machine with healthy or faulty bearings.

    Each sample is one accelerometer channel of a shaft turning at about
    ``rpm`` on a rolling-element bearing. A localized fault makes every
    passing contact strike the defect: a train of impulses at the fault's
    characteristic frequency, each ringing a structural resonance (a
    decaying sinusoid at ``resonance_hz``). The classes:

    - ``"healthy"``: shaft components and noise only;
    - ``"outer_race"``: impulses at BPFO, of constant amplitude (the defect
      sits still in the load zone);
    - ``"inner_race"``: impulses at BPFI, amplitude-modulated at the shaft
      frequency (the defect turns with the shaft through the load zone);
    - ``"ball"``: impulses at twice the ball spin frequency (the defect
      strikes both races once per spin), modulated at the cage frequency FTF.

    Every sample also holds the shaft's 1x component (amplitude
    ``imbalance``) and 2x component (half that), with random phases, and
    white Gaussian noise, or a window of ``background`` (recordings of the
    user's machine in good health, see :func:`calibrate_bearing_model`).
    Per sample, the speed is drawn uniformly within
    ``rpm * (1 ± speed_variation)`` and the load within
    ``load * (1 ± load_variation)``; the load scales the impulse amplitude.
    Impulse intervals fluctuate randomly by ``slip`` (relative standard
    deviation), as rolling elements slip in a real bearing. In the units of
    the signal, a fault impulse at unit load peaks at 1.

    The envelope spectrum (band-pass around the resonance, Hilbert envelope,
    Fourier transform) of a faulty sample peaks at its fault frequency: the
    classic diagnosis these data are made to exercise.

    Parameters
    ----------
    n_samples_per_class : int, default=50
        Number of samples of each class.
    faults : tuple of str, default=("healthy", "inner_race", "outer_race", "ball")
        Classes to generate, in the order of ``target_names``.
    sr : float, default=12000.0
        Sampling rate in Hz (12 kHz as the CWRU drive-end recordings).
    duration : float, default=0.5
        Length of each sample in seconds; ``n_timepoints = round(sr * duration)``.
    rpm : float, default=1797.0
        Nominal shaft speed in revolutions per minute (CWRU at 0 hp).
    speed_variation : float, default=0.02
        Relative half-width of the uniform distribution of the speed of each
        sample, in [0, 1).
    load : float, default=1.0
        Nominal load, which scales the impulse amplitude; > 0.
    load_variation : float, default=0.2
        Relative half-width of the uniform distribution of the load of each
        sample, in [0, 1).
    noise : float, default=0.5
        Standard deviation of the additive white Gaussian noise, relative to
        the peak of a fault impulse at unit load; >= 0.
    imbalance : float, default=0.2
        Amplitude of the 1x shaft component; the 2x component has half of it.
    resonance_hz : float or tuple of (float, float), default=3000.0
        Frequency of the structural resonance the impulses excite, below the
        Nyquist frequency ``sr / 2``; a ``(low, high)`` pair draws it
        uniformly per sample (domain randomisation).
    damping : float or tuple of (float, float), default=0.05
        Damping ratio of the resonance, in (0, 1): each impulse decays as
        ``exp(-2 pi resonance_hz damping t)``; a pair draws it per sample.
    slip : float or tuple of (float, float), default=0.01
        Relative standard deviation of the interval between impulses, in
        [0, 0.1]; a pair draws it per sample.
    modulation_depth : float or tuple of (float, float), default=0.5
        Depth of the amplitude modulation of inner-race and ball impulses,
        in [0, 1]: the amplitude swings between ``1 - modulation_depth`` and 1
        times the load (the load zone); a pair draws it per sample.
    n_balls : int, default=9
        Number of rolling elements.
    ball_diameter : float, default=7.94
        Rolling-element diameter (mm).
    pitch_diameter : float, default=39.04
        Pitch diameter (mm), larger than ``ball_diameter``. The defaults are
        the SKF 6205-2RS JEM deep-groove ball bearing of the CWRU data.
    contact_angle : float, default=0.0
        Contact angle in degrees, in [0, 90).
    background : array-like of shape (n_windows, n_timepoints_b) or (n_windows, 1, n_timepoints_b), default=None
        Healthy windows of a real machine, ``n_timepoints_b >= n_timepoints``:
        each sample adds its shaft components, noise and impulses to a
        random stretch of a random window, so synthetic faults sit on the
        machine's own background. None for none. See
        :func:`calibrate_bearing_model`, which also sets ``noise`` and
        ``imbalance`` to 0 (the background holds both).
    shuffle : bool, default=True
        Whether to shuffle the samples; False keeps them in blocks of
        ``n_samples_per_class``, one class after the other in ``faults`` order.
    random_state : int, numpy.random.RandomState, numpy.random.Generator or None, default=None
        Seed or generator for reproducible output.
    return_X_y : bool, default=False
        Whether to return ``(X, y)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``data`` (float32 ndarray of shape ``(n_samples, 1,
        n_timepoints)``), ``target`` (ndarray of str class names),
        ``target_names`` (the ``faults``), ``rpm`` and ``load`` (float64
        ndarrays of shape ``(n_samples,)``, the speed and load of each
        sample), ``sr``, ``defect_frequencies`` (dict of the shaft, FTF,
        BPFO, BPFI and BSF frequencies in Hz at the nominal ``rpm``; those of
        sample ``i`` are these times ``rpm[i] / rpm``) and ``DESCR``.
    (X, y) : tuple
        If ``return_X_y`` is True.

    References
    ----------
    .. [1] R. B. Randall and J. Antoni, "Rolling element bearing diagnostics - A
       tutorial", Mechanical Systems and Signal Processing, 25(2), 2011.
    .. [2] P. D. McFadden and J. D. Smith, "Model for the vibration produced by a
       single point defect in a rolling element bearing", Journal of Sound and
       Vibration, 96(1), 1984.
    .. [3] Case Western Reserve University Bearing Data Center,
       https://engineering.case.edu/bearingdatacenter
    .. [4] J. Tobin et al., "Domain randomization for transferring deep neural
       networks from simulation to the real world", IROS 2017.

    See Also
    --------
    calibrate_bearing_model : Keyword arguments fitted to healthy windows of a machine.

    Examples
    --------
    >>> from sigconv.datasets import make_bearing_vibration
    >>> bunch = make_bearing_vibration(5, duration=0.1, random_state=0)
    >>> bunch.data.shape, bunch.data.dtype
    ((20, 1, 1200), dtype('float32'))
    >>> bunch.target_names.tolist()
    ['healthy', 'inner_race', 'outer_race', 'ball']
    >>> round(bunch.defect_frequencies["BPFO"], 1)
    107.4
    >>> X, y = make_bearing_vibration(2, faults=("healthy", "ball"), duration=0.1,
    ...                               random_state=0, return_X_y=True)
    >>> X.shape, sorted(set(y.tolist()))
    ((4, 1, 1200), ['ball', 'healthy'])
    """
    n_per_class = check_int(n_samples_per_class, "n_samples_per_class", min_value=1)
    faults = _check_faults(faults)
    sr = check_float(sr, "sr", min_value=0, closed="right")
    duration = check_float(duration, "duration", min_value=0, closed="right")
    n_timepoints = round(sr * duration)
    if n_timepoints < 2:
        raise ValueError(
            f"sr * duration must give at least 2 timepoints; got sr={sr} and "
            f"duration={duration} ({n_timepoints} timepoints). Use a longer duration."
        )
    rpm = check_float(rpm, "rpm", min_value=0, closed="right")
    speed_variation = check_float(speed_variation, "speed_variation", min_value=0, max_value=1,
                                  closed="left")
    load = check_float(load, "load", min_value=0, closed="right")
    load_variation = check_float(load_variation, "load_variation", min_value=0, max_value=1,
                                 closed="left")
    noise = check_float(noise, "noise", min_value=0)
    imbalance = check_float(imbalance, "imbalance", min_value=0)
    resonance_hz = _check_range(
        resonance_hz, "resonance_hz", min_value=0, max_value=sr / 2, closed="neither",
        hint=f"It must lie below the Nyquist frequency sr/2={sr / 2}; raise sr or lower it.",
    )
    damping = _check_range(damping, "damping", min_value=0, max_value=1, closed="neither")
    slip = _check_range(slip, "slip", min_value=0, max_value=0.1)
    modulation_depth = _check_range(modulation_depth, "modulation_depth", min_value=0, max_value=1)
    background = _check_background(background, n_timepoints)
    n_balls = check_int(n_balls, "n_balls", min_value=1)
    ball_diameter = check_float(ball_diameter, "ball_diameter", min_value=0, closed="right")
    pitch_diameter = check_float(pitch_diameter, "pitch_diameter", min_value=0, closed="right")
    if ball_diameter >= pitch_diameter:
        raise ValueError(
            f"ball_diameter must be smaller than pitch_diameter={pitch_diameter}; got "
            f"ball_diameter={ball_diameter}. Both are diameters in the same unit."
        )
    contact_angle = check_float(contact_angle, "contact_angle", min_value=0, max_value=90,
                                closed="left")
    shuffle = check_bool(shuffle, "shuffle")
    return_X_y = check_bool(return_X_y, "return_X_y")
    if not (random_state is None or isinstance(random_state, numbers.Integral)
            or isinstance(random_state, (np.random.RandomState, np.random.Generator))):
        raise TypeError(
            "random_state must be None, an int, a numpy.random.RandomState or a "
            f"numpy.random.Generator; got random_state={random_state!r}."
        )
    rng = _generator(random_state)
    geometry = dict(n_balls=n_balls, ball_diameter=ball_diameter,
                    pitch_diameter=pitch_diameter, contact_angle=contact_angle)

    target = np.repeat(np.array(faults), n_per_class)
    n_samples = len(target)
    speeds = rpm * rng.uniform(1 - speed_variation, 1 + speed_variation, n_samples)
    loads = load * rng.uniform(1 - load_variation, 1 + load_variation, n_samples)
    fixed = resonance_hz[0] == resonance_hz[1] and damping[0] == damping[1]
    response = _impulse_response(sr, resonance_hz[0], damping[0]) if fixed else None
    data = np.empty((n_samples, 1, n_timepoints), dtype=np.float32)
    for i, (fault, speed, sample_load) in enumerate(zip(target, speeds, loads)):
        if not fixed:
            response = _impulse_response(sr, _draw(rng, resonance_hz), _draw(rng, damping))
        data[i, 0] = _sample(
            fault, rng, _defect_frequencies(speed, **geometry), sample_load, n_timepoints, sr,
            response, imbalance=imbalance, noise=noise, slip=_draw(rng, slip),
            modulation_depth=_draw(rng, modulation_depth),
        )
        if background is not None:
            window = background[rng.integers(len(background))]
            start = rng.integers(len(window) - n_timepoints + 1)
            data[i, 0] += window[start : start + n_timepoints]
    if shuffle:
        order = rng.permutation(n_samples)
        data, target, speeds, loads = data[order], target[order], speeds[order], loads[order]
    if return_X_y:
        return data, target

    from sklearn.utils import Bunch

    return Bunch(
        data=data,
        target=target,
        target_names=np.array(faults),
        rpm=speeds,
        load=loads,
        sr=sr,
        defect_frequencies=_defect_frequencies(rpm, **geometry),
        DESCR=_describe(n_per_class, faults, sr, duration, n_timepoints, rpm, resonance_hz),
    )


def _draw(rng, pair):
    """A uniform draw from ``pair``; a fixed value draws nothing, so seeded output is unchanged."""
    return pair[0] if pair[0] == pair[1] else float(rng.uniform(*pair))


def _check_range(value, name, **bounds):
    """A number or a ``(low, high)`` pair of numbers within ``bounds``; return the pair."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise TypeError(f"{name} must be a number or a (low, high) pair; got {name}={value!r}.")
        low = check_float(value[0], f"{name}[0]", **bounds)
        high = check_float(value[1], f"{name}[1]", **bounds)
        if low > high:
            raise ValueError(f"{name} must be a (low, high) pair with low <= high; got {name}={value!r}.")
        return low, high
    value = check_float(value, name, **bounds)
    return value, value


def _check_background(background, n_timepoints, name="background"):
    if background is None:
        return None
    array = np.asarray(background)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be an array of numbers; got dtype {array.dtype}.")
    if array.ndim == 3 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 2 or len(array) == 0 or array.shape[1] < n_timepoints:
        raise ValueError(
            f"{name} must be healthy windows of shape (n_windows, n_timepoints_b) or "
            f"(n_windows, 1, n_timepoints_b) with n_timepoints_b >= round(sr * duration)="
            f"{n_timepoints}; got an array of shape {np.shape(background)}. Pass longer windows "
            "or a shorter duration."
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} holds NaN or infinite values; remove those windows first.")
    return array.astype(np.float64)


def calibrate_bearing_model(healthy, *, sr, impulse_range=(0.5, 4.0)):
    """Keyword arguments of :func:`make_bearing_vibration` fitted to healthy windows of a machine.

    What a healthy recording tells about a machine is used; what it cannot
    tell is drawn at random per sample (domain randomisation), so that a
    classifier trained on the synthetic faults does not learn one guess:

    - the background (noise level, spectral shape, shaft and gear
      components): the healthy windows themselves (``background``), so
      ``noise`` and ``imbalance`` are 0;
    - the structural resonances that fault impulses ring: ``resonance_hz``
      spans the band holding the middle 80% of the healthy spectrum's power
      above ``sr / 20`` (the machine's own resonances amplify its noise);
    - the impulse amplitude: ``load`` and ``load_variation`` make the peak
      of an impulse uniform in ``impulse_range`` times the healthy RMS;
    - resonance damping (0.02 to 0.15), slip (0.5% to 2%) and load-zone
      modulation depth (0 to 1) are drawn per sample.

    Parameters
    ----------
    healthy : array-like of shape (n_windows, n_timepoints) or (n_windows, 1, n_timepoints)
        Windows of the machine running well, at ``sr``.
    sr : float
        Sampling rate in Hz.
    impulse_range : tuple of (float, float), default=(0.5, 4.0)
        Range of the impulse peak relative to the healthy RMS, ``0 < low < high``.

    Returns
    -------
    params : dict
        ``background``, ``noise``, ``imbalance``, ``resonance_hz``,
        ``damping``, ``slip``, ``modulation_depth``, ``load`` and
        ``load_variation``, to pass to :func:`make_bearing_vibration` with
        the same ``sr`` and the machine's ``rpm`` and geometry.

    See Also
    --------
    make_bearing_vibration : The generator these parameters are for.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.datasets import calibrate_bearing_model, make_bearing_vibration
    >>> healthy = make_bearing_vibration(4, faults=("healthy",), duration=0.2, random_state=0).data
    >>> params = calibrate_bearing_model(healthy, sr=12000.0)
    >>> X, y = make_bearing_vibration(2, faults=("outer_race", "ball"), duration=0.1,
    ...                               random_state=0, return_X_y=True, **params)
    >>> X.shape, params["noise"]
    ((4, 1, 1200), 0.0)
    """
    sr = check_float(sr, "sr", min_value=0, closed="right")
    background = _check_background(healthy, 16, name="healthy")
    if not isinstance(impulse_range, (tuple, list)) or len(impulse_range) != 2:
        raise TypeError(f"impulse_range must be a (low, high) pair; got impulse_range={impulse_range!r}.")
    low, high = (check_float(v, "impulse_range", min_value=0, closed="neither") for v in impulse_range)
    if low >= high:
        raise ValueError(f"impulse_range must be a (low, high) pair with low < high; got impulse_range={impulse_range!r}.")
    import scipy.signal  # noqa: PLC0415

    centred = background - background.mean(axis=-1, keepdims=True)
    rms = float(np.sqrt(np.mean(centred**2)))
    if rms == 0:
        raise ValueError("healthy must not be constant: its windows have zero variance.")
    frequencies, power = scipy.signal.welch(centred, fs=sr, nperseg=min(256, centred.shape[-1]), axis=-1)
    power = power.mean(axis=0)
    upper = frequencies >= sr / 20
    cumulative = np.cumsum(power[upper]) / power[upper].sum()
    band = frequencies[upper]
    resonance = (float(band[np.searchsorted(cumulative, 0.1)]),
                 float(band[min(np.searchsorted(cumulative, 0.9), len(band) - 1)]))
    resonance = (max(resonance[0], sr / 20), min(max(resonance[1], resonance[0]), 0.45 * sr))
    return {
        "background": background,
        "noise": 0.0,
        "imbalance": 0.0,
        "resonance_hz": resonance,
        "damping": (0.02, 0.15),
        "slip": (0.005, 0.02),
        "modulation_depth": (0.0, 1.0),
        "load": rms * (low + high) / 2,
        "load_variation": (high - low) / (high + low),
    }


def _generator(random_state):
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**31 - 1))
    return np.random.default_rng(random_state)


def _impulse_response(sr, resonance_hz, damping):
    """A decaying sinusoid at the resonance, peak 1, until it falls below 1e-4."""
    decay = 2 * np.pi * resonance_hz * damping
    length = max(2, math.ceil(math.log(1e4) / decay * sr))
    t = np.arange(length) / sr
    ringing = np.exp(-decay * t) * np.sin(2 * np.pi * resonance_hz * math.sqrt(1 - damping**2) * t)
    return ringing / np.abs(ringing).max()


def _sample(fault, rng, frequencies, load, n_timepoints, sr, response, *, imbalance, noise, slip,
            modulation_depth):
    shaft = frequencies["shaft"]
    t = np.arange(n_timepoints) / sr
    phases = rng.uniform(0, 2 * np.pi, 3)
    signal = imbalance * np.sin(2 * np.pi * shaft * t + phases[0])
    signal += imbalance / 2 * np.sin(2 * np.pi * 2 * shaft * t + phases[1])
    if fault != "healthy":
        rate, modulation = {
            "outer_race": (frequencies["BPFO"], None),
            "inner_race": (frequencies["BPFI"], shaft),
            "ball": (2 * frequencies["BSF"], frequencies["FTF"]),
        }[fault]
        signal += _impulse_train(rng, rate, modulation, phases[2], load, n_timepoints, sr,
                                 response, slip=slip, modulation_depth=modulation_depth)
    signal += noise * rng.standard_normal(n_timepoints)
    return signal


def _impulse_train(rng, rate, modulation, phase, load, n_timepoints, sr, response, *, slip,
                   modulation_depth):
    """Impulses at ``rate`` Hz (jittered by ``slip``) filtered by the resonance ``response``.

    The train starts one response length before the sample so that the
    sample opens with the tail of an earlier impulse, as a recording would.
    """
    period = 1 / rate
    lead = len(response) / sr
    start = -lead + rng.uniform(0, period)
    count = math.ceil((n_timepoints / sr - start) / period) + 1
    intervals = period * np.clip(1 + slip * rng.standard_normal(count), 0.5, 1.5)
    times = start + np.concatenate([[0.0], np.cumsum(intervals[:-1])])
    positions = np.round((times + lead) * sr).astype(np.intp)
    inside = positions < len(response) + n_timepoints
    times, positions = times[inside], positions[inside]
    amplitude = np.full(len(times), load)
    if modulation is not None:
        amplitude *= 1 - modulation_depth * (1 - np.cos(2 * np.pi * modulation * times + phase)) / 2
    impulses = np.zeros(len(response) + n_timepoints)
    np.add.at(impulses, positions, amplitude)
    ringing = np.convolve(impulses, response)
    return ringing[len(response) : len(response) + n_timepoints]


def _describe(n_per_class, faults, sr, duration, n_timepoints, rpm, resonance_hz):
    return (
        "Synthetic bearing vibration (sigconv.datasets.make_bearing_vibration)\n"
        "--------------------------------------------------------------------\n"
        f"{n_per_class} samples of each class {', '.join(faults)}; one channel of "
        f"{n_timepoints} timepoints ({duration} s at {sr:g} Hz); shaft at about {rpm:g} rpm.\n"
        "A localized bearing fault gives a train of impulses at its characteristic frequency "
        "(BPFO for the outer race, BPFI modulated at the shaft frequency for the inner race, "
        "2 x BSF modulated at the cage frequency FTF for a ball), each ringing a structural "
        f"resonance at {_describe_range(resonance_hz)} Hz; every sample also holds 1x and 2x shaft "
        "components and white noise. The envelope spectrum of a faulty sample peaks at its "
        "fault frequency. The geometry defaults to the SKF 6205 bearing of the Case Western "
        "Reserve University bearing data."
    )


def _describe_range(pair):
    return f"{pair[0]:g}" if pair[0] == pair[1] else f"{pair[0]:g} to {pair[1]:g}"
