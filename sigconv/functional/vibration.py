"""Vibration front ends: band-pass filtering, envelope and order spectra, bearing frequencies.

The classic diagnosis of a rolling-element bearing: band-pass the vibration
around a structural resonance that fault impulses excite, demodulate it
(the Hilbert envelope), and read the envelope's spectrum at the bearing's
characteristic defect frequencies, or, when the shaft speed is known, read
the spectrum against shaft orders so that recordings at different speeds
line up. Every function takes series with time on the last axis (any
leading axes) and keyword-only parameters.
"""

import math
import numbers

import numpy as np
import scipy.fft
import scipy.signal

from ..validation import check_bool, check_float, check_int

__all__ = [
    "bandpass",
    "bandpass_sos",
    "bearing_defect_frequencies",
    "bearing_features",
    "envelope_spectrum",
    "kurtogram",
    "order_spectrum",
    "spectral_kurtosis",
]


def _as_series(x, name="x", min_timepoints=2):
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real-valued array; got an array of dtype {x.dtype}.")
    if x.ndim == 0 or x.shape[-1] < min_timepoints:
        raise ValueError(
            f"{name} must have at least {min_timepoints} timepoints on its last axis; got "
            f"an array of shape {x.shape}."
        )
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} holds NaN or infinite values; remove or interpolate them first.")
    return x.astype(np.float64, copy=False)


def _check_band(band, sr, name="band"):
    """``(low, high)`` in Hz, either None (no edge); return the checked pair."""
    message = (
        f"{name} must be a (low, high) pair of frequencies in Hz with 0 < low < high < "
        f"sr/2={sr / 2:g}, either of them None for a high-pass or low-pass; got {name}={band!r}."
    )
    if not isinstance(band, (tuple, list)) or len(band) != 2:
        raise TypeError(message)
    low, high = band
    for edge in (low, high):
        if edge is not None and (isinstance(edge, (bool, np.bool_)) or not isinstance(edge, numbers.Real)):
            raise TypeError(message)
    if low is None and high is None:
        raise ValueError(message)
    low = None if low is None else float(low)
    high = None if high is None else float(high)
    if (low is not None and not 0 < low < sr / 2) or (high is not None and not 0 < high < sr / 2):
        raise ValueError(message)
    if low is not None and high is not None and low >= high:
        raise ValueError(message)
    return low, high


def bandpass_sos(*, sr, band, order=4):
    """Second-order sections of the Butterworth filter :func:`bandpass` applies.

    Parameters
    ----------
    sr : float
        Sampling rate in Hz.
    band : tuple of (float or None, float or None)
        ``(low, high)`` pass band edges in Hz (-3 dB points of the filter),
        ``0 < low < high < sr / 2``. ``(low, None)`` is a high-pass filter,
        ``(None, high)`` a low-pass filter.
    order : int, default=4
        Butterworth order (of each of the low and high edges), in [1, 16].

    Returns
    -------
    sos : ndarray of shape (n_sections, 6)
        For :func:`scipy.signal.sosfilt` and :func:`scipy.signal.sosfreqz`.

    Examples
    --------
    >>> from sigconv.functional import bandpass_sos
    >>> bandpass_sos(sr=1000.0, band=(50.0, 150.0), order=2).shape
    (2, 6)
    """
    sr = check_float(sr, "sr", min_value=0.0, closed="neither")
    low, high = _check_band(band, sr)
    order = check_int(order, "order", min_value=1, max_value=16)
    if low is None:
        return scipy.signal.butter(order, high, btype="lowpass", fs=sr, output="sos")
    if high is None:
        return scipy.signal.butter(order, low, btype="highpass", fs=sr, output="sos")
    return scipy.signal.butter(order, [low, high], btype="bandpass", fs=sr, output="sos")


