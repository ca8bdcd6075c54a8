"""Notebook 07's sentiment recipe: soft rater targets, the masked max over time, the model, a tiny training run."""

import numpy as np
import pytest
from bad_input import assert_refused

from course_utils import bench_models, explain_params
from course_utils._keras import keras
from course_utils.sentiment import (
    SETTING,
    encode_sentences,
    lexicon_baseline,
    max_over_time,
    prepare_reviews,
    rater_targets,
    sentiment_model,
    train_sentiment,
)
from course_utils.sentiment_layers import word_features


def test_rater_targets_rescale_and_agree_with_the_sign():
    scores = np.random.default_rng(0).uniform(-4, 4, size=200)
    soft = rater_targets(scores)
    assert soft.dtype == np.float32 and soft.min() >= 0 and soft.max() <= 1
    np.testing.assert_allclose(soft, (scores + 4) / 8, rtol=1e-6)
    assert np.array_equal(soft > 0.5, scores > 0)


def test_max_over_time_ignores_masked_steps_and_matches_numpy():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 6, 3)).astype("float32")
    lengths = np.array([6, 1, 3, 4])
    mask = np.arange(6)[None, :] < lengths[:, None]
    got = np.asarray(max_over_time()(x, mask=mask))
    want = np.stack([x[i, : lengths[i]].max(axis=0) for i in range(4)])
    np.testing.assert_allclose(got, want)
    np.testing.assert_allclose(np.asarray(max_over_time()(x)), x.max(axis=1))


@pytest.mark.parametrize("lexicon", [False, True])
def test_padding_does_not_change_the_prediction(lexicon):
    rng = np.random.default_rng(2)
    valence = rng.uniform(-1, 1, size=(50, 1)).astype(np.float32) if lexicon else None
    keras.utils.set_random_seed(0)
    model = sentiment_model(True, vocabulary_size=50, max_len=9, units=8, valence=valence)
    short = sentiment_model(True, vocabulary_size=50, max_len=5, units=8, valence=valence)
    short.set_weights(model.get_weights())
    ids = rng.integers(2, 50, size=(3, 9))
    ids[:, 5:] = 0  # 5 words + 4 padding ids
    np.testing.assert_allclose(model.predict(ids, verbose=0), short.predict(ids[:, :5], verbose=0), atol=1e-6)


@pytest.mark.parametrize("bidirectional, directions", [(False, 1), (True, 2)])
@pytest.mark.parametrize("lexicon", [False, True])
def test_parameter_count(bidirectional, directions, lexicon):
    u, d = SETTING["units"], 50 + lexicon  # the valence is one more input feature per word
    valence = np.zeros((100, 1), np.float32) if lexicon else None
    model = sentiment_model(bidirectional, vocabulary_size=100, max_len=7, units=u, valence=valence)
    lstm = directions * 4 * (u * (d + u) + u)
    assert model.count_params() == 100 * 50 + 100 * lexicon + lstm + (directions * u + 1)
    frozen = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    assert frozen == 100 * lexicon  # the lexicon column is never trained
    table = explain_params(model).assert_agree()  # word_features gives its own formula
    assert table.keras_total == model.count_params()


def test_the_embedding_starts_from_the_given_rows():
    start = np.random.default_rng(4).normal(size=(20, 50)).astype(np.float32)
    model = sentiment_model(True, vocabulary_size=20, max_len=7, embeddings=start)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model.get_layer("embedding").embeddings), start)


