"""NumPy BPTT: gradient checks for every cell, a checker that catches wrong gradients, and Keras' tape agrees."""

import numpy as np
import pytest

from course_utils.gradcheck import gradient_check, numerical_gradient, relative_error
from course_utils.numpy_gated import rnn_bptt, rnn_loss, step_backward, step_forward, zero_state
from course_utils.numpy_rnn import param_shapes, random_params, simple_rnn_bptt, simple_rnn_loss

NAMES = ("W_x", "W_h", "b", "W_y", "b_y")
CASES = [  # (cell, activation, reset_after)
    ("simple_rnn", "tanh", True),
    ("simple_rnn", "relu", True),
    ("simple_rnn", "linear", True),
    ("lstm", "tanh", True),
    ("gru", "tanh", True),
    ("gru", "tanh", False),
]
IDS = [f"{c}-{a}" if c == "simple_rnn" else f"{c}-reset_after={r}" for c, a, r in CASES]


def problem(cell, reset_after=True, N=2, T=5, d=3, u=4, V=5, seed=0):
    rng = np.random.default_rng(seed)
    params = random_params(cell, d, u, V, seed=seed + 1, reset_after=reset_after)
    return params, rng.normal(size=(N, T, d)), rng.integers(0, V, size=(N, T))


@pytest.mark.parametrize("cell,activation,reset_after", CASES, ids=IDS)
def test_gradient_check_passes_for_every_parameter(cell, activation, reset_after):
    params, x, y = problem(cell, reset_after)
    result = rnn_bptt(params, x, y, cell, activation, reset_after=reset_after)
    assert result.loss == pytest.approx(rnn_loss(params, x, y, cell, activation, reset_after=reset_after), abs=1e-12)
    check = gradient_check(lambda p: rnn_loss(p, x, y, cell, activation, reset_after=reset_after), params, result.grads)
    assert [row.name for row in check] == list(NAMES)
    assert check.passed and check.worst < 1e-6, str(check)
    assert result.dJ_dh.shape == (2, 5, 4)


@pytest.mark.parametrize("cell,activation,reset_after", CASES, ids=IDS)
def test_every_cells_step_pair_behind_the_dispatcher_gives_bptts_gradients(cell, activation, reset_after):
    """BPTT written once, with step_forward/step_backward only, equals rnn_bptt (simple_rnn_bptt for the SimpleRNN).

    The recurrent weights' gradients are compared; the read-out's are the same code in both.
    """
    params, x, y = problem(cell, reset_after)
    W_x, W_h, b, W_y = params["W_x"], params["W_h"], params["b"], params["W_y"]
    N, T, _ = x.shape
    state, caches, zs = zero_state(cell, N, 4), [], []
    for t in range(T):
        state, cache = step_forward(cell, x[:, t], state, W_x, W_h, b, activation, reset_after)
        caches.append(cache), zs.append(state[0] @ W_y + params["b_y"])
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    d_next = zero_state(cell, N, 4)
    for t in reversed(range(T)):
        dz = np.exp(zs[t] - zs[t].max(-1, keepdims=True))
        dz /= dz.sum(-1, keepdims=True)
        dz[np.arange(N), y[:, t]] -= 1.0
        dz /= N * T  # J = 1/T Σ_t J_t, averaged over the batch
        d_next = step_backward(cell, (dz @ W_y.T + d_next[0], *d_next[1:]), caches[t], W_h, grads)
    expected = rnn_bptt(params, x, y, cell, activation, reset_after=reset_after).grads
    for name in ("W_x", "W_h", "b"):
        np.testing.assert_allclose(grads[name], expected[name], rtol=1e-12, atol=1e-15, err_msg=name)


