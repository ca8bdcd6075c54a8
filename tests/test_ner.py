"""The NER taggers' inputs, the two models and their predictions."""

import numpy as np
import pytest
from bad_input import assert_refused

from course_utils import ner, ner_recipes
from course_utils._keras import keras

TOKENS = np.array(
    [
        ["RT", "@Bob", ":", "Apple", "#iPhone", "in", "NYC", "2day", "http://t.co/x"],
        ["apple", "pie", "", "", "", "", "", "", ""],
    ],
    dtype=object,
)


def test_shape_features_by_hand():
    f = ner.shape_features(TOKENS)
    assert f.shape == (2, 9, len(ner.SHAPE_FEATURES)) and f.dtype == np.float32
    as_dict = lambda row: {name for name, v in zip(ner.SHAPE_FEATURES, row) if v}  # noqa: E731
    assert as_dict(f[0, 0]) == {"capitalised", "all capitals"}
    assert as_dict(f[0, 1]) == {"@mention"} and as_dict(f[0, 4]) == {"#hashtag"}
    assert as_dict(f[0, 3]) == {"capitalised"} and as_dict(f[0, 7]) == {"digit"} and as_dict(f[0, 8]) == {"URL"}
    assert not f[1, 2:].any()  # padding
    with pytest.raises(ValueError, match="padded"):
        ner.shape_features(TOKENS[0])


def test_lowercased_ids_share_one_entry():
    lookup = keras.layers.StringLookup(vocabulary=["apple", "pie"], mask_token="")
    ids = ner.encode_tokens(TOKENS, lookup)
    assert ids[0, 3] == ids[1, 0] == 2 and ids[1, 1] == 3 and ids[0, 0] == 1  # 1: out of vocabulary
    assert np.all(ids[1, 2:] == 0)  # padding


def test_word_vocabulary_uses_glove_spelling_and_then_frequent_words():
    assert ner.word_vocabulary(TOKENS)[:3] == [
        "apple",
        "2day",
        ":",
    ]  # "Apple" and "apple": one form, counted twice; ties A-Z
    assert "iphone" in ner.word_vocabulary(TOKENS) and "#iphone" not in ner.word_vocabulary(TOKENS)
    from course_utils.datasets.vectors import WordVectors

    vectors = WordVectors(["the", "apple", "of"], np.eye(3, dtype=np.float32))
    vocabulary = ner.word_vocabulary(TOKENS, vectors, extra=3)
    assert vocabulary[: len(ner.word_vocabulary(TOKENS))] == ner.word_vocabulary(TOKENS)
    assert vocabulary[-2:] == ["the", "of"] and vocabulary.count("apple") == 1
    lookup = ner.word_lookup(vocabulary)
    ids = ner.encode_tokens(TOKENS, lookup)
    assert ids[0, 4] == vocabulary.index("iphone") + 2 and ids[0, 3] == ids[1, 0] == 2 and np.all(ids[1, 2:] == 0)


def test_pretrained_rows_are_the_embedding_start():
    rng = np.random.default_rng(0)
    start = rng.normal(size=(12, 5)).astype(np.float32)
    model = ner.build_tagger(12, 3, True, embedding_dim=5, embeddings=start)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model.get_layer("embedding").embeddings), start)


@pytest.mark.parametrize("use_crf", [False, True])
def test_tagger_parameters_and_predictions(use_crf):
    keras.utils.set_random_seed(0)
    model = ner.build_tagger(20, 5, use_crf, embedding_dim=4, units=3)
    # Embedding 20·4; BiLSTM 2 · 4u(d+u+1) with d = 4 + 6 features; Dense 2u·5 + 5; CRF 5·5 + 5 + 5
    expected = 20 * 4 + 2 * 4 * 3 * (10 + 3 + 1) + 6 * 5 + 5 + (35 if use_crf else 0)
    assert model.count_params() == expected
    assert model.name == ("bilstm_crf" if use_crf else "bilstm_softmax")
    words = np.array([[3, 4, 5, 0], [6, 7, 0, 0]])
    inputs = [words, np.zeros((2, 4, 6), "float32")]
    mask = words != 0
    tags = ner.predict_tags(model, inputs, mask)
    assert tags.shape == (2, 4) and np.all(tags[~mask] == 0) and tags.max() < 5
    emissions = model.predict(inputs, verbose=0)
    if use_crf:
        assert np.array_equal(tags, np.where(mask, model.get_layer("crf").decode(emissions, mask), 0))
    else:
        assert np.array_equal(tags, np.where(mask, emissions.argmax(-1), 0))
    with pytest.raises(ValueError, match="does not match the predictions"):
        ner.predict_tags(model, inputs, mask[:, :3])


def test_training_targets_and_errors():
    y, mask = np.array([[1, 2, 0]]), np.array([[True, True, False]])
    assert ner.training_targets(y, mask, use_crf=True).tolist() == [[1, 2, -1]]
    assert ner.training_targets(y, mask, use_crf=False).tolist() == [[1, 2, 0]]
    with pytest.raises(ValueError, match="same shape"):
        ner.training_targets(y, mask[:, :2], use_crf=True)
    with pytest.raises(ValueError, match="use_crf must be True or False"):
        ner.build_tagger(10, 3, use_crf="yes")
    with pytest.raises(ValueError, match="num_tags must be a positive integer"):
        ner.build_tagger(10, 0, use_crf=True)


