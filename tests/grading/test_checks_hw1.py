"""Assignment 1: the reference scores full marks, the release zero, and each planted bug loses the right points.

The checks run here on a namespace in this process (:class:`LocalSubmission`: the same probe and encoding as a
sandboxed kernel, without the kernel's start-up), on random inputs from a fixed seed.
"""

import re

import numpy as np
import pytest

from course_utils.gradcheck import numerical_gradient, relative_error
from course_utils.grading import mistakes_hw1 as ref
from course_utils.grading.checks_hw1 import QUESTIONS, agc_inputs
from course_utils.grading.core import LocalSubmission, run_checks, run_question

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
    assert sum(FULL.values()) == 20 and list(FULL.values()) == [4, 6, 6, 4]


def test_release_scores_zero_on_every_question():
    ns, errors = run_cells(code_cells(released("hw1")))
    assert errors and all("NotImplementedError" in e for e in errors)
    for result in check(ns):
        assert result.points == 0, result
        assert "not implemented yet" in result.error


# (name, edits of the reference solution, question that loses points, points lost, hint pattern)
FORWARD = "out_gate = peeping(blocks[3], p_o, c_t)"
DC_T = 'dc_t = dc + dh * k["o"] * (1.0 - k["tanh_c"] ** 2) + da_o * k["p_o"]'
DC_PREV = 'dc_prev = dc_t * k["f"] + da_i * k["p_i"] + da_f * k["p_f"]'
MATRIX = ("size = np.maximum(np.sqrt(np.sum(W**2, axis=0)), eps)", "step = np.sqrt(np.sum(G**2, axis=0))")
BUGS = [
    ("o sees c_{t-1}", [(FORWARD, FORWARD.replace("c_t)", "c_prev)"))], "Q1", 1, r"looks at the NEW cell"),
    ("p_i and p_f swapped", [("peeping(blocks[0], p_i, c_prev)", "peeping(blocks[0], p_f, c_prev)"),
                             ("peeping(blocks[1], p_f, c_prev)", "peeping(blocks[1], p_i, c_prev)")],
     "Q1", 3, r"p_i and p_f are swapped"),
    ("no peepholes", [("return sigmoid(block + peephole * cell)", "return sigmoid(block)")], "Q1", 3,
     r"that is the plain LSTM"),
    ("AIEI007's gate order i, f, o, g", [("np.tanh(blocks[2])", "np.tanh(blocks[3])"),
                                         (FORWARD, FORWARD.replace("blocks[3]", "blocks[2]"))],
     "Q1", 3, r"as gates \(i, f, o, g\).*Keras' fused order"),
    ("wrong shape", [('return out_gate * cache["tanh_c"], c_t', 'return (out_gate * cache["tanh_c"]).T, c_t')],
     "Q1", 4, r"h_t has shape \(5, 3\), expected \(3, 5\)"),
    ("no path through o's peephole", [(DC_T, DC_T.replace(' + da_o * k["p_o"]', ""))], "Q2", 5,
     r"misses the path through the output gate's peephole"),
    ("dc_prev without the peephole paths", [(DC_PREV, 'dc_prev = dc_t * k["f"]')], "Q2", 2,
     r"c_\{t-1\} also reaches i and f through the peepholes"),
    ("dc ignored", [(DC_T, DC_T.replace("dc + ", ""))], "Q2", 5, r"dc argument .* is ignored"),
    ("∂J/∂p_o with c_{t-1}", [('np.sum(da_o * k["c_t"], axis=0)', 'np.sum(da_o * k["c"], axis=0)')], "Q2", 1,
     r"output gate's peephole sees c_t, not c_\{t-1\}"),
    ("forget-gate gradient without c_{t-1}", [('da_f = dc_t * k["c"] * k["f"]', 'da_f = dc_t * k["f"]')], "Q2", 5,
     r"the forget gate multiplies c_\{t-1\}"),
    ("dc not carried back", [("peephole_step_backward(dh, dc, step_cache)",
                              "peephole_step_backward(dh, np.zeros_like(dc), step_cache)")],
     "Q3", 4, r"∂J/∂c_\{t-1\} must be carried back"),
    ("weight gradients overwritten", [("grads[k] += step_grads[k]", "grads[k] = step_grads[k]")], "Q3", 4,
     r"SUM of the steps' contributions"),
    ("summed over the batch", [("J = float(np.mean(", "J = float(np.sum("), ("dz = dz / N ", "dz = dz ")], "Q3", 6,
     r"SUM over the batch|MEAN over the batch"),
    ("caches in forward order", [("for step_cache in caches[::-1]:", "for step_cache in caches:")], "Q3", 4,
     r"go back from t = T to t = 1"),
    ("norms per row", [(m, m.replace("axis=0)", "axis=1, keepdims=True)")) for m in MATRIX], "Q4", 3,
     r"a unit's weights are a COLUMN"),
    ("one norm per matrix", [(m, m.replace(", axis=0", "")) for m in MATRIX], "Q4", 3, r"layer-wise clipping"),
    ("vectors clipped entry by entry", [("size, step = max(np.sqrt(np.sum(W**2)), eps), np.sqrt(np.sum(G**2))",
                                         "size, step = np.maximum(np.abs(W), eps), np.abs(G)")],
     "Q4", 3, r"a vector \(a bias, a peephole\) is ONE unit"),
    ("no floor", [("max(np.sqrt(np.sum(W**2)), eps)", "np.sqrt(np.sum(W**2))")], "Q4", 1, r"must be floored"),
    ("every unit rescaled", [("factor = np.where(too_big, lam * size / np.where(too_big, step, 1.0), 1.0)",
                              "factor = lam * size / step")], "Q4", 1, r"the others keep their gradient"),
]  # fmt: skip
DEPENDS = {"Q1": {"Q2", "Q3"}, "Q2": {"Q3"}}  # Q2 runs the student's forward step, Q3 both steps


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


