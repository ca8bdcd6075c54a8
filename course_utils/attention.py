"""Attention for an encoder-decoder (notebook 10): the scores, the weights, the context, and the models.

The encoder of notebook 06 reads ``x_1 … x_{T_x}`` and keeps *every* state ``h_1 … h_{T_x}``
(not only the last). At each output step t the decoder's state ``s_t`` asks which of them
matter now:

    e_{t,i} = s_t · h_i                         dot-product score     (Luong et al. 2015)
    e_{t,i} = vᵀ tanh(W_s s_t + W_h h_i)        additive score        (Bahdanau et al. 2015)
    α_{t,i} = exp(e_{t,i}) / Σ_j exp(e_{t,j})   attention weights: a distribution over the inputs
    c_t     = Σ_i α_{t,i} h_i                   context vector: a weighted average of the states
    ŷ_t     = softmax(W_y tanh(W_c [s_t ; c_t])) the output reads the state *and* its context

Without attention the decoder has one fixed context, the encoder's last state ``h_{T_x}``, for
every step. Keras computes the scores and weights with ``keras.layers.Attention`` (dot) and
``keras.layers.AdditiveAttention`` (``vᵀ tanh(q + k)``; the projections ``W_s s_t`` and
``W_h h_i`` are two ``Dense`` layers without bias in front of it). :func:`attend` is the same
computation in NumPy, one line per equation; ``tests/test_attention.py`` holds it to Keras'.

>>> H = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])     # three encoder states h_1, h_2, h_3
>>> context, alpha = attend(np.array([[2.0, 0.0]]), H)      # one decoder state s_t
>>> alpha.round(3).tolist(), context.round(3).tolist()
([[0.468, 0.063, 0.468]], [[0.937, 0.532]])
"""

import numpy as np

from course_utils._validation import positive_int

# The digit-reversal task of notebook 06, reused here: one import, so a rename is a one-line change.
from course_utils.seq2seq import (  # noqa: F401  (digits_text, START: re-exported for notebook 10)
    START,
    decoder_inputs,
    digits_text,
    greedy_decode,
    make_digit_reversal,
    sequence_accuracy,
)

KINDS = ("none", "dot", "additive")  # the decoder's context: fixed, or attention with either score


def attend(queries, keys, values=None, score="dot", W_s=None, W_h=None, v=None):
    """Context vectors and attention weights for decoder states ``queries`` (T_y, u) over ``keys`` (T_x, u).

    ``values`` default to the keys (the encoder states ``h_i`` are both). ``score="additive"``
    needs ``W_s`` (u, a), ``W_h`` (u, a) and ``v`` (a,), written in Keras' layout
    (``x @ W``). Returns ``(context (T_y, u), alpha (T_y, T_x))``; each row of ``alpha`` sums to 1.
    """
    s, h = np.asarray(queries, dtype=np.float64), np.asarray(keys, dtype=np.float64)
    values = h if values is None else np.asarray(values, dtype=np.float64)
    if s.ndim != 2 or h.ndim != 2 or values.ndim != 2 or len(values) != len(h):
        raise ValueError(
            f"queries (T_y, u), keys (T_x, u) and values (T_x, u_v) must be 2-D with as many values as keys; "
            f"got {s.shape}, {h.shape}, {values.shape}."
        )
    if score == "dot":
        if s.shape[1] != h.shape[1]:
            raise ValueError(f"dot scores need queries and keys of one size, got {s.shape[1]} and {h.shape[1]}.")
        e = s @ h.T  # e_{t,i} = s_t · h_i
    elif score == "additive":
        if W_s is None or W_h is None or v is None:
            raise ValueError(
                "score='additive' needs W_s, W_h and v (e.g. from the Dense and AdditiveAttention layers)."
            )
        W_s, W_h, v = (np.asarray(a, dtype=np.float64) for a in (W_s, W_h, v))
        if W_s.shape != (s.shape[1], v.shape[0]) or W_h.shape != (h.shape[1], v.shape[0]):
            raise ValueError(f"need W_s (u, a), W_h (u, a), v (a,); got {W_s.shape}, {W_h.shape}, {v.shape}.")
        e = np.tanh((s @ W_s)[:, None, :] + (h @ W_h)[None, :, :]) @ v  # e_{t,i} = vᵀ tanh(W_s s_t + W_h h_i)
    else:
        raise ValueError(f"score must be 'dot' or 'additive', got {score!r}.")
    e = e - e.max(axis=1, keepdims=True)  # (for stability: softmax ignores a shift)
    alpha = np.exp(e) / np.exp(e).sum(axis=1, keepdims=True)  # α_{t,i} = softmax over i of e_{t,i}
    context = alpha @ values  # c_t = Σ_i α_{t,i} h_i
    return context, alpha


def reversal_by_length(lengths, n_samples=1000, seed=0, validation_fraction=0.1, test_fraction=0.2):
    """Notebook 06's digit-reversal task at several lengths: ``{length: Splits}`` (train/validation/test).

    Each length has its own seeded strings (``seed + length``), split 70 / 10 / 20 % by default.

    >>> data = reversal_by_length((2, 4), n_samples=10)
    >>> {n: splits.sizes()["train"] for n, splits in data.items()}, digits_text(data[4]["test"][0][0])
    ({2: 7, 4: 7}, '7959')
    """
    lengths = [positive_int(n, "length", "Use string lengths such as (3, 5, 7).") for n in lengths]
    if not lengths or len(set(lengths)) != len(lengths):
        raise ValueError(f"lengths must be distinct positive integers, got {lengths}.")
    return {n: make_digit_reversal(n_samples, n, seed + n, validation_fraction, test_fraction) for n in sorted(lengths)}


