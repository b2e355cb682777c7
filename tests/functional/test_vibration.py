"""Vibration functionals against hand-computed cases and scipy's frequency response."""

import re

import numpy as np
import pytest
import scipy.signal

from sigconv.datasets import make_bearing_vibration
from sigconv.functional import (
    bandpass,
    bandpass_sos,
    bearing_defect_frequencies,
    bearing_features,
    cepstrum_prewhiten,
    envelope_spectrum,
    kurtogram,
    order_spectrum,
    spectral_kurtosis,
)

# SKF 6205-2RS JEM, CWRU drive end (inches).
CWRU_DE = dict(n_balls=9, ball_diameter=0.3126, pitch_diameter=1.537)


def test_defect_frequencies_cwru_drive_end_by_hand():
    # d/D = 0.3126/1.537; multiples of the shaft frequency published by CWRU.
    ratio = 0.3126 / 1.537
    f = bearing_defect_frequencies(1797.0, **CWRU_DE)
    shaft = 1797.0 / 60
    assert f["shaft"] == pytest.approx(shaft)
    assert f["BPFO"] / shaft == pytest.approx(4.5 * (1 - ratio))
    assert f["BPFO"] / shaft == pytest.approx(3.5848, abs=1e-4)
    assert f["BPFI"] / shaft == pytest.approx(5.4152, abs=1e-4)
    assert f["FTF"] / shaft == pytest.approx(0.39828, abs=1e-4)
    # Ball spin (not doubled): D/(2d) (1 - (d/D)^2).
    assert f["BSF"] / shaft == pytest.approx(2.357, abs=1e-3)


def test_defect_frequencies_contact_angle_and_arrays():
    tilted = bearing_defect_frequencies(60.0, n_balls=8, ball_diameter=1.0, pitch_diameter=4.0,
                                        contact_angle=60.0)
    # cos 60 = 1/2, so d/D cos a = 1/8: BPFO = 4 (7/8), BPFI = 4 (9/8), BSF = 2 (1 - 1/64).
    assert tilted["BPFO"] == pytest.approx(3.5)
    assert tilted["BPFI"] == pytest.approx(4.5)
    assert tilted["BSF"] == pytest.approx(2 * 63 / 64)
    assert tilted["FTF"] == pytest.approx(7 / 16)
    both = bearing_defect_frequencies(np.array([60.0, 120.0]), **CWRU_DE)
    np.testing.assert_allclose(both["BPFO"], [3.5848, 2 * 3.5848], atol=2e-4)


def test_make_bearing_vibration_uses_the_functional():
    bunch = make_bearing_vibration(1, duration=0.01, random_state=0)
    expected = bearing_defect_frequencies(1797.0, n_balls=9, ball_diameter=7.94, pitch_diameter=39.04)
    assert bunch.defect_frequencies == expected


def test_defect_frequencies_errors():
    with pytest.raises(ValueError, match=re.escape(
            "ball_diameter must be smaller than pitch_diameter=1.0; got ball_diameter=2.0.")):
        bearing_defect_frequencies(60.0, n_balls=9, ball_diameter=2.0, pitch_diameter=1.0)
    with pytest.raises(ValueError, match=re.escape("rpm must be a number > 0; got rpm=0.0.")):
        bearing_defect_frequencies(0.0, **CWRU_DE)