def test_padding_is_left_out_of_the_softmax_loss():
    keras.utils.set_random_seed(1)
    model = ner.build_tagger(50, 5, use_crf=False, embedding_dim=4, units=3)
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    words, shapes, y = np.array([[3, 4, 0, 0]]), np.zeros((1, 4, 6), "float32"), np.array([[1, 2, 3, 4]])
    logits = model.predict([words, shapes], verbose=0)[0]
    logp = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    assert model.evaluate([words, shapes], y, verbose=0) == pytest.approx(-(logp[0, 1] + logp[1, 2]) / 2, rel=1e-5)


BAD_CALLS = [  # (what is wrong, call, the argument the message must name, what it must say)
    ("float tag ids", lambda: ner.training_targets([[0.5, 1.0]], [[1, 1]], True), "tag_ids", "integer tag ids"),
    ("use_crf not a bool", lambda: ner.training_targets([[0, 1]], [[1, 1]], "crf"), "use_crf", "True or False"),
    ("batch size 0", lambda: ner.predict_tags(None, None, [[1]], batch_size=0), "batch_size", "positive integer"),
]


def test_char_vocabulary_and_ids_by_hand():
    chars = ner.char_vocabulary(TOKENS, min_count=2)  # characters seen twice or more
    assert chars == {c: i + 2 for i, c in enumerate(sorted(chars))} and {"p", "e", "/"} <= set(chars)
    assert "B" not in chars and "@" not in chars and "o" in chars  # "@Bob" holds the only "@" and "B"
    ids = ner.char_ids(TOKENS, chars)
    assert ids.shape == (2, 9, ner.MAX_CHARS) and ids.dtype == np.int32
    assert ids[0, 1].tolist()[:5] == [1, 1, chars["o"], chars.get("b", 1), 0]  # unknown characters: 1
    assert ner.char_ids(TOKENS, chars, max_chars=4)[0, 8].tolist() == [chars.get(c, 1) for c in "http"]  # cut
    assert not ids[1, 2:].any()  # padding stays 0


def test_char_tagger_parameters_and_spelling_changes_the_word():
    keras.utils.set_random_seed(2)
    model = ner.build_tagger(20, 5, True, embedding_dim=4, units=3, char_vocab_size=9, char_dim=2, char_filters=3)
    # char embedding 9·2, conv 1·3·2·3 + 3; BiLSTM input d = 4 + 6 + 3
    expected = 20 * 4 + 9 * 2 + (3 * 2 * 3 + 3) + 2 * 4 * 3 * (13 + 3 + 1) + 6 * 5 + 5 + 35
    assert model.count_params() == expected
    words = np.array([[1, 4, 0]])  # an unknown word, a known one, padding
    spelled = np.random.default_rng(0).integers(2, 9, size=(1, 3, ner.MAX_CHARS)).astype("int32")
    respelled = spelled.copy()
    respelled[0, 0] = (spelled[0, 0] - 2 + 3) % 7 + 2  # respell the unknown word: every character changes
    out = [model.predict([words, np.zeros((1, 3, 6), "float32"), c], verbose=0)[0] for c in (spelled, respelled)]
    assert not np.array_equal(out[0][0], out[1][0])  # an unknown word is still told apart by its spelling


def test_word_dropout_only_in_training_never_on_padding():
    layer = ner.word_dropout(0.3, seed=0)
    ids = np.tile(np.array([[5, 6, 7, 8, 0, 0]]), (500, 1))
    np.testing.assert_array_equal(np.asarray(layer(ids)), ids)
    dropped = np.asarray(layer(ids, training=True))
    assert np.all(dropped[:, 4:] == 0) and set(np.unique(dropped[:, :4])) <= {1, 5, 6, 7, 8}
    assert 0.25 < np.mean(dropped[:, :4] == 1) < 0.35


BAD_CALLS += [
    ("empty char vocabulary", lambda: ner.char_ids(TOKENS, {}), "vocabulary", "non-empty"),
    ("1-D tokens", lambda: ner.char_ids(TOKENS[0], {"a": 2}), "tokens", "padded"),
    ("min_count 0", lambda: ner.char_vocabulary(TOKENS, min_count=0), "min_count", "positive integer"),
    ("word dropout 1", lambda: ner.word_dropout(1.0), "word_dropout", "[0, 1)"),
    ("dropout -0.1", lambda: ner.build_tagger(10, 3, True, dropout=-0.1), "dropout", "[0, 1)"),
    ("unknown recipe", lambda: ner_recipes.train_tagger(None, "poetry", True), "recipe", "one of"),
    ("empty vocabulary", lambda: ner.word_lookup([]), "vocabulary", "non-empty"),
    (
        "embeddings shape",
        lambda: ner.build_tagger(10, 3, True, embedding_dim=4, embeddings=np.zeros((9, 4))),
        "embeddings",
        "shape",
    ),
    ("char vocabulary 0", lambda: ner.build_tagger(10, 3, True, char_vocab_size=0), "char_vocab_size", "positive"),
]


@pytest.mark.parametrize(("call", "name", "what"), [case[1:] for case in BAD_CALLS], ids=[c[0] for c in BAD_CALLS])
def test_bad_input_is_refused_naming_the_argument(call, name, what):
    assert_refused(call, name, what)
