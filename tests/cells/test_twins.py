"""Our SimpleRNNCell, LSTMCell and GRUCell compute what Keras' built-in cells compute.

Both layers get the SAME random weights (``set_weights`` of Keras' list into ours: this also
proves the fused layout and gate order are Keras'), then the same inputs and masks. Each
configuration below is one deliberate mix of sizes, activations, bias, reset mode,
return_sequences, go_backwards and masking: together they cover every value of every option.
A swapped gate, a missing bias or a z that points the wrong way fails every row.
"""

import numpy as np
import pytest

from course_utils._keras import keras
from course_utils.cells import ALL_CELLS, GRUCell, LSTMCell, SimpleRNNCell

from .helpers import ATOL, jit_on, max_abs_diff, random_init, random_mask, random_weights, sequence

# Three sizes (d, u): the degenerate one, d < u, d > u. Few distinct shapes on purpose: on JAX
# every new shape costs compilations (see conftest.py), and (3, 4) is the contract tests' size.
S1, S2, S3 = (1, 1), (3, 4), (9, 6)
# (d, u, cell arguments, RNN arguments, masked?)
SIMPLE_RNN = [
    (*S1, {}, {"return_sequences": True}, False),
    (*S2, {"activation": "relu", "use_bias": False}, {"go_backwards": True}, True),
    (*S3, {"activation": None}, {"return_sequences": True, "go_backwards": True}, True),
    (*S2, {"activation": "sigmoid", "use_bias": False}, {}, False),
]
LSTM = [
    (*S1, {}, {"return_sequences": True}, False),
    (*S2, {"use_bias": False}, {"go_backwards": True}, True),
    (*S3, {"activation": "relu", "recurrent_activation": "hard_sigmoid"}, {"return_sequences": True}, True),
    (*S2, {"unit_forget_bias": False}, {"return_sequences": True, "go_backwards": True}, False),
    (*S3, {"activation": None, "use_bias": False}, {}, True),
]
GRU = [
    (*S1, {}, {"return_sequences": True}, False),
    (*S1, {"reset_after": False}, {"return_sequences": True}, False),
    (*S2, {"use_bias": False}, {"go_backwards": True}, True),
    (*S2, {"reset_after": False, "use_bias": False}, {"return_sequences": True, "go_backwards": True}, True),
    (*S3, {"activation": "relu", "recurrent_activation": "hard_sigmoid"}, {"return_sequences": True}, True),
    (*S3, {"reset_after": False, "activation": None}, {}, True),
    (*S2, {"reset_after": True}, {"return_sequences": True, "go_backwards": True}, False),
    (*S2, {"reset_after": False, "recurrent_activation": "hard_sigmoid"}, {}, False),
]
CASES = [
    pytest.param(ours, theirs, *row, id=f"{name}-{i}")
    for name, ours, theirs, rows in [
        ("simple_rnn", SimpleRNNCell, keras.layers.SimpleRNNCell, SIMPLE_RNN),
        ("lstm", LSTMCell, keras.layers.LSTMCell, LSTM),
        ("gru", GRUCell, keras.layers.GRUCell, GRU),
    ]
    for i, row in enumerate(rows)
]


@pytest.mark.parametrize(("ours", "theirs", "d", "u", "cell_kwargs", "rnn_kwargs", "masked"), CASES)
def test_equals_keras_on_random_weights(ours, theirs, d, u, cell_kwargs, rnn_kwargs, masked):
    rng = np.random.default_rng(d * 100 + u)
    x = sequence(rng, d)
    mask = random_mask(rng) if masked else None
    reference = keras.layers.RNN(theirs(u, **cell_kwargs, **random_init()), return_state=True, **rnn_kwargs)
    layer = keras.layers.RNN(ours(u, **cell_kwargs, **random_init(1)), return_state=True, **rnn_kwargs)
    reference.build(x.shape)
    layer.build(x.shape)
    layer.set_weights(random_weights(reference, rng))  # Keras' list, in Keras' order, into ours
    expected = reference(x, mask=mask)  # [output, *states]: h (and c for LSTM) are compared too
    got = layer(x, mask=mask)
    assert max_abs_diff(got, expected) <= ATOL


@pytest.mark.parametrize("name", [n for n, spec in ALL_CELLS.items() if spec.twin is not None])
def test_builtin_layer_weights_load_into_ours(name):
    """The issue's one-liner: ``RNN(our_cell).set_weights(builtin.get_weights())``, builtin = LSTM(...) etc."""
    spec = ALL_CELLS[name]
    layer_class = {
        keras.layers.SimpleRNNCell: keras.layers.SimpleRNN,
        keras.layers.LSTMCell: keras.layers.LSTM,
        keras.layers.GRUCell: keras.layers.GRU,
    }[spec.twin]
    rng = np.random.default_rng(7)
    x = sequence(rng, 3)
    builtin = layer_class(4, return_sequences=True, **spec.kwargs, **random_init())
    builtin.build(x.shape)
    random_weights(builtin, rng)
    ours = keras.layers.RNN(spec.make(4, **random_init(1)), return_sequences=True)
    ours.build(x.shape)
    ours.set_weights(builtin.get_weights())
    assert [w.path.split("/")[-1] for w in ours.weights] == [w.path.split("/")[-1] for w in builtin.weights]
    with jit_on():  # on JAX: the compiled lax.scan that notebooks use
        assert max_abs_diff(ours(x), builtin(x)) <= ATOL


@pytest.mark.parametrize("bias_initializer", ["zeros", "random_uniform"])
@pytest.mark.parametrize("unit_forget_bias", [True, False])
def test_lstm_forget_bias_starts_like_keras(unit_forget_bias, bias_initializer):
    """LSTM-b of AIEI007 Lecture 10's table: b_f starts at 1, the other blocks as bias_initializer says."""
    u = 3
    kwargs = {**random_init(), "unit_forget_bias": unit_forget_bias, "bias_initializer": bias_initializer}
    ours = keras.layers.RNN(LSTMCell(u, **kwargs))
    ours.build((None, 2, 2))
    b_i, b_f, b_g, b_o = np.split(ours.get_weights()[2], 4)
    if unit_forget_bias:
        np.testing.assert_array_equal(b_f, np.ones(u))
    else:
        assert not np.allclose(b_f, 1.0)
    if bias_initializer == "zeros":
        np.testing.assert_array_equal(np.concatenate([b_i, b_g, b_o]), np.zeros(3 * u))
        theirs = keras.layers.RNN(keras.layers.LSTMCell(u, **kwargs))
        theirs.build((None, 2, 2))
        np.testing.assert_array_equal(ours.get_weights()[2], theirs.get_weights()[2])
    else:
        assert np.all(np.abs(np.concatenate([b_i, b_g, b_o])) <= 0.05)
        assert np.unique(np.concatenate([b_i, b_g, b_o])).size > 1  # drawn, not constant