@pytest.mark.parametrize("band", [(100.0, 300.0), (None, 200.0), (150.0, None)])
def test_bandpass_attenuation_matches_scipy_frequency_response(band):
    sr, n = 2000.0, 20000
    t = np.arange(n) / sr
    sos = bandpass_sos(sr=sr, band=band, order=4)
    for f0 in (20.0, 120.0, 200.0, 280.0, 600.0):
        x = np.sin(2 * np.pi * f0 * t)
        _, h = scipy.signal.sosfreqz(sos, worN=[f0], fs=sr)
        middle = slice(n // 4, 3 * n // 4)  # away from the edge transients
        causal = bandpass(x, sr=sr, band=band, zero_phase=False)[middle]
        twice = bandpass(x, sr=sr, band=band)[middle]
        gain = np.abs(h[0])
        assert _amplitude(causal, t[middle], f0) == pytest.approx(gain, abs=1e-3)
        assert _amplitude(twice, t[middle], f0) == pytest.approx(gain**2, abs=1e-3)


def _amplitude(y, t, f0):
    """Amplitude of the f0 component of y over a whole number of periods."""
    return np.hypot(2 * np.mean(y * np.sin(2 * np.pi * f0 * t)),
                    2 * np.mean(y * np.cos(2 * np.pi * f0 * t)))


def test_bandpass_keeps_shape_and_float32():
    x = np.random.default_rng(0).normal(size=(2, 3, 500)).astype(np.float32)
    y = bandpass(x, sr=1000.0, band=(10.0, 100.0))
    assert y.shape == x.shape and y.dtype == np.float32
    np.testing.assert_allclose(y[1, 2], bandpass(x[1, 2].astype(np.float64), sr=1000.0,
                                                 band=(10.0, 100.0)), rtol=1e-4, atol=1e-5)


def test_bandpass_errors():
    msg = ("band must be a (low, high) pair of frequencies in Hz with 0 < low < high < "
           "sr/2=500, either of them None for a high-pass or low-pass; got band=(300.0, 600.0).")
    with pytest.raises(ValueError, match=re.escape(msg)):
        bandpass(np.zeros(100), sr=1000.0, band=(300.0, 600.0))
    with pytest.raises(ValueError, match="band must be"):
        bandpass(np.zeros(100), sr=1000.0, band=(200.0, 100.0))
    with pytest.raises(TypeError, match="band must be"):
        bandpass(np.zeros(100), sr=1000.0, band=100.0)
    with pytest.raises(ValueError, match="NaN"):
        bandpass(np.array([0.0, np.nan, 1.0]), sr=1000.0, band=(10.0, 100.0))


def test_envelope_spectrum_peaks_at_the_modulation_frequency():
    sr, n = 8000.0, 8000
    t = np.arange(n) / sr
    m, fm, fc = 0.4, 37.0, 2000.0
    x = (1 + m * np.cos(2 * np.pi * fm * t)) * np.cos(2 * np.pi * fc * t)
    noise = np.random.default_rng(0).normal(scale=0.3, size=n)
    freqs, spectrum = envelope_spectrum(x, sr=sr)
    assert freqs[np.argmax(spectrum)] == fm
    assert spectrum.max() == pytest.approx(m, rel=1e-6)
    # Out-of-band noise: the band-pass filter recovers the peak.
    freqs, spectrum = envelope_spectrum(x + noise, sr=sr, band=(1500.0, 2500.0))
    assert freqs[np.argmax(spectrum)] == fm


def test_envelope_spectrum_finds_the_outer_race_fault():
    bunch = make_bearing_vibration(2, faults=("outer_race",), duration=1.0, noise=0.2,
                                   speed_variation=0.0, slip=0.0, random_state=0)
    freqs, spectrum = envelope_spectrum(bunch.data[:, 0], sr=bunch.sr, band=(2000.0, 4000.0))
    assert spectrum.shape == (2, len(freqs))
    bpfo = bunch.defect_frequencies["BPFO"]
    for row in spectrum:
        above = freqs > 20  # skip the envelope's slow drift
        assert abs(freqs[above][np.argmax(row[above])] - bpfo) <= 1.0


def test_order_spectrum_lines_up_speeds():
    sr, n = 4000.0, 8000
    t = np.arange(n) / sr
    spectra = []
    for rpm in (1200.0, 1800.0):
        fr = rpm / 60
        x = 0.7 * np.sin(2 * np.pi * 3 * fr * t) + 0.2 * np.sin(2 * np.pi * 5.5 * fr * t)
        orders, spectrum = order_spectrum(x, sr=sr, rpm=rpm, max_order=8.0, resolution=0.5)
        spectra.append(spectrum)
        assert spectrum[orders == 3.0][0] == pytest.approx(0.7, rel=1e-6)
        assert spectrum[orders == 5.5][0] == pytest.approx(0.2, rel=1e-6)
    np.testing.assert_allclose(spectra[0], spectra[1], atol=1e-6)
    assert orders.tolist() == [0.5 * k for k in range(17)]


def test_order_spectrum_per_series_speed_and_envelope():
    sr, n = 4000.0, 4000
    t = np.arange(n) / sr
    rpms = np.array([1200.0, 1500.0])
    x = np.stack([(1 + 0.5 * np.cos(2 * np.pi * 4 * (r / 60) * t)) * np.cos(2 * np.pi * 1000 * t)
                  for r in rpms])
    orders, spectrum = order_spectrum(x, sr=sr, rpm=rpms, max_order=10.0, resolution=0.25,
                                      envelope=True)
    assert spectrum.shape == (2, 41)
    assert orders[np.argmax(spectrum, axis=1)].tolist() == [4.0, 4.0]


def test_order_spectrum_errors():
    with pytest.raises(ValueError, match=re.escape(
            "max_order * rpm / 60 must be at most the Nyquist frequency sr/2=500; got "
            "max_order=20.0 at rpm=1800 (600 Hz). Lower max_order.")):
        order_spectrum(np.zeros(1000), sr=1000.0, rpm=1800.0)
    with pytest.raises(ValueError, match="rpm must be"):
        order_spectrum(np.zeros(1000), sr=1000.0, rpm=-1.0)
    with pytest.raises(ValueError, match="broadcastable"):
        order_spectrum(np.zeros((3, 1000)), sr=1000.0, rpm=[600.0, 700.0], max_order=5.0)


# Spectral kurtosis and the kurtogram -------------------------------------------------------


def test_spectral_kurtosis_hand_cases():
    # A pure tone on a bin: |X| is the same in every frame, <|X|^4>/<|X|^2>^2 = 1, SK = -1.
    t = np.arange(8192) / 1000.0
    freqs, sk = spectral_kurtosis(np.cos(2 * np.pi * 125.0 * t), sr=1000.0, n_fft=64)
    assert freqs[8] == 125.0
    assert sk[8] == pytest.approx(-1.0, abs=1e-6)
    # Stationary Gaussian noise: |X|^2 is exponential, <|X|^4> = 2 <|X|^2>^2, SK ~ 0.
    noise = np.random.default_rng(0).normal(size=2**16)
    _, sk = spectral_kurtosis(noise, sr=1000.0, n_fft=64, hop=64)
    assert np.abs(sk[2:-2]).max() < 0.15
    # Two frames by hand: |X(f)|^2 = 4 and 0 -> <|X|^4> = 8, <|X|^2>^2 = 4, SK = 0.
    frame = np.cos(2 * np.pi * np.arange(8) / 4) / scipy.signal.get_window("hann", 8)[2]
    x = np.concatenate([np.zeros(8), np.zeros(8)])
    x[:8] = np.where(np.arange(8) == 2, frame, 0.0)
    _, by_hand = spectral_kurtosis(x, sr=8.0, n_fft=8, hop=8)
    power = np.abs(np.fft.rfft(x[:8] * scipy.signal.get_window("hann", 8))) ** 2
    expected = np.where(power > 0, (power**2 / 2) / (power / 2) ** 2 - 2, 0.0)
    np.testing.assert_allclose(by_hand, expected)


def test_kurtogram_finds_the_band_of_the_impulses():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 16384))
    t = np.arange(300) / 12000.0
    ring = np.exp(-400 * t) * np.sin(2 * np.pi * 4000.0 * t)
    for start in range(0, 16000, 700):
        x[0, start : start + 300] += 6 * ring
    bands, sk = kurtogram(x, sr=12000.0, min_bandwidth=500.0)
    assert bands.shape == (2, 2) and sk.shape == (2,)
    assert bands[0, 0] < 4000.0 < bands[0, 1]
    assert bands[0, 1] - bands[0, 0] >= 500.0
    assert sk[0] > 1.0 > abs(sk[1])
    assert np.all(bands > 0) and np.all(bands < 6000.0)


