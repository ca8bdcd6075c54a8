"""The recurrent loop and backpropagation through time in plain NumPy, with the lecture's symbols.

CSCI E-89B Lecture 2 writes one step of a layer of recurrent neurons as
``y_t = φ(W_x^T x_t + W_y^T y_{t-1} + b)``; CS 505 notes writes the same thing as one
matrix applied to the concatenation, ``a_t = tanh(W [a_{t-1}; x_t])``. Here the
hidden state is ``h_t`` and row vectors are used, as in Keras:

    h_t = φ(x_t W_x + h_{t-1} W_h + b)

``W_x`` is Keras' ``kernel`` (d, u), ``W_h`` its ``recurrent_kernel`` (u, u), ``b`` its ``bias`` (u,).

IIIT Hyderabad Intro to NLP's language model adds a softmax read-out at every step and averages the
per-step cross-entropies (``V`` classes, ``W_y`` (u, V), ``b_y`` (V,))::

    ŷ_t = softmax(h_t W_y + b_y)        J_t = −log ŷ_t[y_t]        J = 1/T Σ_t J_t

:func:`simple_rnn_bptt` computes J and every gradient by backpropagation through time
(BPTT), one commented line per step of the maths. :func:`simple_rnn_step_forward` and
:func:`simple_rnn_step_backward` are one step of it, in the form of the LSTM and GRU steps of
:mod:`course_utils.numpy_gated`; the gradient checker is in :mod:`course_utils.gradcheck`.
Everything is float64 so that finite differences can check it to 1e-6 and better.
"""

from dataclasses import dataclass

import numpy as np

from course_utils._validation import non_negative_int, number, positive_int

ACTIVATIONS = {"tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0), "linear": lambda a: a}
# φ'(a), written with h = φ(a) where that is cheaper (tanh' = 1 − tanh²)
DERIVATIVES = {
    "tanh": lambda a, h: 1.0 - h**2,
    "relu": lambda a, h: (a > 0).astype(np.float64),
    "linear": lambda a, h: np.ones_like(a),
}
CELLS = ("simple_rnn", "lstm", "gru")
_GATES = {"simple_rnn": 1, "lstm": 4, "gru": 3}


def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}.")
    return activation


def simple_rnn_forward(x, W_x, W_h, b, h0=None, activation="tanh"):
    """Run a SimpleRNN layer over ``x`` and return every hidden state.

    ``x`` is (T, d) for one sequence or (batch, T, d) for a batch; the result has the
    same leading axes with ``u`` features: ``h_1 ... h_T``. ``h0`` defaults to zeros.

    >>> x = np.ones((4, 2)); W_x = np.full((2, 3), 0.1); W_h = np.eye(3) * 0.5; b = np.zeros(3)
    >>> simple_rnn_forward(x, W_x, W_h, b, activation="linear")[:, 0].round(4)
    array([0.2  , 0.3  , 0.35 , 0.375])
    """
    x, W_x, W_h, b = (np.asarray(a, dtype=np.float64) for a in (x, W_x, W_h, b))
    if x.ndim not in (2, 3):
        raise ValueError(f"x must be (T, d) or (batch, T, d), got shape {x.shape}.")
    _check_activation(activation)
    d, u = x.shape[-1], W_h.shape[0]
    expected = {"W_x": (d, u), "W_h": (u, u), "b": (u,)}
    for name, array in (("W_x", W_x), ("W_h", W_h), ("b", b)):
        if array.shape != expected[name]:
            raise ValueError(
                f"{name} must have shape {expected[name]} for d={d} input features and u={u} units, got {array.shape}."
            )
    phi = ACTIVATIONS[activation]
    batch_shape = x.shape[:-2]
    h = np.zeros(batch_shape + (u,)) if h0 is None else np.broadcast_to(np.asarray(h0, np.float64), batch_shape + (u,))
    states = []
    for t in range(x.shape[-2]):
        h = phi(x[..., t, :] @ W_x + h @ W_h + b)  # h_t = φ(x_t W_x + h_{t-1} W_h + b)
        states.append(h)
    return np.stack(states, axis=-2)


