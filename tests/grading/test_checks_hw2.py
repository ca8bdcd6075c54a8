"""Assignment 2: the reference scores full marks, the release zero, each planted bug loses the right points with
the right hint, and the grader's references (the MGU in NumPy, the count formulas) are what Keras computes."""

import re

import numpy as np
import pytest

from course_utils._keras import keras
from course_utils.grading.checks_hw2 import MGU_BUGS, MODELS, QUESTIONS, RANGES, mgu_numpy
from course_utils.grading.core import LocalSubmission, run_checks, run_question

from .nbexec import code_cells, planted, reference_run, released, run_cells

FULL = {q.id: q.points for q in QUESTIONS}
CELL_QUESTIONS = ("Q1", "Q2", "Q3")  # the MGU cell; Q4-Q6 are the counts
ALL_CELL = {"Q2": 3, "Q3": 3}


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
GATE = "f = ops.sigmoid(ops.matmul(x_t, W_xf) + ops.matmul(h_prev, W_hf) + b_x[:u] + b_h[:u])"
AFTER = "h_tilde = ops.tanh(ops.matmul(x_t, W_xh) + b_x[u:] + f * (ops.matmul(h_prev, W_hh) + b_h[u:]))"
BEFORE = "h_tilde = ops.tanh(ops.matmul(x_t, W_xh) + ops.matmul(f * h_prev, W_hh) + b_x[u:])"
BUGS = [
    ("f the way Keras' GRU z points", [("h_t = (1 - f) * h_prev + f * h_tilde", "h_t = f * h_prev + (1 - f) * h_tilde")],
     ALL_CELL, r"f is used the wrong way round"),
    ("f read from the candidate's columns",
     [("W_xf, W_xh = self.kernel[:, :u], self.kernel[:, u:]", "W_xf, W_xh = self.kernel[:, u:], self.kernel[:, :u]"),
      ("W_hf, W_hh = self.recurrent_kernel[:, :u], self.recurrent_kernel[:, u:]",
       "W_hf, W_hh = self.recurrent_kernel[:, u:], self.recurrent_kernel[:, :u]")],
     ALL_CELL, r"check the candidate, columns \[u:2u\]"),
    ("recurrent bias row missing", [("b_x, b_h = self.bias[0], self.bias[1]",
                                     "b_x, b_h = self.bias[0], ops.zeros_like(self.bias[1])")],
     {"Q3": 3}, r"bias\[1\] is missing"),
    ("reset before the product with reset_after=True",
     [(AFTER, "h_tilde = ops.tanh(ops.matmul(x_t, W_xh) + b_x[u:] + ops.matmul(f * h_prev, W_hh) + b_h[u:])")],
     {"Q3": 3}, r"reset-BEFORE candidate"),
    ("no reset in the paper's form", [("ops.matmul(f * h_prev, W_hh)", "ops.matmul(h_prev, W_hh)")],
     {"Q2": 2}, r"f never resets the state"),  # h_0 = 0: the first step is right
    ("candidate with the sigmoid", [(BEFORE, BEFORE.replace("ops.tanh", "ops.sigmoid"))],
     {"Q2": 3}, r"with f = 1 .*check the candidate"),
    ("gate without its recurrent term", [(GATE, GATE.replace("ops.matmul(h_prev, W_hf) + ", ""))],
     {"Q2": 2, "Q3": 2}, r"the candidate is right: check the gate f"),  # h_0 = 0: the first step is right
    ("one bias row with reset_after=True", [("bias_shape = (2, 2 * u) if self.reset_after else (2 * u,)",
                                             "bias_shape = (2 * u,)")],
     {"Q1": 1, "Q3": 3}, r"`bias` has shape \(8,\), expected \(2, 8\)"),
    ("a GRU's three blocks", [("shape=(d, 2 * u)", "shape=(d, 3 * u)")],
     {"Q1": 2, "Q2": 3, "Q3": 3}, r"`kernel` has shape \(3, 12\), expected \(3, 8\).*one gate"),
    ("get_config without reset_after", [("config.update(units=self.units, reset_after=self.reset_after)",
                                         "config.update(units=self.units)")],
     {"Q1": 1}, r"from_config\(get_config\(\)\) rebuilt a cell"),
    ("get_config not written", [("config = super().get_config()", "raise NotImplementedError()")], {"Q1": 1},
     r"get_config\(\) is not implemented yet"),
    ("NaN in the output", [("return h_t, [h_t]", "return h_t * np.nan, [h_t]")], ALL_CELL, r"contains NaN"),
    ("Bidirectional not doubled", [("2 * per_direction", "per_direction")], {"Q4": 1}, r"two independent copies"),
    ("merge_mode='sum' counted as a concatenation", [("(u + 1) * k]", "(2 * u + 1) * k]")], {"Q4": 1},
     r"merge_mode='sum' adds the two directions"),
    ("GRU with one bias row", [("3 * u * (m + u + 2)", "3 * u * (m + u + 1)")], {"Q4": 1}, r"TWO bias rows"),
    ("biases although use_bias=False", [("3 * u * (d + u), 3 * v * (u + v)", "3 * u * (d + u + 2), 3 * v * (u + v + 2)")],
     {"Q5": 2}, r"use_bias=False removes every bias"),
    ("the second GRU reads d", [("3 * v * (u + v)", "3 * v * (d + v)")], {"Q5": 1}, r"first one's u outputs"),
    ("ConvLSTM's recurrent kernel as a matrix", [("+ w * f * 4 * f", "+ f * 4 * f")], {"Q6": 1},
     r"the recurrent kernel is a convolution too"),
    ("ConvLSTM with one block", [("kernels = w * c * 4 * f + w * f * 4 * f", "kernels = w * c * f + w * f * f"),
                                 ("[kernels + 4 * f, 0", "[kernels + f, 0")], {"Q6": 1}, r"four blocks"),
    ("Dense after pooling reads the channels", [("f * k + k]", "c * k + k]")], {"Q6": 1}, r"has f features"),
    ("counts as one total", [("return [first, second, v + 1]", "return first + second + v + 1")], {"Q5": 2},
     r"should return a list of 3 counts"),
    ("a count hard-coded for the model shown", [("return [first, second, v + 1]", "return [3360, 2304, 17]")],
     {"Q5": 2}, r"expected [\d,]+, got 3,360"),
]  # fmt: skip


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

    class Wrapper(keras.Layer):  # the tied-GRU identity, used as the answer
        def __init__(self, units, reset_after=False, **kwargs):
            super().__init__(**kwargs)
            self.inner = keras.layers.GRUCell(units, reset_after=reset_after)
            self.state_size = self.output_size = units

        def build(self, input_shape):
            self.inner.build(input_shape)

        def call(self, inputs, states):
            return self.inner(inputs, states)

    for cls, hint in ((Subclass, r"subclasses Keras' own GRU"), (Wrapper, r"wraps Keras' own GRU cell")):
        for question in QUESTIONS[:3]:
            result = run_question(question, LocalSubmission({"MGUCell": cls}), np.random.default_rng(0))
            assert result.points == 0 and re.search(hint, " ".join(hints(result))), result


