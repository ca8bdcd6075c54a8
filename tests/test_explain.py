"""explain_params walks real models and fails clearly on what it cannot explain."""

import numpy as np
import pytest

from course_utils._keras import keras
from course_utils.explain import ParamRow, ParamTable, explain_params

L = keras.layers


def test_functional_model_with_wrappers_and_nesting():
    inner = keras.Sequential(
        [keras.Input(shape=(None, 8)), L.GRU(4, return_sequences=True, name="gru")], name="encoder"
    )
    inputs = keras.Input(shape=(10, 3))
    x = L.Conv1D(8, 3, name="conv")(inputs)
    x = inner(x)
    x = L.TimeDistributed(L.Dense(2), name="per_step")(x)
    x = L.Bidirectional(L.LSTM(5, return_sequences=True), name="bi")(x)
    x = L.LayerNormalization(name="norm")(x)
    x = L.Dropout(0.1, name="drop")(x)
    outputs = L.RNN(L.SimpleRNNCell(3), name="rnn")(x)
    model = keras.Model(inputs, outputs)
    table = explain_params(model)
    assert [r.name for r in table] == ["conv", "encoder/gru", "per_step", "bi", "norm", "drop", "rnn"]
    assert table.all_agree, str(table)
    assert table.keras_total == model.count_params()
    assert table[5].formula == "0 (no weights)"
    assert "2 × 4·[u·(d + u) + u]" in table[3].formula
    assert "[d=2, u=5]" in table[3].formula  # the Bidirectional reads TimeDistributed's 2 features


def test_table_renders_as_text_and_html():
    model = keras.Sequential([keras.Input(shape=(200, 2)), L.SimpleRNN(3), L.Dense(1)])
    table = explain_params(model)
    text, html = str(table), table._repr_html_()
    assert "u·(d + u) + u  [d=2, u=3]" in text and text.splitlines()[-1].split()[-3:] == ["22", "22", "yes"]
    assert html.startswith("<table>") and "<td>simple_rnn" in html


def test_disagreement_is_reported_by_layer():
    table = ParamTable(
        [ParamRow("lstm", "LSTM", "4·[u·(d + u) + u]", 1216, 1216), ParamRow("dense", "Dense", "d·u + u", 16, 17)]
    )
    assert not table.all_agree
    with pytest.raises(AssertionError, match=r"dense \(Dense\): formula 16 != Keras 17"):
        table.assert_agree()
    assert "NO" in str(table)


def test_unbuilt_model_says_how_to_build_it():
    model = keras.Sequential([L.SimpleRNN(3), L.Dense(1)])
    with pytest.raises(ValueError, match=r"0 \(unbuilt\).*keras.Input"):
        explain_params(model)


def test_model_built_with_build_is_fine():
    model = keras.Sequential([L.SimpleRNN(3), L.Dense(1)])
    model.build((None, 200, 2))
    assert explain_params(model).keras_total == 22


def test_not_a_model():
    with pytest.raises(ValueError, match="expects a Keras model, got LSTM"):
        explain_params(L.LSTM(3))


def test_unknown_layer_class_with_weights():
    model = keras.Sequential([keras.Input(shape=(4, 4, 1)), L.Conv2D(2, 3)])
    with pytest.raises(ValueError, match="no formula for layer .* of class Conv2D"):
        explain_params(model)


def test_unknown_cell_asks_for_parameter_formula():
    @keras.saving.register_keras_serializable(package="tests")
    class PlainCell(L.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units, self.state_size = units, units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1] + self.units, self.units))

        def call(self, x, states):
            h = keras.ops.tanh(keras.ops.concatenate([x, states[0]], axis=-1) @ self.w)
            return h, [h]

    model = keras.Sequential([keras.Input(shape=(5, 2)), L.RNN(PlainCell(3))])
    model(np.zeros((1, 5, 2), "float32"))
    with pytest.raises(ValueError, match="parameter_formula"):
        explain_params(model)


@pytest.mark.parametrize("name", ["layer_norm_simple_rnn", "LSTM-f", "MUT2", "SRU"])
def test_the_courses_own_cells_explain_themselves(name):
    """Every cell of the registry (AIEI007 Lecture 10's variants, the layer-normalized cell) has a formula."""
    from course_utils.cells import make_cell

    model = keras.Sequential([keras.Input(shape=(7, 4)), L.RNN(make_cell(name, 4), name="rnn"), L.Dense(1)])
    table = explain_params(model).assert_agree()
    assert table[0].layer_class == "RNN" and table[0].formula.endswith("[d=4, u=4]")


@pytest.mark.parametrize("heads, key_dim, use_bias", [(1, 4, True), (2, 8, True), (3, 5, False)])
def test_self_attention_and_additive_attention_counts(heads, key_dim, use_bias):
    x = keras.Input(shape=(None, 12))
    y = L.MultiHeadAttention(heads, key_dim, use_bias=use_bias, name="mha")(x, x)
    query, key = L.Dense(6, use_bias=False, name="W_s")(y), L.Dense(6, use_bias=False, name="W_h")(y)
    z = L.AdditiveAttention(name="additive")([query, y, key])
    z = L.Attention(name="dot")([z, z])
    table = explain_params(keras.Model(x, z))
    assert table.all_agree and [r.name for r in table] == ["mha", "W_s", "W_h", "additive", "dot"], str(table)
    assert table[0].keras_params == 4 * 12 * heads * key_dim + (3 * heads * key_dim + 12) * use_bias
    assert table[3].formula == "d  [d=6]" and table[4].formula == "0 (no weights)"


def test_cross_attention_with_another_output_size_is_refused():
    q, v = keras.Input(shape=(None, 4)), keras.Input(shape=(None, 6))
    model = keras.Model([q, v], L.MultiHeadAttention(2, 3, output_shape=5, name="cross")(q, v))
    with pytest.raises(ValueError, match="plain self-attention"):
        explain_params(model)
