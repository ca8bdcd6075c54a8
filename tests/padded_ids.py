"""Random post-padded id matrices for the padding, masking and bucketing tests."""

import numpy as np


def post_padded(seed, n=6, steps=7, vocabulary=50):
    """``(ids, lengths)``: ``n`` rows of 1 to ``steps`` real ids in ``1..vocabulary − 1``, then zeros."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, steps + 1, size=n)
    ids = np.zeros((n, steps), dtype=np.int32)
    for row, length in enumerate(lengths):
        ids[row, :length] = rng.integers(1, vocabulary, size=length)
    return ids, lengths
