"""Padding and masks (notebook 11): which steps of a padded batch are real, and which layers know it.

Sequences of different lengths share one rectangle by **padding** the short ones with id 0 —
after the sequence ("post", what ``TextVectorization`` does) or before it ("pre", the default
of ``keras.utils.pad_sequences``). The **mask** says which steps are real:

    m_t = 1 if x_t ≠ 0 else 0                          (Embedding(mask_zero=True) computes it)

Layers that support masking pass it on; a recurrent layer uses it to skip padded steps:

    h_t = RNN(h_{t−1}, x_t)   where m_t = 1
    h_t = h_{t−1}             where m_t = 0            (the state steps over the padding)

so its final state is the state after the last real step, and with ``return_sequences=True``
its output at a padded step repeats the last real one (Keras' default; ``Bidirectional`` sets
those outputs to 0). A layer that does not support masking (``Conv1D``, a custom layer without
``supports_masking = True``) **drops** the mask, with only a warning: every layer after it reads
the padding as data. :func:`mask_flow` shows, layer by layer, where the mask is made, passed on,
used and dropped.

>>> sequence_lengths(np.array([[5, 2, 0, 0], [7, 0, 0, 0]]))
array([2, 1])
>>> to_pre_padding(np.array([[5, 2, 0, 0], [7, 0, 0, 0]])).tolist()
[[0, 0, 5, 2], [0, 0, 0, 7]]
"""

import warnings

import numpy as np

from course_utils._table import render_html, render_text


def _padded_ids(ids, padding_id):
    ids = np.asarray(ids)
    if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids must be a 2-D integer array (sequences, steps), got shape {ids.shape} {ids.dtype}.")
    if isinstance(padding_id, bool) or not isinstance(padding_id, (int, np.integer)):
        raise ValueError(f"padding_id must be an integer id, got {padding_id!r}.")
    return ids


def sequence_lengths(ids, padding_id=0):
    """The number of real (non-padding) ids in each row of a padded batch."""
    ids = _padded_ids(ids, padding_id)
    return (ids != padding_id).sum(axis=1)


def to_pre_padding(ids, padding_id=0):
    """Move each row's padding from the end to the start (post-padding → pre-padding).

    Rows must be padded at the end only: a padding id between real ids is refused.
    """
    ids = _padded_ids(ids, padding_id)
    lengths = sequence_lengths(ids, padding_id)
    steps = ids.shape[1]
    if not np.all((ids != padding_id) == (np.arange(steps) < lengths[:, None])):
        raise ValueError("every row must be real ids followed by padding only (post-padded), e.g. TextVectorization's.")
    shift = (np.arange(steps)[None, :] - (steps - lengths)[:, None]) % steps  # pre-padded column j reads column shift
    return np.take_along_axis(ids, shift, axis=1)


def keras_mask(tensor):
    """The mask Keras attached to a layer's output (a boolean tensor ``(batch, steps)``), or ``None``.

    Keras 3 stores it on the tensor itself, as ``tensor._keras_mask``; this is the one place the
    course reads that attribute.
    """
    return getattr(tensor, "_keras_mask", None)


class MaskFlow(list):
    """Rows of :func:`mask_flow`: layer, class, output shape, the mask after it, what the layer did."""

    headers = ("layer", "class", "output shape", "mask after it", "what the layer does with the mask")

    def __init__(self, rows, warnings_seen):
        super().__init__(rows)
        self.warnings = warnings_seen

    def __str__(self):
        return render_text(self.headers, self)

    __repr__ = __str__

    def _repr_html_(self):
        return render_html(self.headers, self)


def _shape(tensor):
    return "(" + ", ".join(str(s) for s in tuple(tensor.shape)) + ")"


def mask_flow(layers, inputs):
    """Call ``layers`` (a list, or a ``keras.Sequential``'s) on ``inputs`` one at a time and follow the mask.

    Returns a table (one row per layer) with ``.warnings``: the messages of Keras' warnings about
    dropped masks, caught here so they do not land on the notebook's stderr. Pass a list of new
    layers to see a mask being dropped: a ``Sequential`` started with ``keras.Input`` is built at
    once, and Keras warns then.
    """
    from course_utils._keras import keras

    if isinstance(layers, keras.Sequential):
        layers = layers.layers
    if not isinstance(layers, (list, tuple)) or not all(isinstance(layer, keras.Layer) for layer in layers):
        raise ValueError("mask_flow expects a list of Keras layers (called in order) or a keras.Sequential.")
    rows, x, before = [], np.asarray(inputs), None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for layer in layers:
            x = layer(x)
            mask = keras_mask(x)
            if before is None:
                action = "makes one" if mask is not None else "-"
            elif mask is not None:
                action = "passes it on"
            elif layer.supports_masking:
                action = "uses it: skips padded steps" if isinstance(layer, keras.layers.RNN) else "uses it"
            else:
                action = "DROPS it (no mask support)"
            shown = "-" if mask is None else f"{_shape(mask)}, {int(np.sum(keras.ops.convert_to_numpy(mask)))} real"
            rows.append([layer.name, type(layer).__name__, _shape(x), shown, action])
            before = mask
    seen = [str(w.message) for w in caught if "mask" in str(w.message)]
    return MaskFlow(rows, seen)
