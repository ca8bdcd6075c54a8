"""BiLSTM taggers for named-entity recognition: inputs, the two models (softmax, CRF), predictions.

Each token is read as two things: its lower-cased word id (:func:`word_lookup` over
:func:`word_vocabulary`: "Apple" and "apple" share one embedding, fewer unknown words) and a few
**shape features** that lower-casing throws away but that matter for names:

    capitalised · all capitals · @mention · #hashtag · URL · contains a digit

Optionally the word embedding starts from **pretrained GloVe vectors** (``load_glove()``; Pennington
et al. 2014): the vocabulary is then the training words plus the 50,000 most frequent English words
(:func:`word_vocabulary`, fixed before any held-out tweet is read), so "Hermione" or "Seahawks" has a
meaningful vector even though no training tweet contains it.

Optionally (``char_vocabulary``) each word is also spelled out: its characters go through an
embedding, a convolution over 3-character windows and a max over the word (a **character CNN**,
Ma & Hovy 2016), so unseen words still get a representation from their spelling ("Obama's",
"#NBA", "Googled"). **Word dropout** replaces a random share of training word ids by the
unknown id, so the model also learns to tag from spelling and context when a word is unknown.

The BiLSTM reads the sentence both ways and gives one vector per token; a Dense layer
turns it into one score per tag (the *emissions*). Then either

* **softmax**: each token takes its best tag on its own (loss: cross-entropy per token), or
* **CRF** (:class:`course_utils.crf.CRF`): the whole tag sequence is scored as
  transitions + emissions and decoded with Viterbi (loss: negative log-likelihood).

The recipes that train them (chosen on validation) are in :mod:`course_utils.ner_recipes`.
"""

import re

import numpy as np

from course_utils._validation import boolean, positive_int

MAX_CHARS = 16  # characters kept per token (longer ones, mostly URLs, are cut)
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
    """Map the padded tokens to ids with ``lookup`` (a :func:`word_lookup`), each in its GloVe spelling
    (lower case, a hashtag without its ``#``: :func:`~course_utils.datasets.vectors.glove_form`)."""
    tokens = np.asarray(tokens, dtype=object)
    if tokens.ndim != 2:
        raise ValueError(f"tokens must be a padded (sentences, T) array, got shape {tokens.shape}.")
    from course_utils._keras import keras
    from course_utils.datasets.vectors import glove_form

    forms = np.array([glove_form(t) if t else "" for t in tokens.ravel().tolist()], dtype=str).reshape(tokens.shape)
    return keras.ops.convert_to_numpy(lookup(forms)).astype(np.int32)


def word_vocabulary(tokens, vectors=None, extra=50_000):
    """The word forms a tagger gets an embedding for: the training tokens' forms, most frequent first,
    and with ``vectors`` (``load_glove()``) then the ``extra`` most frequent GloVe words.

    >>> word_vocabulary(np.array([["#Paris", "is", ""], ["paris", "Paris", ""]], dtype=object))
    ['paris', 'is']
    """
    from course_utils.datasets.vectors import glove_form

    tokens = np.asarray(tokens, dtype=object)
    counts = {}
    for token in tokens.ravel().tolist():
        if token:
            form = glove_form(token)
            counts[form] = counts.get(form, 0) + 1
    words = sorted(counts, key=lambda w: (-counts[w], w))
    return words if vectors is None else vectors.vocabulary(words, extra)


def word_lookup(vocabulary):
    """A ``StringLookup`` over ``vocabulary``: id 0 is the padding ``""``, 1 any other word, then the words."""
    from course_utils._keras import keras

    if not vocabulary or not all(isinstance(w, str) and w for w in vocabulary):
        raise ValueError("vocabulary must be a non-empty list of words. Use word_vocabulary(x_train).")
    return keras.layers.StringLookup(vocabulary=list(vocabulary), mask_token="")


def char_vocabulary(tokens, min_count=2):
    """``{character: id}`` for characters seen at least ``min_count`` times in the (training) tokens.

    Ids start at 2: 0 pads short words, 1 stands for any other character.

    >>> char_vocabulary(np.array([["aab", "b", ""]], dtype=object))
    {'a': 2, 'b': 3}
    """
    tokens = np.asarray(tokens, dtype=object)
    min_count = positive_int(min_count, "min_count", "Use e.g. 2.")
    counts = {}
    for token in tokens.ravel().tolist():
        for c in str(token):
            counts[c] = counts.get(c, 0) + 1
    kept = sorted(c for c, n in counts.items() if n >= min_count)
    return {c: i + 2 for i, c in enumerate(kept)}


def char_ids(tokens, vocabulary, max_chars=MAX_CHARS):
    """``(sentences, T, max_chars)`` int32 character ids of each token (cut to ``max_chars``; 0 pads).

    >>> char_ids(np.array([["ab", "zb"]], dtype=object), {"a": 2, "b": 3}, max_chars=3).tolist()
    [[[2, 3, 0], [1, 3, 0]]]
    """
    tokens = np.asarray(tokens, dtype=object)
    if tokens.ndim != 2:
        raise ValueError(f"tokens must be a padded (sentences, T) array, got shape {tokens.shape}.")
    if not isinstance(vocabulary, dict) or not vocabulary:
        raise ValueError("vocabulary must be a non-empty {character: id} dict. Use char_vocabulary(x_train).")
    max_chars = positive_int(max_chars, "max_chars", "Use e.g. 16.")
    out = np.zeros((*tokens.shape, max_chars), dtype=np.int32)
    for (i, j), token in np.ndenumerate(tokens):
        ids = [vocabulary.get(c, 1) for c in str(token)[:max_chars]]
        out[i, j, : len(ids)] = ids
    return out


