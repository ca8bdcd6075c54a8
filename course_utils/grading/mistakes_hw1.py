"""Assignment 1's references with known mistakes planted, and the LSTM probes its checks use.

``bptt_variant(params, x, y, bug)`` recomputes seed 001's BPTT with one of ``BPTT_BUGS`` planted,
so a student's gradients can be matched to a named mistake; the LSTM helpers build random inputs,
permute the gate blocks (a student reading the gates in another order) and saturate gates (so
one gate's contribution can be checked on its own). Used by :mod:`course_utils.grading.checks_hw1`.
"""

import numpy as np

from course_utils.numpy_gated import lstm_step_forward as ref_lstm_forward
from course_utils.numpy_rnn import softmax


def bptt_variant(params, x, y, bug=None):
    """Seed 001's BPTT for one sequence, optionally with a planted ``bug`` (None: the correct gradients)."""
    W_x, W_h, b, W_y, b_y = (params[k] for k in ("W_x", "W_h", "b", "W_y", "b_y"))
    T, u = len(x), W_h.shape[0]
    hs, ps = [np.zeros(u)], []
    for t in range(T):
        hs.append(np.tanh(x[t] @ W_x + hs[-1] @ W_h + b))  # hs[t + 1] = h_t
        ps.append(softmax(hs[-1] @ W_y + b_y))
    g = {k: np.zeros_like(v) for k, v in params.items()}
    dh_next = np.zeros(u)
    for t in reversed(range(T)):
        dz = ps[t].copy()
        dz[y[t]] -= 1.0
        dz *= 1.0 if bug == "sum" else 1.0 / T
        g["W_y"] += np.outer(hs[t + 1], dz)
        g["b_y"] += dz
        dh = dz @ W_y.T + (0.0 if bug == "truncated" else dh_next)
        da = dh if bug == "no_tanh_derivative" else dh * (1.0 - hs[t + 1] ** 2)
        g["W_x"] += np.outer(x[t], da)
        g["W_h"] += np.outer(hs[t + 1] if bug == "off_by_one" else hs[t], da)
        g["b"] += da
        dh_next = da @ (W_h if bug == "untransposed" else W_h.T)
    return g


BPTT_BUGS = {
    "off_by_one": "an off-by-one in BPTT: ∂J/∂W_h at step t is h_{t-1}ᵀ ∂J/∂a_t - the state that ENTERED the "
                  "step (h_0 = 0 at the first step), not h_t",
    "truncated": "∂J/∂h_t must also receive ∂J/∂a_{t+1} W_hᵀ from step t+1 - that is what 'through time' "
                 "means; yours has only the read-out term ∂J/∂z_t W_yᵀ",
    "no_tanh_derivative": "the derivative of tanh is missing: ∂J/∂a_t = ∂J/∂h_t ⊙ (1 − h_t²)",
    "untransposed": "∂J/∂h_{t-1} through step t is ∂J/∂a_t W_hᵀ (transposed), not ∂J/∂a_t W_h",
    "sum": "the gradients are T times too large: J is the MEAN of the J_t, so ∂J/∂z_t = (ŷ_t − onehot(y_t)) / T",
}  # fmt: skip


def lstm_inputs(seed, N=3, d=4, u=5):
    rng = np.random.default_rng(seed)
    return {"x_t": rng.standard_normal((N, d)), "h_prev": 0.5 * rng.standard_normal((N, u)),
            "c_prev": rng.standard_normal((N, u)), "W_x": 0.5 * rng.standard_normal((d, 4 * u)),
            "W_h": 0.5 * rng.standard_normal((u, 4 * u)), "b": 0.5 * rng.standard_normal(4 * u)}  # fmt: skip


def permuted_gates(inputs, order):
    """Weights whose block j is the original block order[j] (a student reading gate j from block order[j])."""
    out = dict(inputs)
    for key in ("W_x", "W_h", "b"):
        blocks = np.split(inputs[key], 4, axis=-1)
        out[key] = np.concatenate([blocks[k] for k in order], axis=-1)
    return out


def lstm_hc(inputs, **changes):
    h, c, _ = ref_lstm_forward(**{**inputs, **changes})
    return np.concatenate([h, c], axis=-1)


# (gate, {block: saturating bias}, what is then left to check): f = 1, i = 0 keeps c_{t-1}; f = 0, i = 1 gives c_t = g ...
LSTM_PROBES = [
    ("g", {0: 30.0, 1: -30.0, 3: 30.0}, "the candidate g = tanh(a_g), columns [2u:3u]"),
    ("o", {0: -30.0, 1: 30.0}, "the output gate o = σ(a_o), columns [3u:4u], in h_t = o ⊙ tanh(c_t)"),
    ("f", {0: -30.0, 3: 30.0}, "the forget gate f = σ(a_f), columns [u:2u], in f ⊙ c_{t-1}"),
]


def saturated(inputs, blocks):
    b, u = np.array(inputs["b"], copy=True), len(inputs["b"]) // 4
    for k, value in blocks.items():
        b[k * u : (k + 1) * u] = value
    return {**inputs, "b": b}
