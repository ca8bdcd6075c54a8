"""LSTM and GRU steps, forward and backward, in NumPy (float64), in Keras' fused layout.

Each ``*_step_forward`` computes one time step and returns a cache; the matching
``*_step_backward`` takes ∂J/∂(outputs of the step) and returns ∂J/∂(inputs of the step),
adding the weight gradients of that step into ``grads``. The SimpleRNN's pair is in
:mod:`course_utils.numpy_rnn`. :func:`step_forward` and :func:`step_backward` put the three
pairs behind one signature, so a loop over time never asks which cell it runs: :func:`rnn_bptt`
chains them with IIIT Hyderabad Intro to NLP's softmax read-out and averaged cross-entropy, so
:func:`course_utils.gradcheck.gradient_check` can check each cell.

LSTM (Keras gate order i, f, g, o; σ = sigmoid)::

    [a_i | a_f | a_g | a_o] = x_t W_x + h_{t-1} W_h + b
    i, f, g, o = σ(a_i), σ(a_f), tanh(a_g), σ(a_o)
    c_t = f ⊙ c_{t-1} + i ⊙ g          h_t = o ⊙ tanh(c_t)

GRU (Keras block order z, r, h; Keras' z keeps the OLD state)::

    z = σ(x_t W_xz + h_{t-1} W_hz + b_z)     r = σ(x_t W_xr + h_{t-1} W_hr + b_r)
    h̃ = tanh(x_t W_xh + b_xh + r ⊙ (h_{t-1} W_hh + b_hh))     reset_after=True (Keras default)
    h̃ = tanh(x_t W_xh + (r ⊙ h_{t-1}) W_hh + b_h)             reset_after=False (the lectures)
    h_t = z ⊙ h_{t-1} + (1 − z) ⊙ h̃
"""

from typing import NamedTuple

import numpy as np

from course_utils._validation import boolean, expect_shapes
from course_utils.numpy_rnn import (
    BPTTResult,
    check_lm_inputs,
    readout_backward,
    readout_forward,
    simple_rnn_bptt,
    simple_rnn_loss,
    simple_rnn_step_backward,
    simple_rnn_step_forward,
)


def sigmoid(a):
    """The logistic function σ(a) = 1 / (1 + e^−a), without overflow for large |a|."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def _step_dims(x_t, h_prev, cache=None, size=None, forward="the forward step"):
    """``(N, d, u)`` from x_t (N, d) and h_prev (N, u), or from a forward step's ``cache`` of ``size`` items."""
    if cache is not None:
        if not isinstance(cache, tuple) or len(cache) != size:
            raise ValueError(f"cache must be the cache that {forward} returned (a tuple of {size} items).")
        x_t, h_prev = cache[:2]
    if np.ndim(x_t) != 2 or np.ndim(h_prev) != 2 or len(x_t) != len(h_prev):
        raise ValueError(
            f"x_t must be (N, d) and h_prev (N, u), a batch of N rows each, got {np.shape(x_t)} and "
            f"{np.shape(h_prev)}. For one example use x_t[None] and h_prev[None]."
        )
    return len(x_t), np.shape(x_t)[1], np.shape(h_prev)[1]


def _grad_shapes(grads, d, u, k, bias, bias_formula):
    """What a backward step's ``grads`` (the dict it adds into) must hold, for :func:`expect_shapes`."""
    if not isinstance(grads, dict) or not {"W_x", "W_h", "b"} <= set(grads):
        got = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
        raise ValueError(f"grads must be a dict of arrays W_x, W_h, b (zeros like the weights) to add into, got {got}.")
    return {
        "grads['W_x']": (grads["W_x"], (d, k * u), f"(d, {k}u)"),
        "grads['W_h']": (grads["W_h"], (u, k * u), f"(u, {k}u)"),
        "grads['b']": (grads["b"], bias, bias_formula),
    }


# ---- LSTM ------------------------------------------------------------------------------------


def lstm_step_forward(x_t, h_prev, c_prev, W_x, W_h, b):
    """One LSTM step: returns ``h_t, c_t, cache``. x_t (N, d), h_prev and c_prev (N, u), W_x (d, 4u), W_h (u, 4u), b (4u,)."""
    N, d, u = _step_dims(x_t, h_prev)
    expect_shapes({"c_prev": (c_prev, (N, u), "(N, u)"), "W_x": (W_x, (d, 4 * u), "(d, 4u)"),
                   "W_h": (W_h, (u, 4 * u), "(u, 4u)"), "b": (b, (4 * u,), "(4u,)")},
                  f"for x_t (N, d) = {(N, d)} and h_prev (N, u) = {(N, u)}")  # fmt: skip
    a = x_t @ W_x + h_prev @ W_h + b  # [a_i | a_f | a_g | a_o], (N, 4u)
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=-1)
    i, f, g, o = sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)  # gates and candidate
    c = f * c_prev + i * g  # c_t = f ⊙ c_{t-1} + i ⊙ g
    tc = np.tanh(c)
    h = o * tc  # h_t = o ⊙ tanh(c_t)
    return h, c, (x_t, h_prev, c_prev, i, f, g, o, tc)


