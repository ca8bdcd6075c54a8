"""Pretrained word vectors: GloVe (Pennington et al. 2014), 400,000 lower-cased words x 50 numbers.

A model trained on 8,000 movie-review sentences or 2,000 tweets sees too few words to learn
what most of them mean; GloVe's vectors were fitted on six billion words of Wikipedia and news,
so "superb" starts next to "excellent" even if the training split never shows it. The course
starts an ``Embedding`` from them (:meth:`WordVectors.embedding_matrix`) and lets training
adjust them.

The vocabulary rule is fixed before any split is looked at: the training split's words, then
the ``extra`` most frequent GloVe words not among them. No validation or test sentence decides
which words get a row, so a held-out word is known only if it is frequent English.

    >>> glove_tokens("Koepp's screenplay isn't SURPRISING (or clever).")
    ['koepp', "'s", 'screenplay', 'is', "n't", 'surprising', '-lrb-', 'or', 'clever', '-rrb-', '.']
    >>> glove_form("#NBA"), glove_form("Obama")
    ('nba', 'obama')
"""

import functools
import io
import re

import numpy as np

from course_utils._validation import non_negative_int, positive_int

_TOKEN = re.compile(r"[#@][a-z0-9_]+|[a-z0-9]+(?=n't)|n't|'[a-z]+|[a-z0-9]+(?:[-.][a-z0-9]+)*|[^\sa-z0-9]")
_BRACKETS = {"(": "-lrb-", ")": "-rrb-", "[": "-lsb-", "]": "-rsb-", "{": "-lcb-", "}": "-rcb-"}


def glove_form(token):
    """The form GloVe spells a token in: lower case, a hashtag without its ``#``, brackets as ``-lrb-``..."""
    token = str(token).lower()
    if len(token) > 1 and token[0] == "#":
        token = token[1:]
    return _BRACKETS.get(token, token)


def glove_tokens(sentence):
    """Split a sentence the way GloVe's corpus was split: ``n't`` and ``'s`` apart, punctuation alone."""
    if not isinstance(sentence, str):
        raise ValueError(f"sentence must be a str, got {type(sentence).__name__}.")
    return [glove_form(t) for t in _TOKEN.findall(sentence.lower().replace("\u2019", "'"))]


class WordVectors:
    """Words and their vectors: ``words`` (most frequent first), ``vectors`` (float32, one row each)."""

    def __init__(self, words, vectors):
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(words) != len(vectors):
            raise ValueError(f"need one vector per word: {len(words)} words, vectors of shape {vectors.shape}.")
        self.words, self.vectors = list(words), vectors
        self.index = {w: i for i, w in enumerate(self.words)}

    @property
    def dim(self):
        return self.vectors.shape[1]

    def __contains__(self, word):
        return word in self.index

    def __getitem__(self, word):
        if word not in self.index:
            raise KeyError(f"{word!r} is not one of the {len(self.words):,} words; use glove_form(token) first.")
        return self.vectors[self.index[word]]

    def vocabulary(self, training_words, extra=50_000):
        """The training words (as given, most useful first), then the ``extra`` most frequent words not among them."""
        extra = non_negative_int(extra, "extra", "Use e.g. 50_000.")
        seen, out = set(), []
        for word in list(training_words) + self.words[:extra]:
            if word not in seen:
                seen.add(word)
                out.append(word)
        return out

    def embedding_matrix(self, vocabulary, reserved=2, seed=0, scale=None):
        """``(reserved + len(vocabulary), dim)`` float32 rows for an ``Embedding``, and how many words GloVe knew.

        Row ``reserved + i`` is ``vocabulary[i]``'s vector; a word GloVe does not know gets random
        numbers with the vectors' own spread (``scale``: their standard deviation); the ``reserved``
        first rows (padding, unknown) are zeros.
        """
        reserved = non_negative_int(reserved, "reserved", "Use 2 for padding and unknown.")
        rng = np.random.default_rng(non_negative_int(seed, "seed"))
        scale = float(self.vectors[:10_000].std()) if scale is None else float(scale)
        matrix = rng.normal(0.0, scale, (reserved + len(vocabulary), self.dim)).astype(np.float32)
        matrix[:reserved] = 0.0
        known = 0
        for i, word in enumerate(vocabulary):
            row = self.index.get(word)
            if row is not None:
                matrix[reserved + i] = self.vectors[row]
                known += 1
        return matrix, known

    def nearest(self, word, k=5, among=50_000):
        """The ``k`` words closest to ``word`` by cosine, searched among the ``among`` most frequent."""
        k = positive_int(k, "k", "Use e.g. k=5.")
        among = positive_int(among, "among", "Use e.g. among=50_000.")
        query = self[word]
        pool = self.vectors[:among]
        sims = pool @ query / (np.linalg.norm(pool, axis=1) * np.linalg.norm(query) + 1e-12)
        order = [i for i in np.argsort(-sims) if self.words[i] != word]
        return [(self.words[i], round(float(sims[i]), 3)) for i in order[:k]]


def embedding_start(embeddings, rows, dim, hint):
    """The ``embeddings_initializer`` for an ``Embedding(rows, dim)``: Keras' default (``"uniform"``) when
    ``embeddings`` is ``None``, else those starting rows; ``ValueError`` (ending with ``hint``) for another shape.

    >>> embedding_start(None, 3, 2, "")
    'uniform'
    >>> embedding_start(np.zeros((2, 2)), 3, 2, "Use one row per id.")
    Traceback (most recent call last):
    ...
    ValueError: embeddings must have shape (rows, dim) = (3, 2), got (2, 2). Use one row per id.
    """
    if embeddings is None:
        return "uniform"
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if embeddings.shape != (rows, dim):
        raise ValueError(f"embeddings must have shape (rows, dim) = {(rows, dim)}, got {embeddings.shape}. {hint}")
    from course_utils._keras import keras

    return keras.initializers.Constant(embeddings)


@functools.lru_cache(maxsize=1)
def load_glove():
    """GloVe's 400,000 words and 50-dimensional vectors from the verified cache (read once per process).

    Raises ``DatasetMissingError`` with the command to run when ``make data`` has not fetched it.
    """
    from course_utils.datasets.cache import member_file, read_bytes
    from course_utils.datasets.parquet import read_string_column
    from course_utils.datasets.registry import get

    vectors = np.load(io.BytesIO(read_bytes("glove", "glove_6B_50d_emb.npy")), allow_pickle=False)
    read_bytes("glove", "glove_6B_index.parquet")  # verified (hash) before it is parsed
    dataset = get("glove")
    words = read_string_column(member_file(dataset, dataset.members[1]))
    return WordVectors(words, vectors)
