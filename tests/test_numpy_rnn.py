"""The NumPy recurrent loop equals Keras' SimpleRNN on random weights."""

import numpy as np
import pytest

from course_utils._keras import keras
from course_utils.numpy_rnn import simple_rnn_forward


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
@pytest.mark.parametrize("d,u,T", [(2, 3, 7), (5, 1, 4), (1, 6, 9)])
def test_matches_keras_simple_rnn(activation, d, u, T):
    rng = np.random.default_rng(d * 100 + u * 10 + T)
    x = rng.normal(size=(4, T, d)).astype("float32")
    W_x, W_h, b = rng.normal(size=(d, u)), rng.normal(scale=0.4, size=(u, u)), rng.normal(size=u)
    layer = keras.layers.SimpleRNN(u, activation=activation, return_sequences=True)
    layer.build((None, T, d))
    layer.set_weights([W_x, W_h, b])
    expected = keras.ops.convert_to_numpy(layer(x))
    assert np.abs(simple_rnn_forward(x, W_x, W_h, b, activation=activation) - expected).max() < 1e-4


def test_single_sequence_equals_batch_row_and_h0_is_used():
    rng = np.random.default_rng(1)
    x, W_x, W_h, b = rng.normal(size=(3, 5, 2)), rng.normal(size=(2, 4)), rng.normal(size=(4, 4)), rng.normal(size=4)
    assert np.allclose(simple_rnn_forward(x[1], W_x, W_h, b), simple_rnn_forward(x, W_x, W_h, b)[1])
    h0 = rng.normal(size=4)
    with_h0 = simple_rnn_forward(x[0], W_x, W_h, b, h0=h0)
    assert np.allclose(with_h0[0], np.tanh(x[0, 0] @ W_x + h0 @ W_h + b))


def test_bad_shapes_name_what_was_expected():
    x = np.zeros((5, 2))
    with pytest.raises(ValueError, match=r"W_h must have shape \(3, 3\).*got \(3, 2\)"):
        simple_rnn_forward(x, np.zeros((2, 3)), np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"W_x must have shape \(2, 3\)"):
        simple_rnn_forward(x, np.zeros((4, 3)), np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match=r"x must be \(T, d\) or \(batch, T, d\)"):
        simple_rnn_forward(np.zeros(5), np.zeros((1, 3)), np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="activation must be one of"):
        simple_rnn_forward(x, np.zeros((2, 3)), np.zeros((3, 3)), np.zeros(3), activation="sigmoid")
