"""course_utils.experiments: side-by-side training is exactly separate training, and the comparison's table."""

import numpy as np
import pytest

from course_utils._keras import keras
from course_utils.datasets import make_adding_problem
from course_utils.experiments import (
    CELL_NAMES,
    BlockDense,
    Comparison,
    ParallelCells,
    compare_cells,
    make_cell,
    side_by_side_model,
    summed_squared_error,
)

U, T, D = 4, 5, 2


def test_every_name_makes_its_cell():
    kinds = {name: type(make_cell(name, U)).__name__ for name in CELL_NAMES}
    assert kinds["Tanh"] == "SimpleRNNCell" and kinds["GRU"] == "GRUCell" and kinds["SRU"] == "SRUCell"
    assert make_cell("LSTM", U).unit_forget_bias is False and make_cell("LSTM-b", U).unit_forget_bias is True
    assert [make_cell(n, U).without for n in ("LSTM-f", "LSTM-i", "LSTM-o")] == ["forget", "input", "output"]
    with pytest.raises(ValueError, match="unknown cell name 'LSTM-x'"):
        make_cell("LSTM-x", U)


def _lone_models_from(model, names):
    """One plain Dense(u) -> RNN(cell) -> Dense(1) model per name, with the side-by-side model's weights."""
    w_in, b_in = model.get_layer("inputs").get_weights()
    w_out, b_out = model.get_layer("readouts").get_weights()
    cells = model.get_layer("cells").cell.cells
    lone = []
    for k, (name, cell) in enumerate(zip(names, cells)):
        single = keras.Sequential(
            [keras.Input((T, D)), keras.layers.Dense(U), keras.layers.RNN(make_cell(name, U)), keras.layers.Dense(1)],
            name=f"lone_{k}",
        )
        single.layers[0].set_weights([w_in[k], b_in[k]])
        single.layers[1].set_weights(cell.get_weights())
        single.layers[2].set_weights([w_out[k], b_out[k]])
        lone.append(single)
    return lone


def test_side_by_side_predictions_equal_lone_models():
    names = ["Tanh", "LSTM-i", "SRU"]
    keras.utils.set_random_seed(0)
    model = side_by_side_model(names, units=U, n_timesteps=T, input_dim=D)
    x = np.random.default_rng(0).standard_normal((3, T, D)).astype("float32")
    together = np.asarray(model(x))
    assert together.shape == (3, 3)
    for k, single in enumerate(_lone_models_from(model, names)):
        assert np.abs(np.asarray(single(x))[:, 0] - together[:, k]).max() < 1e-5


def test_each_side_by_side_model_gets_exactly_its_own_gradient():
    # The summed loss's gradient with respect to model k's weights is model k's own MSE gradient, so Adam
    # (which updates every weight from its own gradient) moves each model exactly as if it trained alone.
    if keras.backend.backend() != "tensorflow":
        pytest.skip("uses tf.GradientTape")
    import tensorflow as tf

    names = ["GRU", "MUT2", "SRU"]
    rng = np.random.default_rng(1)
    x = rng.standard_normal((8, T, D)).astype("float32")
    y = rng.standard_normal(8).astype("float32")
    keras.utils.set_random_seed(1)
    model = side_by_side_model(names, units=U, n_timesteps=T, input_dim=D)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(summed_squared_error(y, model(x)))
    together = dict(zip([v.path for v in model.trainable_variables], tape.gradient(loss, model.trainable_variables)))
    cells = model.get_layer("cells").cell.cells
    for k, single in enumerate(_lone_models_from(model, names)):
        with tf.GradientTape() as tape:
            alone = tf.reduce_mean(tf.square(single(x)[:, 0] - y))
        grads = [np.asarray(g) for g in tape.gradient(alone, single.trainable_variables)]
        w_in, b_in, *cell_grads, w_out, b_out = grads
        blocks = {"inputs": (w_in, b_in), "readouts": (w_out, b_out)}
        for layer_name, (kernel_grad, bias_grad) in blocks.items():
            layer = model.get_layer(layer_name)
            assert np.abs(np.asarray(together[layer.kernel.path])[k] - kernel_grad).max() < 1e-5
            assert np.abs(np.asarray(together[layer.bias.path])[k] - bias_grad).max() < 1e-5
        for variable, grad in zip(cells[k].trainable_variables, cell_grads):
            assert np.abs(np.asarray(together[variable.path]) - grad).max() < 1e-5