def lstm_step_backward(dh, dc_next, cache, W_h, grads):
    """From ∂J/∂h_t and ∂J/∂c_t (through c_{t+1}) to ∂J/∂h_{t-1}, ∂J/∂c_{t-1}; adds into ``grads``."""
    N, d, u = _step_dims(None, None, cache, 8, "lstm_step_forward")
    expect_shapes({"dh": (dh, (N, u), "(N, u)"), "dc_next": (dc_next, (N, u), "(N, u)"),
                   "W_h": (W_h, (u, 4 * u), "(u, 4u)"), **_grad_shapes(grads, d, u, 4, (4 * u,), "(4u,)")},
                  f"for the cached x_t (N, d) = {(N, d)} and h_prev (N, u) = {(N, u)}")  # fmt: skip
    x_t, h_prev, c_prev, i, f, g, o, tc = cache
    do = dh * tc  # ∂J/∂o = ∂J/∂h_t ⊙ tanh(c_t)
    dc = dh * o * (1.0 - tc**2) + dc_next  # ∂J/∂c_t: through h_t and through c_{t+1}
    di, df, dg = dc * g, dc * c_prev, dc * i  # ∂J/∂i, ∂J/∂f, ∂J/∂g from c_t = f ⊙ c_{t-1} + i ⊙ g
    da = np.concatenate(  # back through σ' = σ(1 − σ) and tanh' = 1 − tanh²
        [di * i * (1 - i), df * f * (1 - f), dg * (1 - g**2), do * o * (1 - o)], axis=-1
    )
    grads["W_x"] += x_t.T @ da  # ∂J/∂W_x|_(t) = x_tᵀ ∂J/∂a_t
    grads["W_h"] += h_prev.T @ da  # ∂J/∂W_h|_(t) = h_{t-1}ᵀ ∂J/∂a_t
    grads["b"] += da.sum(axis=0)  # ∂J/∂b|_(t) = ∂J/∂a_t
    return da @ W_h.T, dc * f  # ∂J/∂h_{t-1}, ∂J/∂c_{t-1} = ∂J/∂c_t ⊙ f


# ---- GRU -------------------------------------------------------------------------------------


def gru_step_forward(x_t, h_prev, W_x, W_h, b, reset_after=True):
    """One GRU step (Keras' convention): returns ``h_t, cache``. x_t (N, d), h_prev (N, u), W_x (d, 3u), W_h (u, 3u),
    b (2, 3u) with ``reset_after`` (input and recurrent biases), else (3u,)."""
    N, d, u = _step_dims(x_t, h_prev)
    bias = (2, 3 * u) if boolean(reset_after, "reset_after") else (3 * u,)
    expect_shapes({"W_x": (W_x, (d, 3 * u), "(d, 3u)"), "W_h": (W_h, (u, 3 * u), "(u, 3u)"),
                   "b": (b, bias, "(2, 3u)" if reset_after else "(3u,)")},
                  f"for x_t (N, d) = {(N, d)} and h_prev (N, u) = {(N, u)}")  # fmt: skip
    u = h_prev.shape[-1]
    ax = x_t @ W_x + (b[0] if reset_after else b)  # input products [z | r | h] (+ input bias)
    if reset_after:
        ah = h_prev @ W_h + b[1]  # recurrent products [z | r | h] (+ recurrent bias)
    else:
        ah = np.concatenate([h_prev @ W_h[:, : 2 * u], np.zeros_like(h_prev)], axis=-1)  # h block waits for r
    z = sigmoid(ax[:, :u] + ah[:, :u])  # update gate
    r = sigmoid(ax[:, u : 2 * u] + ah[:, u : 2 * u])  # reset gate
    if reset_after:
        hh = np.tanh(ax[:, 2 * u :] + r * ah[:, 2 * u :])  # h̃ = tanh(x W_xh + b_xh + r ⊙ (h W_hh + b_hh))
    else:
        hh = np.tanh(ax[:, 2 * u :] + (r * h_prev) @ W_h[:, 2 * u :])  # h̃ = tanh(x W_xh + (r ⊙ h) W_hh + b_h)
    h = z * h_prev + (1.0 - z) * hh  # h_t = z ⊙ h_{t-1} + (1 − z) ⊙ h̃
    return h, (x_t, h_prev, z, r, hh, ah, reset_after)


