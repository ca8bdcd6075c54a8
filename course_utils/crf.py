"""A linear-chain conditional random field (CRF) in ``keras.ops``: runs on TensorFlow and JAX.

COMP-550 Lecture 10's BiLSTM-CRF scores a whole tag sequence ``y_1 … y_L`` for a sentence of
``L`` tokens as **transitions + emissions**:

    score(x, y) = s[y_1] + Σ_{t=1..L} E[t, y_t] + Σ_{t=2..L} A[y_{t-1}, y_t] + e[y_L]

* ``E`` (batch, T, K): emission scores, one per token and tag (the BiLSTM's output);
* ``A`` (K, K): transition scores, ``A[i, j]`` for tag ``i`` followed by tag ``j``;
* ``s``, ``e`` (K,): scores for starting and ending a sentence with each tag.

Training maximises ``log p(y | x) = score(x, y) − log Z(x)`` where
``log Z = log Σ_{y'} exp score(x, y')`` sums over all ``K^L`` tag sequences; the
**forward algorithm** computes it in ``O(L·K²)``. Inference picks the best sequence
with the **Viterbi algorithm** (the same recursion with max instead of log-sum-exp).

Masks: ``mask[b, t]`` is True for real tokens. Real tokens must come first (padding at
the end), and every sentence needs at least one real token.

Bad input raises ``ValueError``: shapes always; values (NaN or infinite scores, tag ids
out of ``0..K−1``, a mask with padding first or in the middle) whenever they are known,
i.e. on NumPy arrays and eager tensors. Inside a compiled training step (``tf.function``,
``jax.jit``) the values do not exist yet, so only the shapes are checked there.

There is no maintained CRF layer for Keras 3 (TensorFlow Addons is retired); this one is
checked against brute-force enumeration in ``tests/test_crf.py``.
"""

from numbers import Integral

import numpy as np

from course_utils._keras import keras
from course_utils._validation import concrete_values, finite

ops = keras.ops

_NOT_FINITE = (
    "A NaN or infinite score makes every probability NaN. If it came out of a model, training diverged "
    "(lower the learning rate or clip the gradients); to forbid a transition use a large negative score "
    "such as -1e4, not -inf."
)


def _finite(tensor, name):
    """Refuse NaN/inf scores when their values are known (eagerly); a traced step is only shape-checked."""
    values = concrete_values(tensor)
    if values is not None:
        finite(values, name, _NOT_FINITE)


def _same_shape(got, want):
    """Static shapes equal where both are known (None: a dimension only known when the graph runs)."""
    return len(got) == len(want) and all(g is None or w is None or g == w for g, w in zip(got, want))


def _check(emissions, transitions, mask):
    emissions = ops.convert_to_tensor(emissions)
    if not keras.backend.is_float_dtype(emissions.dtype):
        emissions = ops.cast(emissions, keras.config.floatx())  # integer scores are scores too
    transitions = ops.convert_to_tensor(transitions, dtype=emissions.dtype)
    if len(emissions.shape) != 3:
        raise ValueError(
            f"emissions must have shape (batch, T, num_tags), got {tuple(emissions.shape)}. "
            "Give the CRF one score per token and tag (e.g. a Dense(num_tags) after the BiLSTM)."
        )
    if emissions.shape[1] == 0 or emissions.shape[2] == 0:
        raise ValueError(
            f"emissions must have at least one time step and one tag, got shape {tuple(emissions.shape)}. "
            "Every sentence needs at least one real token."
        )
    k = emissions.shape[-1]
    if tuple(transitions.shape) != (k, k):
        raise ValueError(f"transitions must have shape ({k}, {k}) for {k} tags, got {tuple(transitions.shape)}.")
    _finite(emissions, "emissions")
    _finite(transitions, "transitions")
    if mask is None:
        mask = ops.ones(ops.shape(emissions)[:2], dtype="bool")
    else:
        mask = ops.cast(ops.convert_to_tensor(mask), "bool")
        if not _same_shape(tuple(mask.shape), tuple(emissions.shape[:2])):
            raise ValueError(
                f"mask must have shape (batch, T) = {tuple(emissions.shape[:2])} like the emissions, "
                f"got {tuple(mask.shape)}. mask[b, t] is True for the real tokens of sentence b."
            )
        _check_mask_layout(mask)
    return emissions, transitions, mask


def _check_mask_layout(mask):
    """Real tokens first, padding at the end, at least one real token: what the recursions assume."""
    m = concrete_values(mask)
    if m is None or m.size == 0:
        return
    wrong = np.flatnonzero(~m[:, 0] | (m[:, 1:] & ~m[:, :-1]).any(axis=1))
    if wrong.size:
        row = "".join("1" if v else "0" for v in m[wrong[0]])
        raise ValueError(
            f"mask must mark each sentence's real tokens (at least one) first and its padding at the end, "
            f"but sentence {int(wrong[0])} is {row}. Pad at the end (pad_sequences(..., padding='post')) "
            "and drop empty sentences."
        )


