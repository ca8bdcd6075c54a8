"""Inside an LSTM: its four blocks of weights, its gates step by step, and how long its memory lasts.

Keras stores an LSTM's four blocks side by side, in the order i, f, c, o (Keras calls the
candidate "c"; the lectures call it g)::

    kernel (d, 4u) = [W_xi | W_xf | W_xg | W_xo]      recurrent_kernel (u, 4u) = [W_hi | W_hf | W_hg | W_ho]
    bias (4u,)     = [b_i  | b_f  | b_g  | b_o ]

* :func:`lstm_blocks` - cut the fused weights into the lecture's per-gate ``W_x, W_h, b``
* :func:`lstm_gate_trace` - run the LSTM equations in NumPy (float64) and keep every gate at every step
* :func:`memory_retention` - the share of ``c_0`` still in ``c_k``: ``f_1 ⊙ f_2 ⊙ ... ⊙ f_k``
* :func:`retention_at_init` - that share for a freshly initialised Keras LSTM, with or without
  ``unit_forget_bias`` (the forget bias starting at 1)
"""

import numpy as np

from course_utils._validation import boolean, non_negative_int, positive_int
from course_utils.numpy_gated import lstm_step_forward

GATES = ("i", "f", "g", "o")  # Keras' order of the blocks; Keras names the candidate g "c"
KERAS_BLOCK_NAMES = {"i": "i (input gate)", "f": "f (forget gate)", "g": "c (candidate, the lectures' g)",
                     "o": "o (output gate)"}  # fmt: skip


def lstm_blocks(kernel, recurrent_kernel, bias=None):
    """``{"i": (W_xi, W_hi, b_i), "f": ..., "g": ..., "o": ...}``: the fused Keras weights cut per gate.

    ``W_x*`` is (d, u), ``W_h*`` (u, u), ``b_*`` (u,) (zeros when ``bias`` is None).

    >>> d, u = 2, 3
    >>> kernel = np.arange(d * 4 * u).reshape(d, 4 * u)
    >>> W_xf, W_hf, b_f = lstm_blocks(kernel, np.zeros((u, 4 * u)))["f"]
    >>> W_xf.tolist()                       # columns u .. 2u-1 of the kernel
    [[3, 4, 5], [15, 16, 17]]
    """
    kernel, recurrent_kernel = np.asarray(kernel), np.asarray(recurrent_kernel)
    if kernel.ndim != 2 or kernel.shape[1] % 4:
        raise ValueError(f"kernel must be (d, 4u), got shape {kernel.shape}. Pass layer.get_weights()[0] of an LSTM.")
    u = kernel.shape[1] // 4
    if recurrent_kernel.shape != (u, 4 * u):
        raise ValueError(
            f"recurrent_kernel must be (u, 4u) = {(u, 4 * u)} for this kernel, got {recurrent_kernel.shape}."
        )
    bias = np.zeros(4 * u) if bias is None else np.asarray(bias)
    if bias.shape != (4 * u,):
        raise ValueError(f"bias must be (4u,) = {(4 * u,)}, got {bias.shape}.")
    cut = lambda w, k: w[..., k * u : (k + 1) * u]  # noqa: E731
    return {gate: (cut(kernel, k), cut(recurrent_kernel, k), cut(bias, k)) for k, gate in enumerate(GATES)}


