"""Assignment 1 checks: a peephole LSTM step forward and backward, BPTT through it, unit-wise clipping.

Conventions (row vectors, Keras' fused layout): ``x_t`` (N, d), ``h``, ``c`` (N, u), ``W_x`` (d, 4u),
``W_h`` (u, 4u), ``b`` (4u,) with the blocks in the order i, f, g, o (Keras calls the candidate g "c"),
peepholes ``p_i, p_f, p_o`` (u,). Every check draws random inputs and weights from the grading run's
secret seed (``rng``) and compares, in the grader's process, with the references of
:mod:`course_utils.grading.mistakes_hw1`, which exist only in the instructor tree. Known mistakes are
recomputed there as "variants"; matching one gives its specific hint.
"""

import itertools

import numpy as np

from course_utils.grading.compare import array_problem, dict_of_arrays, explain, same
from course_utils.grading.core import QuestionSet, StudentError, call, need
from course_utils.grading.mistakes_hw1 import (
    AGC_BUGS,
    BACKWARD_BUGS,
    BPTT_BUGS,
    FORWARD_BUGS,
    STEP_KEYS,
    adaptive_clip,
    backward,
    bptt,
    forward,
    model_params,
    permuted_gates,
    step_inputs,
)

QUESTIONS = QuestionSet()
# the course's gradient checker is a tool for the notebook's checks, never part of an answer
TOOLS = ("course_utils.gradcheck",)
GATES = ("i", "f", "g", "o")  # Keras' fused LSTM order; Keras names the candidate g "c"
KERAS_ORDER = ("Keras' fused order is i, f, g, o: columns [0:u] input gate, [u:2u] forget gate, "
               "[2u:3u] candidate g (Keras calls it c), [3u:4u] output gate")  # fmt: skip


def _seed(rng):
    return int(rng.integers(2**31))


def _step(fn, inputs):
    out = call(fn, *(inputs[k] for k in STEP_KEYS), what="peephole_step_forward(x_t, h_prev, c_prev, W_x, W_h, b, "
               "p_i, p_f, p_o)")  # fmt: skip
    if not (isinstance(out, tuple) and len(out) == 3):
        raise StudentError(f"peephole_step_forward should return (h_t, c_t, cache), got {type(out).__name__}.")
    return out


def _hc(out):
    return np.concatenate([np.asarray(out[0], dtype=np.float64), np.asarray(out[1], dtype=np.float64)], axis=-1)


# ---- Q1 ----------------------------------------------------------------------------------------


@QUESTIONS.add("Q1", "peephole_step_forward: one peephole LSTM step", 4,
               names=("peephole_step_forward",), forbidden=TOOLS)  # fmt: skip
def check_forward(student, grade, rng):
    fn = need(student, "peephole_step_forward")
    inputs = step_inputs(_seed(rng))
    h, c, _ = _step(fn, inputs)
    shape = inputs["h_prev"].shape
    problem = array_problem(h, "h_t", shape) or array_problem(c, "c_t", shape)
    if not grade.award("h_t and c_t are float arrays of shape (N, u)", 1, problem is None, problem):
        return
    h_ref, c_ref, _ = forward(inputs)
    variants = [(hint, _hc(forward(inputs, bug))) for bug, hint in FORWARD_BUGS.items()]
    variants += [(f"your code reads the blocks of W_x, W_h and b as gates ({', '.join(GATES[order.index(k)] for k in range(4))}); "
                  f"{KERAS_ORDER}", _hc(forward(permuted_gates(inputs, order))))
                 for order in itertools.permutations(range(4)) if order != (0, 1, 2, 3)]  # fmt: skip
    hint = explain(_hc((h, c)), _hc((h_ref, c_ref)), variants, "[h_t | c_t]")
    c_right = same(c, c_ref)
    grade.award("c_t = f ⊙ c_{t-1} + i ⊙ g, with i and f seeing c_{t-1}", 2, c_right, hint)
    if c_right and hint.startswith("[h_t | c_t] differs"):
        hint = "c_t is right but h_t is not: h_t = o ⊙ tanh(c_t), with o = σ(a_o + p_o ⊙ c_t) from the last block"
    grade.award("h_t = o ⊙ tanh(c_t), with o seeing c_t", 1, same(h, h_ref), hint)


