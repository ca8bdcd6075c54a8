"""Assignment 1 checks: a SimpleRNN and an LSTM, forward and backward, in NumPy; gradient check; clipping.

Conventions (the course's, Keras' fused layout, row vectors): ``x_t`` (N, d), ``h`` (N, u),
``W_x`` (d, k·u), ``W_h`` (u, k·u), ``b`` (k·u,) with the LSTM's blocks in the order i, f, g, o
(Keras calls the candidate g "c"). Every check draws random inputs and weights from the grading
run's secret seed (``rng``) and compares, in the grader's process, with :mod:`course_utils.numpy_rnn` /
:mod:`course_utils.numpy_gated` (which the sandbox does not have). Known mistakes are recomputed as
"variants"; matching one gives its specific hint.
"""

import itertools

import numpy as np

from course_utils.grading.compare import array_problem, close, copy_arrays, dict_of_arrays, explain, same, shape_text
from course_utils.grading.core import QuestionSet, StudentError, call, need
from course_utils.grading.mistakes_hw1 import (
    BPTT_BUGS,
    LSTM_PROBES,
    bptt_variant,
    lstm_hc,
    lstm_inputs,
    permuted_gates,
    saturated,
)
from course_utils.numpy_gated import lstm_step_backward as ref_lstm_backward
from course_utils.numpy_gated import lstm_step_forward as ref_lstm_forward
from course_utils.numpy_gated import sigmoid
from course_utils.numpy_rnn import random_params, simple_rnn_bptt
from course_utils.selfcheck.probe import loss_function

QUESTIONS = QuestionSet()
GATES = ("i", "f", "g", "o")  # Keras' fused LSTM order; Keras names the candidate g "c"
KERAS_ORDER = ("Keras' fused order is i, f, g, o: columns [0:u] input gate, [u:2u] forget gate, "
               "[2u:3u] candidate g (Keras calls it c), [3u:4u] output gate")  # fmt: skip


# ---- Q1 ----------------------------------------------------------------------------------------


def _seed(rng):
    return int(rng.integers(2**31))


@QUESTIONS.add("Q1", "rnn_step_forward: one SimpleRNN step", 2, names=("rnn_step_forward",))
def check_rnn_step(student, grade, rng):
    fn = need(student, "rnn_step_forward")
    N, d, u = 4, 3, 5
    x, h = rng.standard_normal((N, d)), rng.standard_normal((N, u))
    W_x, W_h, b = 0.5 * rng.standard_normal((d, u)), 0.5 * rng.standard_normal((u, u)), 0.5 * rng.standard_normal(u)
    got = call(fn, x, h, W_x, W_h, b, what="rnn_step_forward(x_t, h_prev, W_x, W_h, b)")
    problem = array_problem(got, "h_t", (N, u))
    shapes = (
        "(called with "
        + ", ".join(
            f"{n} {shape_text(a.shape)}" for n, a in (("x_t", x), ("h_prev", h), ("W_x", W_x), ("W_h", W_h), ("b", b))
        )
        + ")"
    )
    if not grade.award("h_t is a float array of shape (N, u)", 1, problem is None, f"{problem} {shapes}"):
        return
    want = np.tanh(x @ W_x + h @ W_h + b)
    variants = [
        ("the bias b is missing: h_t = tanh(x_t W_x + h_{t-1} W_h + b)", np.tanh(x @ W_x + h @ W_h)),
        ("h_{t-1} W_h is missing: the previous state enters every step", np.tanh(x @ W_x + b)),
        ("tanh is missing: h_t = tanh(a_t), not a_t", x @ W_x + h @ W_h + b),
        ("the SimpleRNN's activation is tanh, not the sigmoid", sigmoid(x @ W_x + h @ W_h + b)),
        ("with row vectors (Keras' layout) the recurrent term is h_{t-1} W_h, not h_{t-1} W_hᵀ",
         np.tanh(x @ W_x + h @ W_h.T + b)),
    ]  # fmt: skip
    grade.award("h_t = tanh(x_t W_x + h_{t-1} W_h + b)", 1, close(got, want), explain(got, want, variants, "h_t"))


