"""The Keras tokenizers are fitted on the training split only and round-trip the real data."""

import numpy as np
import pytest
from datasets_testkit import requires_real_data

from course_utils.datasets import encode, text
from course_utils.datasets.splits import Splits


def _toy(train_inputs, **info):
    empty = np.array([], dtype=object)
    return Splits({"train": (train_inputs, np.zeros(len(train_inputs))), "validation": (empty, empty),
                   "test": (empty, empty)}, name="toy", **info)  # fmt: skip


def test_word_vectorizer_learns_only_training_words():
    data = _toy(np.array(["the cat sat", "the dog sat"], dtype=object))
    layer = encode.word_vectorizer(data, output_sequence_length=5)
    vocabulary = layer.get_vocabulary()
    assert vocabulary[:2] == ["", "[UNK]"] and set(vocabulary[2:]) == {"the", "cat", "sat", "dog"}
    ids = np.asarray(layer(np.array(["the bird sat"], dtype=object)))
    assert ids.shape == (1, 5) and ids[0, 1] == 1 and ids[0, 3] == 0  # unseen word -> OOV, then padding


def test_token_lookup_keeps_empty_string_as_the_padding_id():
    tokens = np.array([["New", "York", ""], ["York", "", ""]], dtype=object)
    layer = encode.token_lookup(_toy(tokens))
    assert layer.get_vocabulary() == ["", "[UNK]", "York", "New"]
    assert np.asarray(layer(tokens)).tolist() == [[3, 2, 0], [2, 0, 0]]
    assert encode.token_lookup(_toy(tokens), lowercase=True).get_vocabulary()[2:] == ["york", "new"]


def test_char_lookup_round_trips_and_refuses_data_without_a_vocabulary():
    data = _toy(np.array(["ab"], dtype=object), vocabulary=("a", "b"))
    ids = encode.char_lookup(data)(np.array(list("abca")))
    assert np.asarray(ids).tolist() == [2, 3, 1, 2]
    back = encode.char_lookup(data, invert=True)(ids)
    assert [c.decode() for c in np.asarray(back)] == ["a", "b", "[UNK]", "a"]
    with pytest.raises(ValueError, match="no character vocabulary; use load_hamlet"):
        encode.char_lookup(_toy(np.array(["x"], dtype=object)))
    with pytest.raises(ValueError, match="pass the result of a course_utils.datasets loader"):
        encode.word_vectorizer({"train": (["x"], [0])})
    with pytest.raises(ValueError, match="max_tokens must be a positive integer"):
        encode.token_lookup(data, max_tokens=0)


@requires_real_data
def test_on_the_real_data():
    reviews = text.load_movie_reviews()
    vectorizer = encode.word_vectorizer(reviews, max_tokens=5000, output_sequence_length=40)
    ids = np.asarray(vectorizer(reviews["test"][0][:8]))
    assert ids.shape == (8, 40) and ids.max() < 5000 and vectorizer.vocabulary_size() == 5000
    hamlet = text.load_hamlet()
    sample = hamlet["test"][0][:200]
    ids = encode.char_lookup(hamlet)(np.array(list(sample)))
    assert np.asarray(ids).min() >= 2  # every character of the test block is in the vocabulary
    back = encode.char_lookup(hamlet, invert=True)(ids)
    assert "".join(c.decode() for c in np.asarray(back)) == sample
    ner = text.load_twitter_ner()
    lookup = encode.token_lookup(ner)
    test_ids = np.asarray(lookup(ner["test"][0]))
    assert np.array_equal(test_ids == 0, ner["test"][0] == "")  # padding and only padding is 0
    assert (test_ids == 1).any()  # some test tokens never occur in training
