"""The seeded synthetic tasks: shapes, exact targets, determinism, baselines, bad arguments."""

import math

import numpy as np
import pytest

from course_utils.datasets import synthetic
from course_utils.datasets.splits import SPLIT_NAMES, Splits

GENERATORS = [
    synthetic.make_regression_series,
    synthetic.make_adding_problem,
    synthetic.make_copy_task,
    synthetic.make_recall_task,
]


@pytest.mark.parametrize("make", GENERATORS, ids=lambda f: f.__name__)
def test_same_seed_same_data_other_seed_other_data(make):
    a, b, c = make(n_samples=50, seed=7), make(n_samples=50, seed=7), make(n_samples=50, seed=8)
    assert isinstance(a, Splits) and tuple(a) == SPLIT_NAMES
    assert a.sizes() == {"train": 40, "validation": 5, "test": 5}
    for key in SPLIT_NAMES:
        assert np.array_equal(a[key][0], b[key][0]) and np.array_equal(a[key][1], b[key][1])
    assert not np.array_equal(a["train"][0], c["train"][0])


def test_regression_series_has_seed_000s_shape_and_a_learnable_target():
    data = synthetic.make_regression_series(n_samples=400, seed=0)
    x, y = data["train"]
    assert x.shape == (320, 200, 2) and y.shape == (320,) and x.dtype == y.dtype == np.float32

    # a linear model on the last few steps predicts far better than the last-value baseline
    def design(inputs):
        return np.c_[inputs[:, -4:, :].reshape(len(inputs), -1), np.ones(len(inputs))]

    weights = np.linalg.lstsq(design(x), y, rcond=None)[0]
    x_test, y_test = data["test"]
    linear_mse = np.mean((design(x_test) @ weights - y_test) ** 2)
    assert linear_mse < data.info["baseline_mse"] / 2 < y_test.var()
    clean = synthetic.make_regression_series(n_samples=20, noise=0.0)["train"]
    assert np.all(np.abs(clean[0]) <= 1.5) and np.all(np.abs(clean[1]) <= 1.5)


def test_adding_problem_targets_are_the_sum_of_the_two_marked_numbers():
    data = synthetic.make_adding_problem(n_samples=300, n_timesteps=40, seed=1)
    for x, y in data.values():
        markers = x[..., 1]
        assert np.all(markers.sum(axis=1) == 2)
        assert np.all(markers[:, :20].sum(axis=1) == 1) and np.all(markers[:, 20:].sum(axis=1) == 1)
        assert np.allclose((x[..., 0] * markers).sum(axis=1), y, atol=1e-6)
    y_all = np.concatenate([y for _, y in data.values()])
    assert abs(np.mean((y_all - 1.0) ** 2) - data.info["baseline_mse"]) < 0.03


def test_copy_task_layout():
    data = synthetic.make_copy_task(n_samples=20, copy_length=5, delay=7, n_symbols=4, seed=2)
    x, y = data["train"]
    assert x.shape == y.shape == (16, 17) and x.dtype == np.int32
    assert np.array_equal(y[:, -5:], x[:, :5]) and np.all(y[:, :-5] == 0)
    assert np.all(x[:, 5 + 7 - 1] == 5) and data.info["go"] == 5 and data.info["vocabulary_size"] == 6
    assert np.all((x[:, :5] >= 1) & (x[:, :5] <= 4)) and np.all(x[:, 5:11] == 0) and np.all(x[:, 12:] == 0)
    assert math.isclose(data.info["baseline_loss"], 5 * math.log(4) / 17)


def test_recall_task_targets_the_chosen_position():
    data = synthetic.make_recall_task(n_samples=200, n_timesteps=12, n_symbols=5, position=3)
    for x, y in data.values():
        assert np.array_equal(x[:, 3], y) and x.max() < 5 and x.min() >= 0
    assert data.info["baseline_accuracy"] == 0.2


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: synthetic.make_regression_series(n_samples=0), "n_samples must be a positive integer"),
        (lambda: synthetic.make_regression_series(noise=-1), "noise must be a non-negative number"),
        (lambda: synthetic.make_adding_problem(n_timesteps=1), "at least 2"),
        (lambda: synthetic.make_adding_problem(seed=1.5), "seed must be a non-negative integer"),
        (lambda: synthetic.make_copy_task(delay=0), "delay must be a positive integer"),
        (lambda: synthetic.make_recall_task(position=50), "position must be below n_timesteps=50"),
        (lambda: synthetic.make_recall_task(n_symbols=1), "at least 2"),
        (lambda: synthetic.make_recall_task(test_fraction=1), "test_fraction must be a number in"),
    ],
)
def test_bad_arguments_say_what_to_do(call, message):
    with pytest.raises(ValueError, match=message):
        call()