def test_parallel_cells_and_blocks_check_their_sizes():
    with pytest.raises(ValueError, match="same number of units"):
        ParallelCells([make_cell("GRU", 4), make_cell("GRU", 5)])
    with pytest.raises(ValueError, match="at least one cell"):
        ParallelCells([])
    layer = keras.layers.RNN(ParallelCells([make_cell("GRU", 4), make_cell("Tanh", 4)]))
    with pytest.raises(ValueError, match="reads steps of 8 features"):
        layer(np.zeros((1, 3, 6), "float32"))
    blocks = BlockDense(3, 2)
    out = np.asarray(blocks(np.ones((5, 12), "float32")))
    assert out.shape == (5, 6) and tuple(blocks.kernel.shape) == (3, 4, 2)
    shared = BlockDense(3, 2, shared_input=True)
    assert np.asarray(shared(np.ones((5, 7, 4), "float32"))).shape == (5, 7, 6)
    assert tuple(shared.kernel.shape) == (3, 4, 2)


def test_compare_cells_reports_every_epoch_and_a_baseline():
    data = make_adding_problem(n_samples=120, n_timesteps=T, seed=0)
    seen = []
    result = compare_cells(data, names=["Tanh", "GRU"], units=U, epochs=2, batch_size=32, learning_rate=0.01,
                           report=lambda epoch, mses: seen.append((epoch, sorted(mses))))  # fmt: skip
    assert isinstance(result, Comparison) and [r.name for r in result] == ["Tanh", "GRU"]
    assert seen == [(1, ["GRU", "Tanh"]), (2, ["GRU", "Tanh"])]
    assert result.updates_per_epoch == 3  # 96 training examples in batches of 32
    assert result.row("GRU").cell_params == 3 * U * (U + U + 2)
    assert result.row("Tanh").formula.startswith("u·(d + u) + u")
    assert all(len(r.test_mse) == 2 and 0 <= r.accuracy <= 1 for r in result)
    x_test, y_test = data["test"]
    assert result.baseline_mse == pytest.approx(((y_test - data["train"][1].mean()) ** 2).mean())
    text = str(result)
    assert text.splitlines()[0].split() == ["cell", "params", "MSE@3", "MSE@6", "acc", "±0.1"]
    assert text.splitlines()[-1].startswith("mean (baseline)")
    assert "<table>" in result._repr_html_()
    assert set(result.below(10.0)) == {"Tanh", "GRU"} and result.below(-1.0) == []
    with pytest.raises(ValueError, match="no row named 'LSTM'"):
        result.row("LSTM")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"names": []}, "names is empty"),
        ({"names": ["GRU", "GRU"]}, "must not repeat"),
        ({"names": ["Elman"]}, "unknown cell name 'Elman'"),
        ({"learning_rate": 0}, "learning_rate must be a positive number"),
        ({"epochs": 0}, "epochs must be a positive integer"),
    ],
)
def test_compare_cells_rejects_bad_arguments(kwargs, match):
    data = make_adding_problem(n_samples=20, n_timesteps=T, seed=0)
    with pytest.raises(ValueError, match=match):
        compare_cells(data, **{"names": ["GRU"], **kwargs})


def test_compare_cells_needs_float_sequences():
    from course_utils.datasets import make_recall_task

    with pytest.raises(ValueError, match=r"float sequences \(n, T, d\)"):
        compare_cells(make_recall_task(n_samples=20, n_timesteps=T, seed=0), names=["GRU"])
    with pytest.raises(ValueError, match="Splits with a 'train' split"):
        compare_cells({"x": 1}, names=["GRU"])