# ---- Q2 ----------------------------------------------------------------------------------------


@QUESTIONS.add("Q2", "numerical_gradient: central differences", 3, names=("numerical_gradient",))
def check_numerical_gradient(student, grade, rng):
    fn = need(student, "numerical_gradient")
    A, c = rng.standard_normal((3, 4)), rng.uniform(0.5, 1.5, 5)
    params = {"W": rng.standard_normal((3, 4)), "b": rng.standard_normal(5)}
    before = copy_arrays(params)
    loss = loss_function("sin_cubic", A, c)  # J = Σ sin(W) ⊙ A + Σ c ⊙ b³, built the same way in the student's kernel
    exact = {"W": np.cos(params["W"]) * A, "b": 3 * c * params["b"] ** 2}
    spec = {"__course__": "loss", "kind": "sin_cubic", "A": A, "c": c}
    got, args = call(fn.call_with_args, spec, params, 1e-5, what="numerical_gradient(loss_fn, params, eps=1e-5)")
    got = dict_of_arrays(got, params, "the returned gradient")
    forward = {}
    for key, theta in before.items():  # the forward difference (J(θ + ε e_k) − J(θ)) / ε, a common mistake
        forward[key] = np.zeros_like(theta)
        for index in np.ndindex(theta.shape):
            plus = copy_arrays(before)
            plus[key][index] += 1e-5
            forward[key][index] = (loss(plus) - loss(before)) / 1e-5
    variants = [
        ("that is the forward difference (J(θ+ε) − J(θ)) / ε, whose error is O(ε): use central differences "
         "(J(θ + ε e_k) − J(θ − ε e_k)) / 2ε, error O(ε²)", forward),
        ("twice the gradient: central differences divide by 2ε, not ε", {k: 2 * v for k, v in exact.items()}),
        ("half the gradient: central differences divide by 2ε (you divided by 4ε?)", {k: v / 2 for k, v in exact.items()}),
    ]  # fmt: skip
    grade.award(
        "matches the exact gradient to 1e-7",
        2,
        same(got, exact, 1e-7),
        explain(got, exact, variants, "the gradient", 1e-7),
    )
    after = args[1] if isinstance(args, list) and len(args) == 3 else None
    unchanged = isinstance(after, dict) and set(after) == set(before) and same(after, before, 1e-12)
    grade.award("params are left unchanged", 1, unchanged,
                "numerical_gradient changed params: restore each θ_k (e.g. theta[index] = saved) "
                "after the two evaluations")  # fmt: skip


# ---- Q3 ----------------------------------------------------------------------------------------


@QUESTIONS.add("Q3", "rnn_bptt: seed 001's backpropagation through time", 5, names=("rnn_bptt",))
def check_rnn_bptt(student, grade, rng):
    fn = need(student, "rnn_bptt")
    d, u, V, T = 3, 4, 3, 6
    params = random_params("simple_rnn", d=d, u=u, n_classes=V, seed=_seed(rng))
    ids = rng.integers(0, V, size=T + 1)
    x, y = np.eye(V)[ids[:-1]], ids[1:]
    ref = simple_rnn_bptt(params, x, y)
    out = call(fn, params, x, y, what="rnn_bptt(params, x, y)")
    if not (isinstance(out, tuple) and len(out) == 2):
        raise StudentError(f"rnn_bptt should return a pair (loss, grads), got {type(out).__name__}.")
    loss, grads = out
    if not isinstance(loss, (float, int, np.floating)) and np.shape(loss) != ():
        raise StudentError(
            f"the loss should be one number (a float), got {type(loss).__name__} of shape {np.shape(loss)}."
        )
    loss, grads = float(loss), dict_of_arrays(grads, params, "grads")
    summed = abs(loss - T * ref.loss) < 1e-6
    loss_hint = (f"J = 1/T Σ_t −log ŷ_t[y_t] with ŷ_t = softmax(h_t W_y + b_y): expected {ref.loss:.6f}, got {loss:.6f}"
                 + (" - that is the SUM over the T steps; seed 001's J is the mean" if summed else ""))  # fmt: skip
    grade.award("loss J = 1/T Σ_t J_t", 1, abs(loss - ref.loss) <= 1e-8, loss_hint)
    variants = [(hint, bptt_variant(params, x, y, bug)) for bug, hint in BPTT_BUGS.items()]

    def award(label, keys, points, formula):
        want = {k: ref.grads[k] for k in keys}
        mine = {k: grads[k] for k in keys}
        matched = [(h, {k: v[k] for k in keys}) for h, v in variants]
        grade.award(label, points, same(mine, want), f"{explain(mine, want, matched, label)}. {formula}")

    award(
        "∂J/∂W_y and ∂J/∂b_y (the read-out)",
        ("W_y", "b_y"),
        1,
        "∂J/∂z_t = (ŷ_t − onehot(y_t)) / T; ∂J/∂W_y = Σ_t h_tᵀ ∂J/∂z_t, ∂J/∂b_y = Σ_t ∂J/∂z_t",
    )
    award("∂J/∂W_h", ("W_h",), 1, "∂J/∂W_h = Σ_t h_{t-1}ᵀ ∂J/∂a_t, one term per use of W_h")
    award("∂J/∂W_x and ∂J/∂b", ("W_x", "b"), 2,
          "∂J/∂a_t = (∂J/∂z_t W_yᵀ + ∂J/∂a_{t+1} W_hᵀ) ⊙ (1 − h_t²); "
          "∂J/∂W_x = Σ_t x_tᵀ ∂J/∂a_t, ∂J/∂b = Σ_t ∂J/∂a_t")  # fmt: skip


