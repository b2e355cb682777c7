"""make_bearing_vibration: shapes, physics checked by hand and by envelope analysis, errors."""

import re

import numpy as np
import pytest
from scipy import signal

from sigconv.datasets import make_bearing_vibration
from sigconv.datasets._bearing import _defect_frequencies

CWRU = dict(n_balls=9, ball_diameter=7.94, pitch_diameter=39.04)


def test_bunch_shapes_and_types():
    bunch = make_bearing_vibration(6, duration=0.2, random_state=0)
    assert bunch.data.shape == (24, 1, 2400) and bunch.data.dtype == np.float32
    assert bunch.target.shape == (24,) and bunch.target.dtype.kind == "U"
    assert bunch.target_names.tolist() == ["healthy", "inner_race", "outer_race", "ball"]
    assert {name: int((bunch.target == name).sum()) for name in bunch.target_names} == dict.fromkeys(
        bunch.target_names.tolist(), 6)
    assert bunch.rpm.shape == bunch.load.shape == (24,)
    assert np.all(np.abs(bunch.rpm / 1797.0 - 1) <= 0.02)
    assert np.all(np.abs(bunch.load - 1) <= 0.2)
    assert bunch.sr == 12000.0 and "bearing" in bunch.DESCR
    assert set(bunch.defect_frequencies) == {"shaft", "FTF", "BPFO", "BPFI", "BSF"}
    X, y = make_bearing_vibration(6, duration=0.2, random_state=0, return_X_y=True)
    np.testing.assert_array_equal(X, bunch.data)
    np.testing.assert_array_equal(y, bunch.target)


def test_defect_frequencies_match_the_published_cwru_values():
    """CWRU publishes the 6205-2RS JEM frequencies as multiples of the shaft speed."""
    frequencies = _defect_frequencies(60.0, **CWRU)  # 1 Hz shaft: the values are the multiples
    assert frequencies["shaft"] == 1.0
    np.testing.assert_allclose(frequencies["BPFI"], 5.4152, rtol=1e-4)
    np.testing.assert_allclose(frequencies["BPFO"], 3.5848, rtol=1e-4)
    np.testing.assert_allclose(frequencies["FTF"], 0.39828, rtol=1e-4)
    np.testing.assert_allclose(2 * frequencies["BSF"], 4.7135, rtol=1e-4)  # CWRU lists 2 x BSF
    # contact angle: d/D is scaled by cos(a); 60 degrees halves it
    tilted = _defect_frequencies(60.0, n_balls=9, ball_diameter=7.94, pitch_diameter=39.04,
                                 contact_angle=60.0)
    np.testing.assert_allclose(tilted["BPFO"], 4.5 * (1 - 7.94 / 39.04 / 2))
    # arrays of speeds
    np.testing.assert_allclose(_defect_frequencies(np.array([60.0, 120.0]), **CWRU)["BPFO"],
                               [3.5848, 7.1696], rtol=1e-4)


def test_reproducible_and_shuffle_is_a_permutation():
    a = make_bearing_vibration(3, duration=0.1, random_state=7)
    b = make_bearing_vibration(3, duration=0.1, random_state=np.random.default_rng(7))
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(a.target, b.target)
    c = make_bearing_vibration(3, duration=0.1, random_state=8)
    assert not np.array_equal(a.data, c.data)
    ordered = make_bearing_vibration(3, duration=0.1, random_state=7, shuffle=False)
    assert ordered.target.tolist() == ["healthy"] * 3 + ["inner_race"] * 3 + ["outer_race"] * 3 + ["ball"] * 3
    order = [int(np.flatnonzero((ordered.data == x).all(axis=(1, 2)))[0]) for x in a.data]
    assert sorted(order) == list(range(12))
    np.testing.assert_array_equal(ordered.target[order], a.target)
    np.testing.assert_array_equal(ordered.rpm[order], a.rpm)