def build_reverser(attention="dot", units=64, embedding_dim=16, name=None):
    """The encoder-decoder of notebook 06 (GRU), with a fixed context or with attention; outputs logits.

    ``attention``: ``"none"`` (the decoder starts from ``h_{T_x}`` and sees nothing else),
    ``"dot"`` or ``"additive"`` (it also reads ``c_t``). Inputs ``[digits, previous_outputs]`` of
    any length; output ``(n, T_y, 10)`` digit logits. The attention layer is named ``"attention"``
    and was called with ``return_attention_scores=True``: see :func:`attention_weights`.
    """
    from course_utils._keras import keras

    if attention not in KINDS:
        raise ValueError(f"attention must be one of {KINDS}, got {attention!r}.")
    u = positive_int(units, "units", "Use e.g. units=64.")
    m = positive_int(embedding_dim, "embedding_dim", "Use e.g. embedding_dim=16.")
    L = keras.layers
    source = keras.Input(shape=(None,), dtype="int32", name="digits")
    previous = keras.Input(shape=(None,), dtype="int32", name="previous_outputs")
    H, h_last = L.GRU(u, return_sequences=True, return_state=True, name="encoder")(
        L.Embedding(START + 1, m, name="encoder_embedding")(source)
    )
    S = L.GRU(u, return_sequences=True, name="decoder")(
        L.Embedding(START + 1, m, name="decoder_embedding")(previous), initial_state=[h_last]
    )
    if attention == "none":
        features = S
    else:
        if attention == "dot":
            context, _ = L.Attention(name="attention")([S, H], return_attention_scores=True)
        else:
            query = L.Dense(u, use_bias=False, name="W_s")(S)
            key = L.Dense(u, use_bias=False, name="W_h")(H)
            context, _ = L.AdditiveAttention(name="attention")([query, H, key], return_attention_scores=True)
        features = L.Concatenate(name="state_and_context")([S, context])
    hidden = L.Dense(u, activation="tanh", name="W_c")(features)
    logits = L.Dense(10, name="W_y")(hidden)
    return keras.Model([source, previous], logits, name=name or f"reverser_{attention}")


def attention_weights(model, digits, previous):
    """The weights ``α`` (n, T_y, T_x) of a model from :func:`build_reverser` with attention."""
    from course_utils._keras import keras

    try:
        layer = model.get_layer("attention")
    except ValueError:
        raise ValueError(
            f"model {model.name!r} has no layer named 'attention' (build it with attention=...)."
        ) from None
    outputs = layer.output
    if not isinstance(outputs, (list, tuple)) or len(outputs) != 2:
        raise ValueError("the attention layer must be called with return_attention_scores=True.")
    probe = keras.Model(model.inputs, outputs[1])
    return keras.ops.convert_to_numpy(probe.predict_on_batch([np.asarray(digits), np.asarray(previous)]))


def train_by_length(model, data, epochs, batch_size=128, seed=0):
    """Teacher-forced training where each batch holds strings of one length (no padding needed).

    ``data`` is :func:`reversal_by_length`'s dict; every epoch visits each length's training
    strings in batches, in a shuffled (seeded) order. Returns the mean loss of each epoch.
    """
    from course_utils.bucketing import fit_batches

    batch_size = positive_int(batch_size, "batch_size", "Use e.g. batch_size=128.")
    if not isinstance(data, dict) or not data:
        raise ValueError("data must be the dict {length: Splits} of reversal_by_length.")
    batches = []
    for splits in data.values():
        x, y = splits["train"]
        for i in range(0, len(x), batch_size):
            batches.append(([x[i : i + batch_size], decoder_inputs(y[i : i + batch_size])], y[i : i + batch_size]))
    return fit_batches(model, batches, epochs=epochs, seed=seed)["loss"]


def accuracy_by_length(model, data, split="test"):
    """``{length: sequence_accuracy(...)}`` of greedy decoding on one split of every length."""
    if not isinstance(data, dict) or not data:
        raise ValueError("data must be the dict {length: Splits} of reversal_by_length.")
    scores = {}
    for n, splits in data.items():
        if split not in splits:
            raise ValueError(f"split must be one of {sorted(splits)}, got {split!r}.")
        x, y = splits[split]
        scores[n] = sequence_accuracy(greedy_decode(model, x, n), y)
    return scores


def alignment_share(weights, offset=0):
    """Share of output steps whose largest weight is on the mirrored input: ``argmax_i α_{t,i} = T + 1 − t + offset``.

    Reversal's alignment: output step t copies input ``T + 1 − t``. A forward encoder still holds
    ``x_i`` in the next state ``h_{i+1}``, so a model may read it there: ``offset=1``.

    >>> alignment_share(np.eye(3)[None, ::-1]), alignment_share(np.eye(3)[None, ::-1], offset=1)
    (1.0, 0.0)
    """
    weights = np.asarray(weights)
    if weights.ndim != 3 or weights.shape[1] != weights.shape[2]:
        raise ValueError(f"weights must be (n, T, T) for reversal, got {weights.shape}.")
    if isinstance(offset, bool) or not isinstance(offset, (int, np.integer)):
        raise ValueError(f"offset must be an integer number of positions, got {offset!r}.")
    T = weights.shape[1]
    return float((weights.argmax(axis=2) == np.arange(T)[::-1] + offset).mean())