def _boundary(vector, k, dtype, name):
    if vector is None:
        return ops.zeros((k,), dtype=dtype)
    vector = ops.convert_to_tensor(vector, dtype=dtype)
    if tuple(vector.shape) != (k,):
        raise ValueError(f"{name} must have shape ({k},), one score per tag, got {tuple(vector.shape)}.")
    _finite(vector, name)
    return vector


def _check_tags(tags, emissions):
    tags = ops.convert_to_tensor(tags)
    k = emissions.shape[-1]
    if not _same_shape(tuple(tags.shape), tuple(emissions.shape[:2])):
        raise ValueError(
            f"tags must have shape (batch, T) = {tuple(emissions.shape[:2])} like the emissions, one tag id "
            f"per token (padded steps included), got {tuple(tags.shape)}."
        )
    values = concrete_values(tags)
    if values is not None and values.size:
        if values.dtype.kind == "f" and not np.all(values == np.round(values)):  # NaN fails too
            wrong = values[values != np.round(values)].ravel()[0]
            raise ValueError(f"tags must be integer tag ids in 0..{k - 1}, got the non-integer value {wrong}.")
        if values.min() < 0 or values.max() >= k:
            raise ValueError(
                f"tags must be tag ids in 0..{k - 1} for {k} tags, got values from {values.min()} to "
                f"{values.max()}. Padded steps need a valid id too: use 0 there (the mask leaves them out)."
            )
    return ops.cast(tags, "int32")


def sequence_score(emissions, tags, transitions, mask=None, start=None, end=None):
    """``score(x, y)`` of the given tag sequences, shape (batch,)."""
    emissions, transitions, mask = _check(emissions, transitions, mask)
    k = emissions.shape[-1]
    dtype = emissions.dtype
    start, end = _boundary(start, k, dtype, "start"), _boundary(end, k, dtype, "end")
    tags = _check_tags(tags, emissions)
    m = ops.cast(mask, dtype)
    # Σ_t E[t, y_t] over real tokens
    emitted = ops.take_along_axis(emissions, tags[..., None], axis=2)[..., 0]
    score = ops.sum(emitted * m, axis=1)
    # Σ_{t≥2} A[y_{t-1}, y_t]: a pair counts when its second token is real (padding is at the end)
    pair_index = tags[:, :-1] * k + tags[:, 1:]
    moved = ops.take(ops.reshape(transitions, (-1,)), pair_index)
    score = score + ops.sum(moved * m[:, 1:], axis=1)
    # s[y_1] + e[y_L], with L the number of real tokens
    last = ops.maximum(ops.sum(ops.cast(mask, "int32"), axis=1) - 1, 0)
    last_tag = ops.take_along_axis(tags, last[:, None], axis=1)[:, 0]
    return score + ops.take(start, tags[:, 0]) + ops.take(end, last_tag)


def log_partition(emissions, transitions, mask=None, start=None, end=None):
    """``log Z(x)`` by the forward algorithm, shape (batch,)."""
    emissions, transitions, mask = _check(emissions, transitions, mask)
    k = emissions.shape[-1]
    start, end = _boundary(start, k, emissions.dtype, "start"), _boundary(end, k, emissions.dtype, "end")
    alpha = start[None, :] + emissions[:, 0]  # α_1(j) = s[j] + E[1, j]

    def step(alpha, inputs):
        e_t, m_t = inputs
        # α_t(j) = logsumexp_i(α_{t-1}(i) + A[i, j]) + E[t, j]
        candidate = ops.logsumexp(alpha[:, :, None] + transitions[None], axis=1) + e_t
        alpha = ops.where(m_t[:, None], candidate, alpha)  # padded steps carry α unchanged
        return alpha, alpha

    if emissions.shape[1] != 1:
        alpha, _ = ops.scan(step, alpha, (_time_major(emissions[:, 1:]), ops.transpose(mask[:, 1:])))
    return ops.logsumexp(alpha + end[None, :], axis=1)  # log Z = logsumexp_j(α_L(j) + e[j])


def negative_log_likelihood(emissions, tags, transitions, mask=None, start=None, end=None):
    """``−log p(y | x) = log Z(x) − score(x, y)`` per sentence, shape (batch,)."""
    return log_partition(emissions, transitions, mask, start, end) - sequence_score(
        emissions, tags, transitions, mask, start, end
    )


