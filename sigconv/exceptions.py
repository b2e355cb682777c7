"""Exception types raised by sigconv.

Every error a user can act on is a subclass of :class:`ValueError` or
:class:`TypeError`, so ``except ValueError`` keeps working for code written
against scikit-learn.
"""

__all__ = ["SeriesValueError", "SeriesTypeError"]


class SeriesValueError(ValueError):
    """Input series have the right type but unusable values or shape.

    Raised for NaN or infinite values, an empty input, a 1D array, series
    shorter than a transform needs, or a channel count that differs from the
    one seen in ``fit``.
    """


class SeriesTypeError(TypeError):
    """Input series are of a type sigconv cannot read.

    Raised for strings, complex numbers, sparse matrices and objects that
    are not array-like.
    """
