"""course_utils.beam_search: width 1 is greedy, width V^T is exhaustive, scores are log p(y | x)."""

import numpy as np
import pytest

from course_utils import beam_search as B
from course_utils._keras import keras
from course_utils.attention import START, build_reverser, greedy_decode


def random_markov(seed, V):
    rng = np.random.default_rng(seed)
    first = rng.dirichlet(np.ones(V))
    transition = rng.dirichlet(np.ones(V), size=V)
    return B.markov_log_probs(first, transition), first, transition


def history_model(seed, V, n_sources):
    """A model whose next token depends on the source and on the whole prefix (a random hash)."""
    rng = np.random.default_rng(seed)
    salt = rng.integers(1, 2**31, size=8)

    def next_log_probs(rows, prefixes):
        out = np.empty((len(rows), V))
        for r, (row, prefix) in enumerate(zip(rows, np.asarray(prefixes))):
            key = int(row) * 1_000_003 + sum(int(s) * (int(t) + 1) for s, t in zip(salt, prefix))
            logits = np.random.default_rng(key).normal(scale=2.0, size=V)
            out[r] = logits - np.log(np.exp(logits).sum())
        return out

    return next_log_probs


@pytest.fixture(scope="module")
def tiny_keras():
    keras.utils.set_random_seed(3)
    model = build_reverser("dot", units=6, embedding_dim=4, name="tiny")
    x = np.random.default_rng(0).integers(0, 10, size=(5, 3)).astype(np.int32)
    return model, x


@pytest.mark.parametrize("seed", range(5))
def test_width_one_is_greedy_on_markov_tables(seed):
    model, first, transition = random_markov(seed, V=4)
    sequences, scores = B.beam_search(model, n_sources=1, length=5, width=1)
    expected = [int(first.argmax())]
    for _ in range(4):
        expected.append(int(transition[expected[-1]].argmax()))
    assert sequences[0, 0].tolist() == expected
    assert scores[0, 0] == pytest.approx(B.sequence_log_prob(model, sequences[:, 0])[0])


def test_width_one_equals_course_greedy_decoding_on_a_keras_model(tiny_keras):
    model, x = tiny_keras
    log_probs = B.keras_log_probs(model, x, length=3, start=START)
    beams, _ = B.beam_search(log_probs, len(x), length=3, width=1)
    assert np.array_equal(beams[:, 0], greedy_decode(model, x, 3))


@pytest.mark.parametrize("seed, V, T", [(0, 2, 5), (1, 3, 4), (2, 4, 3), (3, 5, 2)])
def test_width_v_to_the_t_is_exhaustive_search(seed, V, T):
    model = history_model(seed, V, n_sources=3)
    best, best_log_p = B.exhaustive_search(model, n_sources=3, length=T, vocabulary_size=V)
    beams, scores = B.beam_search(model, n_sources=3, length=T, width=V**T)
    assert beams.shape == (3, V**T, T)
    assert np.array_equal(beams[:, 0], best) and np.allclose(scores[:, 0], best_log_p)
    # every sequence appears exactly once, and the scores are the sequences' probabilities
    assert all(len({tuple(s) for s in beams[i]}) == V**T for i in range(3))
    assert np.allclose(np.exp(scores).sum(axis=1), 1.0)


def test_exhaustive_width_on_a_keras_model_finds_the_exact_best(tiny_keras):
    model, x = tiny_keras
    log_probs = B.keras_log_probs(model, x[:, :2], length=2, start=START)
    best, best_log_p = B.exhaustive_search(log_probs, len(x), length=2, vocabulary_size=10)
    beams, scores = B.beam_search(log_probs, len(x), length=2, width=100)
    assert np.array_equal(beams[:, 0], best) and np.allclose(scores[:, 0], best_log_p, atol=1e-9)


def test_scores_are_sorted_and_are_the_sequences_log_probabilities():
    model = history_model(7, V=4, n_sources=2)
    beams, scores = B.beam_search(model, n_sources=2, length=4, width=3)
    assert beams.dtype == np.int32 and beams.shape == (2, 3, 4)
    assert np.all(np.diff(scores, axis=1) <= 0)
    for k in range(3):
        assert np.allclose(scores[:, k], B.sequence_log_prob(model, beams[:, k]))