def test_prepared_reviews_take_their_vocabulary_from_training_and_glove_only():
    from course_utils.datasets import load_movie_reviews, load_sentiment_lexicon
    from course_utils.datasets.splits import Splits
    from course_utils.datasets.vectors import glove_tokens, load_glove

    reviews = load_movie_reviews(seed=0)
    prepared = prepare_reviews(reviews)
    vocabulary, embeddings, glove = prepared["vocabulary"], prepared["embeddings"], load_glove()
    training_words = {t for s in reviews["train"][0] for t in glove_tokens(s)}
    assert set(vocabulary[: len(training_words)]) == training_words and len(set(vocabulary)) == len(vocabulary)
    assert set(vocabulary[len(training_words) :]) == set(glove.words[: SETTING["glove_extra"]]) - training_words
    assert embeddings.shape == (len(vocabulary) + 2, 50) and np.all(embeddings[:2] == 0)
    rng = np.random.default_rng(5)
    for i in rng.choice(len(vocabulary), 50, replace=False):
        if vocabulary[i] in glove:
            np.testing.assert_array_equal(embeddings[i + 2], glove[vocabulary[i]])
    assert prepared["known"] == sum(w in glove for w in vocabulary)
    lexicon, valence = load_sentiment_lexicon(), prepared["valence"]
    assert valence.shape == (len(vocabulary) + 2, 1) and np.all(valence[:2] == 0)
    for i in rng.choice(len(vocabulary), 200, replace=False):
        assert valence[i + 2, 0] == np.float32(lexicon.get(vocabulary[i], 0.0) / 4)
    assert valence[vocabulary.index("gorgeous") + 2, 0] > 0.5 and valence[vocabulary.index("dull") + 2, 0] < -0.4
    assert prepared["rated"] == np.count_nonzero(valence) == sum(lexicon.get(w, 0) != 0 for w in vocabulary)
    assert {k: v.shape for k, v in prepared["ids"].items()} == {
        "train": (8454, SETTING["max_len"]), "validation": (1056, SETTING["max_len"]), "test": (1056, SETTING["max_len"]),
    }  # fmt: skip
    # other held-out sentences, same vocabulary: no validation or test sentence decides which words get a row
    swapped = Splits(
        {"train": reviews["train"], "validation": reviews["test"], "test": (np.array(["zzyzx qwv"]), np.array([1]))}
    )
    assert prepare_reviews(swapped)["vocabulary"] == vocabulary


def test_training_learns_a_separable_toy_task_and_stops_on_validation():
    rng = np.random.default_rng(3)

    def split(n):
        ids = rng.integers(4, 30, size=(n, 8))
        positive = rng.random(n) < 0.5
        ids[positive, rng.integers(0, 8, size=positive.sum())] = 2  # word 2 marks a positive sentence
        ids[~positive, rng.integers(0, 8, size=(~positive).sum())] = 3  # word 3 a negative one
        return ids, positive.astype(np.int32)

    parts = {name: split(n) for name, n in (("train", 400), ("validation", 100), ("test", 100))}
    ids = {k: v[0] for k, v in parts.items()}
    labels = {k: v[1] for k, v in parts.items()}
    scores = np.where(labels["train"] == 1, 2.0, -2.0)
    start = np.random.default_rng(6).normal(0, 0.4, size=(30, 50)).astype(np.float32)
    setting = {"max_epochs": 8, "lexicon": False}
    result = train_sentiment(False, ids, labels, scores, seed=0, embeddings=start, setting=setting)
    assert result["test"] > 0.9 and result["validation"] == max(result["val_curve"])
    assert 1 <= result["epochs"] <= 8 and SETTING["max_epochs"] == 12
    assert "valence" not in [layer.name for layer in result["model"].layers]
    valence = np.random.default_rng(7).uniform(-1, 1, size=(30, 1)).astype(np.float32)
    result = train_sentiment(False, ids, labels, scores, embeddings=start, setting={"max_epochs": 2}, valence=valence)
    table = keras.ops.convert_to_numpy(result["model"].get_layer("word_features").valence.embeddings)
    np.testing.assert_array_equal(table, valence)  # read, never trained