def bandpass(x, *, sr, band, order=4, zero_phase=True):
    """Band-pass (or high-pass, low-pass) filter series with a Butterworth filter.

    Parameters
    ----------
    x : array-like of shape (..., n_timepoints)
        Real series, time on the last axis.
    sr : float
        Sampling rate in Hz.
    band : tuple of (float or None, float or None)
        ``(low, high)`` pass band in Hz; ``(low, None)`` high-pass,
        ``(None, high)`` low-pass. See :func:`bandpass_sos`.
    order : int, default=4
        Butterworth order, in [1, 16].
    zero_phase : bool, default=True
        Whether to filter forward and backward (:func:`scipy.signal.sosfiltfilt`):
        no phase shift, and a magnitude response that is the square of the
        filter's. False filters once, causally (:func:`scipy.signal.sosfilt`),
        as a live stream must.

    Returns
    -------
    filtered : ndarray of shape (..., n_timepoints)
        float64 (float32 for float32 input).

    See Also
    --------
    sigconv.transformers.BandPass : The scikit-learn transformer.
    bandpass_sos : The filter's coefficients.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import bandpass
    >>> t = np.arange(1000) / 1000.0
    >>> x = np.sin(2 * np.pi * 10 * t) + np.sin(2 * np.pi * 100 * t)
    >>> y = bandpass(x, sr=1000.0, band=(50.0, 200.0))
    >>> bool(np.abs(y[200:800] - np.sin(2 * np.pi * 100 * t[200:800])).max() < 0.05)
    True
    """
    x_in = np.asarray(x)
    sos = bandpass_sos(sr=sr, band=band, order=order)
    zero_phase = check_bool(zero_phase, "zero_phase")
    x = _as_series(x_in)
    if zero_phase:
        padlen = min(x.shape[-1] - 1, 3 * (2 * len(sos) + 1))
        out = scipy.signal.sosfiltfilt(sos, x, axis=-1, padlen=padlen)
    else:
        out = scipy.signal.sosfilt(sos, x, axis=-1)
    return out.astype(np.float32 if x_in.dtype == np.float32 else np.float64, copy=False)


def envelope_spectrum(x, *, sr, band=None, order=4):
    """Amplitude spectrum of the Hilbert envelope of series (envelope analysis).

    The series is band-passed (if ``band`` is given), its analytic signal
    taken with :func:`scipy.signal.hilbert`, and the magnitude of that
    (the envelope), minus its mean, Fourier-transformed. The spectrum is
    scaled so that a sinusoidal modulation of amplitude ``a`` in the envelope
    shows as a peak of height ``a``: ``2 |rfft(e - mean(e))| / n_timepoints``.
    An amplitude-modulated carrier ``(1 + m cos(2 pi fm t)) cos(2 pi fc t)``
    gives a peak of height ``m`` at ``fm``.

    Parameters
    ----------
    x : array-like of shape (..., n_timepoints)
        Real series, time on the last axis.
    sr : float
        Sampling rate in Hz.
    band : tuple of (float or None, float or None) or None, default=None
        Pass band of the :func:`bandpass` filter applied first (zero phase);
        None demodulates the series as given.
    order : int, default=4
        Order of that filter.

    Returns
    -------
    frequencies : ndarray of shape (n_timepoints // 2 + 1,)
        Frequencies of the spectrum in Hz, ``rfftfreq(n_timepoints, 1 / sr)``.
    spectrum : ndarray of shape (..., n_timepoints // 2 + 1)
        float64 envelope amplitude spectrum.

    See Also
    --------
    sigconv.transformers.EnvelopeSpectrum : The scikit-learn transformer.
    bearing_defect_frequencies : Where the peaks of a faulty bearing lie.

    References
    ----------
    .. [1] R. B. Randall and J. Antoni, "Rolling element bearing diagnostics - A
       tutorial", Mechanical Systems and Signal Processing, 25(2), 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import envelope_spectrum
    >>> t = np.arange(2000) / 2000.0
    >>> x = (1 + 0.5 * np.cos(2 * np.pi * 30 * t)) * np.cos(2 * np.pi * 400 * t)
    >>> freqs, spectrum = envelope_spectrum(x, sr=2000.0)
    >>> float(freqs[np.argmax(spectrum)]), round(float(spectrum.max()), 3)
    (30.0, 0.5)
    """
    sr = check_float(sr, "sr", min_value=0.0, closed="neither")
    if band is not None:
        x = bandpass(x, sr=sr, band=band, order=order)
    x = _as_series(x)
    n = x.shape[-1]
    envelope = np.abs(scipy.signal.hilbert(x, axis=-1))
    envelope -= envelope.mean(axis=-1, keepdims=True)
    spectrum = np.abs(scipy.fft.rfft(envelope, axis=-1)) * (2.0 / n)
    return np.fft.rfftfreq(n, 1.0 / sr), spectrum


