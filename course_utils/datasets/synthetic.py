"""Seeded synthetic tasks: the lectures' 2-feature series, and three long-memory benchmarks.

Every generator draws from ``numpy.random.default_rng(seed)`` only, so the same seed
gives the same arrays on every machine, and returns a ``Splits`` like the real loaders
(examples are independent, so the split is a plain cut: first train, then validation,
then test). ``info`` states what a model that learns nothing scores (``baseline_*``),
the number a trained model must beat.

>>> data = make_adding_problem(n_samples=10, n_timesteps=6, seed=0)
>>> x, y = data["train"]
>>> x.shape, y.shape, x.dtype.name
((8, 6, 2), (8,), 'float32')
>>> bool(np.allclose((x[..., 0] * x[..., 1]).sum(axis=1), y))
True
"""

import math

import numpy as np

from course_utils._validation import non_negative_int, number, positive_int
from course_utils.datasets.splits import SPLIT_NAMES, Splits, contiguous_split

_SEED_HINT = "Use a fixed integer such as 0."


def _split(name, inputs, targets, validation_fraction, test_fraction, **info):
    blocks = contiguous_split(len(inputs), validation_fraction, test_fraction)
    return Splits({key: (inputs[b], targets[b]) for key, b in zip(SPLIT_NAMES, blocks)}, name=name, **info)


def make_regression_series(
    n_samples=1000, n_timesteps=200, n_features=2, noise=0.1, seed=0, validation_fraction=0.1, test_fraction=0.1
):
    """CSCI E-89B Lecture 2's input shape, ``(n_timesteps, n_features) = (200, 2)``, as a forecasting task.

    Each example is ``n_features`` noisy sine waves sharing one random frequency (2 to 10
    cycles over 200 steps) with their own amplitude (0.5 to 1.5) and phase; the target
    is the clean value of feature 0 one step after the window. Inputs ``float32``
    ``(n, n_timesteps, n_features)``, targets ``float32`` ``(n,)``.
    ``info["baseline_mse"]``: the mean squared error, on the test split, of repeating
    the last observed value of feature 0.
    """
    n = positive_int(n_samples, "n_samples", "Use e.g. 1000.")
    steps = positive_int(n_timesteps, "n_timesteps", "CSCI E-89B Lecture 2 uses 200.")
    features = positive_int(n_features, "n_features", "CSCI E-89B Lecture 2 uses 2.")
    number(noise, "noise", "Use e.g. 0.1.", at_least=0)
    rng = np.random.default_rng(non_negative_int(seed, "seed", _SEED_HINT))
    cycles = rng.uniform(2, 10, size=(n, 1, 1)) / 200
    amplitude = rng.uniform(0.5, 1.5, size=(n, 1, features))
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1, features))
    t = np.arange(steps + 1)[None, :, None]
    clean = amplitude * np.sin(2 * np.pi * cycles * t + phase)
    inputs = (clean[:, :steps] + noise * rng.standard_normal((n, steps, features))).astype(np.float32)
    targets = clean[:, steps, 0].astype(np.float32)
    data = _split("regression_series", inputs, targets, validation_fraction, test_fraction, seed=seed, noise=noise)
    x_test, y_test = data["test"]
    data.info["baseline_mse"] = float(np.mean((x_test[:, -1, 0] - y_test) ** 2)) if len(y_test) else float("nan")
    return data


def make_adding_problem(n_samples=2000, n_timesteps=100, seed=0, validation_fraction=0.1, test_fraction=0.1):
    """The adding problem (Hochreiter & Schmidhuber 1997): add the two marked numbers of a long sequence.

    Inputs ``float32`` ``(n, n_timesteps, 2)``: channel 0 holds uniform numbers in [0, 1),
    channel 1 marks two of them with 1, one in each half of the sequence. The target is
    their sum. Predicting the mean (1.0) always scores ``info["baseline_mse"]`` = 1/6 ≈ 0.167;
    a model must remember the first number across about ``n_timesteps / 2`` steps to do better.
    """
    n = positive_int(n_samples, "n_samples", "Use e.g. 2000.")
    steps = positive_int(n_timesteps, "n_timesteps", "Use e.g. 100.")
    if steps < 2:
        raise ValueError(f"n_timesteps must be at least 2 (one marker in each half), got {steps}.")
    rng = np.random.default_rng(non_negative_int(seed, "seed", _SEED_HINT))
    values = rng.uniform(0, 1, size=(n, steps))
    half = steps // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, steps, size=n)
    markers = np.zeros((n, steps))
    markers[np.arange(n), first] = 1
    markers[np.arange(n), second] = 1
    inputs = np.stack([values, markers], axis=-1).astype(np.float32)
    targets = (values[np.arange(n), first] + values[np.arange(n), second]).astype(np.float32)
    return _split("adding_problem", inputs, targets, validation_fraction, test_fraction, seed=seed, baseline_mse=1 / 6)


