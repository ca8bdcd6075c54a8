"""Measuring vanishing and exploding gradients: ‖∂J/∂h_t‖ against the distance from the loss.

IIIT Hyderabad Intro to NLP writes the gradient that reaches an early state as a product of Jacobians::

    ∂J/∂h_t = ∂J/∂h_T · ∂h_T/∂h_{T-1} ⋯ ∂h_{t+1}/∂h_t,     ∂h_{s}/∂h_{s-1} = diag(φ'(a_s)) W_hᵀ

(row-vector convention: the gradient row is multiplied by ``W_hᵀ`` once per step back).
With ``φ`` linear and ``W_h = ρ Q`` (Q orthogonal, so every singular value and the
spectral radius are ρ) each step multiplies the norm by exactly ρ: the gradient k steps
back has norm ρ^k, vanishing for ρ < 1 and exploding for ρ > 1. ``tanh`` multiplies by
``φ' ≤ 1`` as well, so it vanishes sooner; with a large ρ it still explodes.

* :func:`scaled_orthogonal`, :func:`simple_rnn_gradient_norms`, :func:`plot_gradient_norms`
  - that experiment in NumPy, fast enough for a slider; :func:`recurrent_gradient_norms` for any ``W_h``;
* :func:`rounding_spread` - does a measurement survive rounding? (a chaotic one does not);
* :func:`hidden_gradient_norms` - the same measurement for a (trained) many-to-one classifier
  with a SimpleRNN, LSTM or GRU core, by the NumPy BPTT of :mod:`course_utils.numpy_gated`;
* :func:`numpy_params` - a Keras recurrent layer + Dense read-out as those NumPy parameters;
* :func:`tape_hidden_gradient_norms` - the same numbers with ``tf.GradientTape``, unrolling the
  layer's own cell step by step (a cross-check, and how to measure any Keras cell);
* :func:`gradient_norms` - across depth instead of time: how much gradient reaches each layer of a
  stacked model (notebook 06).
"""

import numpy as np

from course_utils._validation import non_negative_int, number, positive_int
from course_utils.numpy_gated import step_backward, step_forward, zero_state
from course_utils.numpy_rnn import ACTIVATIONS, DERIVATIVES, _check_activation, check_model_inputs, softmax


def scaled_orthogonal(units, spectral_radius, seed=0):
    """``ρ Q`` with ``Q`` a random orthogonal (u, u) matrix: every singular value equals ρ.

    >>> W = scaled_orthogonal(4, 1.5, seed=0)
    >>> np.linalg.svd(W, compute_uv=False).round(6)
    array([1.5, 1.5, 1.5, 1.5])
    """
    u = positive_int(units, "units", "Use e.g. 32.")
    rho = number(spectral_radius, "spectral_radius", "Use e.g. 0.9 (vanishing) or 1.2 (exploding).", above=0)
    rng = np.random.default_rng(non_negative_int(seed, "seed", "Use a fixed integer such as 0."))
    q, r = np.linalg.qr(rng.standard_normal((u, u)))
    return rho * q * np.sign(np.diag(r))  # sign fix: the same Q for the same seed on every LAPACK