# ---- Q2 ----------------------------------------------------------------------------------------


@QUESTIONS.add("Q2", "peephole_step_backward: one peephole LSTM step backwards", 6,
               names=("peephole_step_forward", "peephole_step_backward"), forbidden=TOOLS)  # fmt: skip
def check_backward(student, grade, rng):
    fwd, bwd = need(student, "peephole_step_forward"), need(student, "peephole_step_backward")
    inputs = step_inputs(_seed(rng))
    dh, dc = rng.standard_normal(inputs["h_prev"].shape), rng.standard_normal(inputs["h_prev"].shape)
    h, c, cache = _step(fwd, inputs)
    if not same(_hc((h, c)), _hc(forward(inputs))):
        raise StudentError("peephole_step_backward is checked with the cache of your peephole_step_forward, "
                           "which does not match the reference yet: fix Q1 first.")  # fmt: skip
    ref_cache = forward(inputs)[2]
    ref_dh, ref_dc, ref_grads = backward(dh, dc, ref_cache)
    out = call(bwd, dh, dc, cache, what="peephole_step_backward(dh, dc, cache)")
    if not (isinstance(out, tuple) and len(out) == 3):
        raise StudentError(f"peephole_step_backward should return (dh_prev, dc_prev, grads), got {type(out).__name__}.")
    problem = array_problem(out[0], "dh_prev", ref_dh.shape) or array_problem(out[1], "dc_prev", ref_dc.shape)
    if problem:
        raise StudentError(problem)
    got = {"dh_prev": out[0], "dc_prev": out[1], **dict_of_arrays(out[2], ref_grads, "grads")}
    want = {"dh_prev": ref_dh, "dc_prev": ref_dc, **ref_grads}
    variants = []
    for bug, hint in BACKWARD_BUGS.items():
        v_dh, v_dc, v_grads = backward(dh, dc, ref_cache, bug)
        variants.append((hint, {"dh_prev": v_dh, "dc_prev": v_dc, **v_grads}))

    def award(label, keys, points, formula):
        mine, right = {k: got[k] for k in keys}, {k: want[k] for k in keys}
        matched = [(h, {k: v[k] for k in keys}) for h, v in variants]
        grade.award(label, points, same(mine, right), f"{explain(mine, right, matched, label)}. {formula}")

    award("∂J/∂c_{t-1}", ("dc_prev",), 2, "∂J/∂c_{t-1} = ∂J/∂c_t ⊙ f + ∂J/∂a_i ⊙ p_i + ∂J/∂a_f ⊙ p_f")
    award(
        "∂J/∂h_{t-1}",
        ("dh_prev",),
        1,
        "∂J/∂h_{t-1} = ∂J/∂a W_hᵀ, with ∂J/∂a = [∂J/∂a_i | ∂J/∂a_f | ∂J/∂a_g | ∂J/∂a_o] (N, 4u)",
    )
    award(
        "∂J/∂W_x, ∂J/∂W_h and ∂J/∂b",
        ("W_x", "W_h", "b"),
        1,
        "∂J/∂W_x = x_tᵀ ∂J/∂a, ∂J/∂W_h = h_{t-1}ᵀ ∂J/∂a, ∂J/∂b = Σ_batch ∂J/∂a",
    )
    award(
        "∂J/∂p_i and ∂J/∂p_f",
        ("p_i", "p_f"),
        1,
        "∂J/∂p_i = Σ_batch ∂J/∂a_i ⊙ c_{t-1}, ∂J/∂p_f = Σ_batch ∂J/∂a_f ⊙ c_{t-1}",
    )
    award("∂J/∂p_o", ("p_o",), 1, "∂J/∂p_o = Σ_batch ∂J/∂a_o ⊙ c_t, ∂J/∂a_o = dh ⊙ tanh(c_t) ⊙ o(1 − o)")