def order_spectrum(x, *, sr, rpm, max_order=20.0, resolution=0.05, envelope=False, band=None, order=4):
    """Amplitude spectrum of series against shaft orders (multiples of the shaft speed).

    At a known, constant shaft speed ``rpm``, a component at ``k`` times the
    shaft frequency ``rpm / 60`` lies at order ``k`` whatever the speed, so
    order spectra of recordings at different speeds line up. The amplitude
    spectrum (``2 |rfft(x)| / n_timepoints``, or the envelope spectrum of
    :func:`envelope_spectrum` with ``envelope=True``) is linearly
    interpolated at the orders ``0, resolution, 2 resolution, ...`` up to
    ``max_order``.

    Parameters
    ----------
    x : array-like of shape (..., n_timepoints)
        Real series, time on the last axis.
    sr : float
        Sampling rate in Hz.
    rpm : float or array-like
        Shaft speed in revolutions per minute, > 0: one number, or one per
        series (an array broadcastable to ``x.shape[:-1]``).
    max_order : float, default=20.0
        Highest order of the output; ``max_order * rpm / 60`` must not exceed
        the Nyquist frequency ``sr / 2``.
    resolution : float, default=0.05
        Step between the output orders, > 0.
    envelope : bool, default=False
        Whether to take the envelope spectrum (bearing faults at their
        defect orders) instead of the spectrum of the series.
    band : tuple of (float or None, float or None) or None, default=None
        Pass band of a :func:`bandpass` filter applied first; None for none.
    order : int, default=4
        Order of that filter.

    Returns
    -------
    orders : ndarray of shape (n_orders,)
        ``resolution * arange(n_orders)``, ``n_orders = floor(max_order / resolution) + 1``.
    spectrum : ndarray of shape (..., n_orders)
        float64 amplitude spectrum at those orders.

    See Also
    --------
    sigconv.transformers.OrderSpectrum : The scikit-learn transformer.
    bearing_defect_frequencies : Defect frequencies, divided by ``"shaft"`` for orders.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import order_spectrum
    >>> t = np.arange(4000) / 4000.0
    >>> x = np.sin(2 * np.pi * 3 * 25.0 * t)  # 3 x the shaft frequency at 1,500 rpm
    >>> orders, spectrum = order_spectrum(x, sr=4000.0, rpm=1500.0, max_order=10.0, resolution=0.5)
    >>> float(orders[np.argmax(spectrum)]), round(float(spectrum.max()), 3)
    (3.0, 1.0)
    """
    sr = check_float(sr, "sr", min_value=0.0, closed="neither")
    max_order = check_float(max_order, "max_order", min_value=0.0, closed="neither")
    resolution = check_float(resolution, "resolution", min_value=0.0, max_value=max_order,
                             closed="right")
    envelope = check_bool(envelope, "envelope")
    x = _as_series(x)
    rpm = np.asarray(rpm, dtype=np.float64) if not isinstance(rpm, (str, bytes)) else rpm
    if not isinstance(rpm, np.ndarray) or rpm.dtype.kind != "f" or not np.all(np.isfinite(rpm)) \
            or np.any(rpm <= 0):
        raise ValueError(f"rpm must be a positive number or an array of positive numbers; got rpm={rpm!r}.")
    try:
        rpm = np.broadcast_to(rpm, x.shape[:-1])
    except ValueError:
        raise ValueError(
            f"rpm must be one number or broadcastable to x.shape[:-1]={x.shape[:-1]}; got an "
            f"array of shape {rpm.shape}."
        ) from None
    top = max_order * float(rpm.max()) / 60.0
    if top > sr / 2:
        raise ValueError(
            f"max_order * rpm / 60 must be at most the Nyquist frequency sr/2={sr / 2:g}; got "
            f"max_order={max_order} at rpm={float(rpm.max()):g} ({top:g} Hz). Lower max_order."
        )
    if envelope:
        frequencies, spectrum = envelope_spectrum(x, sr=sr, band=band, order=order)
    else:
        if band is not None:
            x = bandpass(x, sr=sr, band=band, order=order)
        n = x.shape[-1]
        frequencies = np.fft.rfftfreq(n, 1.0 / sr)
        spectrum = np.abs(scipy.fft.rfft(x, axis=-1)) * (2.0 / n)
    orders = resolution * np.arange(math.floor(max_order / resolution + 1e-9) + 1)
    shaft = rpm / 60.0
    flat_spectrum = spectrum.reshape(-1, spectrum.shape[-1])
    flat_shaft = shaft.reshape(-1)
    out = np.empty((len(flat_spectrum), len(orders)))
    for i, (row, fr) in enumerate(zip(flat_spectrum, flat_shaft)):
        out[i] = np.interp(orders * fr, frequencies, row)
    return orders, out.reshape(*x.shape[:-1], len(orders))


