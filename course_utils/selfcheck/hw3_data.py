"""Homework 3's data: the movie-review sentences students train and choose their model on.

The training and validation splits of the lectures' ``load_movie_reviews(seed=0)`` (8,454 and 1,056
sentences, labelled 0 negative / 1 positive): the same sentences, the same labels. Its test split is not
here: the grader scores the committed model on held-out sentences it keeps to itself, none of which is
in these two splits. The dataset is public, so nothing stops a determined student from reading every
sentence from the data cache; a homework submission that does so (or loads the lectures' splits) is
flagged for manual review.

    >>> data = load_hw3_reviews()
    >>> len(data["train"][0]), len(data["validation"][0]), data["classes"]
    (8454, 1056, ('negative', 'positive'))
"""


def load_hw3_reviews():
    """``{"train": (sentences, labels), "validation": (sentences, labels), "classes": (names)}`` for homework 3.

    Sentences are NumPy ``object`` arrays of ``str``, labels ``int32`` arrays of 0/1.
    """
    from course_utils.datasets import load_movie_reviews

    reviews = load_movie_reviews(seed=0)
    return {"train": reviews["train"], "validation": reviews["validation"], "classes": reviews.info["classes"]}
