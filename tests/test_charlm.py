"""Character codec, training windows, names as padded pairs, the model and held-out scoring."""

import numpy as np
import pytest
from bad_input import assert_refused

from course_utils import charlm
from course_utils.charlm import CharCodec


def test_codec_round_trip_and_padding():
    codec = CharCodec("\nab")
    assert codec.size == 3 and codec.decode(codec.encode("ab\nba")) == "ab\nba"
    padded = CharCodec("ab", padding=True)
    assert padded.size == 3 and padded.encode("ba").tolist() == [2, 1]
    assert padded.decode([1, 2, 0, 0]) == "ab"


def test_codec_errors():
    with pytest.raises(ValueError, match="must not repeat"):
        CharCodec("aba")
    with pytest.raises(ValueError, match="single characters"):
        CharCodec(["ab", "c"])
    with pytest.raises(ValueError, match=r"not in the codec's alphabet: \['z'\]"):
        CharCodec("ab").encode("abz")
    with pytest.raises(ValueError, match=r"ids must be in 0..1"):
        CharCodec("ab").decode([0, 2])
    with pytest.raises(ValueError, match="takes a str"):
        CharCodec("ab").encode(["a"])


def test_windows_are_shifted_by_one():
    ids = np.arange(23)
    x, y = charlm.next_char_windows(ids, 5)
    assert x.shape == y.shape == (4, 5)
    assert np.array_equal(y, x + 1) and x[0, 0] == 0 and x[-1, -1] == 19
    with pytest.raises(ValueError, match="too short"):
        charlm.next_char_windows(ids[:5], 5)
    with pytest.raises(ValueError, match="must be 1-D"):
        charlm.next_char_windows(ids.reshape(1, -1), 5)


def test_split_text_rejoins_inputs_and_targets():
    data = {"train": ("hamle", "amlet")}
    assert charlm.split_text(data, "train") == "hamlet"
    with pytest.raises(ValueError, match="split must be one of"):
        charlm.split_text(data, "test")


def test_name_sequences_by_hand():
    codec = CharCodec("\nabo", padding=True)  # ids: pad 0, \n 1, a 2, b 3, o 4
    x, y = charlm.name_sequences(["bob", "ab"], codec)
    assert x.tolist() == [[1, 3, 4, 3], [1, 2, 3, 0]]
    assert y.tolist() == [[3, 4, 3, 1], [2, 3, 1, 0]]
    with pytest.raises(ValueError, match="padding=True"):
        charlm.name_sequences(["ab"], CharCodec("\nab"))


def test_model_parameters_follow_the_formula():
    model = charlm.build_char_model(10, units=8, embedding_dim=4, cell="gru", name="tiny")
    assert model.count_params() == 10 * 4 + 3 * 8 * (4 + 8 + 2) + 8 * 10 + 10
    lstm = charlm.build_char_model(10, units=8, embedding_dim=4, cell="lstm", name="tiny_lstm")
    assert lstm.count_params() == 10 * 4 + 4 * 8 * (4 + 8 + 1) + 8 * 10 + 10
    with pytest.raises(ValueError, match="cell must be 'gru' or 'lstm'"):
        charlm.build_char_model(10, cell="rnn")


def test_output_dropout_sits_before_the_logits_and_acts_in_training_only():
    from course_utils._keras import keras

    keras.utils.set_random_seed(0)
    model = charlm.build_char_model(10, units=8, embedding_dim=4, output_dropout=0.5, name="dropped")
    assert [layer.name for layer in model.layers] == ["embedding", "gru", "output_dropout", "logits"]
    assert model.count_params() == 10 * 4 + 3 * 8 * (4 + 8 + 2) + 8 * 10 + 10  # no weights of its own
    ids = np.arange(10)[None]
    inference = keras.ops.convert_to_numpy(model(ids))
    assert np.array_equal(inference, keras.ops.convert_to_numpy(model(ids)))
    assert not np.allclose(keras.ops.convert_to_numpy(model(ids, training=True)), inference)
    with pytest.raises(ValueError, match="output_dropout must be a fraction in"):
        charlm.build_char_model(10, output_dropout=1.0)


def test_score_text_covers_every_character_once():
    from course_utils._keras import keras

    keras.utils.set_random_seed(0)
    model = charlm.build_char_model(6, units=5, embedding_dim=3, name="scorer")
    ids = np.random.default_rng(0).integers(0, 6, size=50)
    full = charlm.log_softmax(model.predict(ids[None, :-1], verbose=0))[0]
    want = full[np.arange(49), ids[1:]]
    assert np.allclose(charlm.score_text(model, ids, window=64, burn_in=8), want, atol=1e-5)
    windowed = charlm.score_text(model, ids, window=20, burn_in=5)
    assert windowed.shape == (49,) and np.all(windowed < 0)
    assert np.allclose(windowed[:20], want[:20], atol=1e-5)  # the first window has the same context
    with pytest.raises(ValueError, match=r"burn_in \(20\) must be smaller than window \(20\)"):
        charlm.score_text(model, ids, window=20, burn_in=20)
    with pytest.raises(ValueError, match="at least 2 ids"):
        charlm.score_text(model, ids[:1])


BAD_LOGITS = [  # (what is wrong, logits, what the message says)
    ("empty", [], "at least one logit"),
    ("no classes", np.zeros((2, 0)), "got shape (2, 0)"),
    ("NaN", [0.0, np.nan], "NaN or +inf"),
    ("+inf", [[0.0, 1.0], [0.0, np.inf]], "the first at index (1, 1)"),
    ("a row of -inf", [[-np.inf, -np.inf]], "row (0,) is all -inf"),
]


@pytest.mark.parametrize(("logits", "what"), [c[1:] for c in BAD_LOGITS], ids=[c[0] for c in BAD_LOGITS])
def test_log_softmax_refuses_logits_without_a_softmax(logits, what):
    assert_refused(lambda: charlm.log_softmax(logits), "logits", what)


def test_windows_need_integer_ids():
    assert_refused(lambda: charlm.next_char_windows(np.array([0.0, 1.5, 2.0, 1.0]), 2), "ids", "integer character ids")


@pytest.mark.parametrize(
    ("ids", "what"),
    [(np.array([0, 1, 6, 2]), "ids in 0..5 (the model predicts 6)"), (np.array([0, -1, 2]), "from -1 to 2"),
     (np.array([0.0, 1.0]), "float64")],
    ids=["id too large", "negative id", "float ids"],
)  # fmt: skip
def test_score_text_refuses_ids_the_model_does_not_know(ids, what):
    model = charlm.build_char_model(6, units=3, embedding_dim=2, name="scorer")
    assert_refused(lambda: charlm.score_text(model, ids), "ids", what)