def test_width_two_escapes_the_greedy_trap():
    first = np.array([0.6, 0.4])
    after = np.array([[0.5, 0.5], [0.95, 0.05]])  # 'b' is less likely first, but then almost certain
    model = B.markov_log_probs(first, after)
    greedy, greedy_score = B.beam_search(model, 1, 2, width=1)
    beam, beam_score = B.beam_search(model, 1, 2, width=2)
    assert greedy[0, 0].tolist() == [0, 0] and np.exp(greedy_score[0, 0]) == pytest.approx(0.30)
    assert beam[0, 0].tolist() == [1, 0] and np.exp(beam_score[0, 0]) == pytest.approx(0.38)


def test_beam_step_by_hand():
    prefixes = np.array([[[0], [1]]])
    scores = np.log([[0.6, 0.4]])
    log_probs = np.log([[[0.5, 0.5], [0.95, 0.05]]])
    new, new_scores = B.beam_step(prefixes, scores, log_probs, width=3)
    assert new.tolist() == [[[1, 0], [0, 0], [0, 1]]]  # 0.38, then the 0.30 tie in token order
    assert np.exp(new_scores).round(2).tolist() == [[0.38, 0.3, 0.3]]


def test_keras_log_probs_match_the_model_softmax(tiny_keras):
    model, x = tiny_keras
    log_probs = B.keras_log_probs(model, x, length=3, start=START)
    feed = np.array([[START, 4, 0]] * len(x), dtype=np.int32)
    expected = keras.ops.convert_to_numpy(keras.ops.log_softmax(model([x, feed]), axis=-1))[:, 1]
    got = log_probs(np.arange(len(x)), np.full((len(x), 1), 4))
    assert np.allclose(got, expected, atol=1e-5)
    softmax_model = keras.Model(model.inputs, keras.layers.Softmax()(model.output))
    from_probs = B.keras_log_probs(softmax_model, x, length=3, start=START, from_logits=False)
    assert np.allclose(from_probs(np.arange(len(x)), np.full((len(x), 1), 4)), expected, atol=1e-5)
    with pytest.raises(ValueError, match="no next one"):
        log_probs(np.arange(len(x)), np.zeros((len(x), 3), int))


def test_one_call_scoring_equals_step_by_step_scoring(tiny_keras):
    model, x = tiny_keras
    y = np.random.default_rng(4).integers(0, 10, size=x.shape).astype(np.int32)
    step_by_step = B.sequence_log_prob(B.keras_log_probs(model, x, length=3, start=START), y)
    assert np.allclose(B.keras_sequence_log_prob(model, x, y, start=START), step_by_step, atol=1e-6)
    beams, scores = B.beam_search(B.keras_log_probs(model, x, length=3, start=START), len(x), 3, width=2)
    assert np.allclose(B.keras_sequence_log_prob(model, x, beams[:, 1], start=START), scores[:, 1], atol=1e-6)
    with pytest.raises(ValueError, match="one per source"):
        B.keras_sequence_log_prob(model, x, y[:2], start=START)
    with pytest.raises(ValueError, match="outside"):
        B.keras_sequence_log_prob(model, x, y + 10, start=START)


def test_bad_inputs_are_refused_with_a_hint():
    model, _, _ = random_markov(0, V=3)
    with pytest.raises(ValueError, match="width must be a positive integer"):
        B.beam_search(model, 1, 3, width=0)
    with pytest.raises(ValueError, match="log-softmax"):
        B.beam_search(lambda rows, p: np.full((len(rows), 4), -1.0), 1, 2, width=2)
    with pytest.raises(ValueError, match="shape"):
        B.beam_search(lambda rows, p: np.zeros((1, 3)), 2, 2, width=2)
    with pytest.raises(ValueError, match="log-probabilities"):
        B.beam_search(lambda rows, p: np.full((len(rows), 2), 0.5), 1, 2, width=2)  # probabilities, not logs
    with pytest.raises(ValueError, match="too many"):
        B.exhaustive_search(model, 1, 12, vocabulary_size=3)
    with pytest.raises(ValueError, match="outside"):
        B.sequence_log_prob(model, np.array([[0, 5]]))
    with pytest.raises(ValueError, match="2-D integer"):
        B.sequence_log_prob(model, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="sum to 1"):
        B.markov_log_probs([0.5, 0.6], [[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="transition"):
        B.markov_log_probs([0.5, 0.5], [[1.0, 0.0]])
    with pytest.raises(ValueError, match="prefixes"):
        B.beam_step(np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((1, 2, 3)), width=2)
    with pytest.raises(ValueError, match="encoder_inputs"):
        B.keras_log_probs(None, np.zeros(3), length=2, start=10)
