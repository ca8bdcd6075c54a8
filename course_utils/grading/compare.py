"""Comparing a student's results with the expected ones: readable problems, known mistakes.

None of these raises on strange input (``None``, ragged lists, strings, NaN, integer arrays, wrong
shapes): each gets its own words, returned as a hint, or raised as :class:`StudentError` by
:func:`dict_of_arrays`, which the question turns into its hint.
"""

import numpy as np

from course_utils._table import shape_text  # noqa: F401  (the checks import it from here)
from course_utils.grading.core import StudentError, short


def array_problem(value, what, shape=None):
    """Why ``value`` is not a finite float array of ``shape`` (a hint), or None if it is."""
    if value is None:
        return f"{what} is None: did you forget a `return`?"
    try:
        array = np.asarray(value)
    except Exception as exc:  # e.g. a ragged list
        return f"{what} cannot be read as an array ({type(exc).__name__}: {short(exc)})."
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        return f"{what} should be an array of numbers, got {type(value).__name__} of dtype {array.dtype}."
    if shape is not None and array.shape != tuple(shape):
        return f"{what} has shape {shape_text(array.shape)}, expected {shape_text(tuple(shape))}."
    if not np.issubdtype(array.dtype, np.floating):
        return f"{what} has dtype {array.dtype}; it should hold floats (did an integer array receive the results?)."
    bad = int(np.size(array) - np.isfinite(array).sum())
    if bad:
        return (f"{what} contains NaN or infinity in {bad} of {array.size} entries "
                "(an overflow, a division by zero, or an uninitialised np.empty?).")  # fmt: skip
    return None


def max_error(got, want):
    return float(np.max(np.abs(np.asarray(got, dtype=np.float64) - np.asarray(want, dtype=np.float64)), initial=0.0))


def close(got, want, tol=1e-6):
    """True when ``got`` equals ``want`` to ``tol`` relative to ``want``'s scale (and shapes agree)."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    return got.shape == want.shape and max_error(got, want) <= tol * max(1.0, float(np.max(np.abs(want), initial=0.0)))


def same(got, want, tol=1e-6):
    """:func:`close` for arrays, or dicts / tuples of arrays; False (not an error) for anything unreadable."""
    try:
        if isinstance(want, dict):
            return isinstance(got, dict) and set(got) == set(want) and all(same(got[k], want[k], tol) for k in want)
        if isinstance(want, (tuple, list)):
            return len(got) == len(want) and all(same(g, w, tol) for g, w in zip(got, want))
        return close(got, want, tol)
    except Exception:
        return False


def explain(got, want, variants, what, tol=1e-6):
    """The hint of the first known mistake in ``variants`` (``[(hint, value), ...]``) that ``got`` matches,
    else how far ``got`` is from ``want``."""
    for hint, value in variants:
        if same(got, value, tol):
            return hint
    if isinstance(want, dict):
        error = max(max_error(got[k], want[k]) for k in want)
    else:
        error = max_error(got, want)
    return f"{what} differs from the expected values by up to {error:.3g}"


def copy_arrays(value):
    return (
        {k: np.array(v, copy=True) for k, v in value.items()} if isinstance(value, dict) else np.array(value, copy=True)
    )


def dict_of_arrays(value, like, what):
    """Check that ``value`` is a dict with ``like``'s keys and shapes, of finite floats."""
    if not isinstance(value, dict) or set(value) != set(like):
        got = sorted(value) if isinstance(value, dict) else type(value).__name__
        raise StudentError(f"{what} should be a dict with keys {sorted(like)}, got {got}.")
    for key in like:
        problem = array_problem(value[key], f"{what}[{key!r}]", np.shape(like[key]))
        if problem:
            raise StudentError(problem)
    return {k: np.asarray(v, dtype=np.float64) for k, v in value.items()}