def test_a_broken_step_is_named_in_the_questions_that_use_it(reference):
    nb, ns = reference
    rerun = "# forward, keeping the caches"  # re-run the BPTT cell too, so that it calls the broken step
    broken = planted(ns, nb, [("return sigmoid(block + peephole * cell)", "return sigmoid(block)"), (rerun, rerun)])
    q2, q3 = check(broken, only=["Q2", "Q3"])
    assert q2.points == 0 and "fix Q1 first" in q2.error
    assert q3.points < FULL["Q3"] and any("fix Q1 and Q2 first" in h for h in hints(q3))


def test_the_references_gradients_are_the_numerical_ones_and_every_bug_changes_them():
    inputs = ref.step_inputs(7)
    rng = np.random.default_rng(7)
    G_h, G_c = rng.standard_normal(inputs["h_prev"].shape), rng.standard_normal(inputs["h_prev"].shape)
    wrt = {k: v for k, v in inputs.items() if k != "x_t"}

    def step_loss(p):
        h, c, _ = ref.forward({**inputs, **p})
        return float(np.sum(G_h * h) + np.sum(G_c * c))

    dh, dc, grads = ref.backward(G_h, G_c, ref.forward(inputs)[2])
    analytic = {"h_prev": dh, "c_prev": dc, **grads}
    numeric = numerical_gradient(step_loss, wrt)
    assert all(relative_error(analytic[k], numeric[k]) < 1e-7 for k in wrt)
    for bug in ref.BACKWARD_BUGS:
        changed = ref.backward(G_h, G_c, ref.forward(inputs)[2], bug)
        assert not all(np.allclose(a, b) for a, b in zip(changed[:2], (dh, dc))) or not all(
            np.allclose(changed[2][k], grads[k]) for k in grads
        ), bug
    for bug in ref.FORWARD_BUGS:
        assert not np.allclose(ref.forward(inputs, bug)[0], ref.forward(inputs)[0]), bug
    params, x, y = ref.model_params(3), rng.standard_normal((2, 4, 3)), np.array([0, 2])
    loss, grads = ref.bptt(params, x, y)
    numeric = numerical_gradient(lambda p: ref.bptt(p, x, y)[0], params)
    assert all(relative_error(grads[k], numeric[k]) < 1e-7 for k in params)
    for bug in ref.BPTT_BUGS:
        assert not all(np.allclose(ref.bptt(params, x, y, bug)[1][k], grads[k]) for k in grads), bug


def test_adaptive_clipping_bounds_every_units_ratio_and_the_bugs_differ():
    grads, params = agc_inputs(np.random.default_rng(5))
    clipped = ref.adaptive_clip(grads, params, 0.1)
    for k, G in clipped.items():
        ratio = ref.unit_norms(G) / np.maximum(ref.unit_norms(params[k]), 1e-3)
        assert np.all(ratio <= 0.1 + 1e-12), k
        kept = ref.unit_norms(grads[k]) / np.maximum(ref.unit_norms(params[k]), 1e-3) <= 0.1
        assert np.array_equal(G[kept], grads[k][kept]), k
    assert np.isclose(np.linalg.norm(clipped["p_f"]), 0.1 * 1e-3)  # the zero peephole: clipped against ε
    for bug in ref.AGC_BUGS:
        changed = ref.adaptive_clip(grads, params, 0.1, bug=bug)
        assert not all(np.allclose(changed[k], clipped[k]) for k in clipped), bug


def test_student_code_that_misbehaves_gets_a_score_and_a_hint():
    q1 = QUESTIONS.get("Q1")
    cases = {
        "raises": (lambda *a: 1 / 0, r"raised ZeroDivisionError: division by zero"),
        "returns None": (lambda *a: None, r"should return \(h_t, c_t, cache\), got NoneType"),
        "returns Nones": (lambda *a: (None, None, None), r"h_t is None: did you forget a `return`"),
        "returns strings": (lambda *a: ([["a"]], [["b"]], None), r"should be an array of numbers"),
        "exits": (lambda *a: exit(3), r"raised SystemExit"),
        "not a function": (42, r"should be a function, but it is a int"),
    }
    for name, (fn, hint) in cases.items():
        result = run_question(q1, LocalSubmission({"peephole_step_forward": fn}), np.random.default_rng(0))
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
        QUESTIONS.get("Q1"), LocalSubmission({"peephole_step_forward": forever}), np.random.default_rng(0), 0.5
    )
    assert result.points == 0 and result.error.startswith("time limit") and result.seconds < 3


def test_a_deleted_cell_is_named():
    result = run_question(QUESTIONS.get("Q3"), LocalSubmission({}), np.random.default_rng(0))
    assert result.points == 0 and "`peephole_bptt` is not defined" in result.error
