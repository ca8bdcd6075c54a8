"""Batches of sequences of similar length (notebook 11): less padding, less computation.

A recurrent layer runs one step per column of its batch, padded or not. A batch of ``B``
sequences padded to ``T_max`` costs ``B · T_max`` steps, of which only ``Σ_b T_b`` are real:

    steps computed = Σ_batches B_batch · max_{b ∈ batch} T_b         real steps = Σ_b T_b

Padding every batch to the longest sequence of the whole data set wastes the most. **Bucketing**
sorts the sequences by length and cuts batches of neighbours, each only as wide as its own
longest. The batches are then visited in a shuffled order, so training still mixes lengths
from one batch to the next (what it gives up: the sequences inside a batch are no longer a
random draw).

:func:`make_batches` builds either kind from a post-padded id matrix, :func:`padding_cost`
counts their steps, and :func:`fit_batches` trains on a list of batches whose shapes differ
(Keras' ``fit`` wants one rectangle per data set).

>>> ids = np.array([[1, 2, 3, 0], [4, 0, 0, 0], [5, 6, 0, 0], [7, 0, 0, 0]])
>>> [x.tolist() for x, _ in make_batches(ids, np.arange(4), batch_size=2, bucket=True, seed=0)]
[[[5, 6, 0], [1, 2, 3]], [[4], [7]]]
>>> padding_cost(make_batches(ids, np.arange(4), batch_size=2, bucket=True))
{'steps': 8, 'real': 7, 'padding_share': 0.125}
"""

import time

import numpy as np

from course_utils._validation import boolean, non_negative_int, positive_int


def _lengths(ids, post_padded=True):
    ids = np.asarray(ids)
    if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids must be a 2-D integer array (sequences, steps), got shape {ids.shape} {ids.dtype}.")
    lengths = (ids != 0).sum(axis=1)
    if post_padded and not np.all((ids != 0) == (np.arange(ids.shape[1]) < lengths[:, None])):
        raise ValueError(
            "bucketing cuts each batch to its longest sequence, so ids must be post-padded with 0: "
            "real ids first, padding after (e.g. TextVectorization's)."
        )
    return ids, lengths


def make_batches(ids, targets, batch_size, bucket=True, seed=0):
    """``[(x, y), ...]`` batches of a post-padded id matrix, in a shuffled order.

    ``bucket=False``: random batches, each as wide as ``ids`` (padded to the data set's longest;
    the padding may be on either side).
    ``bucket=True``: batches of sequences of neighbouring lengths (ties broken at random), each
    cut to its own longest. Per-step ``targets`` (as wide as ``ids``) are cut the same way;
    one target per sequence is kept as it is.
    """
    boolean(bucket, "bucket")
    ids, lengths = _lengths(ids, post_padded=bucket)
    targets = np.asarray(targets)
    if len(targets) != len(ids):
        raise ValueError(f"{len(targets)} targets for {len(ids)} sequences: give one per sequence.")
    batch_size = positive_int(batch_size, "batch_size", "Use e.g. batch_size=128.")
    rng = np.random.default_rng(non_negative_int(seed, "seed", "Use a fixed integer such as 0."))
    order = rng.permutation(len(ids))
    if bucket:
        order = order[np.argsort(lengths[order], kind="stable")]  # by length; equal lengths in random order
    per_step = targets.ndim >= 2 and targets.shape[1] == ids.shape[1]
    batches = []
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        width = int(lengths[rows].max()) if bucket else ids.shape[1]
        batches.append((ids[rows, :width], targets[rows, :width] if per_step else targets[rows]))
    return [batches[i] for i in rng.permutation(len(batches))]


def padding_cost(batches):
    """``{"steps": computed, "real": not padding, "padding_share": 1 − real/steps}`` of id batches."""
    if not batches:
        raise ValueError("batches is empty.")
    steps = sum(int(np.prod(np.shape(x))) for x, _ in batches)
    real = sum(int(np.count_nonzero(x)) for x, _ in batches)
    return {"steps": steps, "real": real, "padding_share": round(1 - real / steps, 6)}


def fit_batches(model, batches, epochs=1, seed=0, validation_data=None):
    """Train a compiled Keras model on ``batches`` (``[(inputs, targets), ...]``, shapes may differ).

    Each epoch visits every batch once, in a new seeded order, with ``model.train_on_batch``.
    Returns ``{"loss": mean loss of each epoch, "seconds": wall-clock seconds of each epoch,
    "cpu_seconds": this process's CPU seconds of each epoch}`` (CPU time hardly moves when other
    programs share the machine; wall-clock time does),
    plus ``"val_loss"`` and ``"val_<metric>"`` per epoch when ``validation_data=(x, y)`` is given
    (scored with ``model.evaluate``, not timed). The first epoch includes building the training
    graph (once per new batch shape, until TensorFlow generalises the shape): time the later ones
    to compare speeds.
    """
    epochs = positive_int(epochs, "epochs", "Use e.g. epochs=2.")
    if not batches:
        raise ValueError("batches is empty: pass the list made by make_batches.")
    rng = np.random.default_rng(non_negative_int(seed, "seed", "Use a fixed integer such as 0."))
    history = {"loss": [], "seconds": [], "cpu_seconds": []}
    for _ in range(epochs):
        start, cpu_start, total = time.perf_counter(), time.process_time(), 0.0
        for i in rng.permutation(len(batches)):
            inputs, targets = batches[i]
            result = model.train_on_batch(inputs, targets)
            total += float(result[0] if isinstance(result, (list, tuple)) else result)
        history["seconds"].append(time.perf_counter() - start)
        history["cpu_seconds"].append(time.process_time() - cpu_start)
        history["loss"].append(total / len(batches))
        if validation_data is not None:
            scores = model.evaluate(*validation_data, verbose=0, return_dict=True)
            for name, value in scores.items():
                history.setdefault(f"val_{name}", []).append(float(value))
    return history