def test_clean_impulses_peak_at_the_load_and_come_at_bpfo():
    """Without noise, shaft components, slip or speed variation, each impulse peaks at the load."""
    bunch = make_bearing_vibration(4, faults=("outer_race",), duration=0.5, noise=0.0, imbalance=0.0,
                                   slip=0.0, speed_variation=0.0, random_state=0)
    bpfo = bunch.defect_frequencies["BPFO"]
    period = bunch.sr / bpfo  # in samples
    for x, load in zip(bunch.data[:, 0], bunch.load):
        np.testing.assert_allclose(np.abs(x).max(), load, rtol=1e-3)
        peaks, _ = signal.find_peaks(np.abs(x[200:]), height=0.5 * load, distance=int(0.5 * period))
        assert abs(len(peaks) - bpfo * (len(x) - 200) / bunch.sr) <= 1
        np.testing.assert_allclose(np.diff(peaks).mean(), period, rtol=0.01)


def test_inner_race_amplitude_is_modulated_outer_race_is_not():
    common = dict(duration=1.0, noise=0.0, imbalance=0.0, slip=0.0, load_variation=0.0,
                  modulation_depth=0.6, random_state=1)
    for fault, low in (("inner_race", 0.4), ("outer_race", 1.0)):
        x = make_bearing_vibration(1, faults=(fault,), **common).data[0, 0]
        rate = {"inner_race": "BPFI", "outer_race": "BPFO"}[fault]
        period = 12000 / _defect_frequencies(1797.0, **CWRU)[rate]
        x = x[200:]  # the sample opens on the decaying tail of an earlier impulse
        heights = signal.find_peaks(np.abs(x), height=0.2, distance=int(0.5 * period))[1]["peak_heights"]
        assert heights.max() <= 1.0 + 1e-3
        np.testing.assert_allclose(heights.min(), low, atol=0.02)


def test_healthy_without_noise_is_the_shaft_only():
    bunch = make_bearing_vibration(1, faults=("healthy",), duration=2.0, noise=0.0,
                                   speed_variation=0.0, random_state=0)
    x = bunch.data[0, 0].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(x)) / len(x) * 2
    freqs = np.fft.rfftfreq(len(x), 1 / bunch.sr)
    shaft = bunch.defect_frequencies["shaft"]
    at = lambda f: spectrum[np.abs(freqs - f) <= 1.0].max()  # noqa: E731
    assert at(shaft) > 0.15 and at(2 * shaft) > 0.07  # 0.2 and 0.1, less leakage
    assert spectrum[freqs > 100].max() < 0.01
    silent = make_bearing_vibration(1, faults=("healthy",), noise=0.0, imbalance=0.0, random_state=0)
    assert not silent.data.any()


def test_noise_level():
    x = make_bearing_vibration(2, faults=("healthy",), imbalance=0.0, noise=0.3, random_state=0).data
    np.testing.assert_allclose(x.std(), 0.3, rtol=0.03)


def _envelope_spectrum(x, sr):
    sos = signal.butter(4, [2000, 4000], btype="bandpass", fs=sr, output="sos")
    envelope = np.abs(signal.hilbert(signal.sosfiltfilt(sos, x.astype(np.float64))))
    spectrum = np.abs(np.fft.rfft(envelope - envelope.mean()))
    return np.fft.rfftfreq(len(x), 1 / sr), spectrum


@pytest.fixture(scope="module")
def bunch():
    return make_bearing_vibration(10, random_state=0)


@pytest.mark.parametrize("fault, rate", [("outer_race", "BPFO"), ("inner_race", "BPFI"), ("ball", "2BSF")])
def test_envelope_spectrum_peaks_at_the_fault_frequency(bunch, fault, rate):
    for i in np.flatnonzero(bunch.target == fault):
        frequencies = _defect_frequencies(bunch.rpm[i], **CWRU)
        expected = 2 * frequencies["BSF"] if rate == "2BSF" else frequencies[rate]
        freqs, spectrum = _envelope_spectrum(bunch.data[i, 0], bunch.sr)
        band = (freqs > 20) & (freqs < 500)
        peak = freqs[band][np.argmax(spectrum[band])]
        harmonic = round(peak / expected)
        assert harmonic in (1, 2, 3) and abs(peak - harmonic * expected) <= 3 * harmonic, (i, peak)
        # and the fundamental itself stands far above the background
        near = np.abs(freqs - expected) <= 3
        assert spectrum[near].max() > 4 * np.median(spectrum[band])


