"""Assignment 1: the reference scores full marks, the release zero, and each planted bug loses the right points.

The checks run here on a namespace in this process (:class:`LocalSubmission`: the same probe and encoding as a
sandboxed kernel, without the kernel's start-up), on random inputs from a fixed seed.
"""

import re

import numpy as np
import pytest

from course_utils.grading.checks_hw1 import QUESTIONS
from course_utils.grading.core import LocalSubmission, run_checks, run_question
from course_utils.grading.mistakes_hw1 import BPTT_BUGS, bptt_variant
from course_utils.numpy_rnn import random_params, simple_rnn_bptt

from .nbexec import code_cells, planted, reference_run, released, run_cells

FULL = {q.id: q.points for q in QUESTIONS}


@pytest.fixture(scope="module")
def reference():
    return reference_run("hw1")


def scores(results):
    return {r.id: r.points for r in results}


def hints(result):
    return [c.hint for c in result.checks if not c.passed] + [result.error or ""]


def check(ns, seed=0, **kwargs):
    return run_checks("hw1", LocalSubmission(ns), seed=seed, **kwargs)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reference_scores_full_marks_on_any_inputs(reference, seed):
    results = check(reference[1], seed)
    assert scores(results) == FULL, [r for r in results if r.points < r.max_points]
    assert sum(FULL.values()) == 20


def test_release_scores_zero_on_every_question():
    ns, errors = run_cells(code_cells(released("hw1")))
    assert errors and all("NotImplementedError" in e for e in errors)
    for result in check(ns):
        assert result.points == 0, result
        assert "not implemented yet" in result.error


# (name, edits of the reference solution, question that loses points, points lost, hint pattern)
BUGS = [
    (
        "rnn step without bias",
        [("return np.tanh(x_t @ W_x + h_prev @ W_h + b)", "return np.tanh(x_t @ W_x + h_prev @ W_h)")],
        "Q1",
        1,
        r"bias b is missing",
    ),
    (
        "rnn step with W_h transposed",
        [("return np.tanh(x_t @ W_x + h_prev @ W_h + b)", "return np.tanh(x_t @ W_x + h_prev @ W_h.T + b)")],
        "Q1",
        1,
        r"h_\{t-1\} W_h, not h_\{t-1\} W_hᵀ",
    ),
    (
        "rnn step returns NaN",
        [("return np.tanh(x_t @ W_x + h_prev @ W_h + b)", "return np.full((len(x_t), len(b)), np.nan)")],
        "Q1",
        2,
        r"NaN or infinity",
    ),
    (
        "rnn step returns the wrong shape",
        [("return np.tanh(x_t @ W_x + h_prev @ W_h + b)", "return np.tanh(x_t @ W_x + h_prev @ W_h + b).T")],
        "Q1",
        2,
        r"h_t has shape \(5, 4\), expected \(4, 5\)",
    ),
    (
        "forward difference",
        [
            ("theta[index] = saved - eps\n", "theta[index] = saved\n"),
            ("(plus - minus) / (2 * eps)", "(plus - minus) / eps"),
        ],
        "Q2",
        2,
        r"forward difference",
    ),
    (
        "divides by eps, not 2 eps",
        [("(plus - minus) / (2 * eps)", "(plus - minus) / eps")],
        "Q2",
        2,
        r"divide by 2ε, not ε",
    ),
    (
        "params not restored",
        [("            theta[index] = saved\n            grad", "            grad")],
        "Q2",
        1,
        r"restore each θ_k",
    ),
    (
        "integer gradient array",
        [("np.zeros_like(theta, dtype=float)", "np.zeros_like(theta, dtype=int)")],
        "Q2",
        3,
        r"dtype int64; it should hold floats",
    ),
    ("off-by-one in BPTT", [("np.outer(h[t - 1], da)", "np.outer(h[t], da)")], "Q3", 1, r"off-by-one in BPTT"),
    ("truncated BPTT", [("dh = dz @ W_y.T + da_next @ W_h.T", "dh = dz @ W_y.T")], "Q3", 3, r"through time"),
    (
        "sum instead of mean",
        [("loss += -np.log(p[t][y[t]]) / T", "loss += -np.log(p[t][y[t]])"), ("dz /= T ", "dz /= 1 ")],
        "Q3",
        5,
        r"SUM over the T steps|T times too large",
    ),
    (
        "missing tanh derivative",
        [("da = dh * (1.0 - h[t] ** 2)", "da = dh")],
        "Q3",
        3,
        r"derivative of tanh is missing",
    ),
    (
        "swapped gates i and f",
        [("a_i, a_f, a_g, a_o = np.split", "a_f, a_i, a_g, a_o = np.split")],
        "Q4",
        2,
        r"as gates \(f, i, g, o\).*Keras' fused order",
    ),
    (
        "seed 000's gate order i, f, o, g",
        [("a_i, a_f, a_g, a_o = np.split", "a_i, a_f, a_o, a_g = np.split")],
        "Q4",
        2,
        r"as gates \(i, f, o, g\)",
    ),
    (
        "lstm without bias",
        [("a = x_t @ W_x + h_prev @ W_h + b\n", "a = x_t @ W_x + h_prev @ W_h\n")],
        "Q4",
        2,
        r"bias b is missing",
    ),
    ("h_t without tanh(c_t)", [("h_t = o * tanh_c", "h_t = o * c_t")], "Q4", 1, r"c_t is right but h_t is not"),
    (
        "forget-gate gradient without c_{t-1}",
        [("dc_t * c_prev * f * (1 - f)", "dc_t * f * (1 - f)")],
        "Q5",
        3,
        r"∂J/∂a_f = ∂J/∂c_t ⊙ c_\{t-1\}",
    ),
    (
        "dc from step t+1 ignored",
        [("dc_t = dh * o * (1.0 - tanh_c**2) + dc", "dc_t = dh * o * (1.0 - tanh_c**2)")],
        "Q5",
        4,
        r"dc argument .* is ignored|yours ignores dc",
    ),
    (
        "clipping by value",
        [
            (
                "return {k: g * (threshold / norm) for k, g in grads.items()}",
                "return {k: np.clip(g, -threshold, threshold) for k, g in grads.items()}",
            )
        ],
        "Q6",
        2,
        r"clipping by VALUE",
    ),
    (
        "clipping each array by its own norm",
        [
            (
                "return {k: g * (threshold / norm) for k, g in grads.items()}",
                "return {k: g * min(1.0, threshold / np.linalg.norm(g)) for k, g in grads.items()}",
            )
        ],
        "Q6",
        2,
        r"Keras' clipnorm",
    ),
    (
        "clipping small gradients too",
        [("if norm >= threshold:", "if True:")],
        "Q6",
        1,
        r"below the threshold must stay",
    ),
]
DEPENDS = {"Q4": {"Q5"}}  # Q5 runs through the student's forward pass