def bearing_defect_frequencies(rpm, *, n_balls, ball_diameter, pitch_diameter, contact_angle=0.0):
    """Characteristic defect frequencies of a rolling-element bearing, in Hz.

    For a turning inner race and a fixed outer race, with shaft frequency
    ``fr = rpm / 60``, ``n`` rolling elements of diameter ``d`` on a pitch
    diameter ``D`` and contact angle ``a``:

    - ``"FTF"`` (fundamental train, the cage): ``fr / 2 (1 - d/D cos a)``;
    - ``"BPFO"`` (ball pass, outer race): ``n fr / 2 (1 - d/D cos a)``;
    - ``"BPFI"`` (ball pass, inner race): ``n fr / 2 (1 + d/D cos a)``;
    - ``"BSF"`` (ball spin): ``D fr / (2 d) (1 - (d/D cos a)^2)``.

    BSF is the spin frequency of a ball, the convention of the CWRU bearing
    data center and of SKF; a ball defect strikes both races once per spin,
    so its impulses come at ``2 BSF`` (some texts call that the BSF).

    Parameters
    ----------
    rpm : float or array-like
        Shaft speed in revolutions per minute, > 0.
    n_balls : int
        Number of rolling elements, >= 1.
    ball_diameter : float
        Rolling-element diameter ``d``, > 0.
    pitch_diameter : float
        Pitch diameter ``D``, in the unit of ``ball_diameter`` and larger.
    contact_angle : float, default=0.0
        Contact angle ``a`` in degrees, in [0, 90).

    Returns
    -------
    frequencies : dict
        ``"shaft"``, ``"FTF"``, ``"BPFO"``, ``"BPFI"``, ``"BSF"``: floats for
        a number ``rpm``, float64 arrays of its shape for an array.

    References
    ----------
    .. [1] R. B. Randall and J. Antoni, "Rolling element bearing diagnostics - A
       tutorial", Mechanical Systems and Signal Processing, 25(2), 2011.

    Examples
    --------
    >>> from sigconv.functional import bearing_defect_frequencies
    >>> f = bearing_defect_frequencies(60.0, n_balls=9, ball_diameter=0.3126,
    ...                                pitch_diameter=1.537)  # CWRU drive end, 1 rev/s
    >>> {key: round(value, 4) for key, value in f.items()}
    {'shaft': 1.0, 'FTF': 0.3983, 'BPFO': 3.5848, 'BPFI': 5.4152, 'BSF': 2.3567}
    """
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
    if np.ndim(rpm) == 0:
        check_float(rpm, "rpm", min_value=0, closed="neither")
    shaft = np.asarray(rpm, dtype=np.float64) / 60.0
    if np.ndim(rpm) and not (np.all(np.isfinite(shaft)) and np.all(shaft > 0)):
        raise ValueError("rpm must hold positive, finite speeds; got values that are not.")
    ratio = ball_diameter / pitch_diameter * math.cos(math.radians(contact_angle))
    frequencies = {
        "shaft": shaft,
        "FTF": shaft / 2 * (1 - ratio),
        "BPFO": n_balls / 2 * shaft * (1 - ratio),
        "BPFI": n_balls / 2 * shaft * (1 + ratio),
        "BSF": pitch_diameter / (2 * ball_diameter) * shaft * (1 - ratio**2),
    }
    if np.ndim(rpm) == 0:
        frequencies = {key: float(value) for key, value in frequencies.items()}
    return frequencies


