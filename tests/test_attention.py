"""course_utils.attention: the NumPy equations equal Keras' layers, and the models compute them."""

import numpy as np
import pytest

from course_utils import attention as A
from course_utils._keras import keras

L = keras.layers


def numpy_of(x):
    return keras.ops.convert_to_numpy(x)


@pytest.mark.parametrize("seed", range(3))
def test_dot_scores_equal_keras_attention(seed):
    rng = np.random.default_rng(seed)
    S, H = rng.normal(size=(2, 4, 5)).astype("float32"), rng.normal(size=(2, 6, 5)).astype("float32")
    context, weights = L.Attention()([S, H], return_attention_scores=True)
    for b in range(2):
        c, alpha = A.attend(S[b], H[b])
        assert np.allclose(alpha, numpy_of(weights)[b], atol=1e-5)
        assert np.allclose(c, numpy_of(context)[b], atol=1e-5)
        assert np.allclose(alpha.sum(axis=1), 1.0)


@pytest.mark.parametrize("seed", range(3))
def test_additive_scores_equal_dense_projections_and_keras_additive_attention(seed):
    rng = np.random.default_rng(seed)
    S, H = rng.normal(size=(2, 3, 4)).astype("float32"), rng.normal(size=(2, 5, 4)).astype("float32")
    keras.utils.set_random_seed(seed)
    W_s, W_h = L.Dense(6, use_bias=False), L.Dense(6, use_bias=False)
    layer = L.AdditiveAttention()
    values = L.Dense(6)(H)  # values need the projections' width in Keras; the maths does not care
    context, weights = layer([W_s(S), values, W_h(H)], return_attention_scores=True)
    v = numpy_of(layer.scale)
    for b in range(2):
        c, alpha = A.attend(S[b], H[b], numpy_of(values)[b], "additive", numpy_of(W_s.kernel), numpy_of(W_h.kernel), v)
        assert np.allclose(alpha, numpy_of(weights)[b], atol=1e-5)
        assert np.allclose(c, numpy_of(context)[b], atol=1e-5)


def test_attend_doctest_numbers_by_hand():
    H = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    _, alpha = A.attend(np.array([[2.0, 0.0]]), H)
    e = np.array([2.0, 0.0, 2.0])
    assert np.allclose(alpha[0], np.exp(e) / np.exp(e).sum())


def test_attend_refuses_bad_input():
    H = np.zeros((3, 2))
    with pytest.raises(ValueError, match="one size"):
        A.attend(np.zeros((1, 3)), H)
    with pytest.raises(ValueError, match="needs W_s"):
        A.attend(np.zeros((1, 2)), H, score="additive")
    with pytest.raises(ValueError, match="'dot' or 'additive'"):
        A.attend(np.zeros((1, 2)), H, score="cosine")
    with pytest.raises(ValueError, match="2-D"):
        A.attend(np.zeros(2), H)
    with pytest.raises(ValueError, match=r"W_s \(u, a\)"):
        A.attend(np.zeros((1, 2)), H, score="additive", W_s=np.zeros((2, 3)), W_h=np.zeros((2, 4)), v=np.zeros(3))


@pytest.mark.parametrize("kind", ["dot", "additive"])
def test_reverser_computes_the_lecture_equations(kind):
    """Rebuild the model's logits from its encoder and decoder states with attend() and its weights."""
    keras.utils.set_random_seed(5)
    model = A.build_reverser(kind, units=8, embedding_dim=4)
    x = np.random.default_rng(1).integers(0, 10, size=(3, 5)).astype(np.int32)
    feed = A.decoder_inputs(x[:, ::-1].copy())
    states = keras.Model(model.inputs, [model.get_layer("encoder").output[0], model.get_layer("decoder").output])
    H, S = (numpy_of(t) for t in states([x, feed]))
    alpha_keras = A.attention_weights(model, x, feed)
    W_c, b_c = model.get_layer("W_c").get_weights()
    W_y, b_y = model.get_layer("W_y").get_weights()
    extra = {}
    if kind == "additive":
        extra = dict(
            W_s=model.get_layer("W_s").get_weights()[0],
            W_h=model.get_layer("W_h").get_weights()[0],
            v=model.get_layer("attention").get_weights()[0],
        )
    logits = numpy_of(model([x, feed]))
    for b in range(3):
        c, alpha = A.attend(S[b], H[b], score=kind, **extra)
        assert np.allclose(alpha, alpha_keras[b], atol=1e-5)
        expected = np.tanh(np.concatenate([S[b], c], axis=1) @ W_c + b_c) @ W_y + b_y
        assert np.allclose(expected, logits[b], atol=1e-4)


