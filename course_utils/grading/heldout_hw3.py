"""Homework 3's held-out sentences: the grader scores the committed model on them, students never get them.

How the split is defined. The lectures split the movie reviews with ``load_movie_reviews(seed=0)``
into train / validation / test. Homework 3 gives students the training and validation splits only
(``course_utils.selfcheck.hw3_data``). The held-out set is the part of the lectures' test split
whose keyed hash HMAC-SHA256(``KEY``, sentence) starts with a byte below 128: about half of it
(530 sentences, 266 positive), chosen by a key that exists only here, in the instructor tree, so
nothing a student has can list exactly which sentences they are. It shares no sentence with
the training or validation split (``tests/grading/test_checks_hw3.py`` checks that, and
``tests/grading/test_student_edition.py`` that neither the key nor the list reaches the student edition).

What this does not hide, honestly: the dataset is public (Hutto & Gilbert's sentences, fetched at set-up
into every student's data cache), and the lectures report accuracies on their test split, of which the
held-out sentences are a part. A student who deliberately reads the raw cache or the lectures' test split
can tune on a superset of the held-out sentences. The homework's own path never shows them; a submission
that reads the movie reviews any other way than ``load_hw3_reviews()`` is flagged for manual review by
:mod:`course_utils.grading.static` (``checks_hw3.DATA_READS``); tuning done outside the submitted
notebook cannot be seen by any grader. Change ``KEY`` (any 16 random bytes) to draw a new held-out half.
"""

import functools
import hashlib
import hmac

import numpy as np

KEY = bytes.fromhex("585a443541010c9a89981884aa575779")  # instructor-only; never shipped


def is_held_out(sentence):
    """True when the keyed hash puts ``sentence`` in the held-out half (applied to the lectures' test split only)."""
    return hmac.new(KEY, str(sentence).encode("utf-8"), hashlib.sha256).digest()[0] < 128


@functools.lru_cache(maxsize=1)
def held_out():
    """``(sentences, labels)``: the held-out sentences (an ``object`` array) and their 0/1 labels, fixed order."""
    from course_utils.datasets import load_movie_reviews

    sentences, labels = load_movie_reviews(seed=0)["test"]
    keep = np.array([is_held_out(s) for s in sentences])
    return sentences[keep], labels[keep]


@functools.lru_cache(maxsize=1)
def validation():
    """``(sentences, labels)`` of the validation split students have (the grader measures each candidate on it)."""
    from course_utils.datasets import load_movie_reviews

    return load_movie_reviews(seed=0)["validation"]


@functools.lru_cache(maxsize=1)
def majority_accuracy():
    """The held-out accuracy of always answering the training split's most frequent label (the baseline)."""
    from course_utils.datasets import load_movie_reviews

    majority = int(np.bincount(load_movie_reviews(seed=0)["train"][1]).argmax())
    return float(np.mean(held_out()[1] == majority))