def recurrent_gradient_norms(W_h, n_timesteps, activation="tanh", input_scale=0.1, seed=0):
    """``‖∂J/∂h_{T-k}‖ / ‖∂J/∂h_T‖`` for k = 0 … T−1, a SimpleRNN with recurrent weights ``W_h``.

    One random sequence of uniform inputs in [−1, 1] (d = 1, ``W_x`` scaled by
    ``input_scale``, no bias) runs forward; a random unit gradient at the last state runs back.
    """
    W_h = np.asarray(W_h, dtype=np.float64)
    if W_h.ndim != 2 or W_h.shape[0] != W_h.shape[1] or W_h.size == 0:
        raise ValueError(f"W_h must be a square (u, u) matrix, got shape {W_h.shape}.")
    T = positive_int(n_timesteps, "n_timesteps", "Use e.g. 100.")
    phi, dphi = ACTIVATIONS[_check_activation(activation)], DERIVATIVES[activation]
    scale = number(input_scale, "input_scale", "Use e.g. 0.1.", above=0)
    rng = np.random.default_rng(non_negative_int(seed, "seed", "Use a fixed integer such as 0.") + 1)
    W_x = scale * rng.standard_normal((1, W_h.shape[0]))
    x = rng.uniform(-1, 1, size=(T, 1))
    a, h = [], np.zeros(W_h.shape[0])
    for t in range(T):
        a.append(x[t] @ W_x + h @ W_h)  # a_t = x_t W_x + h_{t-1} W_h
        h = phi(a[-1])  # h_t = φ(a_t)
    g = rng.standard_normal(W_h.shape[0])
    g /= np.linalg.norm(g)  # ∂J/∂h_T: a unit vector
    norms = [1.0]
    for t in range(T - 1, 0, -1):
        g = (g * dphi(a[t], phi(a[t]))) @ W_h.T  # ∂J/∂h_{t-1} = (∂J/∂h_t ⊙ φ'(a_t)) W_hᵀ
        norms.append(np.linalg.norm(g))
    return np.array(norms)


def rounding_spread(measure, W, trials=4, seed=0):
    """How many decades ``measure(W)`` moves when every entry of ``W`` changes in its last digit.

    ``measure`` maps an array to a positive number. Each trial multiplies ``W`` by
    ``1 + ε`` with ε ~ 10⁻¹⁵ drawn per entry (a rounding error, no more) and measures again; the
    result is ``max log10 − min log10`` over the trials and the unperturbed ``W``. An ordinary
    calculation moves by ~10⁻¹³ decades. A chaotic one — a tanh recurrence with large weights,
    where nearby trajectories separate exponentially — moves by a decade or more: another CPU,
    thread count or memory layout rounds differently and prints another number. Such a value
    is reproducible only as far as its spread allows, so print its order (or a bound), not its digits.

    >>> W = scaled_orthogonal(32, 1.0)
    >>> rounding_spread(lambda w: recurrent_gradient_norms(w, 100, "linear")[50], W) < 1e-10
    True
    >>> W_big = 6 * scaled_orthogonal(32, 1.0)
    >>> rounding_spread(lambda w: recurrent_gradient_norms(w, 100, "tanh")[50], W_big) > 0.01
    True
    """
    W = np.asarray(W, dtype=np.float64)
    if W.size == 0 or not np.all(np.isfinite(W)):
        raise ValueError(f"W must be a non-empty array of finite numbers, got shape {W.shape}.")
    n = positive_int(trials, "trials", "Use e.g. 4.")
    rng = np.random.default_rng(non_negative_int(seed, "seed", "Use a fixed integer such as 0."))
    values = [measure(W)] + [measure(W * (1 + 1e-15 * rng.standard_normal(W.shape))) for _ in range(n)]
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or not np.all(np.isfinite(values)) or not np.all(values > 0):
        raise ValueError(f"measure must return one positive finite number per call, got {values!r}.")
    logs = np.log10(values)
    return float(logs.max() - logs.min())


def simple_rnn_gradient_norms(n_timesteps, spectral_radius, activation="tanh", units=32, input_scale=0.1, seed=0):
    """:func:`recurrent_gradient_norms` with ``W_h = ρ Q`` (:func:`scaled_orthogonal`).

    >>> simple_rnn_gradient_norms(4, 0.5, activation="linear").round(6)
    array([1.   , 0.5  , 0.25 , 0.125])
    """
    W_h = scaled_orthogonal(units, spectral_radius, seed)
    return recurrent_gradient_norms(W_h, n_timesteps, activation, input_scale, seed)


