"""The CRF's forward algorithm and Viterbi equal brute-force enumeration over every tag sequence."""

import itertools
import re

import numpy as np
import pytest
from bad_input import assert_refused

from course_utils import crf
from course_utils._keras import keras

ops = keras.ops


def brute_force(E, A, s, e, length):
    """All K^L sequences of one sentence: log Z, best path, best score, every score."""
    k = E.shape[1]
    scores = {}
    for path in itertools.product(range(k), repeat=length):
        score = s[path[0]] + e[path[-1]] + sum(E[t, y] for t, y in enumerate(path))
        score += sum(A[path[t - 1], path[t]] for t in range(1, length))
        scores[path] = score
    values = np.array(list(scores.values()))
    log_z = values.max() + np.log(np.exp(values - values.max()).sum())
    best = max(scores, key=scores.get)
    return log_z, best, scores[best], scores


def random_case(seed, batch=4, T=5, k=3):
    rng = np.random.default_rng(seed)
    E = rng.normal(size=(batch, T, k)).astype("float32")
    A = rng.normal(size=(k, k)).astype("float32")
    s, e = rng.normal(size=k).astype("float32"), rng.normal(size=k).astype("float32")
    lengths = rng.integers(1, T + 1, size=batch)
    lengths[0] = T
    mask = np.arange(T)[None, :] < lengths[:, None]
    tags = rng.integers(0, k, size=(batch, T))
    return E, A, s, e, mask, lengths, tags


@pytest.mark.parametrize("seed", range(6))
def test_log_partition_score_and_viterbi_equal_enumeration(seed):
    E, A, s, e, mask, lengths, tags = random_case(seed, T=4 + seed % 2, k=2 + seed % 3)
    log_z = ops.convert_to_numpy(crf.log_partition(E, A, mask, s, e))
    score = ops.convert_to_numpy(crf.sequence_score(E, tags, A, mask, s, e))
    best_tags, best_score = (ops.convert_to_numpy(v) for v in crf.viterbi_decode(E, A, mask, s, e, pad_tag=-1))
    for b, length in enumerate(lengths):
        want_z, want_path, want_best, all_scores = brute_force(E[b], A, s, e, length)
        assert log_z[b] == pytest.approx(want_z, abs=1e-4)
        assert score[b] == pytest.approx(all_scores[tuple(tags[b, :length])], abs=1e-4)
        assert tuple(best_tags[b, :length]) == want_path
        assert np.all(best_tags[b, length:] == -1)
        assert best_score[b] == pytest.approx(want_best, abs=1e-4)


def test_probabilities_sum_to_one_and_nll_is_positive():
    E, A, s, e, mask, lengths, tags = random_case(11, batch=1, T=4, k=3)
    log_z = float(ops.convert_to_numpy(crf.log_partition(E, A, None, s, e))[0])
    _, _, _, scores = brute_force(E[0], A, s, e, 4)
    assert sum(np.exp(v - log_z) for v in scores.values()) == pytest.approx(1.0, abs=1e-5)
    nll = ops.convert_to_numpy(crf.negative_log_likelihood(E, tags, A, mask, s, e))
    assert np.all(nll > 0)


def test_transitions_matter():
    """A strongly forbidden transition is never in the Viterbi path (gate-order style check)."""
    E = np.zeros((1, 6, 3), "float32")
    E[0, :, 1] = 1.0  # tag 1 is best everywhere by emissions alone...
    A = np.zeros((3, 3), "float32")
    A[1, 1] = -10.0  # ...but 1 -> 1 is forbidden
    tags, _ = crf.viterbi_decode(E, A)
    path = ops.convert_to_numpy(tags)[0]
    assert all(not (a == 1 and b == 1) for a, b in zip(path[:-1], path[1:]))
    assert list(path).count(1) == 3