def spectral_kurtosis(x, *, sr, n_fft, hop=None):
    """Spectral kurtosis of series: how impulsive each frequency band is.

    The series is cut into Hann-windowed frames of ``n_fft`` samples every
    ``hop`` samples; at each frequency ``f`` of their short-time Fourier
    transform ``X(t, f)``, the spectral kurtosis is
    ``<|X|^4> / <|X|^2>^2 - 2`` (means over the frames): about 0 for
    stationary Gaussian noise, -1 for a pure tone, and large where
    repetitive impulses (a bearing fault ringing a resonance) dominate.

    Parameters
    ----------
    x : array-like of shape (..., n_timepoints)
        Real series, time on the last axis.
    sr : float
        Sampling rate in Hz.
    n_fft : int
        Frame length in samples, in [4, n_timepoints]; the frequency
        resolution is ``sr / n_fft``.
    hop : int or None, default=None
        Step between frames, >= 1; None for ``n_fft // 4``.

    Returns
    -------
    frequencies : ndarray of shape (n_fft // 2 + 1,)
        ``rfftfreq(n_fft, 1 / sr)``.
    kurtosis : ndarray of shape (..., n_fft // 2 + 1)
        float64 spectral kurtosis (0 where a band holds no energy).

    See Also
    --------
    kurtogram : The band of largest spectral kurtosis over several resolutions.

    References
    ----------
    .. [1] J. Antoni, "The spectral kurtosis: a useful tool for characterising
       non-stationary signals", Mechanical Systems and Signal Processing, 20(2), 2006.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import spectral_kurtosis
    >>> t = np.arange(4096) / 1000.0
    >>> freqs, sk = spectral_kurtosis(np.cos(2 * np.pi * 125.0 * t), sr=1000.0, n_fft=64)
    >>> float(freqs[8]), round(float(sk[8]), 2)  # a pure tone: -1 at its frequency
    (125.0, -1.0)
    """
    sr = check_float(sr, "sr", min_value=0.0, closed="neither")
    x = _as_series(x, min_timepoints=4)
    n = x.shape[-1]
    n_fft = check_int(n_fft, "n_fft", min_value=4, max_value=n,
                      hint="Use a smaller n_fft or longer series.")
    hop = n_fft // 4 if hop is None else check_int(hop, "hop", min_value=1)
    window = scipy.signal.get_window("hann", n_fft)
    frames = np.lib.stride_tricks.sliding_window_view(x, n_fft, axis=-1)[..., ::hop, :] * window
    power = np.abs(scipy.fft.rfft(frames, axis=-1)) ** 2
    second = power.mean(axis=-2)
    fourth = (power**2).mean(axis=-2)
    with np.errstate(divide="ignore", invalid="ignore"):
        kurtosis = np.where(second > 0, fourth / np.where(second > 0, second, 1.0) ** 2 - 2.0, 0.0)
    return np.fft.rfftfreq(n_fft, 1.0 / sr), kurtosis


_KURTOGRAM_N_FFTS = (8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256)


def kurtogram(x, *, sr, n_ffts=_KURTOGRAM_N_FFTS, min_bandwidth=0.0, max_frequency=None):
    """The frequency band of largest spectral kurtosis of each series (the kurtogram's maximum).

    The kurtogram maps spectral kurtosis over centre frequency and
    bandwidth; its maximum is the band where a series is most impulsive,
    the band to demodulate for envelope analysis of a bearing. This is the
    short-time Fourier transform kurtogram: :func:`spectral_kurtosis` at
    each frame length ``n_fft`` in ``n_ffts`` (the dyadic and 1/3-dyadic
    lengths of Antoni's fast kurtogram by default), a band of width
    ``2 sr / n_fft`` (the -6 dB width of the Hann window's main lobe, twice
    the bin spacing) around each bin.

    Parameters
    ----------
    x : array-like of shape (..., n_timepoints)
        Real series, time on the last axis.
    sr : float
        Sampling rate in Hz.
    n_ffts : tuple of int, default=(8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256)
        Frame lengths to try, each in [4, n_timepoints]; lengths whose band
        would be narrower than ``min_bandwidth`` are skipped.
    min_bandwidth : float, default=0.0
        Narrowest band in Hz, >= 0. An envelope holds frequencies up to the
        bandwidth only, so for envelope analysis it must exceed the highest
        defect frequency (and harmonics) of interest.
    max_frequency : float or None, default=None
        Highest band edge in Hz, at most ``sr / 2``; None for ``sr / 2``.

    Returns
    -------
    bands : ndarray of shape (..., 2)
        ``(low, high)`` edges in Hz of the chosen band of each series, within
        ``(0, max_frequency)``.
    kurtosis : ndarray of shape (...,)
        The spectral kurtosis in that band.

    See Also
    --------
    spectral_kurtosis : Spectral kurtosis at one resolution.
    envelope_spectrum : Demodulate the chosen band.

    References
    ----------
    .. [1] J. Antoni, "The spectral kurtosis: a useful tool for characterising
       non-stationary signals", Mechanical Systems and Signal Processing, 20(2), 2006.
    .. [2] J. Antoni, "Fast computation of the kurtogram for the detection of
       transient faults", Mechanical Systems and Signal Processing, 21(1), 2007.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.functional import kurtogram
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=8192)
    >>> t = np.arange(200) / 8000.0
    >>> ring = np.exp(-300 * t) * np.sin(2 * np.pi * 2500.0 * t)
    >>> for start in range(0, 8000, 400):  # impulses every 50 ms ringing at 2.5 kHz
    ...     x[start:start + 200] += 8 * ring
    >>> bands, sk = kurtogram(x, sr=8000.0, min_bandwidth=400.0)
    >>> bool(bands[0] < 2500.0 < bands[1]), bool(sk > 1)
    (True, True)
    """
    sr = check_float(sr, "sr", min_value=0.0, closed="neither")
    x = _as_series(x, min_timepoints=4)
    min_bandwidth = check_float(min_bandwidth, "min_bandwidth", min_value=0.0)
    top = sr / 2 if max_frequency is None else check_float(
        max_frequency, "max_frequency", min_value=0.0, max_value=sr / 2, closed="right")
    message = (
        f"n_ffts must be a non-empty tuple of ints in [4, n_timepoints={x.shape[-1]}]; got "
        f"n_ffts={n_ffts!r}."
    )
    if not isinstance(n_ffts, (tuple, list)) or not n_ffts:
        raise TypeError(message)
    for n_fft in n_ffts:
        if isinstance(n_fft, (bool, np.bool_)) or not isinstance(n_fft, numbers.Integral):
            raise TypeError(message)
        if not 4 <= n_fft <= x.shape[-1]:
            raise ValueError(message)
    best = np.full(x.shape[:-1], -np.inf)
    bands = np.zeros((*x.shape[:-1], 2))
    for n_fft in sorted(set(int(n) for n in n_ffts)):
        width = 2.0 * sr / n_fft
        if width < min_bandwidth:
            continue
        frequencies, kurtosis = spectral_kurtosis(x, sr=sr, n_fft=n_fft)
        inside = (frequencies - width / 2 > 0) & (frequencies + width / 2 < top)
        if not inside.any():
            continue
        kurtosis = np.where(inside, kurtosis, -np.inf)
        index = np.argmax(kurtosis, axis=-1)
        value = np.take_along_axis(kurtosis, index[..., None], axis=-1)[..., 0]
        better = value > best
        best = np.where(better, value, best)
        centre = frequencies[index]
        bands[..., 0] = np.where(better, centre - width / 2, bands[..., 0])
        bands[..., 1] = np.where(better, centre + width / 2, bands[..., 1])
    if not np.all(np.isfinite(best)):
        raise ValueError(
            f"No band of n_ffts={tuple(n_ffts)} is at least min_bandwidth={min_bandwidth:g} Hz wide "
            f"and fits below max_frequency={top:g} Hz (a band around a bin of an n_fft-point frame is "
            f"2 sr / n_fft = {2 * sr / max(n_ffts):g} to {2 * sr / min(n_ffts):g} Hz wide). Lower "
            "min_bandwidth or add shorter frame lengths."
        )
    return bands, best


