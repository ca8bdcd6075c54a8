"""course_utils.seq2seq: the digit-reversal task, teacher forcing, greedy decoding and its scores."""

import numpy as np
import pytest

from course_utils import seq2seq as S
from course_utils._keras import keras

L = keras.layers


def test_digit_reversal_targets_are_the_inputs_reversed_and_seeded():
    a, b, c = (S.make_digit_reversal(n_samples=50, length=5, seed=s) for s in (3, 3, 4))
    assert a.sizes() == {"train": 40, "validation": 5, "test": 5}
    for key in a:
        x, y = a[key]
        assert x.dtype == y.dtype == np.int32 and x.shape[1] == 5
        assert np.array_equal(y, x[:, ::-1]) and x.min() >= 0 and x.max() <= 9
        assert np.array_equal(x, b[key][0])
    assert not np.array_equal(a["train"][0], c["train"][0])
    assert a.info["vocabulary_size"] == 11 and a.info["start"] == S.START == 10


@pytest.mark.parametrize("kwargs", [{"n_samples": 0}, {"length": -1}, {"seed": -2}, {"test_fraction": 1.5}])
def test_digit_reversal_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        S.make_digit_reversal(**kwargs)


def test_decoder_inputs_shift_right_behind_the_start_token():
    y = np.array([[1, 2, 3], [7, 8, 9]])
    assert S.decoder_inputs(y).tolist() == [[10, 1, 2], [10, 7, 8]]
    assert S.decoder_inputs(y, start=0)[:, 0].tolist() == [0, 0]
    with pytest.raises(ValueError, match="2-D integer"):
        S.decoder_inputs(np.array([1.0, 2.0]))


def test_greedy_decode_feeds_back_its_own_predictions():
    """A 'model' that predicts (its decoder input at t) + 1: only feedback gives 1, 2, 3, ..."""

    def plus_one(inputs, training=False):
        encoder, feed = inputs
        return np.eye(11)[(feed + 1) % 11]

    decoded = S.greedy_decode(plus_one, np.zeros((2, 4), dtype=np.int32), length=4, start=0)
    assert decoded.tolist() == [[1, 2, 3, 4], [1, 2, 3, 4]]


def test_greedy_decode_of_an_encoder_only_rule_and_bad_models():
    def reverse(inputs, training=False):
        return np.eye(10)[inputs[0][:, ::-1]]

    x = np.array([[1, 2, 3], [4, 5, 6]])
    assert S.greedy_decode(reverse, x, length=3).tolist() == [[3, 2, 1], [6, 5, 4]]
    with pytest.raises(ValueError, match="scores"):
        S.greedy_decode(lambda inputs, training=False: np.zeros((2, 3)), x, length=3)
    with pytest.raises(ValueError, match="length"):
        S.greedy_decode(reverse, x, length=0)


def test_greedy_decode_with_a_keras_encoder_decoder():
    enc_in, dec_in = keras.Input((4,), dtype="int32"), keras.Input((4,), dtype="int32")
    _, h, c = L.LSTM(8, return_state=True)(L.Embedding(11, 4)(enc_in))
    seq = L.LSTM(8, return_sequences=True)(L.Embedding(11, 4)(dec_in), initial_state=[h, c])
    model = keras.Model([enc_in, dec_in], L.Dense(10, activation="softmax")(seq))
    x = np.random.default_rng(0).integers(0, 10, size=(5, 4)).astype(np.int32)
    decoded = S.greedy_decode(model, x, length=4)
    assert decoded.shape == (5, 4) and decoded.dtype == np.int32
    # the last call saw the decoded prefix, so teacher-forcing the decoded sequence reproduces it
    forced = model([x, S.decoder_inputs(decoded)]).numpy().argmax(-1)
    assert np.array_equal(forced, decoded)


def test_sequence_accuracy_and_text():
    scores = S.sequence_accuracy(np.array([[1, 2, 3], [1, 2, 3]]), np.array([[1, 2, 3], [0, 2, 3]]))
    assert scores["token"] == pytest.approx(5 / 6) and scores["sequence"] == 0.5
    assert scores["per_step"].tolist() == [0.5, 1.0, 1.0]
    with pytest.raises(ValueError, match="same shape"):
        S.sequence_accuracy(np.zeros((2, 3), int), np.zeros((2, 4), int))
    assert S.digits_text(np.array([10, 0, 9])) == "^09"
    with pytest.raises(ValueError):
        S.digits_text([11])