def gru_step_backward(dh, cache, W_h, grads):
    """From ∂J/∂h_t (total) to ∂J/∂h_{t-1}; adds this step's weight gradients into ``grads``."""
    N, d, u = _step_dims(None, None, cache, 7, "gru_step_forward")
    expect_shapes({"dh": (dh, (N, u), "(N, u)"), "W_h": (W_h, (u, 3 * u), "(u, 3u)"),
                   **_grad_shapes(grads, d, u, 3, *(((2, 3 * u), "(2, 3u)") if cache[-1] else ((3 * u,), "(3u,)")))},
                  f"for the cached x_t (N, d) = {(N, d)} and h_prev (N, u) = {(N, u)}")  # fmt: skip
    x_t, h_prev, z, r, hh, ah, reset_after = cache
    u = h_prev.shape[-1]
    dz = dh * (h_prev - hh)  # ∂J/∂z from h_t = z ⊙ h_{t-1} + (1 − z) ⊙ h̃
    dh_prev = dh * z  # the direct path h_{t-1} → h_t
    da_h = dh * (1.0 - z) * (1.0 - hh**2)  # ∂J/∂(pre-activation of h̃)
    if reset_after:
        dr = da_h * ah[:, 2 * u :]  # ∂J/∂r from r ⊙ (h W_hh + b_hh)
        dah_h = da_h * r  # ∂J/∂(h W_hh + b_hh)
    else:
        drh = da_h @ W_h[:, 2 * u :].T  # ∂J/∂(r ⊙ h_{t-1})
        dr = drh * h_prev
        dh_prev += drh * r
        grads["W_h"][:, 2 * u :] += (r * h_prev).T @ da_h  # ∂J/∂W_hh|_(t)
    da_z, da_r = dz * z * (1 - z), dr * r * (1 - r)  # back through σ'
    dax = np.concatenate([da_z, da_r, da_h], axis=-1)  # ∂J/∂(input products)
    grads["W_x"] += x_t.T @ dax
    if reset_after:
        dah = np.concatenate([da_z, da_r, dah_h], axis=-1)  # ∂J/∂(recurrent products)
        grads["W_h"] += h_prev.T @ dah
        grads["b"][0] += dax.sum(axis=0)
        grads["b"][1] += dah.sum(axis=0)
        return dh_prev + dah @ W_h.T
    dah = np.concatenate([da_z, da_r], axis=-1)
    grads["W_h"][:, : 2 * u] += h_prev.T @ dah
    grads["b"] += dax.sum(axis=0)
    return dh_prev + dah @ W_h[:, : 2 * u].T


# ---- one dispatcher: any cell's step pair behind one signature -----------------------------------


class StepPair(NamedTuple):
    """A cell's ``*_step_forward`` and ``*_step_backward``, the option its forward takes, its state arrays."""

    forward: object
    backward: object
    option: str | None
    n_states: int


STEP_PAIRS = {
    "simple_rnn": StepPair(simple_rnn_step_forward, simple_rnn_step_backward, "activation", 1),
    "lstm": StepPair(lstm_step_forward, lstm_step_backward, None, 2),  # state (h, c)
    "gru": StepPair(gru_step_forward, gru_step_backward, "reset_after", 1),
}


def zero_state(cell, n, u):
    """``(h_0,)``, or ``(h_0, c_0)`` for the LSTM: zeros of shape (n, u), one array each."""
    return tuple(np.zeros((n, u)) for _ in range(STEP_PAIRS[cell].n_states))


def step_forward(cell, x_t, state, W_x, W_h, b, activation="tanh", reset_after=True):
    """One step of ``cell`` from ``state`` (:func:`zero_state`'s form); returns ``(state_t, cache)``.

    Every ``*_step_forward`` reads ``(x_t, *state, W_x, W_h, b[, its option])`` and returns
    ``(*state_t, cache)``; ``activation`` is the SimpleRNN's option, ``reset_after`` the GRU's.

    >>> from course_utils.numpy_rnn import random_params
    >>> p = random_params("lstm", d=2, u=3, n_classes=4, seed=0)
    >>> (h, c), cache = step_forward("lstm", np.ones((1, 2)), zero_state("lstm", 1, 3), p["W_x"], p["W_h"], p["b"])
    >>> h.shape, c.shape
    ((1, 3), (1, 3))
    """
    pair = STEP_PAIRS[cell]
    options = {"activation": activation, "reset_after": reset_after}
    option = {pair.option: options[pair.option]} if pair.option else {}
    *state_t, cache = pair.forward(x_t, *state, W_x, W_h, b, **option)
    return tuple(state_t), cache