def _squared_envelope_spectra(x, *, sr, bands):
    """Spectra of the squared envelopes of series, each demodulated in its own band.

    The analytic signal of the band is taken in the frequency domain (the
    positive frequencies inside ``bands[i]`` doubled, the rest zeroed), so
    every series gets its own band at the cost of one FFT pair. The squared
    envelope (rather than the envelope) is the estimator of the cyclic
    spectrum that Randall and Antoni recommend; its mean is removed and a
    Hann window applied before the amplitude spectrum is taken.
    """
    x = _as_series(x)
    n = x.shape[-1]
    spectrum = scipy.fft.fft(x, axis=-1)
    frequencies = np.fft.fftfreq(n, 1.0 / sr)
    bands = np.asarray(bands, dtype=np.float64)
    mask = (frequencies >= bands[..., :1]) & (frequencies <= bands[..., 1:])
    analytic = scipy.fft.ifft(spectrum * mask * 2.0, axis=-1)
    squared = analytic.real**2 + analytic.imag**2
    squared -= squared.mean(axis=-1, keepdims=True)
    window = scipy.signal.get_window("hann", n)
    return np.fft.rfftfreq(n, 1.0 / sr), np.abs(scipy.fft.rfft(squared * window, axis=-1)) * (2.0 / window.sum())


# Defect families read by bearing_features: (name, order of the fundamental, harmonics,
# sideband spacing in orders or None). Inner-race impulses are modulated at the shaft
# frequency as the defect turns through the load zone, ball impulses at the cage frequency.
def _feature_families(orders):
    return (
        ("BPFI", orders["BPFI"], 3, 1.0),
        ("BPFO", orders["BPFO"], 3, None),
        ("2xBSF", 2 * orders["BSF"], 3, orders["FTF"]),
        ("BSF", orders["BSF"], 1, None),
        ("FTF", orders["FTF"], 1, None),
        ("shaft", 1.0, 3, None),
    )


_N_SIDEBAND_HARMONICS = 2
_PEAK_TOLERANCE = 0.01  # relative; the speed and slip of real bearings move lines by ~1%
_BACKGROUND_HALF_WIDTH = 1.5  # orders either side of a line for its local noise floor