def test_the_lexicon_baseline_sums_valences_by_hand():
    valence = np.array([[0.0], [0.0], [0.5], [-0.25], [-0.5], [0.0]], dtype=np.float32)
    ids = np.array([[2, 3, 0, 0], [2, 4, 0, 0], [5, 5, 1, 0], [3, 3, 3, 2]])
    # sums: 0.25, -0.25, 0 (no rated word: negative, the majority), -0.25
    assert lexicon_baseline(ids, valence).tolist() == [1, 0, 0, 0]


def test_bench_table_rows():
    assert bench_models.format_row("m", [0.5, 0.7], None, [3.0]) == "| m | 0.600 ± 0.100 | — | 3 s |"
    assert bench_models.mean_std([1.0]) == (1.0, 0.0)


IDS = {k: np.ones((4, 5), dtype=np.int32) for k in ("train", "validation", "test")}
LABELS = {k: np.array([0, 1, 0, 1]) for k in ("train", "validation", "test")}
BAD_CALLS = [  # (what is wrong, call, the argument the message must name, what it must say)
    ("score out of range", lambda: rater_targets([0.0, -7.0]), "scores", "[-4, 4]"),
    ("text scores", lambda: rater_targets(["good"]), "scores", ""),
    ("bidirectional not bool", lambda: sentiment_model("yes", 10, 5), "bidirectional", "True or False"),
    ("zero vocabulary", lambda: sentiment_model(True, 0, 5), "vocabulary_size", "positive integer"),
    ("dropout of 1", lambda: sentiment_model(True, 10, 5, dropout=1.0), "dropout", "[0, 1)"),
    ("ids missing a split", lambda: train_sentiment(True, {"train": IDS["train"]}, LABELS, [0.0] * 4), "ids", "keys"),
    ("scores of other sentences", lambda: train_sentiment(True, IDS, LABELS, [1.0] * 3), "scores", "same training"),
    ("negative seed", lambda: train_sentiment(True, IDS, LABELS, [1.0] * 4, seed=-1), "seed", "non-negative"),
    ("no embeddings", lambda: train_sentiment(True, IDS, LABELS, [1.0] * 4), "embeddings", "prepare_reviews"),
    ("embeddings shape", lambda: sentiment_model(True, 10, 5, embeddings=np.zeros((9, 50))), "embeddings", "shape"),
    (
        "no valence",
        lambda: train_sentiment(True, IDS, LABELS, [1.0] * 4, embeddings=np.zeros((2, 50))),
        "valence",
        "lexicon",
    ),
    ("valence of 2 columns", lambda: sentiment_model(True, 10, 5, valence=np.zeros((10, 2))), "valence", "'valence'"),
    ("word_features valence rows", lambda: word_features(10, 50, "zeros", 0.1, np.zeros((9, 1))), "valence", "(10, 1)"),
    ("baseline ids 1-D", lambda: lexicon_baseline(np.array([2, 3]), np.zeros((5, 1))), "ids", "(sentences, max_len)"),
    ("baseline id too big", lambda: lexicon_baseline(np.array([[2, 9]]), np.zeros((5, 1))), "ids", "[0, 5)"),
    ("baseline text ids", lambda: lexicon_baseline(np.array([["a"]]), np.zeros((5, 1))), "ids", "integers"),
    ("index not a dict", lambda: encode_sentences(["a b"], ["a"], 4), "index", "dict"),
    ("max_len 0", lambda: encode_sentences(["a b"], {"a": 2}, 0), "max_len", "positive integer"),
    ("not the review splits", lambda: prepare_reviews({"train": None}), "reviews", "load_movie_reviews"),
    ("unknown showcase", lambda: bench_models.run(["poetry"], [0]), "unknown showcase", "choose from"),
    ("no seeds", lambda: bench_models.run(["sentiment"], []), "seeds", "at least one"),
    ("empty values", lambda: bench_models.mean_std([]), "values", "non-empty"),
]


@pytest.mark.parametrize("what, call, name, says", BAD_CALLS, ids=[b[0] for b in BAD_CALLS])
def test_bad_input_is_refused_naming_the_argument(what, call, name, says):
    assert_refused(call, name, says)