def test_the_numpy_mgu_is_a_tied_keras_gru_and_every_bug_differs():
    rng, u = np.random.default_rng(3), 5
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    for reset_after in (False, True):
        layer = keras.layers.GRU(u, reset_after=reset_after, return_sequences=True)
        layer.build((None, None, 3))
        shapes = [(3, 2 * u), (u, 2 * u), (2, 2 * u) if reset_after else (2 * u,)]
        weights = [(0.5 * rng.standard_normal(s)).astype("float32") for s in shapes]
        layer.set_weights([np.concatenate([-w[..., :u], w[..., :u], w[..., u:]], axis=-1) for w in weights])
        want = keras.ops.convert_to_numpy(layer(x))  # Keras' GRU with z = 1 - f and r = f
        assert np.allclose(mgu_numpy(x, *weights, reset_after), want, atol=1e-5)
        for bug in [*MGU_BUGS, "other_mode"]:
            if reset_after or bug != "no_recurrent_bias":
                assert not np.allclose(mgu_numpy(x, *weights, reset_after, bug), want, atol=1e-3), (reset_after, bug)


def keras_model(qid, s):
    L = keras.layers
    if qid == "Q4":
        return keras.Sequential([keras.Input((None,), dtype="int32"), L.Embedding(s["V"], s["m"]),
                                 L.Bidirectional(L.GRU(s["u"], return_sequences=True), merge_mode="sum"),
                                 L.TimeDistributed(L.Dense(s["k"]))])  # fmt: skip
    if qid == "Q5":
        return keras.Sequential([keras.Input((None, s["d"])), L.GRU(s["u"], use_bias=False, return_sequences=True),
                                 L.GRU(s["v"], use_bias=False), L.Dense(1)])  # fmt: skip
    return keras.Sequential([keras.Input((None, 7, s["c"])), L.ConvLSTM1D(s["f"], s["w"], padding="same"),
                             L.GlobalAveragePooling1D(), L.Dense(s["k"])])  # fmt: skip


@pytest.mark.parametrize("qid", ["Q4", "Q5", "Q6"])
def test_the_graders_count_formulas_are_keras_counts_and_the_known_mistakes_are_not(qid):
    name, symbols, _, exact, mistakes = MODELS[qid]
    rng = np.random.default_rng(int(qid[1]))
    for _ in range(2):
        sizes = {s: int(rng.integers(RANGES[s][0], min(RANGES[s][1], RANGES[s][0] + 40))) for s in symbols}
        want = exact(**sizes)
        assert [layer.count_params() for layer in keras_model(qid, sizes).layers] == want, (name, sizes)
        for layer, known in zip(want, mistakes(**sizes)):
            assert all(count != layer for _, count in known), (name, sizes, known)