# ---- Q4 and Q5: the LSTM step ----------------------------------------------------------------------


def _student_hc(fn, inputs):
    args = [inputs[k] for k in ("x_t", "h_prev", "c_prev", "W_x", "W_h", "b")]
    out = call(fn, *args, what="lstm_step_forward(x_t, h_prev, c_prev, W_x, W_h, b)")
    if not (isinstance(out, tuple) and len(out) == 3):
        raise StudentError(f"lstm_step_forward should return (h_t, c_t, cache), got {type(out).__name__}.")
    return out


@QUESTIONS.add("Q4", "lstm_step_forward: one LSTM step in Keras' gate order", 3, names=("lstm_step_forward",))
def check_lstm_forward(student, grade, rng):
    fn = need(student, "lstm_step_forward")
    inputs = lstm_inputs(_seed(rng))
    N, u = inputs["h_prev"].shape
    h, c, _ = _student_hc(fn, inputs)
    problem = array_problem(h, "h_t", (N, u)) or array_problem(c, "c_t", (N, u))
    if not grade.award("h_t and c_t are float arrays of shape (N, u)", 1, problem is None, problem):
        return
    h_ref, c_ref, _ = ref_lstm_forward(**inputs)
    got, want = np.concatenate([h, c], axis=-1), np.concatenate([h_ref, c_ref], axis=-1)
    if same(got, want):
        grade.award("c_t = f ⊙ c_{t-1} + i ⊙ g", 1, True)
        grade.award("h_t = o ⊙ tanh(c_t)", 1, True)
        return
    variants = [(f"your code reads the blocks of W_x, W_h and b as gates ({', '.join(GATES[order.index(k)] for k in range(4))}); "
                 f"{KERAS_ORDER}", lstm_hc(permuted_gates(inputs, order)))
                for order in itertools.permutations(range(4)) if order != (0, 1, 2, 3)]  # fmt: skip
    variants += [("the bias b is missing from the pre-activations [a_i | a_f | a_g | a_o] = x_t W_x + h_{t-1} W_h + b",
                  lstm_hc(inputs, b=np.zeros_like(inputs["b"]))),
                 ("the forget gate must multiply the old cell: c_t = f ⊙ c_{t-1} + i ⊙ g",
                  lstm_hc(inputs, c_prev=np.zeros_like(inputs["c_prev"])))]  # fmt: skip
    hint = explain(got, want, variants, "[h_t | c_t]")
    if hint.startswith("[h_t | c_t] differs"):  # saturate the other gates (bias ±30) to look at one gate at a time
        wrong = []
        for _, blocks, what in LSTM_PROBES:
            probe = saturated(inputs, blocks)
            if not same(np.concatenate(_student_hc(fn, probe)[:2], axis=-1), lstm_hc(probe)):
                wrong.append(what)
        wrong = wrong or ["the input gate i = σ(a_i), columns [0:u], in i ⊙ g"]  # g, o, f are right
        if len(wrong) < len(LSTM_PROBES):
            hint += "; with the other gates saturated (bias ±30) your step still goes wrong in: " + "; ".join(wrong)
    grade.award("c_t = f ⊙ c_{t-1} + i ⊙ g", 1, same(c, c_ref), hint)
    grade.award("h_t = o ⊙ tanh(c_t)", 1, same(h, h_ref), hint if not same(c, c_ref) else
                "c_t is right but h_t is not: h_t = o ⊙ tanh(c_t), with o = σ(a_o) from the last block")  # fmt: skip