# ---- Q3 ----------------------------------------------------------------------------------------


def _upstream(student, rng):
    """A hint when the student's step functions (which their BPTT presumably calls) are still wrong."""
    inputs = step_inputs(_seed(rng))
    try:
        fwd, bwd = need(student, "peephole_step_forward"), need(student, "peephole_step_backward")
        h, c, cache = _step(fwd, inputs)
        ones = np.ones_like(inputs["h_prev"])
        mine = call(bwd, ones, ones, cache, what="peephole_step_backward")
        ref = backward(ones, ones, forward(inputs)[2])
        if same(_hc((h, c)), _hc(forward(inputs))) and same(list(mine[:2]), list(ref[:2])):
            return ""
    except (StudentError, TypeError, IndexError):
        pass
    return " (your peephole_step_forward / peephole_step_backward do not match yet: fix Q1 and Q2 first)"


@QUESTIONS.add("Q3", "peephole_bptt: BPTT through a many-to-one peephole LSTM classifier", 6,
               names=("peephole_bptt",), forbidden=TOOLS)  # fmt: skip
def check_bptt(student, grade, rng):
    fn = need(student, "peephole_bptt")
    N, T, d, u, K = 3, 5, 3, 4, 3
    params = model_params(_seed(rng), d, u, K)
    x, y = rng.standard_normal((N, T, d)), rng.integers(0, K, size=N)
    ref_loss, ref_grads = bptt(params, x, y)
    out = call(fn, params, x, y, what="peephole_bptt(params, x, y)")
    if not (isinstance(out, tuple) and len(out) == 2):
        raise StudentError(f"peephole_bptt should return a pair (loss, grads), got {type(out).__name__}.")
    loss, grads = out
    if not isinstance(loss, (float, int, np.floating)) and np.shape(loss) != ():
        raise StudentError(f"the loss should be one number (a float), got {type(loss).__name__} "
                           f"of shape {np.shape(loss)}.")  # fmt: skip
    loss, grads = float(loss), dict_of_arrays(grads, params, "grads")
    upstream = None
    loss_hint = (f"J = 1/N Σ_n −log ŷ_n[y_n] with ŷ = softmax(h_T W_y + b_y): expected {ref_loss:.6f}, got {loss:.6f}"
                 + (" - that is the SUM over the batch; J is the mean" if abs(loss - N * ref_loss) < 1e-6 else ""))  # fmt: skip
    if abs(loss - ref_loss) > 1e-8 * max(1.0, abs(ref_loss)):
        upstream = _upstream(student, rng)
    grade.award("loss J = 1/N Σ_n J_n", 1, abs(loss - ref_loss) <= 1e-8 * max(1.0, abs(ref_loss)),
                loss_hint + (upstream or ""))  # fmt: skip
    variants = [(hint, bptt(params, x, y, bug)[1]) for bug, hint in BPTT_BUGS.items()]

    def award(label, keys, points, formula):
        nonlocal upstream
        mine, want = {k: grads[k] for k in keys}, {k: ref_grads[k] for k in keys}
        right = same(mine, want)
        if not right and upstream is None:
            upstream = _upstream(student, rng)
        matched = [(h, {k: v[k] for k in keys}) for h, v in variants]
        grade.award(label, points, right, f"{explain(mine, want, matched, label)}. {formula}{upstream or ''}")

    award(
        "∂J/∂W_y and ∂J/∂b_y (the read-out on h_T)",
        ("W_y", "b_y"),
        1,
        "∂J/∂z = (ŷ − onehot(y)) / N; ∂J/∂W_y = h_Tᵀ ∂J/∂z, ∂J/∂b_y = Σ_batch ∂J/∂z",
    )
    award("∂J/∂W_h", ("W_h",), 1, "∂J/∂W_h = Σ_t (step t's h_{t-1}ᵀ ∂J/∂a_t): one term per use of W_h")
    award("∂J/∂W_x and ∂J/∂b", ("W_x", "b"), 2,
          "start from ∂J/∂h_T = ∂J/∂z W_yᵀ and ∂J/∂c_T = 0, carry (∂J/∂h, ∂J/∂c) back step by step, sum each "
          "step's weight gradients")  # fmt: skip
    award(
        "∂J/∂p_i, ∂J/∂p_f and ∂J/∂p_o",
        ("p_i", "p_f", "p_o"),
        1,
        "the peepholes are used at every step too: sum their gradients over the steps",
    )


