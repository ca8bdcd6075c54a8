"""Every formula in course_utils.params equals Keras' count_params() on random configurations."""

import random

import pytest

from course_utils import params as P
from course_utils._keras import keras
from course_utils.explain import explain_params

L = keras.layers
rng = random.Random(2024)
SIZES = [(rng.randint(1, 40), rng.randint(1, 40)) for _ in range(12)]


def keras_count(layer, input_shape):
    model = keras.Sequential([keras.Input(shape=input_shape), layer])
    return layer.count_params(), model


@pytest.mark.parametrize("d,u", SIZES)
@pytest.mark.parametrize("use_bias", [True, False])
def test_simple_rnn_and_lstm(d, u, use_bias):
    assert keras_count(L.SimpleRNN(u, use_bias=use_bias), (None, d))[0] == P.simple_rnn_params(d, u, use_bias)
    assert keras_count(L.LSTM(u, use_bias=use_bias), (None, d))[0] == P.lstm_params(d, u, use_bias)


@pytest.mark.parametrize("d,u", SIZES[:8])
@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_both_reset_modes(d, u, use_bias, reset_after):
    layer = L.GRU(u, use_bias=use_bias, reset_after=reset_after)
    assert keras_count(layer, (None, d))[0] == P.gru_params(d, u, use_bias, reset_after)


def test_gru_default_has_two_bias_rows():
    """Keras' default GRU: bias (2, 3u), so 3u(d+u+2) - not the textbook 3u(d+u+1)."""
    d, u = 7, 5
    count, model = keras_count(L.GRU(u), (None, d))
    assert count == 3 * u * (d + u + 2) == P.gru_params(d, u)
    assert tuple(model.layers[0].cell.bias.shape) == (2, 3 * u)
    assert P.gru_params(d, u, reset_after=False) == 3 * u * (d + u + 1)


@pytest.mark.parametrize("d,u", SIZES[:6])
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_and_time_distributed(d, u, use_bias):
    assert keras_count(L.Dense(u, use_bias=use_bias), (d,))[0] == P.dense_params(d, u, use_bias)
    td = L.TimeDistributed(L.Dense(u, use_bias=use_bias))
    assert keras_count(td, (5, d))[0] == P.time_distributed_params(P.dense_params(d, u, use_bias))


@pytest.mark.parametrize("vocab,m", [(200, 32), (1, 1), (5000, 7)])
def test_embedding(vocab, m):
    assert keras_count(L.Embedding(vocab, m), (None,))[0] == P.embedding_params(vocab, m)


@pytest.mark.parametrize("c,f,k", [(1, 1, 1), (2, 16, 5), (9, 4, 3), (3, 8, 7)])
@pytest.mark.parametrize("use_bias", [True, False])
def test_conv1d(c, f, k, use_bias):
    assert keras_count(L.Conv1D(f, k, use_bias=use_bias), (20, c))[0] == P.conv1d_params(c, f, k, use_bias)


@pytest.mark.parametrize("center,scale", [(True, True), (False, True), (True, False)])
def test_layer_normalization(center, scale):
    layer = L.LayerNormalization(center=center, scale=scale)
    assert keras_count(layer, (4, 6))[0] == P.layer_normalization_params(6, center, scale)


@pytest.mark.parametrize("inner", [L.LSTM, L.GRU, L.SimpleRNN])
@pytest.mark.parametrize("merge_mode", ["concat", "sum"])
def test_bidirectional_doubles_whatever_the_merge(inner, merge_mode):
    d, u = 6, 4
    single = keras_count(inner(u), (None, d))[0]
    both = keras_count(L.Bidirectional(inner(u), merge_mode=merge_mode), (None, d))[0]
    assert both == P.bidirectional_params(single) == 2 * single


def test_lecture_summaries_from_formulas_alone():
    """CSCI E-89B Lecture 2's four totals, from the formulas only (no Keras)."""
    assert P.simple_rnn_params(2, 3) + P.dense_params(3, 1) == 22
    assert P.lstm_params(2, 16) + P.dense_params(16, 1) == 1233
    assert P.embedding_params(200, 32) + P.lstm_params(32, 32) + P.dense_params(32, 1) == 14753
    bi = P.bidirectional_params(P.lstm_params(32, 32))
    assert P.embedding_params(200, 32) + bi + P.dense_params(64, 1) == 23105