GATE_GRADIENTS = {
    "i": "∂J/∂a_i = ∂J/∂c_t ⊙ g ⊙ i(1 − i)",
    "f": "∂J/∂a_f = ∂J/∂c_t ⊙ c_{t-1} ⊙ f(1 − f)",
    "g": "∂J/∂a_g = ∂J/∂c_t ⊙ i ⊙ (1 − g²)",
    "o": "∂J/∂a_o = ∂J/∂h_t ⊙ tanh(c_t) ⊙ o(1 − o)",
}
DC = "∂J/∂c_t = ∂J/∂h_t ⊙ o ⊙ (1 − tanh²(c_t)) + dc (the gradient arriving from c_{t+1})"


@QUESTIONS.add(
    "Q5", "lstm_step_backward: one LSTM step backwards", 4, names=("lstm_step_forward", "lstm_step_backward")
)
def check_lstm_backward(student, grade, rng):
    forward, backward = need(student, "lstm_step_forward"), need(student, "lstm_step_backward")
    inputs = lstm_inputs(_seed(rng))
    dh, dc = rng.standard_normal(inputs["h_prev"].shape), rng.standard_normal(inputs["h_prev"].shape)
    h, c, cache = _student_hc(forward, inputs)
    if not same(np.concatenate([h, c], axis=-1), lstm_hc(inputs)):
        raise StudentError("lstm_step_backward is checked with the cache of your lstm_step_forward, "
                           "which does not match the reference yet: fix Q4 first.")  # fmt: skip
    _, _, ref_cache = ref_lstm_forward(**inputs)
    ref_grads = {k: np.zeros_like(inputs[k]) for k in ("W_x", "W_h", "b")}
    ref_dh, ref_dc = ref_lstm_backward(dh, dc, ref_cache, inputs["W_h"], ref_grads)
    out = call(backward, dh, dc, cache, what="lstm_step_backward(dh, dc, cache)")
    if not (isinstance(out, tuple) and len(out) == 3):
        raise StudentError(f"lstm_step_backward should return (dh_prev, dc_prev, grads), got {type(out).__name__}.")
    problem = array_problem(out[0], "dh_prev", ref_dh.shape) or array_problem(out[1], "dc_prev", ref_dc.shape)
    if problem:
        raise StudentError(problem)
    grads = dict_of_arrays(out[2], ref_grads, "grads")
    no_dc_grads = {k: np.zeros_like(v) for k, v in ref_grads.items()}  # the gradients if dc were ignored
    ref_lstm_backward(dh, np.zeros_like(dc), ref_cache, inputs["W_h"], no_dc_grads)
    a = inputs["x_t"] @ inputs["W_x"] + inputs["h_prev"] @ inputs["W_h"] + inputs["b"]
    f = sigmoid(np.split(a, 4, axis=-1)[1])  # the forget gate, for the hint about dc
    wrong_gates = [
        g for g, mine, want in zip(GATES, np.split(grads["b"], 4), np.split(ref_grads["b"], 4)) if not same(mine, want)
    ]
    if {"i", "f", "g"} <= set(wrong_gates):  # i, f and g all receive ∂J/∂c_t: the mistake is before the gates
        gate_hint = ("the dc argument (∂J/∂c_t arriving from step t+1) is ignored: " + DC
                     if same(grads["b"], no_dc_grads["b"]) else "∂J/∂c_t is wrong (i, f and g all use it): " + DC)  # fmt: skip
    else:
        gate_hint = "; ".join(GATE_GRADIENTS[g] for g in wrong_gates)
    grade.award(
        "∂J/∂c_{t-1}",
        1,
        same(out[1], ref_dc),
        "∂J/∂c_{t-1} = ∂J/∂c_t ⊙ f, with " + DC + (" - yours ignores dc" if same(out[1], ref_dc - dc * f) else ""),
    )
    grade.award("∂J/∂h_{t-1}", 1, same(out[0], ref_dh),
                "∂J/∂h_{t-1} = ∂J/∂a W_hᵀ, with ∂J/∂a = [∂J/∂a_i | ∂J/∂a_f | ∂J/∂a_g | ∂J/∂a_o] (N, 4u)"
                + (f"; wrong gate gradients: {gate_hint}" if wrong_gates else ""))  # fmt: skip
    grade.award("∂J/∂W_x and ∂J/∂W_h", 1, same(grads["W_x"], ref_grads["W_x"]) and same(grads["W_h"], ref_grads["W_h"]),
                "∂J/∂W_x = x_tᵀ ∂J/∂a and ∂J/∂W_h = h_{t-1}ᵀ ∂J/∂a (summed over the batch)"
                + (f"; wrong gate gradients: {gate_hint}" if wrong_gates else ""))  # fmt: skip
    grade.award(
        "∂J/∂b", 1, not wrong_gates, f"∂J/∂b = Σ_batch ∂J/∂a; wrong for gate(s) {', '.join(wrong_gates)}: {gate_hint}"
    )


