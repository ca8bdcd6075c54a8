"""Assignment 1's references - a peephole LSTM, its BPTT, unit-wise clipping - each with known mistakes planted.

Instructor-only (``course_utils/grading`` never reaches students or the sandbox). Every reference takes
``bug=None`` (the correct answer) or the name of a realistic mistake, so the checks can match a student's
output to a named mistake and give its hint. Conventions: row vectors, Keras' fused gate order
i, f, g, o (Keras calls the candidate g "c"); peepholes ``p_i, p_f, p_o`` (u,) are element-wise
(Gers & Schmidhuber 2000)::

    [a_i | a_f | a_g | a_o] = x_t W_x + h_{t-1} W_h + b
    i = σ(a_i + p_i ⊙ c_{t-1})    f = σ(a_f + p_f ⊙ c_{t-1})    g = tanh(a_g)
    c_t = f ⊙ c_{t-1} + i ⊙ g     o = σ(a_o + p_o ⊙ c_t)         h_t = o ⊙ tanh(c_t)
"""

import numpy as np

STEP_KEYS = ("x_t", "h_prev", "c_prev", "W_x", "W_h", "b", "p_i", "p_f", "p_o")
WEIGHTS = ("W_x", "W_h", "b", "p_i", "p_f", "p_o")
PEEPHOLES = ("p_i", "p_f", "p_o")


