"""GloVe: the Parquet word list is read exactly (pinned hash of the result), Snappy edge cases,
damaged files refused clearly, the tokenizer, the vocabulary rule and the embedding matrix."""

import hashlib

import numpy as np
import pytest

from course_utils.datasets import cache
from course_utils.datasets.errors import DatasetMissingError
from course_utils.datasets.parquet import read_string_column, snappy_decompress
from course_utils.datasets.registry import get
from course_utils.datasets.vectors import WordVectors, glove_form, glove_tokens, load_glove

# sha256 of "\n".join(words) for the 400,000 words, recorded with pyarrow 25 reading the same file
WORDS_SHA256 = "029a7168ebc71f71e23e1f6ae94967234a13dcd64717754746c171be20d31a77"


def _index_file():
    dataset = get("glove")
    return cache.member_file(dataset, dataset.members[1])


def test_the_word_list_is_read_exactly():
    words = read_string_column(_index_file())
    assert len(words) == 400_000 and len(set(words)) == 400_000
    assert words[:8] == ["the", ",", ".", "of", "to", "and", "in", "a"]
    assert hashlib.sha256("\n".join(words).encode()).hexdigest() == WORDS_SHA256


def test_glove_loads_once_with_one_vector_per_word():
    glove = load_glove()
    assert glove is load_glove()  # read once per process
    assert glove.vectors.shape == (400_000, 50) and glove.vectors.dtype == np.float32 and glove.dim == 50
    assert [w for w, _ in glove.nearest("superb", k=2)] == ["brilliant", "impressive"]
    assert glove.nearest("king", k=1)[0][0] == "prince"
    with pytest.raises(KeyError, match="glove_form"):
        glove["Obama"]
    with pytest.raises(ValueError, match="k must be a positive integer"):
        glove.nearest("king", k=0)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (bytes([5, 16]) + b"abcde", b"abcde"),  # one literal
        (bytes([8, 0]) + b"a" + bytes([13, 1]), b"a" * 8),  # copy overlapping its own output
        (bytes([6, 8]) + b"abc" + bytes([(3 - 1) << 2 | 2, 3, 0]), b"abcabc"),  # copy, 2-byte offset
        (bytes([6, 8]) + b"abc" + bytes([(3 - 1) << 2 | 3, 3, 0, 0, 0]), b"abcabc"),  # copy, 4-byte offset
        (bytes([70, 60 << 2, 69]) + bytes(range(70)), bytes(range(70))),  # literal length in an extra byte
    ],
)
def test_snappy_blocks(block, expected):
    assert snappy_decompress(block) == expected


@pytest.mark.parametrize(
    "block",
    [bytes([9, 16]) + b"abcde", bytes([4, 13, 1]), bytes([0x80])],  # wrong length, copy before start, cut varint
)
def test_snappy_refuses_corrupt_blocks(block):
    with pytest.raises(ValueError, match="Snappy|truncated"):
        snappy_decompress(block)


def test_damaged_parquet_files_are_refused_with_the_fix(tmp_path):
    good = _index_file().read_bytes()
    cases = {
        "not parquet": b"hello world, not a parquet file",
        "cut short": good[: len(good) // 2] + good[-8:],
        "scrambled": good[:4] + bytes(reversed(good[4:-8])) + good[-8:],
    }
    for what, content in cases.items():
        path = tmp_path / f"{what.replace(' ', '_')}.parquet"
        path.write_bytes(content)
        with pytest.raises(ValueError, match="make data") as caught:
            read_string_column(path)
        assert str(path) in str(caught.value), what


def test_tokens_follow_glove_spelling():
    assert glove_tokens("Didn't the #Oscars' (new) host say \u2019s?") == [
        "did", "n't", "the", "oscars", "'", "-lrb-", "new", "-rrb-", "host", "say", "'s", "?",
    ]  # fmt: skip
    assert glove_form("#") == "#" and glove_form("@Bob") == "@bob"
    with pytest.raises(ValueError, match="must be a str"):
        glove_tokens(None)


def test_vocabulary_is_training_words_then_the_most_frequent_words():
    rng = np.random.default_rng(0)
    vectors = WordVectors(["the", "cat", "sat", "mat"], rng.normal(size=(4, 3)))
    assert vectors.vocabulary(["zebra", "cat", "zebra"], extra=2) == ["zebra", "cat", "the"]
    assert vectors.vocabulary(["cat"], extra=0) == ["cat"]
    with pytest.raises(ValueError, match="extra"):
        vectors.vocabulary(["cat"], extra=-1)
    with pytest.raises(ValueError, match="one vector per word"):
        WordVectors(["a", "b"], np.zeros((3, 2)))


def test_embedding_matrix_puts_each_known_vector_in_its_row():
    rng = np.random.default_rng(1)
    table = rng.normal(0.0, 0.4, size=(4, 6)).astype(np.float32)
    vectors = WordVectors(["the", "cat", "sat", "mat"], table)
    matrix, known = vectors.embedding_matrix(["sat", "unseen", "the"], reserved=2, seed=3, scale=0.4)
    assert matrix.shape == (5, 6) and matrix.dtype == np.float32 and known == 2
    assert np.all(matrix[:2] == 0)
    np.testing.assert_array_equal(matrix[2], table[2])
    np.testing.assert_array_equal(matrix[4], table[0])
    assert not np.allclose(matrix[3], 0) and all(not np.allclose(matrix[3], row) for row in table)
    again, _ = vectors.embedding_matrix(["sat", "unseen", "the"], reserved=2, seed=3, scale=0.4)
    np.testing.assert_array_equal(matrix, again)  # seeded


def test_missing_glove_says_to_run_make_data(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(DatasetMissingError, match="make data"):
        load_glove.__wrapped__()