def _off_by_one_W_h(params, x, y):
    """BPTT with the classic bug: ∂J/∂W_h|_(t) = h_tᵀ ∂J/∂a_t instead of h_{t-1}ᵀ ∂J/∂a_t."""
    r = simple_rnn_bptt(params, x, y)
    delta = r.contributions["b"]  # ∂J/∂a_t for a single sequence, (T, u)
    return {**r.grads, "W_h": sum(np.outer(r.states[t], delta[t]) for t in range(len(delta)))}


def _truncated_to_one_step(params, x, y):
    """BPTT that forgets the gradient arriving from h_{t+1}: only each step's own read-out."""
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    T = len(y)
    for t in range(T):
        weights = np.zeros(T)
        weights[t] = 1.0 / T
        r = simple_rnn_bptt(params, x, y, step_weights=weights)
        for k in ("W_y", "b_y"):
            grads[k] += r.grads[k]
        for k in ("W_x", "W_h", "b"):
            grads[k] += r.contributions[k][t]  # keep only the copy used at step t itself
    return grads


@pytest.mark.parametrize("buggy,wrong", [(_off_by_one_W_h, {"W_h"}), (_truncated_to_one_step, {"W_x", "W_h", "b"})])
def test_checker_catches_wrong_bptt(buggy, wrong):
    params, x, y = problem("simple_rnn", N=1, T=6)
    x, y = x[0], y[0]
    check = gradient_check(lambda p: simple_rnn_loss(p, x, y), params, buggy(params, x, y))
    assert not check.passed
    assert {row.name for row in check if not row.passed} == wrong
    assert min(row.relative_error for row in check if not row.passed) > 1e-3
    with pytest.raises(AssertionError, match="gradient check failed.*W_h"):
        check.assert_passed()


def test_repeated_weight_gradient_is_sum_over_its_uses_and_causal():
    params, x, y = problem("simple_rnn", N=1, T=6)
    x, y = x[0], y[0]
    full = simple_rnn_bptt(params, x, y)
    for name in NAMES:
        assert np.allclose(full.contributions[name].sum(axis=0), full.grads[name], atol=1e-14)
    per_step_total = np.zeros_like(params["W_h"])
    for t in range(6):  # ∂J_t/∂W_h: the copies used after step t contribute exactly nothing
        one = simple_rnn_bptt(params, x, y, step_weights=np.eye(6)[t])
        assert np.all(one.contributions["W_h"][t + 1 :] == 0)
        assert np.all(one.contributions["W_h"][0] == 0)  # the first copy multiplies h_0 = 0
        assert all(np.abs(c).sum() > 0 for c in one.contributions["W_h"][1 : t + 1])
        per_step_total += one.grads["W_h"] / 6
    assert np.allclose(per_step_total, full.grads["W_h"], atol=1e-14)  # J = 1/T Σ J_t


def test_single_sequence_equals_batch_of_one_and_batch_mean():
    params, x, y = problem("simple_rnn", N=3)
    batch = simple_rnn_bptt(params, x, y)
    singles = [simple_rnn_bptt(params, x[i], y[i]) for i in range(3)]
    assert batch.loss == pytest.approx(np.mean([s.loss for s in singles]), abs=1e-12)
    assert np.allclose(batch.grads["W_h"], np.mean([s.grads["W_h"] for s in singles], axis=0), atol=1e-14)
    assert singles[0].dJ_dh.shape == (5, 4) and singles[0].states.shape == (5, 4)


@pytest.mark.parametrize("cell,activation,reset_after", [c for c in CASES if c[1] != "linear"],
                         ids=[i for i, c in zip(IDS, CASES) if c[1] != "linear"])  # fmt: skip
