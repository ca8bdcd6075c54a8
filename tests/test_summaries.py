"""summary_rows / assert_summary reproduce the lectures' summaries and diff clearly when they do not."""

import pytest

from course_utils import assert_summary, lecture_summary, lecture_summary_names, summary_rows
from course_utils._keras import keras
from course_utils.summaries import shape_flow, shape_table

L = keras.layers


def e89b_models():
    """The four models of CSCI E-89B Lecture 2, written for Keras 3."""
    return {
        "e89b_simple_rnn": [keras.Input(shape=(200, 2)), L.SimpleRNN(3, activation="relu"), L.Dense(1)],
        "e89b_lstm": [keras.Input(shape=(200, 2)), L.LSTM(16, activation="relu"), L.Dense(1)],
        "e89b_embedding_lstm": [
            keras.Input(shape=(None,)),
            L.Embedding(200, 32),
            L.LSTM(32),
            L.Dense(1, activation="sigmoid"),
        ],
        "e89b_embedding_bilstm": [
            keras.Input(shape=(None,)),
            L.Embedding(200, 32),
            L.Bidirectional(L.LSTM(32)),
            L.Dense(1, activation="sigmoid"),
        ],
    }


@pytest.mark.parametrize("name", sorted(e89b_models()))
def test_every_lecture_summary_is_reproduced(name):
    model = keras.Sequential(e89b_models()[name])
    message = assert_summary(model, name)
    assert message.startswith(f"matches {name}")


def test_the_lecture_totals_are_transcribed():
    totals = {name: lecture_summary(name)["total_params"] for name in lecture_summary_names()}
    assert totals == {
        "e89b_simple_rnn": 22,
        "e89b_lstm": 1233,
        "e89b_embedding_lstm": 14753,
        "e89b_embedding_bilstm": 23105,
    }
    for name in lecture_summary_names():
        table = lecture_summary(name)
        assert sum(row.params for row in table["rows"]) == table["total_params"]


def test_mismatch_prints_a_row_by_row_diff():
    model = keras.Sequential([keras.Input(shape=(200, 2)), L.LSTM(16, use_bias=False), L.Dense(1)])
    with pytest.raises(AssertionError) as failure:
        assert_summary(model, "e89b_lstm")
    text = str(failure.value)
    assert "row 1: params 1,216 != 1,152" in text and "row 2" not in text.split("\n\n")[0]
    assert "total params: expected 1,233, got 1,169" in text
    model = keras.Sequential([keras.Input(shape=(200, 2)), L.LSTM(8), L.Dense(1)])
    with pytest.raises(AssertionError, match=r"row 1: output shape \(None, 16\) != \(None, 8\); params 1,216 != 352"):
        assert_summary(model, "e89b_lstm")
    assert "DIFF" in text and "ok" in text  # the table marks the bad row and the good one


def test_row_count_is_strict():
    model = keras.Sequential(
        [keras.Input(shape=(200, 2)), L.SimpleRNN(3, activation="relu"), L.Dropout(0.5), L.Dense(1)]
    )
    with pytest.raises(AssertionError, match="row 2: class Dense != Dropout"):
        assert_summary(model, "e89b_simple_rnn")
    model = keras.Sequential([keras.Input(shape=(200, 2)), L.SimpleRNN(3)])
    with pytest.raises(AssertionError, match="row 2: missing layer Dense"):
        assert_summary(model, "e89b_simple_rnn")


def test_expected_as_list_and_functional_rows():
    inputs = keras.Input(shape=(7, 3))
    outputs = L.GRU(4, return_state=True)(inputs)
    model = keras.Model(inputs, outputs)
    rows = summary_rows(model)
    assert [r.layer_class for r in rows] == ["InputLayer", "GRU"]
    assert rows[1].output_shape == ((None, 4), (None, 4))
    assert assert_summary(model, [("InputLayer", (None, 7, 3), 0), ("GRU", ((None, 4), (None, 4)), 108)])


def test_non_trainable_totals_are_checked():
    model = keras.Sequential([keras.Input(shape=(200, 2)), L.SimpleRNN(3, activation="relu"), L.Dense(1)])
    model.layers[1].trainable = False
    with pytest.raises(AssertionError, match="trainable params: expected 22, got 18"):
        assert_summary(model, "e89b_simple_rnn")


def test_bad_arguments():
    with pytest.raises(ValueError, match="no lecture summary named 'seed9'"):
        lecture_summary("seed9")
    with pytest.raises(ValueError, match="expected must be"):
        assert_summary(keras.Sequential([keras.Input(shape=(3,)), L.Dense(1)]), 42)
    with pytest.raises(ValueError, match="not built"):
        summary_rows(keras.Sequential([L.Dense(1)]))
    with pytest.raises(ValueError, match="expects a Keras model"):
        summary_rows("model")


def test_shape_table_rows():
    one = keras.Sequential([keras.Input((5,)), L.Dense(2)], name="one")
    many = keras.Sequential([keras.Input((7, 3)), L.SimpleRNN(4, return_sequences=True)], name="many")
    table = shape_table({"one-to-one": one, "many-to-many": many})
    assert table[0] == ["one-to-one", "(None, 5)", "(None, 2)", "12"]
    assert table[1] == ["many-to-many", "(None, 7, 3)", "(None, 7, 4)", "32"]
    assert "many-to-many   (None, 7, 3)" in str(table) and table._repr_html_().startswith("<table>")
    with pytest.raises(ValueError, match="keras.Input"):
        shape_table({"unbuilt": keras.Sequential([L.Dense(2)])})
    with pytest.raises(ValueError):
        shape_table({})


def test_shape_flow_lists_every_layer():
    model = keras.Sequential([keras.Input((4,)), L.RepeatVector(3), L.SimpleRNN(2, return_sequences=True)])
    assert shape_flow(model) == "(None, 4) → RepeatVector → (None, 3, 4) → SimpleRNN → (None, 3, 2)"
    a, b = keras.Input((5,)), keras.Input((2,))
    two = keras.Model([a, b], L.Concatenate()([a, b]))
    assert shape_flow(two) == "(None, 5) + (None, 2) → Concatenate → (None, 7)"
    with pytest.raises(ValueError, match="keras.Input"):
        shape_flow(keras.Sequential([L.Dense(1)]))
