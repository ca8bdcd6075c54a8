"""Notebook 09's tagger recipes and the one function that trains them (also run by ``make bench-models``).

Each recipe was chosen on the validation tweets, never the test ones. ``"words"`` is the plain
BiLSTM(-CRF) on word ids and shape features; ``"glove"`` starts its word embedding from GloVe and
adds dropout and word dropout; ``"glove+characters"`` adds the character CNN too.

    >>> sorted(RECIPES)
    ['glove', 'glove+characters', 'words']
"""

from course_utils._validation import boolean
from course_utils.ner import (
    build_tagger,
    char_vocabulary,
    predict_tags,
    tagger_inputs,
    training_targets,
    word_lookup,
    word_vocabulary,
)

#: Training recipes, chosen on the validation split: notebook 09 trains its softmax and CRF taggers with
#: "glove" (over seeds 0-2 its CRF's validation F1, 0.567, beat "glove+characters"' 0.539); ``make
#: bench-models`` runs it, "glove+characters" and the words-only "words" over seeds.
RECIPES = {
    "words": {"learning_rate": 0.02, "epochs": 5},
    "glove": {
        "learning_rate": 0.015,
        "epochs": 10,
        "units": 64,
        "glove": True,
        "dropout": 0.3,
        "word_dropout_rate": 0.1,
    },
    "glove+characters": {
        "learning_rate": 0.015,
        "epochs": 10,
        "units": 64,
        "glove": True,
        "chars": True,
        "dropout": 0.3,
        "word_dropout_rate": 0.1,
    },
}
GLOVE_EXTRA = 50_000  # GloVe words added to the training words (the most frequent ones)


def tagger_setup(data, recipe):
    """What a recipe's tagger reads: ``(lookup, chars, embeddings)`` from the training split alone.

    ``lookup`` is the :func:`word_lookup` (training words, plus GloVe's :data:`GLOVE_EXTRA` most
    frequent with a GloVe recipe), ``chars`` the :func:`char_vocabulary` or ``None``, ``embeddings``
    the GloVe starting rows or ``None``.
    """
    if recipe not in RECIPES:
        raise ValueError(f"recipe must be one of {sorted(RECIPES)}, got {recipe!r}.")
    r, tokens = RECIPES[recipe], data["train"][0]
    vectors = None
    if r.get("glove"):
        from course_utils.datasets.vectors import load_glove

        vectors = load_glove()
    vocabulary = word_vocabulary(tokens, vectors, GLOVE_EXTRA)
    embeddings = None if vectors is None else vectors.embedding_matrix(vocabulary, reserved=2, seed=0)[0]
    chars = char_vocabulary(tokens) if r.get("chars") else None
    return word_lookup(vocabulary), chars, embeddings


def train_tagger(data, recipe, use_crf, seed=0):
    """Train one tagger on ``load_twitter_ner()``'s training split with ``RECIPES[recipe]``.

    Returns ``(model, predict)`` where ``predict(tokens)`` gives tag ids (0 on padding).
    """
    from course_utils._keras import keras

    boolean(use_crf, "use_crf")
    lookup, chars, embeddings = tagger_setup(data, recipe)
    r = RECIPES[recipe]
    (tokens, tag_ids), num_tags = data["train"], len(data.info["tags"])
    keras.utils.set_random_seed(seed)
    model = build_tagger(
        lookup.vocabulary_size(),
        num_tags,
        use_crf,
        embedding_dim=32 if embeddings is None else embeddings.shape[1],
        units=r.get("units", 32),
        char_vocab_size=max(chars.values()) + 1 if chars else None,
        dropout=r.get("dropout", 0.0),
        word_dropout_rate=r.get("word_dropout_rate", 0.0),
        embeddings=embeddings,
    )
    loss = model.get_layer("crf").loss if use_crf else keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=keras.optimizers.Adam(r["learning_rate"]), loss=loss)
    mask = tokens != ""
    targets = training_targets(tag_ids, mask, use_crf)
    model.fit(tagger_inputs(tokens, lookup, chars), targets, batch_size=64, epochs=r["epochs"], verbose=0)
    return model, lambda x: predict_tags(model, tagger_inputs(x, lookup, chars), x != "")
