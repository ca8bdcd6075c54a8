"""Beam search: decode the output a model finds most probable, keeping ``k`` candidates at every step.

A decoder gives, at step t, a distribution over the next token from the source ``x`` and the
tokens it has written so far. The probability of a whole output is the product of these, so
its log-probability is a sum over the steps (notebook 10's symbols):

    log p(y | x) = Σ_t log p(y_t | y_1 … y_{t−1}, x)

* **Greedy decoding** takes the most probable token at each step and never looks back.
* **Beam search** keeps the ``k`` best *prefixes* (the beams). One step: extend every beam by
  every token, score each extension by its summed log-probability, keep the ``k`` best.
  ``k = 1`` is greedy decoding; ``k = V^T`` (every sequence survives) is exhaustive search, the
  exact most probable output of ``T`` tokens over a vocabulary of ``V``.

A model enters as a function ``next_log_probs(rows, prefixes)``: ``rows`` (B,) says which
source each prefix belongs to, ``prefixes`` (B, t) holds the tokens written so far (t = 0 at
the first step), and it returns the log-probabilities of the next token, shape (B, V).
:func:`markov_log_probs` makes one from probability tables (for examples and tests),
:func:`keras_log_probs` from a Keras encoder-decoder (:func:`keras_sequence_log_prob` scores whole
outputs of one in a single call).

A model that prefers ``b`` at the first step, but whose best sentence starts with ``a``:

>>> first = np.array([0.4, 0.6])                       # p(y_1)
>>> after = np.array([[0.9, 0.1], [0.5, 0.5]])         # p(y_2 | y_1): row y_1
>>> model = markov_log_probs(first, after)
>>> greedy, _ = beam_search(model, n_sources=1, length=2, width=1)
>>> best, log_p = beam_search(model, n_sources=1, length=2, width=2)
>>> greedy[0, 0].tolist(), best[0, 0].tolist(), round(float(np.exp(log_p[0, 0])), 2)
([1, 0], [0, 0], 0.36)
"""

import itertools

import numpy as np

from course_utils._validation import non_negative_int, positive_int

_MAX_EXHAUSTIVE = 100_000  # sequences per source that exhaustive_search will enumerate


def _check_log_probs(log_probs, rows):
    log_probs = np.asarray(log_probs, dtype=np.float64)
    if log_probs.ndim != 2 or log_probs.shape[0] != rows:
        raise ValueError(f"next_log_probs must return shape ({rows}, V), one row per prefix; got {log_probs.shape}.")
    if np.isnan(log_probs).any() or (log_probs > 1e-6).any():
        raise ValueError("next_log_probs must return log-probabilities (≤ 0, no NaN).")
    totals = np.exp(log_probs).sum(axis=1)
    if not np.allclose(totals, 1.0, atol=1e-3):
        raise ValueError(
            "next_log_probs must return log-probabilities whose exponentials sum to 1 along each row; "
            f"got row sums from {totals.min():.3g} to {totals.max():.3g}. Apply a log-softmax to logits."
        )
    return log_probs


def beam_step(prefixes, scores, log_probs, width):
    """One step of beam search: extend every beam by every token, keep the ``width`` best.

    ``prefixes`` (n, k, t) are the k beams of each of n sources, ``scores`` (n, k) their summed
    log-probabilities, ``log_probs`` (n, k, V) the model's next-token log-probabilities after
    each beam. Returns the new ``(prefixes (n, k', t + 1), scores (n, k'))``, best first, with
    ``k' = min(width, k·V)``. Ties keep the earlier beam, then the smaller token id.

    >>> p, s = beam_step(np.zeros((1, 1, 0), int), np.zeros((1, 1)), np.log([[[0.2, 0.5, 0.3]]]), width=2)
    >>> p.tolist(), np.exp(s).round(2).tolist()
    ([[[1], [2]]], [[0.5, 0.3]])
    """
    prefixes, scores = np.asarray(prefixes), np.asarray(scores, dtype=np.float64)
    log_probs = np.asarray(log_probs, dtype=np.float64)
    width = positive_int(width, "width", "Use the number of beams, e.g. 4.")
    if prefixes.ndim != 3 or scores.shape != prefixes.shape[:2] or log_probs.shape[:2] != scores.shape:
        raise ValueError(
            f"need prefixes (n, k, t), scores (n, k) and log_probs (n, k, V); got {prefixes.shape}, "
            f"{scores.shape} and {log_probs.shape}."
        )
    n, k, V = log_probs.shape
    extended = scores[:, :, None] + log_probs  # log p(prefix) + log p(token | prefix), (n, k, V)
    flat = extended.reshape(n, k * V)  # all k·V candidates of each source in one row
    best = np.argsort(-flat, axis=1, kind="stable")[:, :width]  # the `width` highest, best first
    beam, token = np.divmod(best, V)  # which beam each survivor extends, with which token
    kept = np.take_along_axis(prefixes, beam[:, :, None], axis=1)  # copy those beams' prefixes
    return np.concatenate([kept, token[:, :, None]], axis=2), np.take_along_axis(flat, best, axis=1)