def test_kurtogram_and_spectral_kurtosis_errors():
    x = np.zeros(64)
    with pytest.raises(ValueError, match=re.escape("n_fft must be an int in [4, 64]; got n_fft=128.")):
        spectral_kurtosis(x, sr=100.0, n_fft=128)
    with pytest.raises(TypeError, match=re.escape("n_ffts must be a non-empty tuple of ints in [4, "
                                                  "n_timepoints=64]; got n_ffts=8.")):
        kurtogram(x, sr=100.0, n_ffts=8)
    with pytest.raises(ValueError, match=re.escape("No band of n_ffts=(8, 16) is at least "
                                                   "min_bandwidth=60 Hz wide")):
        kurtogram(x, sr=100.0, n_ffts=(8, 16), min_bandwidth=60.0)


# bearing_features ----------------------------------------------------------------------


def _fault(fault, seed=0, **kwargs):
    params = dict(duration=0.4, noise=0.2, speed_variation=0.0, load_variation=0.0, random_state=seed)
    params.update(kwargs)
    return make_bearing_vibration(1, faults=(fault,), **params).data[0, 0]


_SKF = dict(n_balls=9, ball_diameter=7.94, pitch_diameter=39.04)


@pytest.mark.parametrize("fault, line", [("inner_race", "BPFI_1x"), ("outer_race", "BPFO_1x"),
                                         ("ball", "2xBSF_1x")])
def test_bearing_features_peak_at_the_fault_line(fault, line):
    names, features = bearing_features(_fault(fault), sr=12000.0, rpm=1797.0, **_SKF)
    healthy = bearing_features(_fault("healthy"), sr=12000.0, rpm=1797.0, **_SKF)[1]
    i = names.index(line)
    assert features[i] > 2.0 > healthy[i]
    assert features[i] >= np.sort(features[:-2])[-3]  # among the strongest lines