def _feature_orders(defect_orders):
    """``(names, orders)`` of the lines :func:`bearing_features` reads.

    A line of one defect that falls within 2% of a line of another (BPFO 3x
    and BPFI 2x of the CWRU bearing, 0.7% apart) is dropped from both: a
    peak there cannot say which defect made it.
    """
    names, lines, families = [], [], []
    for name, base, n_harmonics, sideband in _feature_families(defect_orders):
        for h in range(1, n_harmonics + 1):
            names.append(f"{name}_{h}x")
            lines.append(h * base)
            families.append(name)
            if sideband is not None and h <= _N_SIDEBAND_HARMONICS:
                for sign, tag in ((-1, "-"), (1, "+")):
                    names.append(f"{name}_{h}x{tag}sideband")
                    lines.append(h * base + sign * sideband)
                    families.append(name)
    lines, families = np.asarray(lines), np.asarray(families)
    close = np.abs(lines[:, None] - lines[None, :]) <= 2 * _PEAK_TOLERANCE * lines[:, None]
    ambiguous = (close & (families[:, None] != families[None, :])).any(axis=1)
    return [n for n, a in zip(names, ambiguous) if not a], lines[~ambiguous]


def _defect_orders(**geometry):
    frequencies = bearing_defect_frequencies(60.0, **geometry)  # at 1 rev/s, Hz = orders
    return {key: value for key, value in frequencies.items() if key != "shaft"}


def bearing_feature_bandwidth(*, n_balls, ball_diameter, pitch_diameter, contact_angle=0.0):
    """Highest order :func:`bearing_features` reads, with the band around it it needs."""
    _, lines = _feature_orders(_defect_orders(n_balls=n_balls, ball_diameter=ball_diameter,
                                              pitch_diameter=pitch_diameter,
                                              contact_angle=contact_angle))
    return float(lines.max() * (1 + _PEAK_TOLERANCE) + _BACKGROUND_HALF_WIDTH)