def tagger_inputs(tokens, lookup, chars=None):
    """The model's inputs for a padded token array: ``[word ids, shape features]``, and with
    ``chars`` (a :func:`char_vocabulary`) also the character ids."""
    inputs = [encode_tokens(tokens, lookup), shape_features(tokens)]
    return inputs if chars is None else [*inputs, char_ids(tokens, chars)]


def word_dropout(rate, seed=0):
    """A layer that, in training only, replaces each real word id by 1 (unknown) with probability ``rate``."""
    from course_utils._keras import keras

    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
        raise ValueError(f"word_dropout must be a number in [0, 1), got {rate!r}. Use e.g. 0.1.")

    class WordDropout(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seed_generator = keras.random.SeedGenerator(seed)

        def call(self, ids, training=False):
            if not training or rate == 0:
                return ids
            drop = keras.random.uniform(keras.ops.shape(ids), seed=self.seed_generator) < rate
            return keras.ops.where(keras.ops.logical_and(drop, ids > 0), keras.ops.ones_like(ids), ids)

    return WordDropout(name="word_dropout")


def build_tagger(
    vocab_size,
    num_tags,
    use_crf,
    embedding_dim=32,
    units=32,
    name=None,
    char_vocab_size=None,
    char_dim=16,
    char_filters=32,
    dropout=0.0,
    word_dropout_rate=0.0,
    embeddings=None,
):
    """``[word ids, shape features] → Embedding ⊕ features → BiLSTM → Dense(num_tags)`` (→ CRF).

    ``embeddings``: the embedding's starting rows, ``(vocab_size, embedding_dim)`` (e.g. from
    ``load_glove().embedding_matrix(...)``); training goes on adjusting them.

    With ``char_vocab_size`` (``max(vocabulary.values()) + 1``) a third input, the character ids,
    goes through ``Embedding(char_dim) → Conv(char_filters, 3 characters) → max over the word``
    and is joined to the word's features. ``dropout`` applies to the joined features and to the
    BiLSTM's output; ``word_dropout_rate`` to the word ids (training only).

    Returns the model; with ``use_crf=True`` its last layer, named ``"crf"``, holds the
    transition scores and provides ``loss`` and ``decode``. Word id 0 is padding (masked out of the BiLSTM and the loss).
    """
    from course_utils._keras import keras
    from course_utils.crf import CRF
    from course_utils.datasets.vectors import embedding_start

    vocab_size = positive_int(vocab_size, "vocab_size", "Use lookup.vocabulary_size().")
    num_tags = positive_int(num_tags, "num_tags", "Use len(data.info['tags']).")
    embedding_dim = positive_int(embedding_dim, "embedding_dim")
    units = positive_int(units, "units")
    if not isinstance(use_crf, bool):
        raise ValueError(f"use_crf must be True or False, got {use_crf!r}.")
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a number in [0, 1), got {dropout!r}. Use e.g. 0.3.")
    L = keras.layers
    words = keras.Input(shape=(None,), dtype="int32", name="word_ids")
    shapes = keras.Input(shape=(None, len(SHAPE_FEATURES)), name="shape_features")
    inputs = [words, shapes]
    ids = word_dropout(word_dropout_rate)(words) if word_dropout_rate else words
    start = embedding_start(
        embeddings, vocab_size, embedding_dim, "Pass embedding_dim=vectors.dim and one row per word id."
    )
    parts = [L.Embedding(vocab_size, embedding_dim, embeddings_initializer=start, name="embedding")(ids), shapes]
    if char_vocab_size is not None:
        char_vocab_size = positive_int(char_vocab_size, "char_vocab_size", "Use max(chars.values()) + 1.")
        chars = keras.Input(shape=(None, MAX_CHARS), dtype="int32", name="char_ids")
        inputs.append(chars)
        spelled = L.Embedding(char_vocab_size, positive_int(char_dim, "char_dim"), name="char_embedding")(chars)
        # a 1 x 3 window slides along each word's characters, never across words; then the max over the word
        windows = L.Conv2D(
            positive_int(char_filters, "char_filters"), (1, 3), padding="same", activation="tanh", name="char_cnn"
        )(spelled)
        pooled = L.MaxPooling2D(pool_size=(1, MAX_CHARS), name="max_over_chars")(windows)
        parts.append(L.Reshape((-1, char_filters), name="char_features")(pooled))
    joined = L.Concatenate(name="word_and_shape")(parts)
    if dropout:
        joined = L.Dropout(dropout, name="input_dropout")(joined)
    # The padding mask, given explicitly (Embedding(mask_zero=True) would work too, but Keras then
    # adds its own mask-merging steps for Concatenate to the model summary). The BiLSTM skips
    # padded steps and passes the mask on, so the softmax loss ignores them too.
    real = keras.ops.not_equal(words, 0)
    states = keras.layers.Bidirectional(keras.layers.LSTM(units, return_sequences=True), name="bilstm")(
        joined, mask=real
    )
    if dropout:
        states = L.Dropout(dropout, name="state_dropout")(states)
    emissions = keras.layers.Dense(num_tags, name="emissions")(states)
    outputs = CRF(num_tags, name="crf")(emissions) if use_crf else emissions
    return keras.Model(inputs, outputs, name=name or ("bilstm_crf" if use_crf else "bilstm_softmax"))


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