# ---- Q4 ----------------------------------------------------------------------------------------


def agc_inputs(rng, lam=0.1):
    """Parameters and gradients with units above and below λ, a zero-initialised peephole and a read-out below λ."""
    params = {"W_x": rng.standard_normal((3, 8)), "b": rng.uniform(0.5, 1.0, 8) * rng.choice([-1, 1], 8),
              "p_f": np.zeros(2), "W_y": rng.standard_normal((2, 3))}  # fmt: skip
    ratios = {"W_x": np.where(np.arange(8) % 2 == 0, rng.uniform(2, 10, 8), rng.uniform(0.1, 0.8, 8)) * lam,
              "b": 5 * lam, "p_f": 1.0, "W_y": rng.uniform(0.1, 0.8, 3) * lam}  # fmt: skip
    grads = {}
    for k, W in params.items():
        direction = rng.standard_normal(W.shape)
        if W.ndim == 1:
            scale = ratios[k] * max(np.linalg.norm(W), 1e-3) if k == "b" else ratios[k]  # p_f: ‖G‖ = 1
            grads[k] = direction / np.linalg.norm(direction) * scale
        else:
            grads[k] = direction / np.linalg.norm(direction, axis=0) * ratios[k] * np.linalg.norm(W, axis=0)
    return grads, params


@QUESTIONS.add("Q4", "adaptive_clip: unit-wise adaptive gradient clipping", 4,
               names=("adaptive_clip",), forbidden=TOOLS)  # fmt: skip
def check_adaptive_clip(student, grade, rng):
    fn = need(student, "adaptive_clip")
    lam = 0.1
    grads, params = agc_inputs(rng, lam)
    want = adaptive_clip(grads, params, lam)
    got = dict_of_arrays(call(fn, grads, params, lam, what="adaptive_clip(grads, params, lam)"), grads,
                         "the clipped gradients")  # fmt: skip
    variants = [(hint, adaptive_clip(grads, params, lam, bug=bug)) for bug, hint in AGC_BUGS.items()]
    clipped = {k: ~np.isclose(want[k], grads[k], rtol=0, atol=1e-12) for k in ("W_x", "b")}
    kept = {k: np.isclose(want[k], grads[k], rtol=0, atol=1e-12) for k in ("W_x", "W_y")}

    def award(label, masks, points, formula):
        mine, right = {k: got[k][m] for k, m in masks.items()}, {k: want[k][m] for k, m in masks.items()}
        matched = [(h, {k: v[k][m] for k, m in masks.items()}) for h, v in variants]
        grade.award(label, points, same(mine, right), f"{explain(mine, right, matched, label)}. {formula}")

    award(
        "units with ‖G‖ / max(‖W‖, ε) > λ are scaled to norm λ max(‖W‖, ε)",
        clipped,
        2,
        "for each unit (a column of a matrix, a whole vector): G ← λ max(‖W‖, ε) / ‖G‖ · G",
    )
    award("units with ‖G‖ / max(‖W‖, ε) ≤ λ are left unchanged", kept, 1, "clip only where the ratio exceeds λ")
    award(
        "a unit whose weights are all 0 is clipped against the floor ε",
        {"p_f": np.ones(2, bool)},
        1,
        "max(‖W‖, ε) = ε for p_f = 0: its gradient is scaled to norm λε",
    )
