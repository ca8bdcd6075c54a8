"""Probes of what a recurrent layer's output depends on (notebook 07: bidirectional layers).

* :func:`input_dependence` - change one input step at a time and measure how much the output at
  step ``t`` moves: a forward RNN's output at ``t`` ignores steps after ``t``, a bidirectional one does not
* :func:`depends_on_future` - the same, reduced to yes or no
* :func:`bidirectional_directions` - rebuild a ``Bidirectional`` layer's two halves as two plain
  layers with copied weights (the backward one with ``go_backwards=True``), to check which half is which
* :func:`next_token_pairs` - (inputs, targets) for next-token prediction, the task of a text generator
"""

import numpy as np

from course_utils._validation import non_negative_int


def _check_sequences(x, name="x"):
    x = np.asarray(x)
    if x.ndim not in (2, 3):
        raise ValueError(f"{name} must be (batch, T) tokens or (batch, T, d) features, got shape {x.shape}.")
    return x


def input_dependence(model, x, t, replacement):
    """``effect[s]`` = largest change of ``model(x)[:, t]`` when input step ``s`` alone becomes ``replacement[:, s]``.

    ``model`` maps ``(batch, T, ...)`` to per-step outputs ``(batch, T, ...)`` (``return_sequences=True``).
    ``x`` is ``(batch, T)`` token ids or ``(batch, T, d)`` features and ``replacement`` has the same
    shape (e.g. other tokens). Each of the ``T`` perturbed copies runs as its own batch, so an output
    that does not depend on step ``s`` gives exactly 0.0 there. Returns ``float64 (T,)``.
    """
    x = _check_sequences(x)
    replacement = np.asarray(replacement, dtype=x.dtype)
    if replacement.shape != x.shape:
        raise ValueError(f"replacement must have the shape of x, {x.shape}, got {replacement.shape}.")
    steps = x.shape[1]
    t = non_negative_int(t, "t", f"Use a step index in [0, {steps}).")
    if t >= steps:
        raise ValueError(f"t must be a step index in [0, {steps}), got {t}.")
    from course_utils._keras import keras

    predict = getattr(model, "predict_on_batch", None)  # a compiled graph: much faster than eager calls

    def run(inputs):
        out = keras.ops.convert_to_numpy(predict(inputs) if predict else model(inputs, training=False))
        if out.ndim < 3 or out.shape[1] != steps:
            raise ValueError(f"model must return per-step outputs (batch, {steps}, ...), got shape {out.shape}.")
        return out[:, t].astype(np.float64)

    # One call per perturbed copy, each with the batch shape of x: every row then goes through
    # bit-for-bit the same arithmetic, so "no dependence" shows as exactly 0.0, not as rounding noise.
    reference = run(x)
    change = []
    for s in range(steps):
        variant = x.copy()
        variant[:, s] = replacement[:, s]
        change.append(np.abs(run(variant) - reference))
    change = np.stack(change)  # (T, batch, features)
    return change.reshape(steps, -1).max(axis=1)


def depends_on_future(model, x, t, replacement, tol=1e-6):
    """True if changing any input step after ``t`` changes the output at step ``t`` by more than ``tol``."""
    effect = input_dependence(model, x, t, replacement)
    return bool(np.any(effect[t + 1 :] > tol))


def bidirectional_directions(layer, x):
    """``(forward, backward)`` outputs of a built ``Bidirectional`` layer, recomputed by two plain layers.

    Each half is rebuilt from its config with its weights copied; the backward half keeps
    ``go_backwards=True``, so it reads ``x_T ... x_1``. With ``return_sequences=True`` its output
    comes out in reading order and is flipped back here, so ``backward[:, t]`` is the state
    after reading ``x_T ... x_t`` (AIEI007 Lecture 10's ←h_t), aligned with ``forward[:, t]`` (→h_t).
    """
    from course_utils._keras import keras

    if not isinstance(layer, keras.layers.Bidirectional) or not layer.built:
        raise ValueError("bidirectional_directions expects a built keras.layers.Bidirectional layer.")
    x = _check_sequences(x)
    halves = []
    for half in (layer.forward_layer, layer.backward_layer):
        copy = half.__class__.from_config(half.get_config())
        out = copy(x)  # builds the copy
        copy.set_weights(half.get_weights())
        out = keras.ops.convert_to_numpy(copy(x))
        if half.go_backwards and half.return_sequences:
            out = out[:, ::-1]
        halves.append(out)
    return tuple(halves)


def next_token_pairs(tokens):
    """Inputs ``tokens[:, :-1]`` and targets ``tokens[:, 1:]``: at every step, predict the next token.

    >>> x, y = next_token_pairs(np.array([[5, 6, 7, 8]]))
    >>> x.tolist(), y.tolist()
    ([[5, 6, 7]], [[6, 7, 8]])
    """
    tokens = np.asarray(tokens)
    if tokens.ndim != 2 or tokens.shape[1] < 2 or not np.issubdtype(tokens.dtype, np.integer):
        raise ValueError(f"tokens must be a 2-D integer array with at least 2 steps, got shape {tokens.shape}.")
    return tokens[:, :-1], tokens[:, 1:]