def step_backward(cell, d_state, cache, W_h, grads):
    """Back through one step: from ``(∂J/∂h_t,)`` (LSTM: ``(∂J/∂h_t, ∂J/∂c_t)``) to the same at t − 1.

    ``∂J/∂h_t`` is the total derivative (through ŷ_t and through step t + 1); the step's weight
    gradients are added into ``grads``.
    """
    d_prev = STEP_PAIRS[cell].backward(*d_state, cache, W_h, grads)
    return d_prev if isinstance(d_prev, tuple) else (d_prev,)


# ---- any cell over a whole sequence ------------------------------------------------------------


def rnn_bptt(params, x, y, cell="simple_rnn", activation="tanh", step_weights=None, reset_after=True):
    """Loss and gradients of a recurrent language model with a ``"simple_rnn"``, ``"lstm"`` or ``"gru"`` core.

    Same model as :func:`course_utils.numpy_rnn.simple_rnn_bptt` (softmax read-out,
    ``J = Σ_t w_t J_t``, by default ``1/T Σ_t J_t``) with the recurrent step swapped;
    ``activation`` applies to ``"simple_rnn"`` only. Shapes: :func:`param_shapes`.
    For the gated cells ``contributions`` is empty (only ``grads`` and ``dJ_dh``).

    >>> from course_utils.numpy_rnn import random_params
    >>> p = random_params("gru", d=2, u=3, n_classes=4, seed=0)
    >>> r = rnn_bptt(p, np.ones((5, 2)), np.array([0, 1, 2, 3, 0]), cell="gru")
    >>> r.dJ_dh.shape, r.grads["b"].shape
    ((5, 3), (2, 9))
    """
    if cell == "simple_rnn":
        return simple_rnn_bptt(params, x, y, activation, step_weights)
    params, x, y, w, batched = check_lm_inputs(params, x, y, cell, step_weights, reset_after)
    W_x, W_h, b, W_y, b_y = (params[k] for k in ("W_x", "W_h", "b", "W_y", "b_y"))
    N, T, _ = x.shape
    u = W_h.shape[0]
    state, caches, probs, states, loss = zero_state(cell, N, u), [], [], [], 0.0
    for t in range(T):  # forward: h_t (and c_t) from h_{t-1}, then ŷ_t
        state, cache = step_forward(cell, x[:, t], state, W_x, W_h, b, reset_after=reset_after)
        p_t, J_t = readout_forward(state[0], W_y, b_y, y[:, t])
        caches.append(cache), probs.append(p_t), states.append(state[0])
        loss += w[t] * J_t
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dJ_dh = np.zeros((N, T, u))
    d_next = zero_state(cell, N, u)  # ∂J/∂h_T (and ∂J/∂c_T) through step T+1: none
    for t in reversed(range(T)):  # backward: t = T ... 1
        dz = readout_backward(probs[t], y[:, t], w[t])  # ∂J/∂z_t = w_t (ŷ_t − y_t)
        grads["W_y"] += states[t].T @ dz
        grads["b_y"] += dz.sum(axis=0)
        dh = dz @ W_y.T + d_next[0]  # ∂J/∂h_t: through ŷ_t and through step t+1
        dJ_dh[:, t] = dh
        d_next = step_backward(cell, (dh, *d_next[1:]), caches[t], W_h, grads)
    states = np.stack(states, axis=1)
    if not batched:
        dJ_dh, states = dJ_dh[0], states[0]
    return BPTTResult(float(loss), grads, dJ_dh, {}, states)


def rnn_loss(params, x, y, cell="simple_rnn", activation="tanh", step_weights=None, reset_after=True):
    """The loss J of :func:`rnn_bptt`, forward pass only (what the gradient checker perturbs)."""
    if cell == "simple_rnn":
        return simple_rnn_loss(params, x, y, activation, step_weights)
    params, x, y, w, _ = check_lm_inputs(params, x, y, cell, step_weights, reset_after)
    state, loss = zero_state(cell, x.shape[0], params["W_h"].shape[0]), 0.0
    for t in range(x.shape[1]):
        state, _ = step_forward(
            cell, x[:, t], state, params["W_x"], params["W_h"], params["b"], reset_after=reset_after
        )
        loss += w[t] * readout_forward(state[0], params["W_y"], params["b_y"], y[:, t])[1]
    return float(loss)