def test_numpy_gradients_equal_gradient_tape_of_course_cells(cell, activation, reset_after):
    tf = pytest.importorskip("tensorflow")
    from course_utils._keras import keras
    from course_utils.cells import GRUCell, LSTMCell, SimpleRNNCell

    params, x, y = problem(cell, reset_after, N=2, T=4, d=2, u=3, V=4)
    if cell == "simple_rnn":
        core = SimpleRNNCell(3, activation=activation, dtype="float64")
    elif cell == "lstm":
        core = LSTMCell(3, dtype="float64")
    else:
        core = GRUCell(3, reset_after=reset_after, dtype="float64")
    model = keras.Sequential([
        keras.Input((4, 2), dtype="float64"),
        keras.layers.RNN(core, return_sequences=True, dtype="float64"),
        keras.layers.Dense(4, dtype="float64"),  # logits z_t = h_t W_y + b_y
    ])  # fmt: skip
    model.set_weights([params[k] for k in NAMES])
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")  # mean over N and T
    with tf.GradientTape() as tape:
        J = loss_fn(y, model(x))
    tape_grads = tape.gradient(J, model.trainable_variables)
    ours = rnn_bptt(params, x, y, cell, activation, reset_after=reset_after)
    assert float(J) == pytest.approx(ours.loss, abs=1e-12)
    for name, g in zip(NAMES, tape_grads):
        assert np.abs(np.asarray(g) - ours.grads[name]).max() < 1e-12, name


def test_numerical_gradient_and_relative_error():
    params = {"w": np.array([[1.0, 2.0]]), "c": np.array([0.5])}
    grads = numerical_gradient(lambda p: float((p["w"] ** 3).sum() + 2 * p["c"][0]), params)
    assert np.allclose(grads["w"], 3 * params["w"] ** 2) and np.allclose(grads["c"], [2.0])
    assert params["w"].tolist() == [[1.0, 2.0]]  # restored
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.ones(2), -np.ones(2)) == 1.0


def test_param_shapes_follow_keras_layout():
    assert param_shapes("simple_rnn", 2, 3, 4) == {"W_x": (2, 3), "W_h": (3, 3), "b": (3,), "W_y": (3, 4), "b_y": (4,)}
    assert param_shapes("gru", 2, 3, 4)["b"] == (2, 9)
    assert param_shapes("gru", 2, 3, 4, reset_after=False)["b"] == (9,)


def test_bad_input_is_refused_with_clear_messages():
    params, x, y = problem("simple_rnn")
    with pytest.raises(ValueError, match="cell must be one of"):
        param_shapes("transformer", 2, 3, 4)
    with pytest.raises(ValueError, match="must have shapes"):
        rnn_bptt(params, x, y, cell="lstm")
    with pytest.raises(ValueError, match="y must be integer class ids of shape"):
        simple_rnn_bptt(params, x, y.astype(float))
    with pytest.raises(ValueError, match=r"class ids in \[0, 5\)"):
        simple_rnn_bptt(params, x, y + 5)
    with pytest.raises(ValueError, match="step_weights must be 5 non-negative"):
        simple_rnn_bptt(params, x, y, step_weights=np.ones(4))
    with pytest.raises(ValueError, match="x must be"):
        simple_rnn_bptt(params, x[0, 0], y)
    with pytest.raises(ValueError, match="activation must be one of"):
        simple_rnn_bptt(params, x, y, activation="sigmoid")
    with pytest.raises(ValueError, match="params must be a dict"):
        simple_rnn_bptt([1, 2], x, y)
    with pytest.raises(ValueError, match="scale must be a positive number"):
        random_params("lstm", 2, 3, 4, scale=0)
    with pytest.raises(ValueError, match=r"eps must be a number in \(0, 1\)"):
        numerical_gradient(lambda p: 0.0, params, eps=0)
    with pytest.raises(ValueError, match="loss_fn must be a function"):
        numerical_gradient(None, params)
    with pytest.raises(ValueError, match="same keys as params"):
        gradient_check(lambda p: 0.0, params, {"W_x": params["W_x"]})
    with pytest.raises(ValueError, match="has shape"):
        gradient_check(lambda p: 0.0, params, {**params, "b": np.zeros(7)})
    with pytest.raises(ValueError, match="float array"):
        numerical_gradient(lambda p: 0.0, {"n": np.arange(3)})