def test_bearing_features_do_not_depend_on_gain_and_follow_the_speed():
    x = _fault("outer_race", rpm=1500.0)
    names, a = bearing_features(x, sr=12000.0, rpm=1500.0, **_SKF)
    _, b = bearing_features(250.0 * x, sr=12000.0, rpm=1500.0, **_SKF)
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)  # float32 series
    _, wrong_speed = bearing_features(x, sr=12000.0, rpm=1797.0, **_SKF)
    assert a[names.index("BPFO_1x")] > wrong_speed[names.index("BPFO_1x")] + 1.0
    # one speed per series
    _, both = bearing_features(np.stack([x, x]), sr=12000.0, rpm=[1500.0, 1797.0], **_SKF)
    np.testing.assert_allclose(both, np.stack([a, wrong_speed]), rtol=1e-5, atol=1e-6)


def test_bearing_features_drop_lines_two_defects_share():
    names, _ = bearing_features(_fault("healthy"), sr=12000.0, rpm=1797.0, **CWRU_DE)
    # BPFO 3x (10.754 orders) and BPFI 2x (10.830) are 0.7% apart on the CWRU bearing.
    assert "BPFO_3x" not in names and "BPFI_2x" not in names
    assert {"BPFI_1x", "BPFO_1x", "2xBSF_1x", "FTF_1x", "kurtosis", "spectral_kurtosis"} <= set(names)


def test_cepstrum_prewhiten_flattens_the_magnitude_and_keeps_the_phase():
    # hand case: a scaled delta has a flat spectrum already; it becomes the unit delta
    x = np.zeros(32)
    x[5] = 3.0
    np.testing.assert_allclose(cepstrum_prewhiten(x), np.eye(32)[5], atol=1e-12)
    rng = np.random.default_rng(0)
    y = rng.normal(size=(2, 3, 101))
    whitened = cepstrum_prewhiten(y)
    assert whitened.shape == y.shape
    np.testing.assert_allclose(np.abs(np.fft.rfft(whitened)), 1.0)
    np.testing.assert_allclose(np.angle(np.fft.rfft(whitened)), np.angle(np.fft.rfft(y)), atol=1e-9)
    np.testing.assert_array_equal(cepstrum_prewhiten(np.zeros(16)), np.zeros(16))


def test_bearing_features_of_the_prewhitened_envelope():
    x = _fault("ball")
    names, plain = bearing_features(x, sr=12000.0, rpm=1797.0, **_SKF)
    both_names, both = bearing_features(x, sr=12000.0, rpm=1797.0, cepstrum_prewhitening=True, **_SKF)
    lines = names[:-2]
    assert both_names == [f"cpw_{name}" for name in lines] + names
    np.testing.assert_allclose(both[len(lines):], plain)
    healthy = bearing_features(_fault("healthy"), sr=12000.0, rpm=1797.0, cepstrum_prewhitening=True,
                               **_SKF)[1]
    i = both_names.index("cpw_2xBSF_1x")
    assert both[i] > 1.0 > healthy[i]
    with pytest.raises(TypeError, match=re.escape(
            "cepstrum_prewhitening must be True or False; got cepstrum_prewhitening=1 (int).")):
        bearing_features(x, sr=12000.0, rpm=1797.0, cepstrum_prewhitening=1, **_SKF)


def test_bearing_features_errors():
    x = np.random.default_rng(0).normal(size=1024)
    with pytest.raises(ValueError, match=re.escape(
            "x (the windows) must have at least 2012 timepoints to resolve the cage frequency FTF=11.9 Hz "
            "(two bins of sr / n_timepoints per FTF at sr=12000 and rpm=1797); got windows of 1024 "
            "timepoints. Use longer windows.")):
        bearing_features(x, sr=12000.0, rpm=1797.0, **CWRU_DE)
    with pytest.raises(ValueError, match=re.escape("sr must be more than twice the highest envelope line")):
        bearing_features(np.zeros(4096), sr=1000.0, rpm=1797.0, **CWRU_DE)
    with pytest.raises(ValueError, match=re.escape("ball_diameter must be smaller than pitch_diameter=1.0")):
        bearing_features(x, sr=12000.0, rpm=1797.0, n_balls=9, ball_diameter=2.0, pitch_diameter=1.0)
    with pytest.raises(ValueError, match=re.escape("rpm must hold positive, finite shaft speeds in "
                                                   "revolutions per minute; got rpm=-5.0.")):
        bearing_features(x, sr=12000.0, rpm=-5.0, **CWRU_DE)
    with pytest.raises(ValueError, match=re.escape("rpm must hold positive, finite shaft speeds in "
                                                   "revolutions per minute; got 1 values that are not.")):
        bearing_features(np.stack([x, x]), sr=12000.0, rpm=[1797.0, np.nan], **CWRU_DE)
