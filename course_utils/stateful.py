"""Stateful RNNs and truncated backpropagation through time (notebook 11).

Backpropagation through time sums a repeated weight's gradient over every step that used it
(IIIT Hyderabad Intro to NLP):

    ∂J^(t)/∂W_h = Σ_{i=1}^{t} ∂J^(t)/∂W_h |_(i)

On a long text that sum — and the memory for every state it needs — grows with the text.
**Truncated** BPTT cuts the text into windows of ``k`` characters and sums only inside a window:

    ∂J^(t)/∂W_h ≈ Σ_{i=t₀}^{t} ∂J^(t)/∂W_h |_(i)          t₀ = the first step of t's window

A **stateful** layer (``stateful=True``) then hands its last state of one batch to the next as
its initial state: the *forward* pass still carries context across windows, only the gradient
is cut. For that, row ``b`` of batch ``i + 1`` must continue row ``b`` of batch ``i``:
:func:`stream_batches` cuts a text into ``B`` parallel streams and lays the windows out that way,
``fit(..., batch_size=B, shuffle=False)`` keeps that order, and :class:`ResetStates` zeroes the
state at the start of every epoch (the streams start over).

>>> x, y = stream_batches(np.arange(17), streams=2, window=3)
>>> x.tolist()                       # batch 1 = rows 0-1, batch 2 = rows 2-3: each row continues
[[0, 1, 2], [6, 7, 8], [3, 4, 5], [9, 10, 11]]
>>> y[0].tolist()                    # the next character of each input
[1, 2, 3]
"""

import numpy as np

from course_utils._keras import keras
from course_utils._validation import positive_int
from course_utils.charlm import log_softmax


def stream_batches(ids, streams, window):
    """Inputs and next-id targets ``(n_windows · streams, window)`` for a stateful model.

    The text ``ids`` is cut into ``streams`` equal, contiguous parts (the tail that does not fill
    a window in every stream is dropped); batch ``i`` (rows ``i·streams`` to ``(i+1)·streams − 1``)
    holds window ``i`` of every stream.
    """
    ids = np.asarray(ids)
    if ids.ndim != 1:
        raise ValueError(f"ids must be one long text (1-D), got shape {ids.shape}.")
    B = positive_int(streams, "streams", "Use the batch size of the stateful model, e.g. 32.")
    k = positive_int(window, "window", "Use the truncation length in characters, e.g. 32.")
    per_stream = (len(ids) - 1) // (B * k) * k  # characters per stream, whole windows only
    if per_stream == 0:
        raise ValueError(f"a text of {len(ids)} ids is too short for {B} streams of one {k}-character window.")
    n = per_stream // k
    x = ids[: B * per_stream].reshape(B, n, k)  # stream b, window i
    y = ids[1 : B * per_stream + 1].reshape(B, n, k)  # shifted by one: the next id

    def layout(a):
        return a.transpose(1, 0, 2).reshape(n * B, k)  # window-major: batch i = window i of each stream

    return layout(x), layout(y)


def _stateful_layers(model):
    found, stack = [], list(model.layers)
    while stack:
        layer = stack.pop(0)
        if isinstance(layer, keras.Model):
            stack = list(layer.layers) + stack
        elif getattr(layer, "stateful", False):
            found.append(layer)
    return found


def reset_states(model):
    """Zero the state of every stateful layer of ``model``; return how many there were."""
    layers = _stateful_layers(model)
    for layer in layers:
        layer.reset_state()
    return len(layers)


class ResetStates(keras.callbacks.Callback):
    """Zero the stateful layers' states at the start of every epoch (``fit(callbacks=[ResetStates()])``)."""

    def on_epoch_begin(self, epoch, logs=None):
        if not reset_states(self.model):
            raise ValueError("ResetStates: the model has no stateful layer (build it with stateful=True).")


def stream_losses(model, ids, window, carry=True):
    """Natural-log loss of every next-character prediction when a stateful model reads ``ids``.

    The text is laid out as :func:`stream_batches` does, with as many streams as the model's
    batch size. ``carry=True`` keeps the state from window to window (the model reads each
    stream as one long sequence); ``carry=False`` zeroes it before every window (what a
    stateless model trained on windows of this length sees). Returns ``(n_windows · streams,
    window)`` losses in nats, rows in the order of :func:`stream_batches`.
    """
    if not _stateful_layers(model):
        raise ValueError("stream_losses needs a stateful model (stateful=True, a fixed batch size).")
    B = model.inputs[0].shape[0]
    if B is None:
        raise ValueError("the stateful model needs a fixed batch size: keras.Input(batch_shape=(B, None)).")
    x, y = stream_batches(ids, B, window)
    reset_states(model)
    losses = []
    for start in range(0, len(x), B):
        if not carry:
            reset_states(model)
        logp = log_softmax(keras.ops.convert_to_numpy(model.predict_on_batch(x[start : start + B])))
        losses.append(-np.take_along_axis(logp, y[start : start + B, :, None], axis=-1)[..., 0])
    reset_states(model)
    return np.concatenate(losses)