def plot_gradient_norms(n_timesteps=100, spectral_radius=1.0, units=32, seed=0, ax=None, show=True):
    """Plot :func:`simple_rnn_gradient_norms` for tanh and linear on a log scale; return them.

    This is what the notebook's sliders call. ``show=False`` leaves the figure open (tests).
    """
    import matplotlib.pyplot as plt

    curves = {act: simple_rnn_gradient_norms(n_timesteps, spectral_radius, act, units, seed=seed)
              for act in ("linear", "tanh")}  # fmt: skip
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    k = np.arange(len(curves["tanh"]))
    ax.semilogy(k, curves["linear"], lw=2, label=f"linear: exactly ρ^k = {spectral_radius:.2f}^k")
    ax.semilogy(k, np.maximum(curves["tanh"], 1e-300), lw=2, label="tanh")
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.set_xlabel("distance from the loss k (steps back)")
    ax.set_ylabel("‖∂J/∂h_{T-k}‖ / ‖∂J/∂h_T‖")
    ax.set_title(f"SimpleRNN, u = {units}, spectral radius ρ = {spectral_radius:.2f}")
    ax.legend(loc="best")
    if show:
        plt.show()
    return curves


def numpy_params(rnn_layer, dense_layer):
    """A Keras recurrent layer and its Dense read-out as the float64 dict of :func:`param_shapes`."""
    weights = rnn_layer.get_weights() + dense_layer.get_weights()
    if len(weights) != 5:
        raise ValueError(
            f"expected kernel, recurrent_kernel, bias of {rnn_layer.name!r} and kernel, bias of "
            f"{dense_layer.name!r} (5 arrays, use_bias=True), got {len(weights)}."
        )
    return {k: np.asarray(w, dtype=np.float64) for k, w in zip(("W_x", "W_h", "b", "W_y", "b_y"), weights)}


def _last_state_gradient(h_T, params, y, loss):
    """``∂J/∂h_T`` for the read-out on the last state, J averaged over the batch."""
    N = len(h_T)
    z = h_T @ params["W_y"] + params["b_y"]  # z = h_T W_y + b_y
    if loss == "crossentropy":
        y = np.asarray(y)
        if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= z.shape[1]:
            raise ValueError(f"y must be class ids in [0, {z.shape[1]}) for loss='crossentropy', got {y.dtype} values.")
        dz = softmax(z)
        dz[np.arange(N), y] -= 1.0  # J_n = −log softmax(z_n)[y_n]: ∂J_n/∂z_n = ŷ_n − onehot(y_n)
    elif loss == "mse":
        dz = 2.0 * (z - np.asarray(y, dtype=np.float64).reshape(z.shape))  # J_n = (z_n − y_n)²
    else:
        raise ValueError(f"loss must be 'crossentropy' (softmax read-out) or 'mse' (linear read-out), got {loss!r}.")
    return dz @ params["W_y"].T / N


