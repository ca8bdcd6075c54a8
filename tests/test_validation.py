"""course_utils._validation.number: the one check behind every real-valued argument."""

import numpy as np
import pytest

from course_utils._validation import number


@pytest.mark.parametrize("bad", [True, "0.1", None, float("nan"), float("inf"), -float("inf"), [0.1], np.array([0.1])])
def test_anything_but_a_finite_real_number_is_refused(bad):
    with pytest.raises(ValueError, match=r"^x must be a number, got .*\. Use e\.g\. 1\.$"):
        number(bad, "x", "Use e.g. 1.")


@pytest.mark.parametrize(
    ("value", "bounds", "words"),
    [
        (0, {"above": 0}, "a positive number"),
        (-0.5, {"at_least": 0}, "a non-negative number"),
        (0.5, {"at_least": 1}, "a number ≥ 1"),
        (1.0, {"at_least": 0, "below": 1}, r"a number in \[0, 1\)"),
        (0.0, {"above": 0, "at_most": 1}, r"a number in \(0, 1\]"),
        (2.0, {"at_most": 1}, r"a number in \(−∞, 1\]"),
    ],
)
def test_each_bound_is_checked_and_said_in_words(value, bounds, words):
    with pytest.raises(ValueError, match=f"^x must be {words}, got "):
        number(value, "x", **bounds)


@pytest.mark.parametrize("value", [np.float32(0.25), np.int64(3), 1, 0.5])
def test_numpy_scalars_and_plain_numbers_pass_as_floats(value):
    assert number(value, "x", above=0) == float(value) and type(number(value, "x")) is float
