"""Argument checks shared by the public functions: clear messages, never a backend traceback."""

import math
from numbers import Integral, Real


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


def number(value, name, hint="", *, above=None, at_least=None, below=None, at_most=None):
    """Return ``value`` as a ``float`` if it is a finite real number within the bounds given, else raise.

    ``above``/``below`` are open bounds, ``at_least``/``at_most`` closed ones. Booleans, strings,
    NaN and infinities are refused whatever the bounds.

    >>> number(0.01, "learning_rate", above=0)
    0.01
    >>> number(0, "scale", "Use e.g. 0.5.", above=0)
    Traceback (most recent call last):
    ...
    ValueError: scale must be a positive number, got 0. Use e.g. 0.5.
    >>> number(1.5, "test_fraction", at_least=0, below=1)
    Traceback (most recent call last):
    ...
    ValueError: test_fraction must be a number in [0, 1), got 1.5.
    >>> number(float("nan"), "threshold")
    Traceback (most recent call last):
    ...
    ValueError: threshold must be a number, got nan.
    """
    ok = not isinstance(value, bool) and isinstance(value, Real) and math.isfinite(value)
    if ok:
        ok = (above is None or value > above) and (at_least is None or value >= at_least)
        ok = ok and (below is None or value < below) and (at_most is None or value <= at_most)
    if not ok:
        raise ValueError(
            f"{name} must be {_range_text(above, at_least, below, at_most)}, got {value!r}. {hint}".strip()
        )
    return float(value)


def _range_text(above, at_least, below, at_most):
    """``"a positive number"``, ``"a number ≥ 0"``, ``"a number in (0, 1]"`` ...: the bounds in words."""
    if below is None and at_most is None:
        if above == 0 and at_least is None:
            return "a positive number"
        if above is None and at_least == 0:
            return "a non-negative number"
        if above is None and at_least is not None:
            return f"a number ≥ {at_least:g}"
        if above is None:
            return "a number"
    low = f"({above:g}" if above is not None else f"[{at_least:g}" if at_least is not None else "(−∞"
    high = f"{below:g})" if below is not None else f"{at_most:g}]" if at_most is not None else "∞)"
    return f"a number in {low}, {high}"
