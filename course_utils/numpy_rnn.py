"""The recurrent loop in plain NumPy, with the lecture's symbols.

Seed 000 writes one step of a layer of recurrent neurons as
``y_t = φ(W_x^T x_t + W_y^T y_{t-1} + b)``; seed 002 writes the same thing as one
matrix applied to the concatenation, ``a_t = tanh(W [a_{t-1}; x_t])``. Here the
hidden state is ``h_t`` and row vectors are used, as in Keras:

    h_t = φ(x_t W_x + h_{t-1} W_h + b)

``W_x`` is Keras' ``kernel`` (d, u), ``W_h`` its ``recurrent_kernel`` (u, u), ``b`` its ``bias`` (u,).
"""

import numpy as np

ACTIVATIONS = {"tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0), "linear": lambda a: a}


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
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}.")
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