def simple_rnn_step_forward(x_t, h_prev, W_x, W_h, b, activation="tanh"):
    """One SimpleRNN step, like the gated cells' steps: returns ``h_t, cache``.

    >>> h, cache = simple_rnn_step_forward(np.ones((1, 2)), np.zeros((1, 3)), np.full((2, 3), 0.1), np.eye(3), np.zeros(3))
    >>> h.round(4)
    array([[0.1974, 0.1974, 0.1974]])
    """
    a = x_t @ W_x + h_prev @ W_h + b  # a_t = x_t W_x + h_{t-1} W_h + b
    h = ACTIVATIONS[_check_activation(activation)](a)  # h_t = φ(a_t)
    return h, (x_t, h_prev, a, h, activation)


def simple_rnn_step_backward(dh, cache, W_h, grads):
    """From ∂J/∂h_t (total) to ∂J/∂h_{t-1}; adds this step's weight gradients into ``grads``."""
    x_t, h_prev, a, h, activation = cache
    da = dh * DERIVATIVES[activation](a, h)  # ∂J/∂a_t = ∂J/∂h_t ⊙ φ'(a_t)
    grads["W_x"] += x_t.T @ da  # ∂J/∂W_x|_(t) = x_tᵀ ∂J/∂a_t
    grads["W_h"] += h_prev.T @ da  # ∂J/∂W_h|_(t) = h_{t-1}ᵀ ∂J/∂a_t
    grads["b"] += da.sum(axis=0)  # ∂J/∂b|_(t) = ∂J/∂a_t
    return da @ W_h.T  # ∂J/∂h_{t-1} = ∂J/∂a_t W_hᵀ


# ---- shapes and random parameters ---------------------------------------------------------------


def param_shapes(cell, d, u, n_classes, reset_after=True):
    """The shape of every parameter of a recurrent language model, in Keras' fused layout.

    ``W_x``, ``W_h``, ``b`` are the recurrent layer's ``kernel``, ``recurrent_kernel``, ``bias``
    (LSTM: 4 blocks i, f, g, o; GRU: 3 blocks z, r, h; GRU with ``reset_after`` has a
    (2, 3u) bias); ``W_y``, ``b_y`` are the read-out's ``kernel`` and ``bias``.

    >>> param_shapes("lstm", d=2, u=3, n_classes=5)
    {'W_x': (2, 12), 'W_h': (3, 12), 'b': (12,), 'W_y': (3, 5), 'b_y': (5,)}
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}.")
    d, u = positive_int(d, "d", "The number of input features."), positive_int(u, "u", "The number of units.")
    v = positive_int(n_classes, "n_classes", "The number of output classes (vocabulary size).")
    k = _GATES[cell]
    bias = (2, k * u) if cell == "gru" and reset_after else (k * u,)
    return {"W_x": (d, k * u), "W_h": (u, k * u), "b": bias, "W_y": (u, v), "b_y": (v,)}


def random_params(cell, d, u, n_classes, seed=0, scale=0.5, reset_after=True):
    """Random float64 parameters N(0, scale²) with the shapes of :func:`param_shapes`.

    >>> p = random_params("simple_rnn", d=2, u=3, n_classes=4, seed=0)
    >>> {k: v.shape for k, v in p.items()}["W_h"], p["W_h"].dtype
    ((3, 3), dtype('float64'))
    """
    rng = np.random.default_rng(non_negative_int(seed, "seed", "Use a fixed integer such as 0."))
    number(scale, "scale", "Use e.g. 0.5.", above=0)
    return {k: scale * rng.standard_normal(s) for k, s in param_shapes(cell, d, u, n_classes, reset_after).items()}


# ---- input checks and the softmax read-out, shared with numpy_gated ------------------------------


def check_model_inputs(params, x, cell, reset_after=True):
    """Validate and convert the parameters and inputs; return ``(params, x, batched)`` with x (N, T, d)."""
    if not isinstance(params, dict):
        raise ValueError(f"params must be a dict of arrays (see param_shapes), got {type(params).__name__}.")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim not in (2, 3) or 0 in x.shape:
        raise ValueError(f"x must be (T, d) or (batch, T, d) and not empty, got shape {x.shape}.")
    batched = x.ndim == 3
    x = x if batched else x[None]
    W_h = np.asarray(params.get("W_h", np.zeros((0, 0))))
    W_y = np.asarray(params.get("W_y", np.zeros((0, 0))))
    if W_h.ndim != 2 or W_y.ndim != 2 or 0 in W_h.shape + W_y.shape:
        raise ValueError(f"params needs 2-D arrays W_h (u, k·u) and W_y (u, V); got keys {sorted(params)}.")
    expected = param_shapes(cell, x.shape[2], W_h.shape[0], W_y.shape[1], reset_after)
    got = {k: np.shape(params[k]) for k in params}
    if got != expected:
        raise ValueError(f"params for {cell} with d={x.shape[2]} must have shapes {expected}, got {got}.")
    return {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}, x, batched


def check_lm_inputs(params, x, y, cell, step_weights=None, reset_after=True):
    """:func:`check_model_inputs`, and the targets and step weights of a language model.

    Returns ``(params, x, y, w, batched)`` with x (N, T, d), y (N, T), w (T,).
    """
    params, x, batched = check_model_inputs(params, x, cell, reset_after)
    y = np.asarray(y)
    y = y if batched else y[None]
    if y.shape != x.shape[:2] or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"y must be integer class ids of shape {x.shape[:2] if batched else x.shape[1:2]}, "
            f"got {y.dtype} {y.shape if batched else y.shape[1:]}."
        )
    W_y = params["W_y"]
    if y.min() < 0 or y.max() >= W_y.shape[1]:
        raise ValueError(f"y holds class ids in [0, {W_y.shape[1]}), got values from {y.min()} to {y.max()}.")
    T = x.shape[1]
    w = np.full(T, 1.0 / T) if step_weights is None else np.asarray(step_weights, dtype=np.float64)
    if w.shape != (T,) or not np.all(w >= 0):
        raise ValueError(f"step_weights must be {T} non-negative numbers (default 1/T each), got shape {w.shape}.")
    return params, x, y, w, batched


def softmax(z):
    """Row-wise softmax, shifted by the row maximum so that exp never overflows."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def readout_forward(h, W_y, b_y, y_t):
    """``ŷ_t = softmax(h_t W_y + b_y)`` and the batch mean of ``J_t = −log ŷ_t[y_t]``."""
    p = softmax(h @ W_y + b_y)
    return p, float(-np.log(p[np.arange(len(y_t)), y_t]).mean())


