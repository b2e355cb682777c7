"""Vibration front ends as scikit-learn transformers: band-pass, envelope and order spectra.

They output series (filtered series, or spectra with frequency or order on
the last axis), not images, so they share a small base of their own rather
than :class:`~sigconv.transformers.BaseImageTransformer`: input through
:func:`~sigconv.validation.check_series`, output float32 ``(n_samples,
n_channels, n_out)``, the layout sigconv's estimators take, so a spectrum
feeds a 1D CNN directly in a :class:`~sklearn.pipeline.Pipeline`.
"""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import _check_feature_names, check_is_fitted

from ..functional.vibration import bandpass, bandpass_sos, envelope_spectrum, order_spectrum
from ..validation import check_bool, check_float, check_series
from ..validation._series import _is_dataframe

__all__ = ["BandPass", "EnvelopeSpectrum", "OrderSpectrum"]


class _BaseSeriesTransformer(TransformerMixin, BaseEstimator):
    """Series in, float32 ``(n_samples, n_channels, n_out)`` out, over one functional.

    Subclasses implement ``_check_params()`` (validate, return keyword
    arguments for ``_apply``) and ``_apply(X, params)`` (float32 ``(n, c, t)``
    to ``(axis, (n, c, n_out))``, where ``axis`` labels the output bins and
    is stored in ``fit`` as the attribute named ``_axis_attribute``, if any).
    Series must have the length seen in ``fit``. Subclasses have a
    ``flatten`` parameter: True outputs ``(n_samples, n_channels * n_out)``,
    the 2D input of a scikit-learn classifier.
    """

    _axis_attribute = None

    def fit(self, X, y=None):
        """Check the parameters and record the channel count and length of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints)
            Training series.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        params = self._check_params()
        check_bool(self.flatten, "flatten")
        if _is_dataframe(X):
            _check_feature_names(self, X, reset=True)
        X = check_series(X, min_timepoints=2, allow_unequal_length=False)
        self.n_channels_in_ = int(X.shape[1])
        self.n_timepoints_in_ = self.n_features_in_ = int(X.shape[-1])
        axis, out = self._apply(X[:1], params)  # parameters that depend on the length fail here
        self._n_out = int(out.shape[-1])
        if self._axis_attribute is not None:
            setattr(self, self._axis_attribute, axis)
        return self

    def transform(self, X):
        """Apply the transform to each channel of each series.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints)
            Series with the channels and length seen in ``fit``.

        Returns
        -------
        Xt : ndarray of shape (n_samples, n_channels, n_out)
            float32; of shape ``(n_samples, n_channels * n_out)`` with
            ``flatten=True``.
        """
        check_is_fitted(self, "n_channels_in_")
        params = self._check_params()
        flatten = check_bool(self.flatten, "flatten")
        if _is_dataframe(X):
            _check_feature_names(self, X, reset=False)
        X = check_series(X, min_timepoints=2, n_channels=self.n_channels_in_,
                         allow_unequal_length=False)
        if X.shape[-1] != self.n_timepoints_in_:
            raise ValueError(
                f"X has {X.shape[-1]} features, but {type(self).__name__} is expecting "
                f"{self.n_timepoints_in_} features as input: series must have the "
                f"{self.n_timepoints_in_} timepoints seen in fit. Cut them into windows of that "
                "length (sigconv.monitoring.SlidingWindows)."
            )
        _, out = self._apply(X, params)
        out = np.ascontiguousarray(out, dtype=np.float32)
        return out.reshape(len(out), -1) if flatten else out

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns, defined for ``flatten=True`` only.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``"<classname><i>"`` for each of the ``n_channels * n_out`` columns.
        """
        check_is_fitted(self, "n_channels_in_")
        if not self.flatten:
            raise ValueError(
                f"{type(self).__name__} outputs 3D arrays (n_samples, n_channels, n_out), which "
                "have no column names. Set flatten=True for 2D output; "
                "set_output(transform='pandas') needs it too."
            )
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(self.n_channels_in_ * self._n_out)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = False
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags

    def _check_sr_band(self):
        sr = check_float(self.sr, "sr", min_value=0.0, closed="neither")
        if self.band is not None:
            bandpass_sos(sr=sr, band=self.band, order=self.order)
        return sr


class BandPass(_BaseSeriesTransformer):
    """Band-pass (or high-pass, low-pass) filter series with a Butterworth filter.

    A thin transformer over :func:`sigconv.functional.bandpass`.

    Parameters
    ----------
    sr : float
        Sampling rate in Hz.
    band : tuple of (float or None, float or None)
        ``(low, high)`` pass band in Hz, ``0 < low < high < sr / 2``;
        ``(low, None)`` high-pass, ``(None, high)`` low-pass.
    order : int, default=4
        Butterworth order, in [1, 16].
    zero_phase : bool, default=True
        Forward-backward filtering (no phase shift, squared magnitude
        response); False filters causally.
    flatten : bool, default=False
        Whether to output ``(n_samples, n_channels * n_out)``, the 2D input
        of a scikit-learn classifier, instead of ``(n_samples, n_channels, n_out)``.

    Attributes
    ----------
    n_channels_in_ : int
        Channels seen in ``fit``.
    n_timepoints_in_ : int
        Series length seen in ``fit``; also ``n_features_in_``.

    See Also
    --------
    sigconv.functional.bandpass : The function.
    EnvelopeSpectrum : Demodulate the band after filtering.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.transformers import BandPass
    >>> X = np.random.default_rng(0).normal(size=(4, 2, 500))
    >>> BandPass(sr=1000.0, band=(50.0, 200.0)).fit_transform(X).shape
    (4, 2, 500)
    """

    def __init__(self, *, sr, band, order=4, zero_phase=True, flatten=False):
        self.sr = sr
        self.band = band
        self.order = order
        self.zero_phase = zero_phase
        self.flatten = flatten

    def _check_params(self):
        sr = self._check_sr_band()
        if self.band is None:
            raise TypeError("band must be a (low, high) pair of frequencies in Hz; got band=None.")
        return dict(sr=sr, band=self.band, order=self.order, zero_phase=self.zero_phase)

    def _apply(self, X, params):
        return None, bandpass(X, **params)


