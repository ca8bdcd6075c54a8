"""course_utils.bucketing: every sequence once, batches as wide as their longest, steps counted exactly."""

import numpy as np
import pytest
from padded_ids import post_padded

from course_utils import bucketing as Bk


@pytest.mark.parametrize("bucket", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_every_sequence_once_with_its_own_target(bucket, seed):
    ids, lengths = post_padded(seed, n=53, steps=20, vocabulary=9)
    batches = Bk.make_batches(ids, np.arange(len(ids)), batch_size=8, bucket=bucket, seed=seed)
    rows = np.concatenate([y for _, y in batches])
    assert sorted(rows.tolist()) == list(range(len(ids))) and [len(y) for _, y in batches].count(8) == 6
    for x, y in batches:
        assert np.array_equal(x, ids[y, : x.shape[1]]) and np.all(ids[y, x.shape[1] :] == 0)
        assert x.shape[1] == (lengths[y].max() if bucket else ids.shape[1])


def test_buckets_hold_neighbouring_lengths_and_compute_fewer_steps():
    ids, lengths = post_padded(4, n=53, steps=20, vocabulary=9)
    bucketed = Bk.make_batches(ids, lengths, batch_size=8, bucket=True, seed=1)
    spans = sorted((y.min(), y.max()) for _, y in bucketed)
    assert all(hi <= next_lo for (_, hi), (next_lo, _) in zip(spans, spans[1:]))
    padded = Bk.padding_cost(Bk.make_batches(ids, lengths, batch_size=8, bucket=False))
    cost = Bk.padding_cost(bucketed)
    assert padded["steps"] == ids.size and padded["real"] == cost["real"] == lengths.sum()
    assert cost["steps"] < padded["steps"] and cost["padding_share"] < padded["padding_share"]
    assert cost["steps"] == sum(len(y) * lengths[np.isin(lengths, y)].max() for _, y in bucketed if len(y))


def test_per_step_targets_are_cut_with_their_inputs_and_batches_are_seeded():
    ids, _ = post_padded(5, n=53, steps=20, vocabulary=9)
    targets = ids * 10
    batches = Bk.make_batches(ids, targets, batch_size=10, bucket=True, seed=3)
    assert all(np.array_equal(y, x * 10) for x, y in batches)
    again = Bk.make_batches(ids, targets, batch_size=10, bucket=True, seed=3)
    other = Bk.make_batches(ids, targets, batch_size=10, bucket=True, seed=4)
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(batches, again))
    assert not all(a[0].shape == b[0].shape and np.array_equal(a[0], b[0]) for a, b in zip(batches, other))


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="post-padded"):
        Bk.make_batches(np.array([[0, 1, 2]]), [0], batch_size=1)
    assert Bk.make_batches(np.array([[0, 1, 2]]), [0], batch_size=1, bucket=False)[0][0].tolist() == [[0, 1, 2]]
    with pytest.raises(ValueError, match="one per sequence"):
        Bk.make_batches(np.array([[1, 0]]), [0, 1], batch_size=1)
    with pytest.raises(ValueError, match="batch_size"):
        Bk.make_batches(np.array([[1, 0]]), [0], batch_size=0)
    with pytest.raises(ValueError, match="empty"):
        Bk.padding_cost([])
    with pytest.raises(ValueError, match="empty"):
        Bk.fit_batches(None, [])


class Recorder:
    def __init__(self):
        self.seen = []

    def train_on_batch(self, inputs, targets):
        self.seen.append(int(targets[0]))
        return [float(targets[0]), 0.0]  # a loss and a metric, as Keras returns with metrics


def test_fit_batches_visits_each_batch_once_per_epoch_in_a_new_order():
    batches = [(np.ones((1, n), dtype=np.int32), np.array([n])) for n in range(1, 7)]
    recorder = Recorder()
    history = Bk.fit_batches(recorder, batches, epochs=3, seed=2)
    epochs = [recorder.seen[i : i + 6] for i in (0, 6, 12)]
    assert all(sorted(e) == [1, 2, 3, 4, 5, 6] for e in epochs) and len({tuple(e) for e in epochs}) > 1
    assert history["loss"] == [3.5, 3.5, 3.5] and len(history["seconds"]) == len(history["cpu_seconds"]) == 3
    assert all(s >= 0 for s in history["seconds"] + history["cpu_seconds"]) and "val_loss" not in history


class Scored(Recorder):
    def evaluate(self, x, y, verbose=0, return_dict=False):
        assert return_dict and verbose == 0
        return {"loss": float(len(self.seen)), "accuracy": 0.5}


def test_fit_batches_scores_the_validation_data_after_every_epoch():
    batches = [(np.ones((1, 2), dtype=np.int32), np.array([1])), (np.ones((1, 3), dtype=np.int32), np.array([2]))]
    history = Bk.fit_batches(Scored(), batches, epochs=2, validation_data=(None, None))
    assert history["val_loss"] == [2.0, 4.0] and history["val_accuracy"] == [0.5, 0.5]
