"""course_utils.configurations: the seq2seq task and decoding, shape tables, forecast errors."""

import numpy as np
import pytest

from course_utils import configurations as C
from course_utils._keras import keras

L = keras.layers


def test_digit_reversal_targets_are_the_inputs_reversed_and_seeded():
    a, b, c = (C.make_digit_reversal(n_samples=50, length=5, seed=s) for s in (3, 3, 4))
    assert a.sizes() == {"train": 40, "validation": 5, "test": 5}
    for key in a:
        x, y = a[key]
        assert x.dtype == y.dtype == np.int32 and x.shape[1] == 5
        assert np.array_equal(y, x[:, ::-1]) and x.min() >= 0 and x.max() <= 9
        assert np.array_equal(x, b[key][0])
    assert not np.array_equal(a["train"][0], c["train"][0])
    assert a.info["vocabulary_size"] == 11 and a.info["start"] == C.START == 10


@pytest.mark.parametrize("kwargs", [{"n_samples": 0}, {"length": -1}, {"seed": -2}, {"test_fraction": 1.5}])
def test_digit_reversal_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        C.make_digit_reversal(**kwargs)


def test_decoder_inputs_shift_right_behind_the_start_token():
    y = np.array([[1, 2, 3], [7, 8, 9]])
    assert C.decoder_inputs(y).tolist() == [[10, 1, 2], [10, 7, 8]]
    assert C.decoder_inputs(y, start=0)[:, 0].tolist() == [0, 0]
    with pytest.raises(ValueError, match="2-D integer"):
        C.decoder_inputs(np.array([1.0, 2.0]))


def test_greedy_decode_feeds_back_its_own_predictions():
    """A 'model' that predicts (its decoder input at t) + 1: only feedback gives 1, 2, 3, ..."""

    def plus_one(inputs, training=False):
        encoder, feed = inputs
        return np.eye(11)[(feed + 1) % 11]

    decoded = C.greedy_decode(plus_one, np.zeros((2, 4), dtype=np.int32), length=4, start=0)
    assert decoded.tolist() == [[1, 2, 3, 4], [1, 2, 3, 4]]


def test_greedy_decode_of_an_encoder_only_rule_and_bad_models():
    def reverse(inputs, training=False):
        return np.eye(10)[inputs[0][:, ::-1]]

    x = np.array([[1, 2, 3], [4, 5, 6]])
    assert C.greedy_decode(reverse, x, length=3).tolist() == [[3, 2, 1], [6, 5, 4]]
    with pytest.raises(ValueError, match="scores"):
        C.greedy_decode(lambda inputs, training=False: np.zeros((2, 3)), x, length=3)
    with pytest.raises(ValueError, match="length"):
        C.greedy_decode(reverse, x, length=0)


def test_greedy_decode_with_a_keras_encoder_decoder():
    enc_in, dec_in = keras.Input((4,), dtype="int32"), keras.Input((4,), dtype="int32")
    _, h, c = L.LSTM(8, return_state=True)(L.Embedding(11, 4)(enc_in))
    seq = L.LSTM(8, return_sequences=True)(L.Embedding(11, 4)(dec_in), initial_state=[h, c])
    model = keras.Model([enc_in, dec_in], L.Dense(10, activation="softmax")(seq))
    x = np.random.default_rng(0).integers(0, 10, size=(5, 4)).astype(np.int32)
    decoded = C.greedy_decode(model, x, length=4)
    assert decoded.shape == (5, 4) and decoded.dtype == np.int32
    # the last call saw the decoded prefix, so teacher-forcing the decoded sequence reproduces it
    forced = model([x, C.decoder_inputs(decoded)]).numpy().argmax(-1)
    assert np.array_equal(forced, decoded)


