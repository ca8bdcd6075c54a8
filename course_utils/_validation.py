"""Argument checks shared by the public functions: clear messages, never a backend traceback."""

import math
from numbers import Integral, Real

import numpy as np


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


def float_array(value, name, hint=""):
    """``value`` as a float64 NumPy array; ``ValueError`` naming the argument if it does not hold numbers.

    >>> float_array([1, 2], "logits")
    array([1., 2.])
    >>> float_array(["a"], "logits")
    Traceback (most recent call last):
    ...
    ValueError: logits must be an array of numbers, got list ['a'].
    """
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        shown = repr(value) if len(repr(value)) <= 40 else "…"
        raise ValueError(
            f"{name} must be an array of numbers, got {type(value).__name__} {shown}. {hint}".strip()
        ) from None


def finite(array, name, hint=""):
    """Return the NumPy ``array`` if every value is finite; else ``ValueError`` saying how many are not, and where.

    A NaN that goes in comes out as a NaN answer that looks like a result: refuse it here.

    >>> finite(np.array([[0.5, np.nan], [np.inf, 1.0]]), "emissions")
    Traceback (most recent call last):
    ...
    ValueError: emissions must hold finite numbers, but 2 of its 4 values are NaN or infinite (the first, at index (0, 1), is nan).
    """
    bad = ~np.isfinite(array)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        message = (
            f"{name} must hold finite numbers, but {int(bad.sum())} of its {array.size} values "
            f"{'is' if bad.sum() == 1 else 'are'} NaN or infinite "
            f"(the first, at index {where}, is {array[where]})."
        )
        raise ValueError(f"{message} {hint}".strip())
    return array


def concrete_values(tensor):
    """``tensor``'s values as a NumPy array when they exist now, or None while a function is being traced.

    Inside ``tf.function`` or ``jax.jit`` (a compiled Keras training step) a tensor has a
    shape but no values yet, so value checks (NaN, ids in range) can only run eagerly:
    callers check what this returns and skip the check on None.

    >>> concrete_values([1.0, 2.0])
    array([1., 2.])
    """
    import sys

    from course_utils._keras import keras

    if isinstance(tensor, keras.KerasTensor):
        return None
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        if not tf.executing_eagerly():
            return None
    if keras.backend.backend() == "jax":
        import jax

        if isinstance(tensor, jax.core.Tracer):
            return None
    return keras.ops.convert_to_numpy(tensor)


def expect_shapes(expected, where=""):
    """Check ``{name: (array, shape, formula)}``; ``ValueError`` for the first array of another shape.

    ``formula`` says the shape in the lecture's symbols, ``where`` where its numbers come from.

    >>> expect_shapes({"W_x": (np.zeros((3, 12)), (3, 16), "(d, 4u)")}, "for d=3 input features and u=4 units")
    Traceback (most recent call last):
    ...
    ValueError: W_x must have shape (d, 4u) = (3, 16) for d=3 input features and u=4 units, got (3, 12).
    """
    for name, (array, shape, formula) in expected.items():
        if np.shape(array) != tuple(shape):
            raise ValueError(f"{name} must have shape {formula} = {tuple(shape)} {where}, got {np.shape(array)}.")


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