# ---- Q6 ----------------------------------------------------------------------------------------


@QUESTIONS.add("Q6", "clip_by_global_norm: seed 001's norm clipping", 3, names=("clip_by_global_norm",))
def check_clipping(student, grade, rng):
    fn = need(student, "clip_by_global_norm")
    big = {
        "W_x": 3 * rng.standard_normal((3, 4)),
        "W_h": rng.standard_normal((4, 4)),
        "b": 0.1 * rng.standard_normal(4),
    }
    threshold = 1.0
    norm = np.sqrt(sum(np.sum(g**2) for g in big.values()))  # ‖ĝ‖ over ALL gradients (about 10 here)
    want = {k: g * threshold / norm for k, g in big.items()}
    what = "clip_by_global_norm(grads, threshold)"
    got = dict_of_arrays(call(fn, big, threshold, what=what), big, "the clipped gradients")
    variants = [
        ("that is clipping by VALUE (every entry into [−threshold, threshold]): it changes the gradient's direction; "
         "seed 001 scales the whole gradient: ĝ ← (threshold / ‖ĝ‖) ĝ",
         {k: np.clip(g, -threshold, threshold) for k, g in big.items()}),
        ("that clips each array by its own norm (Keras' clipnorm); seed 001 uses ONE norm over all gradients "
         "together (Keras' global_clipnorm)", {k: g * min(1.0, threshold / np.linalg.norm(g)) for k, g in big.items()}),
        ("the scale is upside down: ĝ ← (threshold / ‖ĝ‖) ĝ", {k: g * norm / threshold for k, g in big.items()}),
        ("‖ĝ‖ is the square ROOT of the sum of squares", {k: g * threshold / norm**2 for k, g in big.items()}),
    ]  # fmt: skip
    grade.award("‖ĝ‖ ≥ threshold: ĝ ← (threshold / ‖ĝ‖) ĝ, one norm over all gradients", 2, same(got, want),
                explain(got, want, variants, "the clipped gradient"))  # fmt: skip
    small = {k: g * 0.5 / norm for k, g in big.items()}  # ‖ĝ‖ = 0.5 < threshold
    got = dict_of_arrays(call(fn, small, threshold, what=what), big, "the clipped gradients")
    grade.award(
        "‖ĝ‖ < threshold: ĝ unchanged",
        1,
        same(got, small),
        "a gradient whose norm is below the threshold must stay as it is (clip only when ‖ĝ‖ ≥ threshold)",
    )