def beam_search(next_log_probs, n_sources, length, width):
    """The ``width`` most probable outputs of ``length`` tokens that beam search finds, per source.

    Returns ``(sequences, scores)``: ``int32 (n_sources, k, length)`` and ``float64 (n_sources, k)``,
    best first, where ``scores`` are the summed log-probabilities ``log p(y | x)`` and
    ``k = min(width, V^length)``. ``width=1`` is greedy decoding.
    """
    n = positive_int(n_sources, "n_sources", "Use the number of source sequences, e.g. len(x_test).")
    length = positive_int(length, "length", "Use the output length, e.g. 6.")
    width = positive_int(width, "width", "Use the number of beams, e.g. 4.")
    prefixes, scores = np.zeros((n, 1, 0), dtype=np.int32), np.zeros((n, 1))
    for _ in range(length):
        k = prefixes.shape[1]
        rows = np.repeat(np.arange(n), k)
        log_probs = _check_log_probs(next_log_probs(rows, prefixes.reshape(n * k, -1)), n * k)
        prefixes, scores = beam_step(prefixes, scores, log_probs.reshape(n, k, -1), width)
    return prefixes.astype(np.int32), scores


def sequence_log_prob(next_log_probs, sequences):
    """``log p(y | x) = Σ_t log p(y_t | y_<t, x)`` of given outputs ``sequences`` (n, T), one per source.

    >>> model = markov_log_probs(np.array([0.4, 0.6]), np.array([[0.9, 0.1], [0.5, 0.5]]))
    >>> np.exp(sequence_log_prob(model, np.array([[1, 0], [0, 0]]))).round(2).tolist()
    [0.3, 0.36]
    """
    sequences = np.asarray(sequences)
    if sequences.ndim != 2 or sequences.shape[1] == 0 or not np.issubdtype(sequences.dtype, np.integer):
        raise ValueError(f"sequences must be a 2-D integer array (sources, steps), got {sequences.shape}.")
    n, length = sequences.shape
    rows, total = np.arange(n), np.zeros(n)
    for t in range(length):
        log_probs = _check_log_probs(next_log_probs(rows, sequences[:, :t]), n)
        if sequences[:, t].min() < 0 or sequences[:, t].max() >= log_probs.shape[1]:
            raise ValueError(f"sequences hold token ids outside 0..{log_probs.shape[1] - 1}.")
        total += log_probs[rows, sequences[:, t]]
    return total


def exhaustive_search(next_log_probs, n_sources, length, vocabulary_size):
    """The exact most probable output of each source: every one of the ``V^length`` sequences scored.

    Returns ``(best (n_sources, length), log_p (n_sources,))``. Only for tiny problems: it refuses
    more than 100,000 sequences per source. Ties go to the sequence first in dictionary order.
    """
    n = positive_int(n_sources, "n_sources")
    length = positive_int(length, "length")
    V = positive_int(vocabulary_size, "vocabulary_size", "Use the number of output tokens.")
    if V**length > _MAX_EXHAUSTIVE:
        raise ValueError(f"{V}^{length} sequences per source is too many to enumerate; use beam_search.")
    candidates = np.array(list(itertools.product(range(V), repeat=length)), dtype=np.int32)  # (V^T, T)
    every = np.repeat(candidates[None], n, axis=0).reshape(-1, length)  # each source × each candidate
    source = np.repeat(np.arange(n), len(candidates))

    def per_source(rows, prefixes):
        return next_log_probs(source[rows], prefixes)

    log_p = sequence_log_prob(per_source, every).reshape(n, len(candidates))
    best = log_p.argmax(axis=1)
    return candidates[best], log_p[np.arange(n), best]