def make_copy_task(
    n_samples=2000, copy_length=10, delay=20, n_symbols=8, seed=0, validation_fraction=0.1, test_fraction=0.1
):
    """The copy-memory task (Arjovsky et al. 2016): read symbols, wait, then write them back.

    Each input sequence is ``copy_length`` random symbols (ids 1 to ``n_symbols``), then
    ``delay - 1`` blanks (id 0), a "go" marker (id ``n_symbols + 1``), and ``copy_length``
    more blanks: ``2 * copy_length + delay`` steps in all. The target sequence is blank
    everywhere except its last ``copy_length`` steps, which repeat the symbols.
    Inputs and targets are ``int32`` ``(n, steps)``; the vocabulary has ``n_symbols + 2``
    ids (``info["vocabulary_size"]``). A model without memory can at best output blanks,
    then guess: ``info["baseline_loss"]`` is that cross-entropy per step,
    ``copy_length * ln(n_symbols) / steps``.
    """
    n = positive_int(n_samples, "n_samples", "Use e.g. 2000.")
    length = positive_int(copy_length, "copy_length", "Use e.g. 10.")
    delay = positive_int(delay, "delay", "Use e.g. 20 (steps between reading and writing).")
    symbols = positive_int(n_symbols, "n_symbols", "Use e.g. 8.")
    rng = np.random.default_rng(non_negative_int(seed, "seed", _SEED_HINT))
    steps = 2 * length + delay
    sequence = rng.integers(1, symbols + 1, size=(n, length))
    inputs = np.zeros((n, steps), dtype=np.int32)
    targets = np.zeros((n, steps), dtype=np.int32)
    inputs[:, :length] = sequence
    inputs[:, length + delay - 1] = symbols + 1
    targets[:, -length:] = sequence
    return _split(
        "copy_task", inputs, targets, validation_fraction, test_fraction, seed=seed,
        vocabulary_size=symbols + 2, blank=0, go=symbols + 1,
        baseline_loss=length * math.log(symbols) / steps,
    )  # fmt: skip


def make_recall_task(
    n_samples=2000, n_timesteps=50, n_symbols=10, position=0, seed=0, validation_fraction=0.1, test_fraction=0.1
):
    """Remember one token: the target is the token at ``position`` (default 0, the first).

    Inputs are ``int32`` ``(n, n_timesteps)`` random tokens in ``[0, n_symbols)``; targets
    ``int32`` ``(n,)``. The distance to remember is ``n_timesteps - position`` steps: a
    SimpleRNN forgets it as it grows, an LSTM or GRU keeps it. Chance accuracy is
    ``info["baseline_accuracy"]`` = 1 / n_symbols.
    """
    n = positive_int(n_samples, "n_samples", "Use e.g. 2000.")
    steps = positive_int(n_timesteps, "n_timesteps", "Use e.g. 50.")
    symbols = positive_int(n_symbols, "n_symbols", "Use e.g. 10.")
    if symbols < 2:
        raise ValueError(f"n_symbols must be at least 2 (one symbol is nothing to remember), got {symbols}.")
    where = non_negative_int(position, "position", "Use 0 to recall the first token.")
    if where >= steps:
        raise ValueError(f"position must be below n_timesteps={steps}, got {where}.")
    rng = np.random.default_rng(non_negative_int(seed, "seed", _SEED_HINT))
    inputs = rng.integers(0, symbols, size=(n, steps)).astype(np.int32)
    return _split(
        "recall_task", inputs, inputs[:, where].copy(), validation_fraction, test_fraction,
        seed=seed, position=where, n_symbols=symbols, baseline_accuracy=1 / symbols,
    )  # fmt: skip