def sigmoid(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# ---- Q1 and Q2: one peephole step ---------------------------------------------------------------


def step_inputs(seed, N=3, d=4, u=5):
    """Random inputs of one step: ``{name: array}`` in the order of ``STEP_KEYS``."""
    rng = np.random.default_rng(seed)
    return {"x_t": rng.standard_normal((N, d)), "h_prev": 0.5 * rng.standard_normal((N, u)),
            "c_prev": rng.standard_normal((N, u)), "W_x": 0.5 * rng.standard_normal((d, 4 * u)),
            "W_h": 0.5 * rng.standard_normal((u, 4 * u)), "b": 0.5 * rng.standard_normal(4 * u),
            **{p: rng.standard_normal(u) for p in PEEPHOLES}}  # fmt: skip


def forward(inputs, bug=None):
    """``(h_t, c_t, cache)`` of one peephole step; ``bug`` plants one of ``FORWARD_BUGS``."""
    x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o = (inputs[k] for k in STEP_KEYS)
    if bug == "swapped_peepholes":
        p_i, p_f = p_f, p_i
    if bug == "no_peepholes":
        p_i, p_f, p_o = 0 * p_i, 0 * p_f, 0 * p_o
    a_i, a_f, a_g, a_o = np.split(x_t @ W_x + h_prev @ W_h + (0 if bug == "no_bias" else b), 4, axis=-1)
    i, f, g = sigmoid(a_i + p_i * c_prev), sigmoid(a_f + p_f * c_prev), np.tanh(a_g)
    c_t = f * c_prev + i * g
    o = sigmoid(a_o + p_o * (c_prev if bug == "o_sees_c_prev" else c_t))
    h_t = o * np.tanh(c_t)
    return h_t, c_t, (x_t, h_prev, c_prev, c_t, i, f, g, o, W_h, p_i, p_f, p_o)


def permuted_gates(inputs, order):
    """Weights whose block j is the original block order[j] (a student reading gate j from block order[j])."""
    out = dict(inputs)
    for key in ("W_x", "W_h", "b"):
        blocks = np.split(inputs[key], 4, axis=-1)
        out[key] = np.concatenate([blocks[k] for k in order], axis=-1)
    return out


FORWARD_BUGS = {
    "o_sees_c_prev": "the output gate's peephole looks at the NEW cell: o = σ(a_o + p_o ⊙ c_t), computed after "
                     "c_t (the input and forget gates look at c_{t-1})",
    "swapped_peepholes": "p_i and p_f are swapped: i = σ(a_i + p_i ⊙ c_{t-1}), f = σ(a_f + p_f ⊙ c_{t-1})",
    "no_peepholes": "that is the plain LSTM: the gates i, f and o must also see the cell through p_i, p_f, p_o",
    "no_bias": "the bias b is missing from [a_i | a_f | a_g | a_o] = x_t W_x + h_{t-1} W_h + b",
}  # fmt: skip


def backward(dh, dc, cache, bug=None):
    """``(dh_prev, dc_prev, grads)`` of one peephole step; ``bug`` plants one of ``BACKWARD_BUGS``."""
    x_t, h_prev, c_prev, c_t, i, f, g, o, W_h, p_i, p_f, p_o = cache
    tanh_c = np.tanh(c_t)
    da_o = dh * tanh_c * o * (1 - o)
    dc_t = (0 if bug == "dc_ignored" else dc) + dh * o * (1 - tanh_c**2)
    if bug != "no_po_path":
        dc_t = dc_t + da_o * p_o  # c_t also feeds o through its peephole
    da_i = dc_t * g * i * (1 - i)
    da_f = dc_t * (1 if bug == "f_without_c_prev" else c_prev) * f * (1 - f)
    da_g = dc_t * i * (1 - g**2)
    da = np.concatenate([da_i, da_f, da_g, da_o], axis=-1)
    dc_prev = dc_t * f
    if bug != "no_peephole_paths":
        dc_prev = dc_prev + da_i * p_i + da_f * p_f
    grads = {"W_x": x_t.T @ da, "W_h": h_prev.T @ da, "b": da.sum(axis=0),
             "p_i": (da_i * c_prev).sum(axis=0), "p_f": (da_f * c_prev).sum(axis=0),
             "p_o": (da_o * (c_prev if bug == "p_o_with_c_prev" else c_t)).sum(axis=0)}  # fmt: skip
    return da @ W_h.T, dc_prev, grads


DC_T = "∂J/∂c_t = dc + dh ⊙ o ⊙ (1 − tanh²c_t) + ∂J/∂a_o ⊙ p_o"
BACKWARD_BUGS = {
    "no_po_path": "∂J/∂c_t misses the path through the output gate's peephole: " + DC_T,
    "no_peephole_paths": "∂J/∂c_{t-1} = ∂J/∂c_t ⊙ f + ∂J/∂a_i ⊙ p_i + ∂J/∂a_f ⊙ p_f: c_{t-1} also reaches "
                         "i and f through the peepholes (yours is the plain LSTM's ∂J/∂c_t ⊙ f)",
    "dc_ignored": "the dc argument (∂J/∂c_t arriving from step t+1) is ignored: " + DC_T,
    "p_o_with_c_prev": "∂J/∂p_o = Σ_batch ∂J/∂a_o ⊙ c_t: the output gate's peephole sees c_t, not c_{t-1}",
    "f_without_c_prev": "∂J/∂a_f = ∂J/∂c_t ⊙ c_{t-1} ⊙ f(1 − f): the forget gate multiplies c_{t-1}",
}  # fmt: skip


# ---- Q3: BPTT through a many-to-one classifier ------------------------------------------------


def model_params(seed, d=3, u=4, K=3, scale=0.5):
    rng = np.random.default_rng(seed)
    shapes = {"W_x": (d, 4 * u), "W_h": (u, 4 * u), "b": (4 * u,), "p_i": (u,), "p_f": (u,), "p_o": (u,),
              "W_y": (u, K), "b_y": (K,)}  # fmt: skip
    return {k: scale * rng.standard_normal(s) for k, s in shapes.items()}


def bptt(params, x, y, bug=None):
    """``(J, grads)`` of the classifier ``softmax(h_T W_y + b_y)``, J the batch's mean cross-entropy."""
    N, T, _ = x.shape
    u = params["W_h"].shape[0]
    h, c, caches = np.zeros((N, u)), np.zeros((N, u)), []
    weights = {k: params[k] for k in WEIGHTS}
    for t in range(T):
        h, c, cache = forward({"x_t": x[:, t], "h_prev": h, "c_prev": c, **weights})
        caches.append(cache)
    p = softmax(h @ params["W_y"] + params["b_y"])
    scale = 1.0 if bug == "summed" else 1.0 / N
    loss = -scale * np.log(p[np.arange(N), y]).sum()
    dz = p.copy()
    dz[np.arange(N), y] -= 1.0
    dz *= scale
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    grads["W_y"], grads["b_y"] = h.T @ dz, dz.sum(axis=0)
    dh, dc = dz @ params["W_y"].T, np.zeros((N, u))
    for t in range(T) if bug == "forward_order" else reversed(range(T)):
        dh, dc, step = backward(dh, dc, caches[t])
        if bug == "dc_dropped":
            dc = np.zeros_like(dc)
        for k in WEIGHTS:
            grads[k] = step[k] if bug == "overwritten" else grads[k] + step[k]
    return float(loss), grads


BPTT_BUGS = {
    "dc_dropped": "∂J/∂c_{t-1} must be carried back to the step before, like ∂J/∂h_{t-1}: the cell's path is "
                  "what keeps an LSTM's gradient alive over many steps",
    "overwritten": "every weight is used at every step: its gradient is the SUM of the steps' contributions "
                   "(yours keeps only one step's)",
    "summed": "J is the MEAN over the batch: ∂J/∂z = (ŷ − onehot(y)) / N",
    "forward_order": "go back from t = T to t = 1: the gradient entering at h_T belongs to the LAST step's cache "
                     "(yours runs the caches in forward order)",
}  # fmt: skip


# ---- Q4: unit-wise adaptive gradient clipping --------------------------------------------------


def unit_norms(a, axis=0):
    """Per unit: a matrix's column norms (one per output unit), or a vector's norm (one unit), broadcastable."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 1:
        return np.full(a.shape, np.linalg.norm(a))
    return np.broadcast_to(np.linalg.norm(a, axis=axis, keepdims=True), a.shape)


def adaptive_clip(grads, params, lam, eps=1e-3, bug=None):
    """``G ← λ max(‖W‖, ε) / ‖G‖ · G`` for every unit with ``‖G‖ / max(‖W‖, ε) > λ``; ``bug``: ``AGC_BUGS``."""
    out = {}
    for k, G in grads.items():
        W = params[k]
        if bug == "whole_tensor":
            g_norm, w_norm = np.full(G.shape, np.linalg.norm(G)), np.full(G.shape, np.linalg.norm(W))
        elif bug == "entrywise_vectors" and G.ndim == 1:
            g_norm, w_norm = np.abs(G), np.abs(W)
        else:
            axis = 1 if bug == "rows" else 0
            g_norm, w_norm = unit_norms(G, axis), unit_norms(W, axis)
        limit = lam * (w_norm if bug == "no_floor" else np.maximum(w_norm, eps))
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = G * (limit / np.maximum(g_norm, 1e-300))
        out[k] = scaled if bug == "always" else np.where(g_norm > limit, scaled, G)
    return out


AGC_BUGS = {
    "rows": "a unit's weights are a COLUMN of W (Keras' kernels are (fan_in, units)): take the norms over "
            "axis 0, one per column; yours are per row",
    "whole_tensor": "that is layer-wise clipping (one norm per array): AGC compares ‖G‖ and ‖W‖ unit by unit, "
                    "one column of a matrix at a time",
    "entrywise_vectors": "a vector (a bias, a peephole) is ONE unit: use its whole norm, not each entry's",
    "no_floor": "‖W‖ must be floored at ε: max(‖W_unit‖, ε). A unit whose weights are all 0 (a bias or a "
                "peephole at initialisation) would otherwise never move",
    "always": "only units with ‖G‖ / max(‖W‖, ε) > λ are clipped; the others keep their gradient unchanged",
}  # fmt: skip
