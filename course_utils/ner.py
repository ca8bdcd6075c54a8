"""BiLSTM taggers for named-entity recognition: inputs, the two models (softmax, CRF), predictions.

Each token is read as two things: its lower-cased word id (``token_lookup(data,
lowercase=True)``: "Apple" and "apple" share one embedding, fewer unknown words) and a few
**shape features** that lower-casing throws away but that matter for names:

    capitalised · all capitals · @mention · #hashtag · URL · contains a digit

The BiLSTM reads the sentence both ways and gives one vector per token; a Dense layer
turns it into one score per tag (the *emissions*). Then either

* **softmax**: each token takes its best tag on its own (loss: cross-entropy per token), or
* **CRF** (:class:`course_utils.crf.CRF`): the whole tag sequence is scored as
  transitions + emissions and decoded with Viterbi (loss: negative log-likelihood).
"""

import re

import numpy as np

from course_utils._validation import boolean, positive_int

SHAPE_FEATURES = ("capitalised", "all capitals", "@mention", "#hashtag", "URL", "digit")
_URL = re.compile(r"^(https?://|www\.)", re.IGNORECASE)


def _shape(token):
    if not token:
        return (0.0,) * len(SHAPE_FEATURES)
    letters = [c for c in token if c.isalpha()]
    return (
        float(token[0].isupper()),
        float(len(letters) > 1 and all(c.isupper() for c in letters)),
        float(token.startswith("@")),
        float(token.startswith("#")),
        float(bool(_URL.match(token))),
        float(any(c.isdigit() for c in token)),
    )


def shape_features(tokens):
    """``(sentences, T, 6)`` float32 features of the padded token array (0 on padding).

    >>> shape_features(np.array([["Apple", "@bob", "http://x.co", ""]], dtype=object))[0].tolist()
    [[1.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]
    """
    tokens = np.asarray(tokens, dtype=object)
    if tokens.ndim != 2:
        raise ValueError(f"tokens must be a padded (sentences, T) array, got shape {tokens.shape}.")
    flat = [_shape(str(t)) for t in tokens.ravel().tolist()]
    return np.array(flat, dtype=np.float32).reshape(*tokens.shape, len(SHAPE_FEATURES))


def encode_tokens(tokens, lookup):
    """Lower-case the padded tokens and map them to ids with ``lookup`` (``token_lookup(..., lowercase=True)``)."""
    tokens = np.asarray(tokens, dtype=object)
    if tokens.ndim != 2:
        raise ValueError(f"tokens must be a padded (sentences, T) array, got shape {tokens.shape}.")
    from course_utils._keras import keras

    lowered = np.array([str(t).lower() for t in tokens.ravel().tolist()], dtype=str).reshape(tokens.shape)
    return keras.ops.convert_to_numpy(lookup(lowered)).astype(np.int32)


def tagger_inputs(tokens, lookup):
    """The model's two inputs for a padded token array: ``[word ids, shape features]``."""
    return [encode_tokens(tokens, lookup), shape_features(tokens)]


def build_tagger(vocab_size, num_tags, use_crf, embedding_dim=32, units=32, name=None):
    """``[word ids, shape features] → Embedding ⊕ features → BiLSTM → Dense(num_tags)`` (→ CRF).

    Returns the model; with ``use_crf=True`` its last layer, named ``"crf"``, holds the
    transition scores and provides ``loss`` and ``decode``. Word id 0 is padding (masked out of the BiLSTM and the loss).
    """
    from course_utils._keras import keras
    from course_utils.crf import CRF

    vocab_size = positive_int(vocab_size, "vocab_size", "Use lookup.vocabulary_size().")
    num_tags = positive_int(num_tags, "num_tags", "Use len(data.info['tags']).")
    embedding_dim = positive_int(embedding_dim, "embedding_dim")
    units = positive_int(units, "units")
    if not isinstance(use_crf, bool):
        raise ValueError(f"use_crf must be True or False, got {use_crf!r}.")
    words = keras.Input(shape=(None,), dtype="int32", name="word_ids")
    shapes = keras.Input(shape=(None, len(SHAPE_FEATURES)), name="shape_features")
    embedded = keras.layers.Embedding(vocab_size, embedding_dim, name="embedding")(words)
    joined = keras.layers.Concatenate(name="word_and_shape")([embedded, shapes])
    # The padding mask, given explicitly (Embedding(mask_zero=True) would work too, but Keras then
    # adds its own mask-merging steps for Concatenate to the model summary). The BiLSTM skips
    # padded steps and passes the mask on, so the softmax loss ignores them too.
    real = keras.ops.not_equal(words, 0)
    states = keras.layers.Bidirectional(keras.layers.LSTM(units, return_sequences=True), name="bilstm")(
        joined, mask=real
    )
    emissions = keras.layers.Dense(num_tags, name="emissions")(states)
    outputs = CRF(num_tags, name="crf")(emissions) if use_crf else emissions
    return keras.Model([words, shapes], outputs, name=name or ("bilstm_crf" if use_crf else "bilstm_softmax"))


def training_targets(tag_ids, mask, use_crf):
    """Targets for ``model.fit``: tag ids, with -1 on padding for the CRF's loss."""
    tag_ids, mask = np.asarray(tag_ids), np.asarray(mask, dtype=bool)
    if tag_ids.shape != mask.shape:
        raise ValueError(f"tag_ids {tag_ids.shape} and mask {mask.shape} must have the same shape.")
    if not np.issubdtype(tag_ids.dtype, np.integer):
        raise ValueError(f"tag_ids must be integer tag ids, got {tag_ids.dtype}. Use the loader's tag id array.")
    boolean(use_crf, "use_crf")
    return np.where(mask, tag_ids, -1).astype(np.int32) if use_crf else tag_ids.astype(np.int32)


def predict_tags(model, inputs, mask, batch_size=256):
    """Tag ids (sentences, T): Viterbi for a CRF model, each token's best tag otherwise; 0 on padding."""
    mask = np.asarray(mask, dtype=bool)
    batch_size = positive_int(batch_size, "batch_size", "Use e.g. batch_size=256.")
    emissions = model.predict(inputs, batch_size=batch_size, verbose=0)
    if emissions.shape[:2] != mask.shape:
        raise ValueError(f"mask {mask.shape} does not match the predictions {emissions.shape[:2]}.")
    crf = next((layer for layer in model.layers if layer.name == "crf"), None)
    tags = crf.decode(emissions, mask) if crf is not None else emissions.argmax(axis=-1)
    return np.where(mask, tags, 0).astype(np.int32)
