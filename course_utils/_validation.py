"""Argument checks shared by the public functions: clear messages, never a backend traceback."""

from numbers import Integral


def positive_int(value, name, hint=""):
    """Return ``value`` as an ``int`` if it is a positive integer, else raise ``ValueError``.

    Booleans are rejected (``True`` is an ``int`` in Python but never a size).

    >>> positive_int(3, "units")
    3
    >>> positive_int(0, "units", "Use the number of recurrent units, e.g. units=32.")
    Traceback (most recent call last):
    ...
    ValueError: units must be a positive integer, got 0. Use the number of recurrent units, e.g. units=32.
    """
    if isinstance(value, bool) or not isinstance(value, Integral) or value <= 0:
        shown = repr(value) if isinstance(value, (Integral, float, str)) else type(value).__name__
        message = f"{name} must be a positive integer, got {shown}."
        raise ValueError(f"{message} {hint}".strip())
    return int(value)


def non_negative_int(value, name, hint=""):
    """Like :func:`positive_int` but also accepts 0 (seeds, counts that may be empty).

    >>> non_negative_int(0, "seed")
    0
    >>> non_negative_int(-1, "seed")
    Traceback (most recent call last):
    ...
    ValueError: seed must be a non-negative integer, got -1.
    """
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        shown = repr(value) if isinstance(value, (Integral, float, str)) else type(value).__name__
        raise ValueError(f"{name} must be a non-negative integer, got {shown}. {hint}".strip())
    return int(value)


def boolean(value, name):
    """Return ``value`` if it is a ``bool``, else raise ``ValueError`` naming the argument.

    >>> boolean("yes", "use_bias")
    Traceback (most recent call last):
    ...
    ValueError: use_bias must be True or False, got 'yes'.
    """
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}.")
    return value