def test_padding_does_not_change_results():
    E, A, s, e, _, _, tags = random_case(5, batch=2, T=4)
    padded = np.concatenate([E, np.random.default_rng(0).normal(size=(2, 3, 3)).astype("float32")], axis=1)
    mask = np.concatenate([np.ones((2, 4), bool), np.zeros((2, 3), bool)], axis=1)
    tags_padded = np.concatenate([tags, np.zeros((2, 3), int)], axis=1)
    for f in (crf.log_partition,):
        assert np.allclose(
            ops.convert_to_numpy(f(E, A, None, s, e)), ops.convert_to_numpy(f(padded, A, mask, s, e)), atol=1e-5
        )
    assert np.allclose(
        ops.convert_to_numpy(crf.sequence_score(E, tags, A, None, s, e)),
        ops.convert_to_numpy(crf.sequence_score(padded, tags_padded, A, mask, s, e)),
        atol=1e-5,
    )
    short = ops.convert_to_numpy(crf.viterbi_decode(E, A, None, s, e)[0])
    long = ops.convert_to_numpy(crf.viterbi_decode(padded, A, mask, s, e)[0])
    assert np.array_equal(short, long[:, :4])


def test_single_token_sentences():
    E = np.array([[[0.0, 2.0, 1.0]]], "float32")
    tags, score = crf.viterbi_decode(E, np.zeros((3, 3), "float32"))
    assert ops.convert_to_numpy(tags).tolist() == [[1]] and float(ops.convert_to_numpy(score)[0]) == 2.0
    log_z = float(ops.convert_to_numpy(crf.log_partition(E, np.zeros((3, 3), "float32")))[0])
    assert log_z == pytest.approx(np.log(np.exp(E[0, 0]).sum()), abs=1e-6)


def test_layer_trains_and_gradients_are_finite():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    k, T = 3, 6
    x = rng.normal(size=(32, T, 4)).astype("float32")
    y = (x[..., 0] > 0).astype("int32") + (x[..., 1] > 1).astype("int32")
    y[:, -2:] = -1  # padding
    layer = crf.CRF(k, name="crf")
    inputs = keras.Input(shape=(T, 4))
    model = keras.Model(inputs, layer(keras.layers.Dense(k)(inputs)), name="tiny_crf")
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=layer.loss)
    before = layer.transitions.numpy().copy()
    history = model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < 0.7 * losses[0]
    assert not np.allclose(before, layer.transitions.numpy())
    decoded = layer.decode(model.predict(x, verbose=0), mask=y != -1)
    assert np.all(decoded[:, -2:] == -1)
    assert (decoded[:, :-2] == y[:, :-2]).mean() > 0.8


def test_bad_shapes_give_clear_errors():
    with pytest.raises(ValueError, match=r"emissions must have shape \(batch, T, num_tags\)"):
        crf.log_partition(np.zeros((4, 3), "float32"), np.zeros((3, 3), "float32"))
    with pytest.raises(ValueError, match=r"transitions must have shape \(3, 3\)"):
        crf.viterbi_decode(np.zeros((1, 4, 3), "float32"), np.zeros((2, 2), "float32"))
    with pytest.raises(ValueError, match=r"start must have shape \(3,\)"):
        crf.log_partition(np.zeros((1, 4, 3), "float32"), np.zeros((3, 3), "float32"), start=np.zeros(2))
    with pytest.raises(ValueError, match=r"mask must have shape \(batch, T\)"):
        crf.log_partition(np.zeros((1, 4, 3), "float32"), np.zeros((3, 3), "float32"), mask=np.ones(4, bool))
    with pytest.raises(ValueError, match="Put Dense\\(5\\) before the CRF"):
        crf.CRF(5)(keras.Input(shape=(4, 3)))
    with pytest.raises(ValueError, match="num_tags must be a positive integer"):
        crf.CRF(0)
    with pytest.raises(ValueError, match="ignore_index must be an int outside"):
        crf.CRF(4, ignore_index=2)