def test_stacked_random_models_explained_exactly():
    """Random stacks of recurrent layers: explain_params agrees with Keras on every row."""
    for trial in range(4):
        r = random.Random(trial)
        d = r.randint(1, 9)
        layers = [keras.Input(shape=(None, d))]
        depth = r.randint(1, 3)
        for i in range(depth):
            kind = r.choice([L.SimpleRNN, L.LSTM, L.GRU])
            kwargs = {"reset_after": r.random() < 0.5} if kind is L.GRU else {}
            layer = kind(r.randint(1, 12), return_sequences=i < depth - 1, use_bias=r.random() < 0.8, **kwargs)
            layers.append(L.Bidirectional(layer) if r.random() < 0.5 else layer)
        layers.append(L.Dense(r.randint(1, 5)))
        table = explain_params(keras.Sequential(layers))
        assert table.all_agree, str(table)
        assert table.formula_total == table.keras_total


BAD_SIZES = [0, -3, 2.5, "32", None, True]


@pytest.mark.parametrize("bad", BAD_SIZES)
@pytest.mark.parametrize(
    "function",
    [P.dense_params, P.simple_rnn_params, P.lstm_params, P.gru_params, P.embedding_params],
)
def test_bad_sizes_are_refused_with_a_hint(function, bad):
    with pytest.raises(ValueError, match="must be a positive integer"):
        function(bad, 4)
    with pytest.raises(ValueError, match="must be a positive integer"):
        function(4, bad)


def test_bad_flags_and_inner_counts():
    with pytest.raises(ValueError, match="use_bias must be True or False"):
        P.lstm_params(3, 4, use_bias="no")
    with pytest.raises(ValueError, match="reset_after must be True or False"):
        P.gru_params(3, 4, reset_after=None)
    with pytest.raises(ValueError, match="inner_params"):
        P.bidirectional_params(0)
    with pytest.raises(ValueError, match="inner_params"):
        P.time_distributed_params(-1)
    with pytest.raises(ValueError, match="kernel_size"):
        P.conv1d_params(2, 3, 0)


def test_numpy_integers_are_sizes_too():
    np = pytest.importorskip("numpy")
    assert P.lstm_params(np.int64(2), np.int32(16)) == 1216


def test_formula_is_the_one_place_a_formula_is_chosen():
    """Every formula text is reachable through P.formula, and each agrees with its count function."""
    sizes = {"d": 3, "u": 4, "V": 9, "m": 2, "k": 5, "c": 3, "f": 6, "h": 2}
    reached = set()
    for kind, (_, symbols, switches) in P._FAMILIES.items():
        for flags in ({}, *({name: False} for name in switches)):
            text, count = P.formula(kind, **{s: sizes[s] for s in symbols}, **flags)
            key = P._formula_key(kind, **flags)
            assert text == P.bind(P.FORMULAS[key], **{s: sizes[s] for s in symbols})
            reached.add(key)
            assert isinstance(count, int) and count >= 0  # an unscaled AdditiveAttention has no weights
    assert reached == set(P.FORMULAS) - {"bidirectional", "time_distributed"}
    assert P.formula("gru", d=2, u=3, use_bias=False, reset_after=False) == ("3·u·(d + u)  [d=2, u=3]", 45)


def test_formula_refuses_unknown_kinds_and_arguments():
    with pytest.raises(ValueError, match="no parameter formula for 'conv2d'"):
        P.formula("conv2d", d=3)
    with pytest.raises(ValueError, match=r"takes the sizes \('d', 'u'\)"):
        P.formula("lstm", d=3)
    with pytest.raises(ValueError, match="takes the sizes"):
        P.formula("lstm", d=3, u=4, reset_after=False)
    with pytest.raises(ValueError, match="input_dim must be a positive integer"):
        P.formula("mut2", d=0, u=4)


def test_attention_counts_match_keras():
    for heads, key_dim, d in [(1, 1, 1), (2, 8, 16), (4, 3, 7)]:
        layer = keras.layers.MultiHeadAttention(heads, key_dim)
        layer.build((None, 5, d), (None, 5, d))
        assert P.multi_head_attention_params(d, heads, key_dim) == layer.count_params()
    additive = keras.layers.AdditiveAttention()
    additive.build([(None, 3, 9), (None, 4, 9)])
    assert P.additive_attention_params(9) == additive.count_params() == 9
    assert P.additive_attention_params(9, use_scale=False) == 0
    with pytest.raises(ValueError, match="heads"):
        P.multi_head_attention_params(8, 0, 4)
