"""Assignment 2: the reference scores full marks, the release zero, and each planted bug loses the right points."""

import re

import numpy as np
import pytest

from course_utils._keras import keras
from course_utils.grading.checks_hw2 import GRU_BUGS, QUESTIONS, gru_numpy
from course_utils.grading.core import LocalSubmission, run_checks, run_question

from .nbexec import code_cells, planted, reference_run, released, run_cells

FULL = {q.id: q.points for q in QUESTIONS}
CELL_QUESTIONS = ("Q1", "Q2", "Q3")  # the GRU cell; Q4-Q6 are the counts


@pytest.fixture(scope="module")
def reference():
    return reference_run("hw2")


def check(ns, seed=0, **kwargs):
    return run_checks("hw2", LocalSubmission(ns), seed=seed, **kwargs)


def hints(result):
    return [c.hint for c in result.checks if not c.passed] + [result.error or ""]


@pytest.mark.parametrize("seed", [0, 1])
def test_reference_scores_full_marks_on_any_inputs(reference, seed):
    results = check(reference[1], seed)
    assert {r.id: r.points for r in results} == FULL, [r for r in results if r.points < r.max_points]
    assert sum(FULL.values()) == 15


def test_release_scores_zero_on_every_question():
    ns, errors = run_cells(code_cells(released("hw2")))
    assert errors and all("NotImplementedError" in e for e in errors)
    for result in check(ns):
        assert result.points == 0 and "not implemented yet" in result.error, result


# (name, edits of the reference solution, questions that lose points -> points lost, hint pattern)
BUGS = [
    (
        "z used the lectures' way",
        [("h = z * h_prev + (1 - z) * h_tilde", "h = (1 - z) * h_prev + z * h_tilde")],
        {"Q2": 4, "Q3": 3},
        r"z is used the wrong way round",
    ),
    (
        "z and r swapped",
        [
            ("z = ops.sigmoid(ax[:, :u] + ah[:, :u])", "z = ops.sigmoid(ax[:, u : 2 * u] + ah[:, u : 2 * u])"),
            ("r = ops.sigmoid(ax[:, u : 2 * u] + ah[:, u : 2 * u])", "r = ops.sigmoid(ax[:, :u] + ah[:, :u])"),
        ],
        {"Q2": 4, "Q3": 3},
        r"z and r are swapped",
    ),
    (
        "recurrent bias row missing",
        [
            (
                "ah = ops.matmul(h_prev, self.recurrent_kernel) + self.bias[1]",
                "ah = ops.matmul(h_prev, self.recurrent_kernel)",
            )
        ],
        {"Q2": 4},
        r"bias\[1\] is missing",
    ),
    (
        "reset before the product with reset_after=True",
        [
            (
                "h_tilde = ops.tanh(ax[:, 2 * u :] + r * ah[:, 2 * u :])",
                "h_tilde = ops.tanh(ax[:, 2 * u :] + ops.matmul(r * h_prev, self.recurrent_kernel[:, 2 * u :]) + self.bias[1][2 * u :])",
            )
        ],
        {"Q2": 4},
        r"reset-BEFORE candidate",
    ),
    (
        "reset gate never used",
        [
            (
                "h_tilde = ops.tanh(ax[:, 2 * u :] + r * ah[:, 2 * u :])",
                "h_tilde = ops.tanh(ax[:, 2 * u :] + ah[:, 2 * u :])",
            )
        ],
        {"Q2": 4},
        r"reset gate r is never applied",
    ),
    (
        "candidate with the sigmoid",
        [
            (
                "h_tilde = ops.tanh(ax[:, 2 * u :] + ops.matmul(r * h_prev",
                "h_tilde = ops.sigmoid(ax[:, 2 * u :] + ops.matmul(r * h_prev",
            )
        ],
        {"Q3": 3},
        r"check the candidate, columns \[2u:3u\]",
    ),
    (
        "update gate without its recurrent term",
        [("z = ops.sigmoid(ax[:, :u] + ah[:, :u])", "z = ops.sigmoid(ax[:, :u])")],
        {"Q2": 4, "Q3": 2},
        r"the update gate z \(columns \[0:u\]\)",
    ),  # reset_after=False: h_0 W_hz = 0, step 1 right
    (
        "one bias row with reset_after=True",
        [("bias_shape = (2, 3 * u) if self.reset_after else (3 * u,)", "bias_shape = (3 * u,)")],
        {"Q1": 1, "Q2": 4},
        r"`bias` has shape \(12,\), expected \(2, 12\)",
    ),
    ("NaN in the output", [("return h, [h]", "return h * np.nan, [h]")], {"Q2": 4, "Q3": 3}, r"contains NaN"),
    (
        "GRU count with one bias row",
        [("3 * u * (m + u + 2)", "3 * u * (m + u + 1)")],
        {"Q4": 1},
        r"TWO bias vectors per block",
    ),
    (
        "GRU count with reset_after=True's biases",
        [("3 * u * (d + u + 1)", "3 * u * (d + u + 2)")],
        {"Q5": 1},
        r"ONE bias vector per block",
    ),
    ("Dense without its bias", [("u * k + k", "u * k")], {"Q5": 1}, r"one bias per unit"),
    (
        "Bidirectional not doubled",
        [("2 * 3 * u * (d + u + 2)", "3 * u * (d + u + 2)")],
        {"Q6": 1},
        r"two independent GRUs",
    ),
    (
        "LSTM after the bidirectional layer reads u, not 2u",
        [("4 * v * (2 * u + v + 1)", "4 * v * (u + v + 1)")],
        {"Q6": 1},
        r"2u features per step",
    ),
    (
        "counts as one total",
        [("return [V * m, 3 * u * (m + u + 2), u + 1]", "return V * m + 3 * u * (m + u + 2) + u + 1")],
        {"Q4": 2},
        r"should return a list of 3 counts",
    ),
    (
        "a count hard-coded for the model shown",
        [("return [V * m, 3 * u * (m + u + 2), u + 1]", "return [16000, 4800, 33]")],
        {"Q4": 2},
        r"expected [\d,]+, got 16,000",
    ),
]