def test_layer_after_a_masking_embedding_trains():
    """Embedding(mask_zero=True) passes a (batch, T) mask down; the CRF's (batch,) loss must not take it."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(1)
    k, T = 3, 5
    tokens = rng.integers(1, 6, size=(16, T))
    tokens[:, -2:] = 0  # padding id
    y = np.where(tokens > 0, tokens % k, -1)
    layer = crf.CRF(k, name="crf")
    inputs = keras.Input(shape=(T,), dtype="int32")
    h = keras.layers.Embedding(6, 4, mask_zero=True)(inputs)
    model = keras.Model(inputs, layer(keras.layers.Dense(k)(h)), name="masked_crf")
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=layer.loss)
    loss = model.evaluate(tokens, y, batch_size=16, verbose=0)
    emissions = model.predict(tokens, verbose=0)
    want = ops.convert_to_numpy(
        crf.negative_log_likelihood(emissions, np.maximum(y, 0), layer.transitions, y != -1, layer.start, layer.end)
    ).mean()
    assert loss == pytest.approx(float(want), rel=1e-5)
    history = model.fit(tokens, y, epochs=10, batch_size=16, verbose=0)
    assert np.isfinite(history.history["loss"]).all() and history.history["loss"][-1] < history.history["loss"][0]


E3, A3, TAGS3 = np.zeros((1, 4, 3), "float32"), np.zeros((3, 3), "float32"), np.zeros((1, 4), "int32")
NAN_E3 = np.where(np.arange(3) == 1, np.nan, E3).astype("float32")
BAD_CALLS = [  # (what is wrong, call, the argument the message must name, what it must say)
    ("tag id too large", lambda: crf.sequence_score(E3, [[0, 1, 7, 0]], A3), "tags", "in 0..2 for 3 tags"),
    ("negative tag id", lambda: crf.sequence_score(E3, [[0, -1, 0, 0]], A3), "tags", "in 0..2 for 3 tags"),
    ("tags too short", lambda: crf.sequence_score(E3, [[0, 1, 2]], A3), "tags", "(batch, T) = (1, 4)"),
    ("tags not ids", lambda: crf.sequence_score(E3, [[0, 0.5, 1, 1]], A3), "tags", "non-integer value 0.5"),
    ("NaN emissions, NLL", lambda: crf.negative_log_likelihood(NAN_E3, TAGS3, A3), "emissions", "NaN or infinite"),
    ("NaN emissions, Viterbi", lambda: crf.viterbi_decode(NAN_E3, A3), "emissions", "NaN or infinite"),
    ("inf transitions", lambda: crf.log_partition(E3, np.full((3, 3), np.inf)), "transitions", "NaN or infinite"),
    ("NaN start", lambda: crf.log_partition(E3, A3, start=[np.nan, 0, 0]), "start", "NaN or infinite"),
    ("NaN end", lambda: crf.sequence_score(E3, TAGS3, A3, end=[0, 0, np.nan]), "end", "NaN or infinite"),
    ("padding first", lambda: crf.log_partition(E3, A3, [[0, 1, 1, 1]]), "mask", "sentence 0 is 0111"),
    ("padding between", lambda: crf.viterbi_decode(E3, A3, [[1, 0, 1, 0]]), "mask", "sentence 0 is 1010"),
    ("mask too short", lambda: crf.log_partition(E3, A3, [[1, 1, 1]]), "mask", "(batch, T) = (1, 4)"),
    ("no time steps", lambda: crf.log_partition(np.zeros((1, 0, 3)), A3), "emissions", "at least one time step"),
    ("pad_tag not an int", lambda: crf.viterbi_decode(E3, A3, pad_tag=0.5), "pad_tag", "must be an int"),
]


@pytest.mark.parametrize(("call", "name", "what"), [case[1:] for case in BAD_CALLS], ids=[c[0] for c in BAD_CALLS])
def test_bad_input_is_refused_naming_the_argument(call, name, what):
    assert_refused(call, name, what)


def test_value_checks_wait_for_values_inside_a_compiled_step():
    """In tf.function / jax.jit the values do not exist yet: shapes are still checked, the CRF still computes."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        compile_ = tf.function
    elif keras.backend.backend() == "jax":
        import jax

        compile_ = jax.jit
    else:
        pytest.skip("compiles with tf.function or jax.jit")
    E, A, s, e, mask, _, tags = random_case(2)
    eager = ops.convert_to_numpy(crf.negative_log_likelihood(E, tags, A, mask, s, e))
    compiled = compile_(lambda E, tags, mask: crf.negative_log_likelihood(E, tags, A, mask, s, e))
    assert np.allclose(ops.convert_to_numpy(compiled(E, tags, mask)), eager, atol=1e-5)
    with pytest.raises(ValueError, match=re.escape("tags must have shape (batch, T) = (4, 5)")):
        compiled(E, tags[:, :3], mask)


def test_integer_emissions_are_scores_too():
    want = ops.convert_to_numpy(crf.log_partition(np.ones((1, 2, 3), "float32"), A3))
    assert np.allclose(ops.convert_to_numpy(crf.log_partition(np.ones((1, 2, 3), "int32"), A3)), want)