def hidden_gradient_norms(params, x, y, cell="simple_rnn", activation="tanh", reset_after=True, loss="crossentropy"):
    """Mean over examples of ``‖∂J_n/∂h_{T-k}‖``, k = 0 … T−1, for a many-to-one model.

    The model reads ``x`` (N, T, d) with a ``cell`` layer and predicts from the last state
    only: ``softmax(h_T W_y + b_y)`` with cross-entropy (``y``: N class ids) or
    ``h_T W_y + b_y`` with squared error (``loss="mse"``, ``y``: N numbers). Index k is
    the distance from the loss: k = 0 is h_T. Parameters: :func:`numpy_params`.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"x must be a batch (N, T, d), got shape {x.shape}.")
    if np.shape(y)[:1] != x.shape[:1]:
        raise ValueError(f"y must hold one target per example, {x.shape[0]}, got shape {np.shape(y)}.")
    params, x, _ = check_model_inputs(params, x, cell, reset_after)  # the targets are checked by the read-out
    _check_activation(activation)
    W_x, W_h, b = params["W_x"], params["W_h"], params["b"]
    N, T, _ = x.shape
    state, caches = zero_state(cell, N, W_h.shape[0]), []
    for t in range(T):  # forward, keeping what each step's backward needs
        state, cache = step_forward(cell, x[:, t], state, W_x, W_h, b, activation, reset_after)
        caches.append(cache)
    d_state = (_last_state_gradient(state[0], params, y, loss), *zero_state(cell, N, W_h.shape[0])[1:])
    scratch = {k: np.zeros_like(v) for k, v in params.items()}  # weight gradients: not needed here
    norms = [N * np.linalg.norm(d_state[0], axis=-1)]  # ‖∂J_n/∂h_T‖ (J is the batch mean: undo the 1/N)
    for t in range(T - 1, 0, -1):  # carry ∂J/∂h_t back to ∂J/∂h_{t-1}
        d_state = step_backward(cell, d_state, caches[t], W_h, scratch)
        norms.append(N * np.linalg.norm(d_state[0], axis=-1))
    return np.stack(norms).mean(axis=1)


def tape_hidden_gradient_norms(rnn_layer, dense_layer, x, y, loss="crossentropy"):
    """:func:`hidden_gradient_norms` with ``tf.GradientTape`` (TensorFlow backend, float32).

    Runs ``rnn_layer.cell`` one step at a time so that every h_t is a tensor the tape can
    differentiate against: ``tape.gradient(J, h_t)`` is the total derivative ∂J/∂h_t.
    ``dense_layer`` is the model's read-out (softmax for cross-entropy, linear for mse).
    """
    import tensorflow as tf

    from course_utils._keras import keras

    if loss not in ("crossentropy", "mse"):
        raise ValueError(f"loss must be 'crossentropy' or 'mse', got {loss!r}.")
    cell = rnn_layer.cell
    x = tf.convert_to_tensor(np.asarray(x, dtype="float32"))
    sizes = cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
    states = [tf.zeros((x.shape[0], s)) for s in sizes]
    if loss == "crossentropy":
        loss_fn = keras.losses.SparseCategoricalCrossentropy(reduction=None)
    else:
        loss_fn = keras.losses.MeanSquaredError(reduction=None)
    y = np.asarray(y) if loss == "crossentropy" else np.asarray(y, dtype="float32").reshape(-1, 1)
    with tf.GradientTape() as tape:
        hs = []
        for t in range(x.shape[1]):
            _, states = cell(x[:, t], states)  # one step: h_t (and c_t) from h_{t-1}
            states = list(states) if isinstance(states, (list, tuple)) else [states]
            hs.append(states[0])  # the h_t that the next step reads
        per_example = loss_fn(y, dense_layer(hs[-1]))  # J_n
    grads = tape.gradient(per_example, hs)  # ∂(Σ_n J_n)/∂h_t: row n is ∂J_n/∂h_t
    return np.array([float(tf.reduce_mean(tf.norm(g, axis=-1))) for g in grads])[::-1]


def gradient_norms(model, x, y, layer_names):
    """``{layer name: norm of d(loss)/d(kernel)}`` for a mean-squared-error loss on one batch.

    Shows how much training signal reaches each layer: in a deep stack without skip
    connections the layers far from the loss get far less. TensorFlow backend only.
    """
    from course_utils._keras import keras

    if keras.backend.backend() != "tensorflow":
        raise ValueError(f"gradient_norms needs the tensorflow backend, not {keras.backend.backend()!r}.")
    if not layer_names:
        raise ValueError("layer_names must name at least one layer of the model.")
    import tensorflow as tf

    kernels = []
    for name in layer_names:
        weights = model.get_layer(name).trainable_weights  # ValueError with the known names if absent
        if not weights:
            raise ValueError(f"layer {name!r} has no trainable weights.")
        kernels.append(weights[0])
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(x, training=False) - y) ** 2)
    grads = tape.gradient(loss, kernels)
    return {name: float(tf.norm(g)) for name, g in zip(layer_names, grads)}