def lstm_gate_trace(weights, x, h0=None, c0=None):
    """Run an LSTM over ``x`` in NumPy and return every gate and state at every step.

    ``weights`` is ``[kernel, recurrent_kernel, bias]`` (``layer.get_weights()`` of a Keras
    LSTM or of ``RNN(course_utils.cells.LSTMCell)``, default sigmoid/tanh activations) or
    ``[kernel, recurrent_kernel]`` without bias. ``x`` is (T, d) or (batch, T, d).
    Returns a dict of float64 arrays ``i, f, g, o, c, h``, each (T, u) or (batch, T, u)::

        i_t = σ(x_t W_xi + h_{t-1} W_hi + b_i)   f_t = σ(...f...)   g_t = tanh(...g...)   o_t = σ(...o...)
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t          h_t = o_t ⊙ tanh(c_t)

    >>> rng = np.random.default_rng(0)
    >>> w = [rng.normal(size=(2, 12)), rng.normal(size=(3, 12)), np.zeros(12)]
    >>> trace = lstm_gate_trace(w, rng.normal(size=(5, 2)))
    >>> sorted(trace), trace["f"].shape
    (['c', 'f', 'g', 'h', 'i', 'o'], (5, 3))
    """
    if not isinstance(weights, (list, tuple)) or len(weights) not in (2, 3):
        raise ValueError(
            "weights must be [kernel, recurrent_kernel, bias] (or without bias), e.g. layer.get_weights()."
        )
    kernel, recurrent_kernel, *bias = (np.asarray(w, dtype=np.float64) for w in weights)
    d, u = lstm_blocks(kernel, recurrent_kernel, *bias)["i"][0].shape  # checks the three shapes
    bias = bias[0] if bias else np.zeros(4 * u)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim not in (2, 3) or x.shape[-1] != d:
        raise ValueError(f"x must be (T, {d}) or (batch, T, {d}) for this kernel, got shape {x.shape}.")
    single = x.ndim == 2  # one sequence: run it as a batch of one (the step works on batches)
    x = x[None] if single else x
    h = np.zeros((len(x), u)) if h0 is None else np.broadcast_to(np.asarray(h0, np.float64), (len(x), u))
    c = np.zeros((len(x), u)) if c0 is None else np.broadcast_to(np.asarray(c0, np.float64), (len(x), u))
    trace = {key: [] for key in ("i", "f", "g", "o", "c", "h")}
    for t in range(x.shape[1]):
        h, c, (*_, i, f, g, o, _) = lstm_step_forward(x[:, t], h, c, kernel, recurrent_kernel, bias)
        for key, value in zip(("i", "f", "g", "o", "c", "h"), (i, f, g, o, c, h)):
            trace[key].append(value)
    return {key: np.stack(values, axis=1)[0] if single else np.stack(values, axis=1) for key, values in trace.items()}


def memory_retention(f):
    """``r[k-1] = f_1 ⊙ ... ⊙ f_k``: how much of ``c_0`` is still in ``c_k`` along the cell path.

    From ``c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t``, the part of ``c_k`` that is ``c_0`` carried forward
    is ``(f_1 ⊙ ... ⊙ f_k) ⊙ c_0``; it is also ``∂c_k/∂c_0`` with the gates held fixed. ``f`` is
    (T, u) or (batch, T, u) forget-gate values in [0, 1]; the result has the same shape.

    >>> memory_retention(np.full((3, 1), 0.5)).ravel().tolist()
    [0.5, 0.25, 0.125]
    """
    f = np.asarray(f, dtype=np.float64)
    if f.ndim not in (2, 3) or np.any(f < 0) or np.any(f > 1):
        raise ValueError(
            f"f must be forget-gate values in [0, 1] of shape (T, u) or (batch, T, u), got shape {f.shape}."
        )
    return np.cumprod(f, axis=-2)


def retention_at_init(unit_forget_bias, units=32, input_dim=8, steps=20, n_sequences=64, seed=0):
    """Median share of ``c_0`` left after 1..``steps`` steps in a freshly initialised Keras LSTM.

    Builds ``keras.layers.LSTM(units, unit_forget_bias=...)`` with Keras' default initialisers
    (seeded by ``seed``), feeds it ``n_sequences`` sequences of standard-normal inputs, runs
    :func:`lstm_gate_trace` with its weights and returns the median over sequences and units of
    :func:`memory_retention`, shape (steps,). Also returns the forget gate's median value.
    """
    from course_utils._keras import keras

    boolean(unit_forget_bias, "unit_forget_bias")
    units = positive_int(units, "units", "Use e.g. 32.")
    input_dim = positive_int(input_dim, "input_dim", "Use e.g. 8.")
    steps = positive_int(steps, "steps", "Use e.g. 20.")
    n_sequences = positive_int(n_sequences, "n_sequences", "Use e.g. 64.")
    seed = non_negative_int(seed, "seed", "Use a fixed integer such as 0.")
    layer = keras.layers.LSTM(
        units,
        unit_forget_bias=unit_forget_bias,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1),
    )
    layer.build((None, steps, input_dim))
    x = np.random.default_rng(seed).standard_normal((n_sequences, steps, input_dim))
    f = lstm_gate_trace(layer.get_weights(), x)["f"]
    return np.median(memory_retention(f), axis=(0, 2)), float(np.median(f))