def viterbi_decode(emissions, transitions, mask=None, start=None, end=None, pad_tag=0):
    """Best tag sequence and its score: ``(tags (batch, T) int32, score (batch,))``.

    Padded positions get ``pad_tag`` (an int, e.g. -1 to mark them).
    """
    if isinstance(pad_tag, bool) or not isinstance(pad_tag, Integral):
        raise ValueError(f"pad_tag must be an int (the id written on padded steps, e.g. -1), got {pad_tag!r}.")
    emissions, transitions, mask = _check(emissions, transitions, mask)
    k = emissions.shape[-1]
    start, end = _boundary(start, k, emissions.dtype, "start"), _boundary(end, k, emissions.dtype, "end")
    delta = start[None, :] + emissions[:, 0]  # δ_1(j) = s[j] + E[1, j]
    identity = ops.arange(k, dtype="int32")[None, :]

    def forward(delta, inputs):
        e_t, m_t = inputs
        candidate = delta[:, :, None] + transitions[None]  # δ_{t-1}(i) + A[i, j]
        pointer = ops.cast(ops.argmax(candidate, axis=1), "int32")  # best i for each j
        new_delta = ops.max(candidate, axis=1) + e_t  # δ_t(j)
        delta = ops.where(m_t[:, None], new_delta, delta)
        pointer = ops.where(m_t[:, None], pointer, identity)  # padded steps point to themselves
        # (returned as floats: TensorFlow's scan stacks outputs in the carry's dtype)
        return delta, ops.cast(pointer, delta.dtype)

    single_step = emissions.shape[1] == 1
    if not single_step:
        delta, pointers = ops.scan(forward, delta, (_time_major(emissions[:, 1:]), ops.transpose(mask[:, 1:])))
        pointers = ops.cast(pointers, "int32")
    final = delta + end[None, :]
    best_last = ops.cast(ops.argmax(final, axis=1), "int32")
    best_score = ops.max(final, axis=1)
    if single_step:
        return ops.where(mask, best_last[:, None], pad_tag), best_score

    def backward(tag, pointer):
        previous = ops.take_along_axis(pointer, tag[:, None], axis=1)[:, 0]  # y_{t-1} = ψ_t(y_t)
        return previous, tag

    first, later = ops.scan(backward, best_last, pointers, reverse=True)
    tags = ops.concatenate([first[:, None], ops.transpose(later)], axis=1)
    return ops.where(mask, tags, pad_tag), best_score


def _time_major(x):
    return ops.transpose(x, (1, 0, 2))


@keras.saving.register_keras_serializable(package="course_utils")
class CRF(keras.layers.Layer):
    """A CRF on top of per-token emission scores ``(batch, T, num_tags)``.

    The layer passes the emissions through unchanged (so ``model.predict`` gives them),
    owns the transition scores ``A`` and the start/end scores ``s``, ``e``, and provides

    * ``crf.loss`` - a Keras loss ``(y_true, y_pred)``: the mean negative log-likelihood;
      ``y_true`` holds tag ids with ``ignore_index`` (default −1) on padding;
    * ``crf.decode(emissions, mask)`` - Viterbi tags, ``ignore_index`` on padding.

    Use it as ``model.compile(optimizer, loss=crf.loss)``.
    """

    def __init__(self, num_tags, ignore_index=-1, **kwargs):
        super().__init__(**kwargs)
        from course_utils._validation import positive_int

        self.num_tags = positive_int(num_tags, "num_tags", "Pass the number of tags, e.g. len(tag_names).")
        if isinstance(ignore_index, bool) or not isinstance(ignore_index, int) or 0 <= ignore_index < num_tags:
            raise ValueError(
                f"ignore_index must be an int outside 0..{num_tags - 1} (a real tag id), got {ignore_index!r}."
            )
        self.ignore_index = ignore_index
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[-1] != self.num_tags:
            raise ValueError(
                f"CRF(num_tags={self.num_tags}) expects emissions of shape (batch, T, {self.num_tags}), "
                f"got {tuple(input_shape)}. Put Dense({self.num_tags}) before the CRF."
            )
        k = self.num_tags
        init = keras.initializers.RandomUniform(-0.1, 0.1)
        self.transitions = self.add_weight(shape=(k, k), initializer=init, name="transitions")
        self.start = self.add_weight(shape=(k,), initializer="zeros", name="start")
        self.end = self.add_weight(shape=(k,), initializer="zeros", name="end")

    def call(self, emissions, mask=None):
        # A copy, and no output mask: the loss is one number per sentence and handles padding
        # itself (ignore_index). A (batch, T) mask from Embedding(mask_zero=True) riding on the
        # output would make Keras weight that (batch,) loss by it, and fail.
        return ops.copy(emissions)

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_mask(self, inputs, mask=None):
        return None

    def _tags_and_mask(self, y_true):
        y_true = ops.cast(y_true, "int32")
        if len(y_true.shape) == 3:  # Keras may add a trailing axis to match y_pred's rank
            y_true = y_true[..., 0]
        mask = ops.not_equal(y_true, self.ignore_index)
        return ops.where(mask, y_true, 0), mask

    def loss(self, y_true, y_pred):
        """Per-sentence negative log-likelihood (Keras averages it over the batch)."""
        tags, mask = self._tags_and_mask(y_true)
        return negative_log_likelihood(y_pred, tags, self.transitions, mask, self.start, self.end)

    def decode(self, emissions, mask=None):
        """Viterbi tags (batch, T) as a NumPy array, ``ignore_index`` on padded steps."""
        tags, _ = viterbi_decode(emissions, self.transitions, mask, self.start, self.end, pad_tag=self.ignore_index)
        return ops.convert_to_numpy(tags)

    def get_config(self):
        return {**super().get_config(), "num_tags": self.num_tags, "ignore_index": self.ignore_index}