def readout_backward(p, y_t, w_t):
    """``∂J/∂z_t = w_t (ŷ_t − onehot(y_t)) / N``: the gradient at the softmax's input."""
    dz = p.copy()
    dz[np.arange(len(y_t)), y_t] -= 1.0
    return dz * (w_t / len(y_t))


@dataclass
class BPTTResult:
    """What BPTT computes: the loss, the gradients, and where they came from.

    ``grads[name]`` has the shape of ``params[name]``. ``dJ_dh`` is ∂J/∂h_t for every step
    (the *total* derivative: through ŷ_t and through h_{t+1}), (T, u) or (N, T, u).
    ``contributions[name][t]`` is ∂J/∂name|_(t), the gradient through the copy of the
    weight used at step t: summing over t gives ``grads[name]`` (IIIT Hyderabad Intro to NLP's BPTT rule).
    """

    loss: float
    grads: dict
    dJ_dh: np.ndarray
    contributions: dict
    states: np.ndarray


def simple_rnn_bptt(params, x, y, activation="tanh", step_weights=None):
    """Loss and gradients of IIIT Hyderabad Intro to NLP's RNN language model by backpropagation through time.

    ``params`` holds ``W_x`` (d, u), ``W_h`` (u, u), ``b`` (u,), ``W_y`` (u, V), ``b_y`` (V,);
    ``x`` is (T, d) or (N, T, d); ``y`` the target class ids, (T,) or (N, T).
    The loss is ``J = Σ_t w_t J_t`` averaged over the batch, with ``w_t = 1/T`` by
    default (IIIT Hyderabad Intro to NLP's average); pass ``step_weights`` to weight the steps differently,
    e.g. a one-hot vector to get ``∂J_t/∂θ`` for one step t.

    >>> p = random_params("simple_rnn", d=3, u=4, n_classes=3, seed=1)
    >>> x, y = np.eye(3)[[0, 1, 2, 0]], np.array([1, 2, 0, 1])
    >>> r = simple_rnn_bptt(p, x, y)
    >>> bool(np.allclose(r.contributions["W_h"].sum(axis=0), r.grads["W_h"]))
    True
    """
    params, x, y, w, batched = check_lm_inputs(params, x, y, "simple_rnn", step_weights)
    phi, dphi = ACTIVATIONS[_check_activation(activation)], DERIVATIVES[activation]
    W_x, W_h, b, W_y, b_y = (params[k] for k in ("W_x", "W_h", "b", "W_y", "b_y"))
    N, T, _ = x.shape
    u = W_h.shape[0]
    a, h, p = {}, {-1: np.zeros((N, u))}, {}  # caches, keyed by t; h[-1] = h_0 = 0
    loss = 0.0
    # ---- forward pass: keep every a_t, h_t, ŷ_t for the backward pass
    for t in range(T):
        a[t] = x[:, t] @ W_x + h[t - 1] @ W_h + b  # a_t = x_t W_x + h_{t-1} W_h + b
        h[t] = phi(a[t])  # h_t = φ(a_t)
        p[t], J_t = readout_forward(h[t], W_y, b_y, y[:, t])  # ŷ_t = softmax(h_t W_y + b_y)
        loss += w[t] * J_t  # J = Σ_t w_t J_t
    # ---- backward pass: from t = T down to 1, carrying ∂J/∂h_t back through W_h
    contributions = {k: np.zeros((T,) + v.shape) for k, v in params.items()}
    dJ_dh = np.zeros((N, T, u))
    dh_next = np.zeros((N, u))  # ∂J/∂h_T through h_{T+1}: nothing comes after the last step
    for t in reversed(range(T)):
        dz = readout_backward(p[t], y[:, t], w[t])  # ∂J/∂z_t = w_t (ŷ_t − y_t)
        contributions["W_y"][t] = h[t].T @ dz  # ∂J/∂W_y|_(t) = h_tᵀ ∂J/∂z_t
        contributions["b_y"][t] = dz.sum(axis=0)  # ∂J/∂b_y|_(t) = ∂J/∂z_t
        dh = dz @ W_y.T + dh_next  # ∂J/∂h_t = ∂J/∂z_t W_yᵀ + ∂J/∂h_{t+1} ∂h_{t+1}/∂h_t
        dJ_dh[:, t] = dh
        da = dh * dphi(a[t], h[t])  # ∂J/∂a_t = ∂J/∂h_t ⊙ φ'(a_t)
        contributions["W_x"][t] = x[:, t].T @ da  # ∂J/∂W_x|_(t) = x_tᵀ ∂J/∂a_t
        contributions["W_h"][t] = h[t - 1].T @ da  # ∂J/∂W_h|_(t) = h_{t-1}ᵀ ∂J/∂a_t
        contributions["b"][t] = da.sum(axis=0)  # ∂J/∂b|_(t) = ∂J/∂a_t
        dh_next = da @ W_h.T  # ∂J/∂h_{t-1} through h_t: ∂J/∂a_t W_hᵀ
    grads = {k: c.sum(axis=0) for k, c in contributions.items()}  # a shared weight: sum over its uses
    states = np.stack([h[t] for t in range(T)], axis=1)
    if not batched:
        dJ_dh, states = dJ_dh[0], states[0]
    return BPTTResult(float(loss), grads, dJ_dh, contributions, states)


def simple_rnn_loss(params, x, y, activation="tanh", step_weights=None):
    """The loss J of :func:`simple_rnn_bptt` by the forward pass alone (for the gradient checker)."""
    params, x, y, w, _ = check_lm_inputs(params, x, y, "simple_rnn", step_weights)
    phi = ACTIVATIONS[_check_activation(activation)]
    h = np.zeros((x.shape[0], params["W_h"].shape[0]))
    loss = 0.0
    for t in range(x.shape[1]):
        h = phi(x[:, t] @ params["W_x"] + h @ params["W_h"] + params["b"])  # h_t
        loss += w[t] * readout_forward(h, params["W_y"], params["b_y"], y[:, t])[1]  # w_t J_t
    return float(loss)
