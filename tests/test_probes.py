"""course_utils.probes: what a recurrent layer's output at step t depends on."""

import numpy as np
import pytest

from course_utils._keras import keras
from course_utils.probes import bidirectional_directions, depends_on_future, input_dependence, next_token_pairs

L = keras.layers
X = np.random.default_rng(0).normal(size=(2, 6, 3)).astype("float32")


def seq_model(layer, name):
    return keras.Sequential([keras.Input((6, 3)), layer], name=name)


@pytest.mark.parametrize("make", [L.SimpleRNN, L.LSTM, L.GRU], ids=lambda c: c.__name__)
def test_forward_layers_ignore_the_future_bidirectional_ones_do_not(make):
    keras.utils.set_random_seed(0)
    forward = seq_model(make(4, return_sequences=True), "forward")
    both = seq_model(L.Bidirectional(make(4, return_sequences=True)), "both")
    for t in (1, 4):
        effect = input_dependence(forward, X, t, X + 1.0)
        assert np.all(effect[t + 1 :] == 0.0) and np.all(effect[: t + 1] > 0.0)  # exactly zero: no rounding noise
        assert np.all(input_dependence(both, X, t, X + 1.0) > 0.0)
    assert not depends_on_future(forward, X, 2, X + 1.0)
    assert depends_on_future(both, X, 2, X + 1.0)
    assert not depends_on_future(both, X, 5, X + 1.0)  # nothing after the last step


def test_input_dependence_with_tokens_and_bad_arguments():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((5,), dtype="int32"), L.Embedding(7, 3), L.LSTM(2, return_sequences=True)])
    tokens = np.array([[1, 2, 3, 4, 5]])
    effect = input_dependence(model, tokens, 2, (tokens + 1) % 7)
    assert effect.shape == (5,) and np.all(effect[3:] == 0) and effect[2] > 0
    with pytest.raises(ValueError, match="shape of x"):
        input_dependence(model, tokens, 2, tokens[:, :3])
    with pytest.raises(ValueError, match="step index"):
        input_dependence(model, tokens, 5, tokens)
    last_only = keras.Sequential([keras.Input((5,), dtype="int32"), L.Embedding(7, 3), L.LSTM(2)])
    with pytest.raises(ValueError, match="per-step"):
        input_dependence(last_only, tokens, 1, tokens)


@pytest.mark.parametrize("return_sequences", [True, False])
@pytest.mark.parametrize("make", [L.LSTM, L.GRU])
def test_bidirectional_output_is_forward_then_backward(make, return_sequences):
    layer = L.Bidirectional(make(4, return_sequences=return_sequences))
    out = layer(X).numpy()
    forward, backward = bidirectional_directions(layer, X)
    assert np.array_equal(out, np.concatenate([forward, backward], axis=-1))
    assert not np.allclose(forward, backward)
    if return_sequences:  # backward[:, t] reads x_T ... x_t: the same as a plain layer on the reversed suffix
        plain = make(4)
        plain.build((None, None, 3))
        plain.set_weights(layer.backward_layer.get_weights())
        assert np.allclose(plain(X[:, 2:][:, ::-1]).numpy(), backward[:, 2], atol=1e-6)


def test_bidirectional_directions_rejects_other_layers():
    with pytest.raises(ValueError, match="Bidirectional"):
        bidirectional_directions(L.LSTM(2), X)
    with pytest.raises(ValueError, match="Bidirectional"):
        bidirectional_directions(L.Bidirectional(L.LSTM(2)), X)  # not built


def test_next_token_pairs():
    x, y = next_token_pairs(np.array([[1, 2, 3], [4, 5, 6]]))
    assert x.tolist() == [[1, 2], [4, 5]] and y.tolist() == [[2, 3], [5, 6]]
    for bad in (np.array([1, 2, 3]), np.array([[1]]), np.array([[1.0, 2.0]])):
        with pytest.raises(ValueError):
            next_token_pairs(bad)
