"""Golden outputs of every transform and layer on fixed inputs.

``CASES`` maps a case name to a function returning a NumPy array; the
outputs recorded from it live in ``transforms.npz`` beside this file and
``tests/golden/test_transforms.py`` checks that the code still gives them
bitwise (on CPU). Run this script only when a change of output is intended
and explained in the commit message::

    PYTHONPATH=$PWD python tests/golden/record_transforms.py
"""

import pathlib

import numpy as np

PATH = pathlib.Path(__file__).with_name("transforms.npz")


def _inputs():
    rng = np.random.default_rng(20261208)
    t = np.linspace(0.0, 1.0, 256, endpoint=False)
    tones = np.stack([np.sin(2 * np.pi * 40 * t), np.sign(np.sin(2 * np.pi * 13 * t)) * 0.5])
    long = (tones[None] + 0.3 * rng.standard_normal((2, 2, 256))).astype(np.float32)  # (2, 2, 256)
    short = rng.standard_normal((2, 2, 24)).astype(np.float32)  # (2, 2, 24)
    unit = np.tanh(short).astype(np.float32)  # in (-1, 1) for sample_range=None
    ties = np.round(short * 2).astype(np.float32)  # repeated values: tied quantiles
    ragged = [long[0, :, :200], long[1, :, :256]]
    return long, short, unit, ties, ragged


def _layer(layer, x):
    """Layer output on channel-first series ``x``, as NumPy."""
    import keras

    return keras.ops.convert_to_numpy(layer(np.ascontiguousarray(np.transpose(x, (0, 2, 1)))))


