"""``Splits``, the one return type of every loader, and the seeded ways of making splits.

>>> data = Splits({"train": ([1, 2, 3], [0, 1, 0]), "validation": ([4], [1]), "test": ([5], [0])}, name="toy")
>>> data
Splits(toy: train=3, validation=1, test=1)
>>> x, y = data["train"]
>>> data.sizes()
{'train': 3, 'validation': 1, 'test': 1}
"""

import numpy as np

from course_utils._validation import non_negative_int, number

SPLIT_NAMES = ("train", "validation", "test")


class Splits(dict):
    """``{"train": (inputs, targets), "validation": (...), "test": (...)}`` plus ``info``.

    A plain dict for everything a notebook does with it (indexing, ``.items()``,
    unpacking); ``info`` holds what the arrays mean: class names, a vocabulary, the
    scaling applied, the seed, the source.
    """

    def __init__(self, splits, name="", **info):
        if tuple(splits) != SPLIT_NAMES:
            raise ValueError(f"splits must be exactly {SPLIT_NAMES} in that order, got {tuple(splits)}.")
        for key, pair in splits.items():
            if len(pair) != 2 or len(pair[0]) != len(pair[1]):
                raise ValueError(f"split {key!r} must be (inputs, targets) of equal length.")
        super().__init__(splits)
        self.name = name
        self.info = info

    def sizes(self):
        """Number of examples in each split (characters, for a text split given as a string)."""
        return {key: len(inputs) for key, (inputs, _) in self.items()}

    def __repr__(self):
        sizes = ", ".join(f"{key}={size}" for key, size in self.sizes().items())
        return f"Splits({self.name}: {sizes})"


def fractions(validation_fraction, test_fraction):
    """Check the two held-out fractions; each in [0, 1), together below 1. Returns them as floats.

    >>> fractions(0.1, 0.1)
    (0.1, 0.1)
    >>> fractions(0.5, 0.5)
    Traceback (most recent call last):
    ...
    ValueError: validation_fraction + test_fraction must be below 1 (got 0.5 + 0.5), ...
    """
    checked = []
    for value, name in ((validation_fraction, "validation_fraction"), (test_fraction, "test_fraction")):
        checked.append(number(value, name, "Use e.g. 0.1.", at_least=0, below=1))
    if checked[0] + checked[1] >= 1:
        raise ValueError(
            f"validation_fraction + test_fraction must be below 1 (got {checked[0]} + {checked[1]}), "
            "or nothing is left to train on. Use e.g. 0.1 and 0.1."
        )
    return tuple(checked)


def check_split_args(seed, validation_fraction, test_fraction):
    """Validate a loader's split arguments up front (before any file is read); return them checked.

    >>> check_split_args(0, 0.1, 0.2)
    (0, 0.1, 0.2)
    """
    seed = None if seed is None else non_negative_int(seed, "seed", "Use a fixed integer such as 0.")
    return (seed, *fractions(validation_fraction, test_fraction))


def held_out_counts(n, validation_fraction, test_fraction):
    """``(n_train, n_validation, n_test)`` for ``n`` items, held-out sizes rounded to the nearest integer.

    >>> held_out_counts(10568, 0.1, 0.1)
    (8454, 1057, 1057)
    """
    n_val, n_test = round(n * validation_fraction), round(n * test_fraction)
    return n - n_val - n_test, n_val, n_test


def random_split(n, seed, validation_fraction, test_fraction, labels=None):
    """Shuffle ``range(n)`` with ``seed`` and cut it into train/validation/test index arrays.

    With ``labels``, the cut is stratified: each class is split in the same proportions,
    so every split keeps the class balance of the whole (to within one example per class).
    Each returned index array is itself shuffled.

    >>> train, val, test = random_split(10, seed=0, validation_fraction=0.2, test_fraction=0.2)
    >>> len(train), len(val), len(test), sorted([*train, *val, *test]) == list(range(10))
    (6, 2, 2, True)
    """
    seed = non_negative_int(seed, "seed", "Use a fixed integer such as 0.")
    validation_fraction, test_fraction = fractions(validation_fraction, test_fraction)
    rng = np.random.default_rng(seed)
    groups = [np.arange(n)] if labels is None else [np.flatnonzero(labels == c) for c in np.unique(labels)]
    parts = ([], [], [])
    for group in groups:
        group = rng.permutation(group)
        n_train, n_val, _ = held_out_counts(len(group), validation_fraction, test_fraction)
        for part, chunk in zip(parts, np.split(group, [n_train, n_train + n_val])):
            part.append(chunk)
    return tuple(rng.permutation(np.concatenate(part)) for part in parts)


def contiguous_split(n, validation_fraction, test_fraction):
    """Slices ``[0, a)``, ``[a, b)``, ``[b, n)`` for data whose order matters (a text, a time series).

    Randomly scattered splits of such data would let a model see the neighbours of
    every test point during training; contiguous blocks, test last, do not.

    >>> contiguous_split(100, 0.1, 0.2)
    (slice(0, 70, None), slice(70, 80, None), slice(80, 100, None))
    """
    validation_fraction, test_fraction = fractions(validation_fraction, test_fraction)
    n_train, n_val, _ = held_out_counts(n, validation_fraction, test_fraction)
    return slice(0, n_train), slice(n_train, n_train + n_val), slice(n_train + n_val, n)