def test_reverser_without_attention_reads_only_the_decoder_state():
    keras.utils.set_random_seed(6)
    model = A.build_reverser("none", units=8, embedding_dim=4)
    assert {layer.name for layer in model.layers}.isdisjoint({"attention", "W_s", "W_h", "state_and_context"})
    x = np.random.default_rng(2).integers(0, 10, size=(2, 4)).astype(np.int32)
    with pytest.raises(ValueError, match="no layer named 'attention'"):
        A.attention_weights(model, x, A.decoder_inputs(x))
    assert numpy_of(model([x, A.decoder_inputs(x)])).shape == (2, 4, 10)
    with pytest.raises(ValueError, match="attention must be one of"):
        A.build_reverser("luong")


def test_any_length_in_and_out():
    keras.utils.set_random_seed(7)
    model = A.build_reverser("dot", units=8, embedding_dim=4)
    x = np.random.default_rng(3).integers(0, 10, size=(2, 7)).astype(np.int32)
    feed = np.full((2, 3), A.START, dtype=np.int32)
    assert numpy_of(model([x, feed])).shape == (2, 3, 10)
    alpha = A.attention_weights(model, x, feed)
    assert alpha.shape == (2, 3, 7) and np.allclose(alpha.sum(axis=2), 1.0, atol=1e-5)


def test_reversal_by_length_is_notebook_06_task_at_each_length():
    data = A.reversal_by_length((5, 3), n_samples=20, seed=1)
    assert list(data) == [3, 5]
    for n, splits in data.items():
        x, y = splits["train"]
        assert x.shape == (14, n) and np.array_equal(y, x[:, ::-1])
        assert np.array_equal(x, A.make_digit_reversal(20, n, 1 + n, 0.1, 0.2)["train"][0])
    with pytest.raises(ValueError, match="distinct"):
        A.reversal_by_length((3, 3))
    with pytest.raises(ValueError, match="positive integer"):
        A.reversal_by_length((0, 3))


class Recorder:
    """Stands in for a compiled model: records what train_on_batch receives."""

    def __init__(self):
        self.calls = []

    def train_on_batch(self, inputs, targets):
        self.calls.append((inputs, targets))
        return float(len(self.calls))


def test_training_by_length_visits_every_batch_once_per_epoch_teacher_forced():
    data = A.reversal_by_length((2, 3), n_samples=100, seed=0)  # 70 training strings per length
    recorder = Recorder()
    losses = A.train_by_length(recorder, data, epochs=2, batch_size=32, seed=4)
    assert len(recorder.calls) == 2 * 2 * 3 and losses == [3.5, 9.5]  # 3 batches (32, 32, 6) per length
    for (x, feed), y in recorder.calls:
        assert x.shape == y.shape and np.array_equal(y, x[:, ::-1]) and np.array_equal(feed, A.decoder_inputs(y))
    epoch = recorder.calls[:6]
    seen = sorted((x.shape[1], x[0].tobytes()) for (x, _), _ in epoch)
    assert len(set(seen)) == 6 and sum(len(y) for _, y in epoch) == 140
    orders = [[x.shape[1] for (x, _), _ in recorder.calls[k : k + 6]] for k in (0, 6)]
    assert orders[0] != orders[1] or orders[0] != sorted(orders[0]), "lengths are shuffled together, anew each epoch"
    again = Recorder()
    A.train_by_length(again, data, epochs=2, batch_size=32, seed=4)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(recorder.calls, again.calls)), "seeded"


def test_accuracy_by_length_counts_exact_strings():
    data = A.reversal_by_length((2, 3), n_samples=50, seed=0)

    def perfect(inputs, training=False):  # reads the answer off the encoder input
        return np.eye(10)[inputs[0][:, ::-1]]

    def first_digit_wrong(inputs, training=False):
        scores = np.eye(10)[inputs[0][:, ::-1]]
        scores[:, 0] = np.roll(scores[:, 0], 1, axis=-1)
        return scores

    scores = A.accuracy_by_length(perfect, data)
    assert {n: s["sequence"] for n, s in scores.items()} == {2: 1.0, 3: 1.0}
    wrong = A.accuracy_by_length(first_digit_wrong, data)
    assert wrong[3]["sequence"] == 0.0 and wrong[3]["token"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="split must be one of"):
        A.accuracy_by_length(perfect, data, split="dev")
    with pytest.raises(ValueError, match="dict"):
        A.train_by_length(Recorder(), [], epochs=1)


def test_alignment_share_counts_the_mirrored_peak():
    T = 4
    mirror = np.eye(T)[::-1][None]
    shifted = np.roll(np.eye(T)[::-1], 1, axis=1)[None]  # one position later: h_{i+1}
    assert A.alignment_share(mirror) == 1.0 and A.alignment_share(shifted) == 0.0
    assert A.alignment_share(shifted, offset=1) == 0.75  # the last step has no later position
    with pytest.raises(ValueError, match="reversal"):
        A.alignment_share(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match="offset"):
        A.alignment_share(mirror, offset=0.5)