@pytest.mark.parametrize("name, edits, question, lost, hint", BUGS, ids=[b[0] for b in BUGS])
def test_planted_bug_loses_the_right_points_with_the_right_hint(reference, name, edits, question, lost, hint):
    nb, ns = reference
    results = {r.id: r for r in check(planted(ns, nb, edits), seed=len(name))}
    for qid, result in results.items():
        if qid == question:
            assert result.points == FULL[qid] - lost, result
            assert any(re.search(hint, h) for h in hints(result)), hints(result)
        elif qid not in DEPENDS.get(question, ()):
            assert result.points == FULL[qid], (qid, result)


def test_a_broken_forward_pass_is_named_in_the_backward_question(reference):
    nb, ns = reference
    result = check(planted(ns, nb, [("h_t = o * tanh_c", "h_t = o * c_t")]), only="Q5")[0]
    assert result.points == 0 and "fix Q4 first" in result.error


def test_the_variants_are_variants_of_the_reference():
    # bug=None reproduces course_utils.numpy_rnn exactly, and every bug changes the gradient
    params = random_params("simple_rnn", d=3, u=4, n_classes=3, seed=1)
    ids = np.random.default_rng(1).integers(0, 3, size=7)
    x, y = np.eye(3)[ids[:-1]], ids[1:]
    ref = simple_rnn_bptt(params, x, y).grads
    assert all(np.allclose(bptt_variant(params, x, y)[k], ref[k], atol=1e-14) for k in ref)
    for bug in BPTT_BUGS:
        assert not all(np.allclose(bptt_variant(params, x, y, bug)[k], ref[k]) for k in ref), bug


def test_student_code_that_misbehaves_gets_a_score_and_a_hint():
    q1 = QUESTIONS.get("Q1")
    cases = {
        "raises": (lambda *a: 1 / 0, r"raised ZeroDivisionError: division by zero"),
        "returns None": (lambda *a: None, r"h_t is None: did you forget a `return`"),
        "returns a list of strings": (lambda *a: [["a"]], r"should be an array of numbers"),
        "exits": (lambda *a: exit(3), r"raised SystemExit"),
        "not a function": (42, r"should be a function, but it is a int"),
    }
    for name, (fn, hint) in cases.items():
        result = run_question(q1, LocalSubmission({"rnn_step_forward": fn}), np.random.default_rng(0))
        assert result.points == 0, name
        assert re.search(hint, " ".join(hints(result))), (name, result)


def test_an_infinite_loop_in_a_checked_function_hits_the_question_time_limit():
    def forever(*args):
        while True:
            try:
                pass
            except Exception:  # student code cannot swallow the time limit
                pass

    result = run_question(
        QUESTIONS.get("Q1"), LocalSubmission({"rnn_step_forward": forever}), np.random.default_rng(0), 0.5
    )
    assert result.points == 0 and result.error.startswith("time limit") and result.seconds < 3


def test_a_deleted_cell_is_named():
    result = run_question(QUESTIONS.get("Q3"), LocalSubmission({}), np.random.default_rng(0))
    assert result.points == 0 and "`rnn_bptt` is not defined" in result.error