@pytest.mark.parametrize("name, edits, lost, hint", BUGS, ids=[b[0] for b in BUGS])
def test_planted_bug_loses_the_right_points_with_the_right_hint(reference, name, edits, lost, hint):
    nb, ns = reference
    cell_bug = any(q in CELL_QUESTIONS for q in lost)
    only = [q for q in FULL if (q in CELL_QUESTIONS) == cell_bug]  # the other part cannot be touched by the edit
    for result in check(planted(ns, nb, edits), seed=len(name), only=only):
        assert result.points == FULL[result.id] - lost.get(result.id, 0), (name, result)
        if result.id in lost:
            assert any(re.search(hint, h) for h in hints(result)), hints(result)


def test_a_cell_that_subclasses_or_wraps_keras_gru_scores_zero():
    class Subclass(keras.layers.GRUCell):
        pass

    class Wrapper(keras.Layer):
        def __init__(self, units, reset_after=True, **kwargs):
            super().__init__(**kwargs)
            self.inner = keras.layers.GRUCell(units, reset_after=reset_after)
            self.state_size = self.output_size = units

        def build(self, input_shape):
            self.inner.build(input_shape)

        def call(self, inputs, states):
            return self.inner(inputs, states)

    for cls, hint in ((Subclass, r"subclasses Keras' own GRU"), (Wrapper, r"wraps Keras' own GRU cell")):
        for question in QUESTIONS[:3]:
            result = run_question(question, LocalSubmission({"GRUCell": cls}), np.random.default_rng(0))
            assert result.points == 0 and re.search(hint, " ".join(hints(result))), result


def test_the_numpy_gru_is_keras_gru_and_every_bug_differs():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    for reset_after in (True, False):
        layer = keras.layers.GRU(5, reset_after=reset_after, return_sequences=True)
        layer.build((None, None, 3))
        weights = [(0.5 * rng.standard_normal(w.shape)).astype("float32") for w in layer.get_weights()]
        layer.set_weights(weights)
        want = keras.ops.convert_to_numpy(layer(x))
        assert np.allclose(gru_numpy(x, *weights, reset_after), want, atol=1e-5)
        for bug in [*GRU_BUGS, "other_mode"]:
            if reset_after or bug != "no_recurrent_bias":
                assert not np.allclose(gru_numpy(x, *weights, reset_after, bug), want, atol=1e-3), (reset_after, bug)