def build_cases():
    from sigconv import functional as F
    from sigconv import layers as L
    from sigconv import transformers as T

    long, short, unit, ties, ragged = _inputs()
    spec = {"n_fft": 32, "hop_length": 16}
    mel = {"sr": 800, "n_fft": 32, "hop_length": 16, "n_mels": 10}
    mfcc = {"sr": 800, "n_fft": 32, "hop_length": 16, "n_mels": 12, "n_mfcc": 6}
    cases = {
        # functional
        "f_stft_real": lambda: F.stft(long[:, 0], **spec).real,
        "f_stft_imag": lambda: F.stft(long[:, 0], **spec).imag,
        "f_stft_win_reflect": lambda: np.abs(
            F.stft(long[:, 0], n_fft=32, hop_length=8, win_length=20, window=("kaiser", 8.0), pad_mode="reflect")
        ),
        "f_spectrogram": lambda: F.spectrogram(long, **spec),
        "f_spectrogram_f64_p1_nocenter": lambda: F.spectrogram(
            long.astype(np.float64), n_fft=32, hop_length=8, center=False, power=1.0
        ),
        "f_spectrogram_p15": lambda: F.spectrogram(long, **spec, power=1.5, window="hamming"),
        "f_mel_spectrogram": lambda: F.mel_spectrogram(long, **mel),
        "f_mel_spectrogram_htk": lambda: F.mel_spectrogram(long, **mel, htk=True, norm=None, fmin=20.0, fmax=300.0),
        "f_mfcc": lambda: F.mfcc(long, **mfcc),
        "f_mfcc_lifter_dct1": lambda: F.mfcc(long, **mfcc, lifter=4.0, dct_type=1, norm=None, top_db=None),
        "f_mfcc_dct3_f64": lambda: F.mfcc(long.astype(np.float64), **mfcc, dct_type=3, mel_norm=None, top_db=40.0),
        "f_delta": lambda: F.delta(F.mfcc(long, **mfcc), width=5, order=1),
        "f_delta2": lambda: F.delta(F.mfcc(long, **mfcc), width=3, order=2),
        "f_power_to_db": lambda: F.power_to_db(F.spectrogram(long, **spec)),
        "f_power_to_db_max": lambda: F.power_to_db(F.spectrogram(long, **spec), ref="max", top_db=30.0),
        "f_power_to_db_ref": lambda: F.power_to_db(F.spectrogram(long, **spec), ref=3.0, amin=1e-6, top_db=None),
        "f_amplitude_to_db": lambda: F.amplitude_to_db(F.spectrogram(long, **spec, power=1.0)),
        "f_amplitude_to_db_complex": lambda: F.amplitude_to_db(F.stft(long, **spec), ref="max"),
        "f_mel_filterbank": lambda: F.mel_filterbank(sr=800, n_fft=32, n_mels=10),
        "f_dct_matrix": lambda: F.dct_matrix(6, 12),
        "f_dct_matrix_1": lambda: F.dct_matrix(5, 12, dct_type=1, norm=None),
        "f_gasf": lambda: F.gramian_angular_field(short),
        "f_gadf": lambda: F.gramian_angular_field(short, method="difference"),
        "f_gasf_paa_range": lambda: F.gramian_angular_field(short, image_size=10, sample_range=(0.0, 1.0)),
        "f_gadf_up_none": lambda: F.gramian_angular_field(unit, method="difference", image_size=30, sample_range=None),
        "f_gasf_none": lambda: F.gramian_angular_field(unit, sample_range=None),
        "f_gasf_constant": lambda: F.gramian_angular_field(np.ones((2, 8), np.float32), method="summation"),
        "f_mtf_quantile": lambda: F.markov_transition_field(short),
        "f_mtf_uniform_paa": lambda: F.markov_transition_field(short, n_bins=4, strategy="uniform", image_size=10),
        "f_mtf_normal_up": lambda: F.markov_transition_field(short, n_bins=3, strategy="normal", image_size=30),
        "f_mtf_ties": lambda: F.markov_transition_field(ties, n_bins=6),
        "f_mtf_f64": lambda: F.markov_transition_field(short.astype(np.float64), n_bins=4, image_size=7),
        "f_rp": lambda: F.recurrence_plot(short),
        "f_rp_embed": lambda: F.recurrence_plot(short, dimension=3, time_delay=2),
        "f_rp_absolute": lambda: F.recurrence_plot(short, threshold="absolute", epsilon=0.5),
        "f_rp_point": lambda: F.recurrence_plot(short, dimension=2, threshold="point", percentage=20.0),
        "f_rp_distance_paa": lambda: F.recurrence_plot(
            long, dimension=2, time_delay=3, threshold="distance", percentage=30.0, image_size=12
        ),
        "f_paa": lambda: F.paa(long, 10),
        "f_paa_up": lambda: F.paa(short, 40),
        "f_resampling_matrix": lambda: F.resampling_matrix(7, 3),
        "f_resampling_matrix_up": lambda: F.resampling_matrix(3, 7),
        "f_resize_image": lambda: F.resize_image(F.spectrogram(long, **spec), (8, 20)),
        # transformers
        "t_spectrogram": lambda: T.Spectrogram(**spec).fit_transform(long),
        "t_spectrogram_db": lambda: T.Spectrogram(**spec, db=True).fit_transform(long),
        "t_spectrogram_db_p1_max": lambda: T.Spectrogram(
            **spec, power=1.0, db=True, ref="max", top_db=40.0, window="hamming"
        ).fit_transform(long),
        "t_spectrogram_size": lambda: T.Spectrogram(**spec, db=True, image_size=(8, 12)).fit_transform(long),
        "t_spectrogram_ragged": lambda: T.Spectrogram(**spec, image_size=10).fit_transform(ragged),
        "t_spectrogram_flat": lambda: T.Spectrogram(**spec, pad_mode="reflect", flatten=True).fit_transform(
            long[:, 0]
        ),
        "t_mel": lambda: T.MelSpectrogram(**mel).fit_transform(long),
        "t_mel_db": lambda: T.MelSpectrogram(**mel, db=True, htk=True, image_size=8).fit_transform(long),
        "t_mel_p1_db": lambda: T.MelSpectrogram(**mel, power=1.0, db=True, ref="max").fit_transform(long),
        "t_mfcc": lambda: T.MFCC(**mfcc).fit_transform(long),
        "t_mfcc_deltas": lambda: T.MFCC(**mfcc, deltas=2, delta_width=5, lifter=3.0).fit_transform(long),
        "t_mfcc_delta1_size": lambda: T.MFCC(**mfcc, deltas=1, delta_width=3, image_size=(6, 8)).fit_transform(
            long
        ),
        "t_mfcc_ragged": lambda: T.MFCC(**mfcc, deltas=1, delta_width=3, image_size=9).fit_transform(ragged),
        "t_gasf": lambda: T.GramianAngularField().fit_transform(short),
        "t_gadf_size": lambda: T.GramianAngularField(method="difference", image_size=10).fit_transform(long),
        "t_gaf_none": lambda: T.GramianAngularField(sample_range=None, flatten=True).fit_transform(unit[:, 0]),
        "t_gaf_ragged": lambda: T.GramianAngularField(image_size=12).fit_transform(ragged),
        "t_mtf": lambda: T.MarkovTransitionField().fit_transform(short),
        "t_mtf_uniform_size": lambda: T.MarkovTransitionField(n_bins=4, strategy="uniform", image_size=10).fit_transform(
            long
        ),
        "t_mtf_normal": lambda: T.MarkovTransitionField(n_bins=3, strategy="normal").fit_transform(short),
        "t_rp": lambda: T.RecurrencePlot().fit_transform(short),
        "t_rp_embed_point": lambda: T.RecurrencePlot(
            dimension=3, time_delay=2, threshold="point", percentage=15.0
        ).fit_transform(short),
        "t_rp_absolute_size": lambda: T.RecurrencePlot(
            threshold="absolute", epsilon=0.4, image_size=12
        ).fit_transform(long),
        "t_rp_distance": lambda: T.RecurrencePlot(dimension=2, threshold="distance", percentage=25.0).fit_transform(
            short
        ),
        "t_stack": lambda: T.ImageStack(
            [
                ("gasf", T.GramianAngularField(image_size=12)),
                ("gadf", T.GramianAngularField(method="difference", image_size=12)),
                ("mtf", T.MarkovTransitionField(image_size=12)),
                ("rp", T.RecurrencePlot(image_size=12)),
                ("mfcc", T.MFCC(**mfcc, deltas=1, delta_width=3, image_size=12)),
            ]
        ).fit_transform(long),
        "t_stack_flat": lambda: T.ImageStack(
            [("s", T.Spectrogram(**spec, db=True)), ("m", T.MelSpectrogram(**{**mel, "n_mels": 17}))], flatten=True
        ).fit_transform(long),
        # layers
        "l_spectrogram": lambda: _layer(L.Spectrogram(**spec), long),
        "l_spectrogram_db": lambda: _layer(L.Spectrogram(**spec, db=True), long),
        "l_spectrogram_db_p1_max": lambda: _layer(
            L.Spectrogram(**spec, power=1.0, db=True, ref="max", top_db=40.0, window="hamming"), long
        ),
        "l_spectrogram_p15_reflect": lambda: _layer(
            L.Spectrogram(n_fft=32, hop_length=8, win_length=20, power=1.5, pad_mode="reflect"), long
        ),
        "l_spectrogram_nocenter_ref": lambda: _layer(
            L.Spectrogram(**spec, center=False, db=True, ref=3.0, top_db=None), long
        ),
        "l_spectrogram_size": lambda: _layer(L.Spectrogram(**spec, db=True, image_size=(8, 12)), long),
        "l_mel": lambda: _layer(L.MelSpectrogram(**mel), long),
        "l_mel_db": lambda: _layer(L.MelSpectrogram(**mel, db=True, htk=True, image_size=8), long),
        "l_mel_p1_db": lambda: _layer(L.MelSpectrogram(**mel, power=1.0, db=True, ref="max"), long),
        "l_mfcc": lambda: _layer(L.MFCC(**mfcc), long),
        "l_mfcc_deltas": lambda: _layer(L.MFCC(**mfcc, deltas=2, delta_width=5, lifter=3.0), long),
        "l_mfcc_delta1_size": lambda: _layer(L.MFCC(**mfcc, deltas=1, delta_width=3, image_size=(6, 8)), long),
        "l_mfcc_dct1": lambda: _layer(L.MFCC(**mfcc, dct_type=1, norm=None, top_db=None, mel_norm=None), long),
        "l_gasf": lambda: _layer(L.GramianAngularField(), short),
        "l_gadf_size": lambda: _layer(L.GramianAngularField(method="difference", image_size=10), long),
        "l_gaf_none_up": lambda: _layer(L.GramianAngularField(sample_range=None, image_size=30), unit),
        "l_gasf_range": lambda: _layer(L.GramianAngularField(sample_range=(0.0, 0.5)), short),
        "l_mtf": lambda: _layer(L.MarkovTransitionField(), short),
        "l_mtf_uniform_size": lambda: _layer(
            L.MarkovTransitionField(n_bins=4, strategy="uniform", image_size=10), long
        ),
        "l_mtf_normal_up": lambda: _layer(L.MarkovTransitionField(n_bins=3, strategy="normal", image_size=30), short),
        "l_mtf_ties": lambda: _layer(L.MarkovTransitionField(n_bins=6), ties),
        "l_rp": lambda: _layer(L.RecurrencePlot(), short),
        "l_rp_embed_point": lambda: _layer(
            L.RecurrencePlot(dimension=3, time_delay=2, threshold="point", percentage=15.0), short
        ),
        "l_rp_absolute_size": lambda: _layer(L.RecurrencePlot(threshold="absolute", epsilon=0.4, image_size=12), long),
        "l_rp_distance": lambda: _layer(L.RecurrencePlot(dimension=2, threshold="distance", percentage=25.0), short),
        "l_resize_series": lambda: _layer(L.Resize(10), long),
        "l_resize_series_up": lambda: _layer(L.Resize(40), short),
        "l_resize_image": lambda: keras_numpy(L.Resize((8, 20))(np.transpose(F.spectrogram(long, **spec), (0, 2, 3, 1)))),
        "l_stack": lambda: _layer(
            L.ImageStack(
                [
                    L.GramianAngularField(image_size=12),
                    L.GramianAngularField(method="difference", image_size=12),
                    L.MarkovTransitionField(image_size=12),
                    L.RecurrencePlot(image_size=12),
                    L.MFCC(**mfcc, deltas=1, delta_width=3, image_size=12),
                ]
            ),
            long,
        ),
    }
    return cases


def keras_numpy(tensor):
    import keras

    return keras.ops.convert_to_numpy(tensor)


def main():
    outputs = {name: np.asarray(make()) for name, make in build_cases().items()}
    np.savez_compressed(PATH, **outputs)
    size = PATH.stat().st_size
    print(f"wrote {len(outputs)} golden outputs to {PATH} ({size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
