"""course_utils.gates: the fused LSTM weights cut per gate, the NumPy gate trace, memory retention."""

import numpy as np
import pytest

from course_utils._keras import keras
from course_utils.cells import LSTMCell
from course_utils.gates import lstm_blocks, lstm_gate_trace, memory_retention, retention_at_init


def _random_lstm(rng, d=3, u=4, use_bias=True, layer=None):
    layer = layer or keras.layers.LSTM(u, use_bias=use_bias, return_sequences=True, return_state=True)
    layer.build((None, 6, d))
    weights = [(0.6 * rng.standard_normal(w.shape)).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    return layer, weights


def test_blocks_follow_keras_order_i_f_c_o():
    d, u = 2, 3
    kernel = np.arange(d * 4 * u).reshape(d, 4 * u)
    recurrent = 100 + np.arange(u * 4 * u).reshape(u, 4 * u)
    bias = np.arange(4 * u) * 10
    blocks = lstm_blocks(kernel, recurrent, bias)
    assert list(blocks) == ["i", "f", "g", "o"]
    for k, gate in enumerate("ifgo"):
        W_x, W_h, b = blocks[gate]
        assert np.array_equal(W_x, kernel[:, k * u : (k + 1) * u])
        assert np.array_equal(W_h, recurrent[:, k * u : (k + 1) * u])
        assert np.array_equal(b, bias[k * u : (k + 1) * u])
    assert not np.any(lstm_blocks(kernel, recurrent)["o"][2])  # no bias: zeros


@pytest.mark.parametrize(
    "args, match",
    [
        ((np.zeros((2, 10)), np.zeros((3, 12))), r"kernel must be \(d, 4u\)"),
        ((np.zeros((2, 12)), np.zeros((4, 12))), r"recurrent_kernel must be \(u, 4u\)"),
        ((np.zeros((2, 12)), np.zeros((3, 12)), np.zeros(4)), r"bias must be \(4u,\)"),
    ],
)
def test_blocks_reject_wrong_shapes(args, match):
    with pytest.raises(ValueError, match=match):
        lstm_blocks(*args)


@pytest.mark.parametrize("use_bias", [True, False])
def test_trace_matches_keras_lstm_at_every_step(use_bias):
    rng = np.random.default_rng(1)
    layer, weights = _random_lstm(rng, use_bias=use_bias)
    x = rng.standard_normal((2, 6, 3)).astype("float32")
    y, h, c = (np.asarray(t) for t in layer(x))
    trace = lstm_gate_trace(weights, x)
    assert np.abs(trace["h"] - y).max() < 1e-5
    assert np.abs(trace["h"][:, -1] - h).max() < 1e-5 and np.abs(trace["c"][:, -1] - c).max() < 1e-5
    for gate in "ifo":
        assert np.all((trace[gate] > 0) & (trace[gate] < 1))
    assert np.all(np.abs(trace["g"]) < 1)


def test_trace_matches_the_course_cell_and_one_sequence_gives_two_axes():
    rng = np.random.default_rng(2)
    layer, weights = _random_lstm(rng, layer=keras.layers.RNN(LSTMCell(4), return_sequences=True, return_state=True))
    x = rng.standard_normal((1, 6, 3)).astype("float32")
    y = np.asarray(layer(x)[0])[0]
    trace = lstm_gate_trace(weights, x[0])  # (T, d) in, (T, u) out
    assert trace["h"].shape == (6, 4)
    assert np.abs(trace["h"] - y).max() < 1e-5


def test_trace_uses_initial_states():
    rng = np.random.default_rng(3)
    layer, weights = _random_lstm(rng)
    x = rng.standard_normal((2, 6, 3)).astype("float32")
    h0, c0 = rng.standard_normal((2, 2, 4)).astype("float32")
    y = np.asarray(layer(x, initial_state=[h0, c0])[0])
    assert np.abs(lstm_gate_trace(weights, x, h0=h0, c0=c0)["h"] - y).max() < 1e-5


def test_trace_rejects_bad_input():
    weights = [np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8)]
    with pytest.raises(ValueError, match=r"x must be \(T, 3\)"):
        lstm_gate_trace(weights, np.zeros((5, 2)))
    with pytest.raises(ValueError, match="weights must be"):
        lstm_gate_trace(weights[0], np.zeros((5, 3)))


def test_memory_retention_is_the_running_product_of_f():
    f = np.array([[0.5, 1.0], [0.5, 0.9], [0.2, 1.0]])
    assert np.allclose(memory_retention(f), [[0.5, 1.0], [0.25, 0.9], [0.05, 0.9]])
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        memory_retention(f + 1)
    with pytest.raises(ValueError, match="shape"):
        memory_retention(np.ones(3))


def test_forget_bias_one_keeps_memory_far_longer_at_init():
    kept, f_kept = retention_at_init(True, units=16, input_dim=4, steps=10, n_sequences=16)
    lost, f_lost = retention_at_init(False, units=16, input_dim=4, steps=10, n_sequences=16)
    sigmoid_1 = 1 / (1 + np.exp(-1.0))
    assert abs(f_kept - sigmoid_1) < 0.03 and abs(f_lost - 0.5) < 0.03
    assert np.all(np.diff(kept) < 0) and np.all(np.diff(lost) < 0)  # memory only fades at init
    assert 0.5 < kept[-1] / sigmoid_1**10 < 2 and 0.5 < lost[-1] / 0.5**10 < 2
    assert kept[-1] > 20 * lost[-1]
    with pytest.raises(ValueError, match="unit_forget_bias must be True or False"):
        retention_at_init("yes")
