"""Homework 3's specification, public: the model's required summary and the stated test accuracy.

Students see this (the notebook prints the required rows); the grader checks against it too.
"""

from course_utils.summaries import SummaryRow

EMBEDDING_DIM, LSTM_UNITS = 32, 16
MIN_TEST_ACCURACY = 0.75  # the stated score; the reference model reaches about 0.78 in 2 epochs
PARTIAL_TEST_ACCURACY = 0.70


def required_summary(vocab_size):
    """The summary the model must have: Embedding(V, 32) → Bidirectional(LSTM(16)) → Dense(1, sigmoid).

    A dict for :func:`course_utils.summaries.assert_summary`: ``rows`` (``SummaryRow``) and the totals.

    >>> [row.params for row in required_summary(1000)["rows"]], required_summary(1000)["total_params"]
    ([32000, 6272, 33], 38305)
    """
    lstm = 4 * LSTM_UNITS * (EMBEDDING_DIM + LSTM_UNITS + 1)
    rows = [SummaryRow("Embedding", (None, None, EMBEDDING_DIM), vocab_size * EMBEDDING_DIM),
            SummaryRow("Bidirectional", (None, 2 * LSTM_UNITS), 2 * lstm),
            SummaryRow("Dense", (None, 1), 2 * LSTM_UNITS + 1)]  # fmt: skip
    total = sum(r.params for r in rows)
    return {"name": f"the required summary (vocab_size={vocab_size})", "rows": rows, "total_params": total,
            "trainable_params": total, "non_trainable_params": 0}  # fmt: skip