def bearing_features(x, *, sr, rpm, n_balls, ball_diameter, pitch_diameter, contact_angle=0.0):
    """Envelope-spectrum features of a bearing at its defect orders, free of amplitude.

    Each series is demodulated in the band of largest spectral kurtosis
    (:func:`kurtogram`, bands at least as wide as the highest line read, so
    that the envelope holds it), and the spectrum of its squared envelope
    read against shaft orders at the lines of each defect:

    - BPFI and its 2x, 3x harmonics, with sidebands at +-1 shaft order on
      the first two (the inner race turns through the load zone);
    - BPFO, 2x, 3x (the outer race sits still);
    - 2 x BSF (a ball defect strikes both races once per spin), 2x, 3x, with
      sidebands at +-FTF on the first two (the ball turns with the cage),
      and BSF itself;
    - FTF, and the shaft orders 1, 2, 3;

    less any line within 2% of a line of another defect (which of the two
    made a peak there cannot be told).

    A line's feature is ``log(peak / floor)``: the largest value within
    +-1% (and one bin) of the line over the median of the spectrum within
    1.5 orders either side of it. A ratio of two values of one spectrum, it
    does not change with the gain of the sensor or the size of the
    spectrum, only with how far the line stands out. Two more features
    describe impulsiveness: the log kurtosis of the series and
    ``log(1 + max(0, SK))`` of the chosen band.

    Parameters
    ----------
    x : array-like of shape (..., n_timepoints)
        Real series, time on the last axis.
    sr : float
        Sampling rate in Hz.
    rpm : float or array-like
        Shaft speed in revolutions per minute, > 0: one number or one per
        series (broadcastable to ``x.shape[:-1]``).
    n_balls, ball_diameter, pitch_diameter, contact_angle
        The bearing, as in :func:`bearing_defect_frequencies`.

    Returns
    -------
    names : list of str
        The name of each feature, e.g. ``"BPFI_1x"``, ``"BPFI_1x+sideband"``,
        ``"kurtosis"``, ``"spectral_kurtosis"``.
    features : ndarray of shape (..., n_features)
        float64.

    Raises
    ------
    ValueError
        If the series are too short to resolve the cage frequency FTF (two
        bins of ``sr / n_timepoints`` Hz per FTF at the lowest speed), or the
        highest line read lies above the Nyquist frequency.

    See Also
    --------
    sigconv.monitoring.BearingFaultClassifier : A classifier on these features.
    kurtogram : The demodulation band.
    order_spectrum : Spectra against shaft orders.

    References
    ----------
    .. [1] R. B. Randall and J. Antoni, "Rolling element bearing diagnostics - A
       tutorial", Mechanical Systems and Signal Processing, 25(2), 2011.

    Examples
    --------
    >>> from sigconv.datasets import make_bearing_vibration
    >>> from sigconv.functional import bearing_features
    >>> bunch = make_bearing_vibration(1, faults=("inner_race",), duration=0.4, noise=0.2,
    ...                                speed_variation=0.0, random_state=0)
    >>> names, features = bearing_features(bunch.data[:, 0], sr=12000.0, rpm=1797.0, n_balls=9,
    ...                                    ball_diameter=7.94, pitch_diameter=39.04)
    >>> names[int(features[0].argmax())], features.shape
    ('BPFI_1x', (1, 20))
    """
    sr = check_float(sr, "sr", min_value=0.0, closed="neither")
    geometry = dict(n_balls=n_balls, ball_diameter=ball_diameter, pitch_diameter=pitch_diameter,
                    contact_angle=contact_angle)
    defect_orders = _defect_orders(**geometry)
    x = _as_series(x, min_timepoints=1)  # the length is checked against FTF below
    rpm = _check_rpm(rpm, x.shape[:-1])
    n = x.shape[-1]
    low_shaft, high_shaft = float(rpm.min()) / 60.0, float(rpm.max()) / 60.0
    ftf_hz = defect_orders["FTF"] * low_shaft
    needed = math.ceil(2 * sr / ftf_hz)
    if n < needed:
        raise ValueError(
            f"x (the windows) must have at least {needed} timepoints to resolve the cage frequency "
            f"FTF={ftf_hz:.3g} Hz (two bins of sr / n_timepoints per FTF at sr={sr:g} and "
            f"rpm={low_shaft * 60:g}); got windows of {n} timepoints. Use longer windows."
        )
    names, lines = _feature_orders(defect_orders)
    top_order = bearing_feature_bandwidth(**geometry)
    if top_order * high_shaft >= sr / 2:
        raise ValueError(
            f"sr must be more than twice the highest envelope line read, order {top_order:.3g} "
            f"({top_order * high_shaft:.4g} Hz at rpm={high_shaft * 60:g}); got sr={sr:g}. Record "
            "at a higher sampling rate."
        )
    flat = x.reshape(-1, n)
    flat_shaft = (rpm / 60.0).reshape(-1)
    bandwidth = top_order * high_shaft
    n_ffts = tuple(k for k in _KURTOGRAM_N_FFTS if k <= n)
    bands, kurtosis = kurtogram(flat, sr=sr, n_ffts=n_ffts, min_bandwidth=min(bandwidth, sr / 4))
    frequencies, spectra = _squared_envelope_spectra(flat, sr=sr, bands=bands)
    out = np.empty((len(flat), len(lines) + 2))
    for i, (spectrum, shaft) in enumerate(zip(spectra, flat_shaft)):
        orders = frequencies / shaft
        step = orders[1]
        distance = np.abs(orders[None, :] - lines[:, None])
        peak = distance <= np.maximum(_PEAK_TOLERANCE * lines[:, None], step)
        floor = (distance <= _BACKGROUND_HALF_WIDTH) & ~peak & (orders[None, :] >= 2 * step)
        peaks = np.where(peak, spectrum, 0.0).max(axis=1)
        floors = np.array([np.median(spectrum[row]) for row in floor])
        out[i, : len(lines)] = np.log((peaks + 1e-300) / (floors + 1e-300))
    centred = flat - flat.mean(axis=-1, keepdims=True)
    second = np.mean(centred**2, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, -2] = np.log(np.where(second > 0, np.mean(centred**4, axis=-1) / second**2, 1.0))
    out[:, -1] = np.log1p(np.maximum(kurtosis, 0.0))
    return names + ["kurtosis", "spectral_kurtosis"], out.reshape(*x.shape[:-1], out.shape[-1])


def _check_rpm(rpm, shape):
    if isinstance(rpm, (str, bytes, bool, np.bool_)):
        raise TypeError(f"rpm must be a positive number or an array of positive numbers; got rpm={rpm!r}.")
    try:
        array = np.asarray(rpm, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"rpm must be a positive number or an array of positive numbers; got rpm={rpm!r}.") from None
    if not np.all(np.isfinite(array)) or np.any(array <= 0):
        raise ValueError(
            "rpm must hold positive, finite shaft speeds in revolutions per minute; got "
            f"rpm={rpm!r}." if array.ndim == 0 else
            "rpm must hold positive, finite shaft speeds in revolutions per minute; got "
            f"{int(np.sum(~np.isfinite(array) | (array <= 0)))} values that are not."
        )
    try:
        return np.broadcast_to(array, shape)
    except ValueError:
        raise ValueError(
            f"rpm must be one number or one per series (shape {shape}); got an array of shape "
            f"{array.shape}."
        ) from None