def markov_log_probs(first, transition):
    """``next_log_probs`` of a model whose next token depends only on the previous one.

    ``first`` (V,) is ``p(y_1)``, ``transition`` (V, V) is ``p(y_t | y_{t−1})`` (row = previous
    token); the same for every source. Probabilities must be non-negative and sum to 1 per row.
    """
    first, transition = np.asarray(first, dtype=np.float64), np.asarray(transition, dtype=np.float64)
    V = first.shape[0] if first.ndim == 1 else 0
    if V == 0 or transition.shape != (V, V):
        raise ValueError(f"first must be (V,) and transition (V, V); got {first.shape} and {transition.shape}.")
    table = np.vstack([first[None], transition])
    if (table < 0).any() or not np.allclose(table.sum(axis=1), 1.0):
        raise ValueError("first and every row of transition must be probabilities that sum to 1.")
    with np.errstate(divide="ignore"):
        log_table = np.log(table)

    def next_log_probs(rows, prefixes):
        prefixes = np.asarray(prefixes)
        if prefixes.shape[1] == 0:
            return np.repeat(log_table[:1], len(rows), axis=0)
        return log_table[1 + prefixes[:, -1]]

    return next_log_probs


def _int_matrix(x, name):
    x = np.asarray(x)
    if x.ndim != 2 or not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"{name} must be a 2-D integer array (n, steps), got shape {x.shape} {x.dtype}.")
    return x


def _log_softmax_of(scores, from_logits):
    from course_utils.charlm import log_softmax

    if from_logits:
        return log_softmax(scores)
    with np.errstate(divide="ignore"):
        return np.log(scores.astype(np.float64) / scores.sum(axis=-1, keepdims=True))


def keras_log_probs(model, encoder_inputs, length, start, from_logits=True):
    """``next_log_probs`` of a Keras encoder-decoder trained with teacher forcing (notebooks 06 and 10).

    ``model([encoder_inputs, decoder_inputs])`` must return per-step scores ``(n, length, V)`` from a
    causal decoder whose input is ``start`` followed by the previous outputs. A prefix of ``t``
    tokens is fed as ``[start, y_1 … y_t, 0 …]``; the scores at step ``t`` are the next token's
    (the padding after it cannot reach step ``t``). ``from_logits=False`` for a softmax output.
    """
    from course_utils._keras import keras

    encoder_inputs = _int_matrix(encoder_inputs, "encoder_inputs")
    length = positive_int(length, "length", "Use the output length, e.g. 6.")
    start = non_negative_int(start, "start", "Use the start-token id, e.g. 10.")

    def next_log_probs(rows, prefixes):
        t = prefixes.shape[1]
        if t >= length:
            raise ValueError(f"the decoder writes {length} tokens; a prefix of {t} has no next one.")
        feed = np.zeros((len(rows), length), dtype=np.int32)
        feed[:, 0] = start
        feed[:, 1 : t + 1] = prefixes
        scores = keras.ops.convert_to_numpy(model.predict_on_batch([encoder_inputs[rows], feed]))[:, t]
        return _log_softmax_of(scores, from_logits)

    return next_log_probs


def keras_sequence_log_prob(model, encoder_inputs, sequences, start, from_logits=True):
    """``log p(y | x)`` of whole outputs under a Keras encoder-decoder, in one teacher-forced call.

    The same number as ``sequence_log_prob(keras_log_probs(...), sequences)``, which calls the
    model once per step: a causal decoder reading ``[start, y_1 … y_{T−1}]`` gives every step's
    distribution at once.
    """
    from course_utils._keras import keras

    encoder_inputs, sequences = _int_matrix(encoder_inputs, "encoder_inputs"), _int_matrix(sequences, "sequences")
    start = non_negative_int(start, "start", "Use the start-token id, e.g. 10.")
    if len(sequences) != len(encoder_inputs):
        raise ValueError(f"{len(sequences)} sequences for {len(encoder_inputs)} sources: give one per source.")
    V = model.outputs[0].shape[-1]
    if sequences.min() < 0 or sequences.max() >= V:
        raise ValueError(f"sequences hold token ids outside 0..{V - 1}, the model's outputs.")
    feed = np.concatenate([np.full((len(sequences), 1), start), sequences[:, :-1]], axis=1).astype(np.int32)
    log_probs = _log_softmax_of(keras.ops.convert_to_numpy(model.predict_on_batch([encoder_inputs, feed])), from_logits)
    return np.take_along_axis(log_probs, sequences[..., None], axis=-1)[..., 0].sum(axis=1)