def test_sequence_accuracy_and_text():
    scores = C.sequence_accuracy(np.array([[1, 2, 3], [1, 2, 3]]), np.array([[1, 2, 3], [0, 2, 3]]))
    assert scores["token"] == pytest.approx(5 / 6) and scores["sequence"] == 0.5
    assert scores["per_step"].tolist() == [0.5, 1.0, 1.0]
    with pytest.raises(ValueError, match="same shape"):
        C.sequence_accuracy(np.zeros((2, 3), int), np.zeros((2, 4), int))
    assert C.digits_text(np.array([10, 0, 9])) == "^09"
    with pytest.raises(ValueError):
        C.digits_text([11])


def test_shape_table_rows():
    one = keras.Sequential([keras.Input((5,)), L.Dense(2)], name="one")
    many = keras.Sequential([keras.Input((7, 3)), L.SimpleRNN(4, return_sequences=True)], name="many")
    table = C.shape_table({"one-to-one": one, "many-to-many": many})
    assert table[0] == ["one-to-one", "(None, 5)", "(None, 2)", "12"]
    assert table[1] == ["many-to-many", "(None, 7, 3)", "(None, 7, 4)", "32"]
    assert "many-to-many   (None, 7, 3)" in str(table) and table._repr_html_().startswith("<table>")
    with pytest.raises(ValueError, match="keras.Input"):
        C.shape_table({"unbuilt": keras.Sequential([L.Dense(2)])})
    with pytest.raises(ValueError):
        C.shape_table({})


def test_forecast_baseline_and_errors():
    windows = np.array([[[1.0], [2.0]], [[5.0], [3.0]]])
    assert C.last_value_forecast(windows).tolist() == [2.0, 3.0]
    table = C.forecast_errors(
        [2.0, 4.0], {"naive": C.last_value_forecast(windows), "exact": [2.0, 4.0]}, scale=2.0, unit="u"
    )
    assert table.errors["naive"] == {"mae": 1.0, "rmse": pytest.approx(np.sqrt(2.0))}
    assert table.errors["exact"] == {"mae": 0.0, "rmse": 0.0}
    assert table.headers == ("forecast", "MAE (u)", "RMSE (u)") and table[0] == ["naive", "1.0", "1.4"]
    with pytest.raises(ValueError, match="values for"):
        C.forecast_errors([1.0, 2.0], {"short": [1.0]})
    with pytest.raises(ValueError, match="scale"):
        C.forecast_errors([1.0], {"a": [1.0]}, scale=0)
    with pytest.raises(ValueError, match="windows"):
        C.last_value_forecast(np.zeros((3, 2)))


def test_shape_flow_lists_every_layer():
    model = keras.Sequential([keras.Input((4,)), L.RepeatVector(3), L.SimpleRNN(2, return_sequences=True)])
    assert C.shape_flow(model) == "(None, 4) → RepeatVector → (None, 3, 4) → SimpleRNN → (None, 3, 2)"
    a, b = keras.Input((5,)), keras.Input((2,))
    two = keras.Model([a, b], L.Concatenate()([a, b]))
    assert C.shape_flow(two) == "(None, 5) + (None, 2) → Concatenate → (None, 7)"
    with pytest.raises(ValueError, match="keras.Input"):
        C.shape_flow(keras.Sequential([L.Dense(1)]))


def test_gradient_norms_match_the_analytic_gradient():
    model = keras.Sequential([keras.Input((2,)), L.Dense(1, use_bias=False, name="w")])
    model.get_layer("w").set_weights([np.array([[1.0], [0.0]], dtype="float32")])
    x, y = np.array([[1.0, 2.0]], dtype="float32"), np.array([[0.0]], dtype="float32")
    # loss = (x·w - y)² = 1, d/dw = 2 (x·w - y) x = [2, 4]
    assert C.gradient_norms(model, x, y, ["w"])["w"] == pytest.approx(np.sqrt(20.0))
    with pytest.raises(ValueError):
        C.gradient_norms(model, x, y, ["nope"])
    with pytest.raises(ValueError, match="at least one"):
        C.gradient_norms(model, x, y, [])