class EnvelopeSpectrum(_BaseSeriesTransformer):
    """Envelope spectrum of series (band-pass, Hilbert demodulation, amplitude spectrum).

    A thin transformer over :func:`sigconv.functional.envelope_spectrum`.

    Parameters
    ----------
    sr : float
        Sampling rate in Hz.
    band : tuple of (float or None, float or None) or None, default=None
        Pass band demodulated (e.g. around a structural resonance); None for
        the whole series.
    order : int, default=4
        Butterworth order of the band-pass filter.
    max_frequency : float or None, default=None
        Keep the spectrum up to this frequency in Hz (bearing defect
        frequencies lie well below the resonance); None keeps all
        ``n_timepoints // 2 + 1`` bins.
    flatten : bool, default=False
        Whether to output ``(n_samples, n_channels * n_out)``, the 2D input
        of a scikit-learn classifier, instead of ``(n_samples, n_channels, n_out)``.

    Attributes
    ----------
    frequencies_ : ndarray of shape (n_out,)
        Frequencies of the output bins, in Hz.
    n_channels_in_ : int
        Channels seen in ``fit``.
    n_timepoints_in_ : int
        Series length seen in ``fit``; also ``n_features_in_``.

    See Also
    --------
    sigconv.functional.envelope_spectrum : The function.
    OrderSpectrum : The same against shaft orders.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.transformers import EnvelopeSpectrum
    >>> X = np.random.default_rng(0).normal(size=(4, 1, 1000))
    >>> envelope = EnvelopeSpectrum(sr=1000.0, band=(100.0, 300.0), max_frequency=50.0)
    >>> envelope.fit_transform(X).shape
    (4, 1, 51)
    """

    _axis_attribute = "frequencies_"

    def __init__(self, *, sr, band=None, order=4, max_frequency=None, flatten=False):
        self.sr = sr
        self.band = band
        self.order = order
        self.max_frequency = max_frequency
        self.flatten = flatten

    def _check_params(self):
        sr = self._check_sr_band()
        max_frequency = check_float(self.max_frequency, "max_frequency", min_value=0.0,
                                    max_value=sr / 2, allow_none=True)
        return dict(sr=sr, band=self.band, order=self.order, max_frequency=max_frequency)

    def _apply(self, X, params):
        params = dict(params)
        max_frequency = params.pop("max_frequency")
        frequencies, spectrum = envelope_spectrum(X, **params)
        keep = len(frequencies) if max_frequency is None else int(np.sum(frequencies <= max_frequency))
        return frequencies[:keep], spectrum[..., :keep]


class OrderSpectrum(_BaseSeriesTransformer):
    """Amplitude (or envelope) spectrum of series against shaft orders.

    A thin transformer over :func:`sigconv.functional.order_spectrum`: at a
    known shaft speed, components at multiples of the shaft frequency land
    on the same output bins whatever the speed, so a model trained at one
    speed reads spectra taken at another.

    Parameters
    ----------
    sr : float
        Sampling rate in Hz.
    rpm : float
        Shaft speed in revolutions per minute, > 0.
    max_order : float, default=20.0
        Highest order of the output.
    resolution : float, default=0.05
        Step between output orders.
    envelope : bool, default=False
        Whether to take the envelope spectrum (bearing defects) rather than
        the spectrum of the series.
    band : tuple of (float or None, float or None) or None, default=None
        Band-pass filter applied first; None for none.
    order : int, default=4
        Butterworth order of that filter.
    flatten : bool, default=False
        Whether to output ``(n_samples, n_channels * n_out)``, the 2D input
        of a scikit-learn classifier, instead of ``(n_samples, n_channels, n_out)``.

    Attributes
    ----------
    orders_ : ndarray of shape (n_orders,)
        The orders of the output bins.
    n_channels_in_ : int
        Channels seen in ``fit``.
    n_timepoints_in_ : int
        Series length seen in ``fit``; also ``n_features_in_``.

    See Also
    --------
    sigconv.functional.order_spectrum : The function.
    sigconv.functional.bearing_defect_frequencies : Defect orders (divide by ``"shaft"``).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.transformers import OrderSpectrum
    >>> X = np.random.default_rng(0).normal(size=(3, 1, 2000))
    >>> orders = OrderSpectrum(sr=2000.0, rpm=1200.0, max_order=10.0, resolution=0.5)
    >>> orders.fit_transform(X).shape, orders.orders_[:3].tolist()
    ((3, 1, 21), [0.0, 0.5, 1.0])
    """

    _axis_attribute = "orders_"

    def __init__(self, *, sr, rpm, max_order=20.0, resolution=0.05, envelope=False, band=None,
                 order=4, flatten=False):
        self.sr = sr
        self.rpm = rpm
        self.max_order = max_order
        self.resolution = resolution
        self.envelope = envelope
        self.band = band
        self.order = order
        self.flatten = flatten

    def _check_params(self):
        sr = self._check_sr_band()
        rpm = check_float(self.rpm, "rpm", min_value=0.0, closed="neither")
        return dict(sr=sr, rpm=rpm, max_order=self.max_order, resolution=self.resolution,
                    envelope=self.envelope, band=self.band, order=self.order)

    def _apply(self, X, params):
        return order_spectrum(X, **params)