def test_healthy_envelope_shows_no_fault_frequency(bunch):
    for i in np.flatnonzero(bunch.target == "healthy"):
        frequencies = _defect_frequencies(bunch.rpm[i], **CWRU)
        freqs, spectrum = _envelope_spectrum(bunch.data[i, 0], bunch.sr)
        band = (freqs > 20) & (freqs < 500)
        for expected in (frequencies["BPFO"], frequencies["BPFI"], 2 * frequencies["BSF"]):
            near = np.abs(freqs - expected) <= 3
            assert spectrum[near].max() < 3 * np.median(spectrum[band])


def test_a_simple_classifier_separates_the_classes():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = make_bearing_vibration(20, random_state=1, return_X_y=True)
    features = []
    for x in X[:, 0]:
        freqs, spectrum = _envelope_spectrum(x, 12000.0)
        edges = np.arange(20, 520, 10)  # 10 Hz bands of the envelope spectrum up to 500 Hz
        features.append([np.log(spectrum[(freqs >= a) & (freqs < a + 10)].sum() ** 2) for a in edges])
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    accuracy = cross_val_score(model, np.array(features), y, cv=4).mean()
    assert accuracy >= 0.9  # chance is 0.25


@pytest.mark.parametrize("kwargs, error, message", [
    ({"n_samples_per_class": 0}, ValueError, "n_samples_per_class must be an int >= 1; got n_samples_per_class=0."),
    ({"faults": "ball"}, TypeError,
     "faults must be a non-empty tuple or list of distinct names from ('healthy', 'inner_race', "
     "'outer_race', 'ball'); got faults='ball'. For one class, pass faults=('ball',)."),
    ({"faults": ("ball", "ball")}, ValueError, "faults must be a non-empty tuple or list of distinct names"),
    ({"faults": ()}, ValueError, "got faults=()."),
    ({"faults": ("cage",)}, ValueError, "got faults=('cage',)."),
    ({"faults": [["ball"]]}, TypeError, "got faults=[['ball']]."),
    ({"sr": 0}, ValueError, "sr must be a number > 0; got sr=0.0."),
    ({"duration": 1e-5}, ValueError,
     "sr * duration must give at least 2 timepoints; got sr=12000.0 and duration=1e-05 (0 timepoints)."),
    ({"rpm": -1}, ValueError, "rpm must be a number > 0; got rpm=-1.0."),
    ({"speed_variation": 1.0}, ValueError, "speed_variation must be a number in [0, 1); got speed_variation=1.0."),
    ({"noise": -0.1}, ValueError, "noise must be a number >= 0; got noise=-0.1."),
    ({"resonance_hz": 7000.0}, ValueError,
     "resonance_hz must be a number in (0, 6000.0); got resonance_hz=7000.0. It must lie below the "
     "Nyquist frequency sr/2=6000.0; raise sr or lower it."),
    ({"damping": 1.0}, ValueError, "damping must be a number in (0, 1); got damping=1.0."),
    ({"slip": 0.2}, ValueError, "slip must be a number in [0, 0.1]; got slip=0.2."),
    ({"ball_diameter": 40.0}, ValueError,
     "ball_diameter must be smaller than pitch_diameter=39.04; got ball_diameter=40.0."),
    ({"n_balls": 2.5}, TypeError, "n_balls must be an int >= 1; got n_balls=2.5 (float)."),
    ({"contact_angle": 90}, ValueError, "contact_angle must be a number in [0, 90); got contact_angle=90.0."),
    ({"shuffle": 1}, TypeError, "shuffle must be True or False; got shuffle=1 (int)."),
    ({"random_state": "seed"}, TypeError,
     "random_state must be None, an int, a numpy.random.RandomState or a numpy.random.Generator; "
     "got random_state='seed'."),
])
def test_bad_parameters(kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        make_bearing_vibration(**kwargs)


# Calibration to healthy windows -----------------------------------------------------------


def _healthy_like(seed=0, n=6):
    """Healthy windows of a 'machine': noise coloured by a resonance band at 2-3 kHz."""
    import scipy.signal

    rng = np.random.default_rng(seed)
    sos = scipy.signal.butter(4, [2000.0, 3000.0], btype="bandpass", fs=12000.0, output="sos")
    return 0.05 * scipy.signal.sosfilt(sos, rng.normal(size=(n, 4000)), axis=-1) + 0.002 * rng.normal(size=(n, 4000))


def test_calibrate_bearing_model_estimates_the_machine():
    from sigconv.datasets import calibrate_bearing_model

    healthy = _healthy_like()
    params = calibrate_bearing_model(healthy, sr=12000.0)
    low, high = params["resonance_hz"]
    assert 1800.0 <= low < high <= 3200.0  # the band that holds the machine's power
    assert params["noise"] == 0.0 and params["imbalance"] == 0.0
    rms = float(np.std(healthy))
    # impulse peaks uniform in [0.5, 4] x RMS
    assert params["load"] * (1 - params["load_variation"]) == pytest.approx(0.5 * rms, rel=0.02)
    assert params["load"] * (1 + params["load_variation"]) == pytest.approx(4.0 * rms, rel=0.02)
    assert params["background"].shape == (6, 4000)


def test_make_bearing_vibration_on_a_background_with_randomised_parameters():
    from sigconv.datasets import calibrate_bearing_model

    healthy = _healthy_like()
    params = calibrate_bearing_model(healthy, sr=12000.0)
    bunch = make_bearing_vibration(4, faults=("healthy", "outer_race"), duration=0.25, random_state=0,
                                   shuffle=False, **params)
    assert bunch.data.shape == (8, 1, 3000)
    # a healthy sample is a stretch of a background window, nothing added
    sample = bunch.data[0, 0].astype(np.float64)
    found = any(np.allclose(sample, w[s : s + 3000], atol=1e-6)
                for w in healthy for s in range(0, 1001))
    assert found
    # faults ring inside the calibrated band: most of their extra power lies there
    import scipy.signal

    f, p = scipy.signal.welch(bunch.data[4:, 0], fs=12000.0, nperseg=256)
    low, high = params["resonance_hz"]
    inside = (f >= low - 500) & (f <= high + 500)
    assert p[:, inside].sum() / p.sum() > 0.8
    assert "resonance at" in bunch.DESCR


def test_parameter_ranges_and_background_errors():
    common = dict(duration=0.1, random_state=0)
    with pytest.raises(ValueError, match=re.escape("damping must be a (low, high) pair with low <= high; "
                                                   "got damping=(0.2, 0.1).")):
        make_bearing_vibration(2, damping=(0.2, 0.1), **common)
    with pytest.raises(TypeError, match=re.escape("slip must be a number or a (low, high) pair; got slip=(0.1,).")):
        make_bearing_vibration(2, slip=(0.1,), **common)
    with pytest.raises(ValueError, match=re.escape("resonance_hz[1] must be a number in (0, 6000.0)")):
        make_bearing_vibration(2, resonance_hz=(1000.0, 7000.0), **common)
    with pytest.raises(ValueError, match=re.escape(
            "background must be healthy windows of shape (n_windows, n_timepoints_b) or "
            "(n_windows, 1, n_timepoints_b) with n_timepoints_b >= round(sr * duration)=1200; got an "
            "array of shape (3, 100). Pass longer windows or a shorter duration.")):
        make_bearing_vibration(2, background=np.zeros((3, 100)), **common)
    from sigconv.datasets import calibrate_bearing_model

    with pytest.raises(ValueError, match=re.escape("healthy must not be constant")):
        calibrate_bearing_model(np.ones((2, 400)), sr=12000.0)
    with pytest.raises(ValueError, match=re.escape("impulse_range must be a (low, high) pair with low < high")):
        calibrate_bearing_model(_healthy_like(), sr=12000.0, impulse_range=(4.0, 1.0))


def test_ranges_draw_per_sample_and_fixed_values_keep_seeded_output():
    a = make_bearing_vibration(3, duration=0.1, random_state=3)
    b = make_bearing_vibration(3, duration=0.1, random_state=3, damping=(0.05, 0.05), slip=(0.01, 0.01))
    np.testing.assert_array_equal(a.data, b.data)
    c = make_bearing_vibration(3, duration=0.1, random_state=3, damping=(0.02, 0.2))
    assert not np.array_equal(a.data, c.data)
