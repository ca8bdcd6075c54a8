"""Gradient-norm measurements, clipping against Keras, and the layer-normalized cell."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils._keras import keras  # noqa: E402
from course_utils.cells import LayerNormSimpleRNNCell  # noqa: E402
from course_utils.clipping import clip_by_norm_lecture, compare_clipping, cosine, global_norm, keras_clipped  # noqa: E402
from course_utils.gradients import (  # noqa: E402
    gradient_norms,
    hidden_gradient_norms,
    numpy_params,
    plot_gradient_norms,
    scaled_orthogonal,
    simple_rnn_gradient_norms,
    tape_hidden_gradient_norms,
)


@pytest.mark.parametrize("rho", [0.7, 1.0, 1.3])
def test_linear_rnn_gradient_is_exactly_rho_to_the_k_and_tanh_never_more(rho):
    linear = simple_rnn_gradient_norms(60, rho, activation="linear")
    assert np.allclose(linear, rho ** np.arange(60), rtol=1e-9)
    tanh = simple_rnn_gradient_norms(60, rho, activation="tanh")
    assert np.all(tanh <= linear * (1 + 1e-12))  # φ' = 1 − h² ≤ 1 at every step


def test_spectral_radius_moves_tanh_rnn_from_vanishing_to_exploding():
    assert simple_rnn_gradient_norms(100, 0.8)[-1] < 1e-6
    assert simple_rnn_gradient_norms(100, 2.0)[-1] > 1e3


def test_scaled_orthogonal_is_seeded():
    assert np.array_equal(scaled_orthogonal(5, 1.2, seed=3), scaled_orthogonal(5, 1.2, seed=3))
    assert np.allclose(np.linalg.svd(scaled_orthogonal(5, 1.2, seed=3), compute_uv=False), 1.2)


def test_plot_gradient_norms_draws_two_log_curves_headless():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    curves = plot_gradient_norms(30, 0.9, ax=ax, show=False)
    assert set(curves) == {"linear", "tanh"} and len(curves["tanh"]) == 30
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 3
    plt.close(fig)


@pytest.mark.parametrize("layer,options,loss", [
    ("SimpleRNN", {}, "crossentropy"), ("SimpleRNN", {"activation": "relu"}, "mse"), ("LSTM", {}, "crossentropy"),
    ("LSTM", {}, "mse"), ("GRU", {}, "crossentropy"), ("GRU", {"reset_after": False}, "mse"),
])  # fmt: skip
def test_numpy_and_gradient_tape_measure_the_same_norms(layer, options, loss):
    keras.utils.set_random_seed(0)
    rnn = getattr(keras.layers, layer)(4, name="rnn", **options)
    head = keras.layers.Dense(3, activation="softmax") if loss == "crossentropy" else keras.layers.Dense(1)
    keras.Sequential([keras.Input((12, 2)), rnn, head])
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 12, 2)).astype("float32")
    y = rng.integers(0, 3, size=5) if loss == "crossentropy" else rng.uniform(0, 2, size=5)
    cell = {"SimpleRNN": "simple_rnn"}.get(layer, layer.lower())
    ours = hidden_gradient_norms(numpy_params(rnn, head), x, y, cell, options.get("activation", "tanh"),
                                 options.get("reset_after", True), loss)  # fmt: skip
    tape = tape_hidden_gradient_norms(rnn, head, x, y, loss)
    assert ours.shape == tape.shape == (12,)
    assert np.allclose(ours, tape, rtol=1e-3, atol=1e-9)


def test_measurement_refuses_bad_input():
    rnn, head = keras.layers.SimpleRNN(2, use_bias=False), keras.layers.Dense(2, activation="softmax")
    keras.Sequential([keras.Input((3, 1)), rnn, head])
    with pytest.raises(ValueError, match="5 arrays"):
        numpy_params(rnn, head)
    rnn3, head3 = keras.layers.SimpleRNN(2), keras.layers.Dense(2, activation="softmax")
    keras.Sequential([keras.Input((3, 1)), rnn3, head3])
    params = numpy_params(rnn3, head3)
    with pytest.raises(ValueError, match=r"class ids in \[0, 2\)"):
        hidden_gradient_norms(params, np.zeros((2, 3, 1)), np.array([0, 5]))
    with pytest.raises(ValueError, match="loss must be"):
        hidden_gradient_norms(params, np.zeros((2, 3, 1)), np.array([0, 1]), loss="hinge")
    with pytest.raises(ValueError, match="spectral_radius must be a positive number"):
        simple_rnn_gradient_norms(10, -1.0)
    with pytest.raises(ValueError, match="n_timesteps must be a positive integer"):
        simple_rnn_gradient_norms(0, 1.0)
    with pytest.raises(ValueError, match="x must be a batch"):
        hidden_gradient_norms({}, np.zeros((3, 2)), np.zeros(3, int))


def test_lecture_clipping_is_keras_global_clipnorm_and_keeps_direction():
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(2, 3)) * 3, rng.normal(size=3) * 0.1, rng.normal(size=(3, 3))]
    lecture = clip_by_norm_lecture(grads, 1.0)
    assert global_norm(lecture) == pytest.approx(1.0) and cosine(lecture, grads) == pytest.approx(1.0)
    for ours, theirs in zip(lecture, keras_clipped(grads, global_clipnorm=1.0)):
        assert np.allclose(ours, theirs, atol=1e-6)
    per_variable = keras_clipped(grads, clipnorm=1.0)  # Keras' clipnorm: each variable on its own
    assert [round(float(np.linalg.norm(g)), 5) for g in per_variable] == [
        1.0,
        round(float(np.linalg.norm(grads[1])), 5),
        1.0,
    ]
    assert cosine(per_variable, grads) < 0.999
    assert np.abs(np.concatenate([g.ravel() for g in keras_clipped(grads, clipvalue=0.5)])).max() <= 0.5 + 1e-7
    table = compare_clipping(grads, 1.0)
    assert [name for name, _ in table][:2] == ["no clipping", "lecture (Algorithm 1)"] and "cos(ĝ, original)" in str(
        table
    )
    small = [np.array([0.1, 0.2])]
    assert np.array_equal(clip_by_norm_lecture(small, 1.0)[0], small[0])  # under the threshold: untouched


def test_clipping_refuses_bad_input():
    with pytest.raises(ValueError, match="non-empty list of arrays"):
        clip_by_norm_lecture(np.ones(3), 1.0)
    with pytest.raises(ValueError, match="threshold must be a positive number"):
        clip_by_norm_lecture([np.ones(3)], 0)
    with pytest.raises(ValueError, match="exactly one of"):
        keras_clipped([np.ones(3)], clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="finite numbers"):
        global_norm([np.array([np.nan])])


def test_layer_norm_cell_normalizes_the_summed_input():
    keras.utils.set_random_seed(0)
    cell = LayerNormSimpleRNNCell(6, activation="linear", recurrent_initializer=keras.initializers.Orthogonal(gain=3.0))
    out = keras.ops.convert_to_numpy(keras.layers.RNN(cell, return_sequences=True)(np.ones((2, 40, 3), "float32")))
    assert np.allclose(out.mean(axis=-1), 0, atol=1e-4)  # γ = 1, β = 0: every step has mean 0 ...
    assert np.allclose(out.var(axis=-1), 1, atol=1e-2)  # ... and variance ≈ 1, however large W_h
    assert keras.layers.RNN(LayerNormSimpleRNNCell(4)).cell.get_config()["units"] == 4
    with pytest.raises(ValueError, match="units must be a positive integer"):
        LayerNormSimpleRNNCell(0)
    with pytest.raises(ValueError, match="epsilon must be"):
        LayerNormSimpleRNNCell(3, epsilon=-1)


def test_gradient_norms_match_the_analytic_gradient():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, use_bias=False, name="w")])
    model.get_layer("w").set_weights([np.array([[1.0], [0.0]], dtype="float32")])
    x, y = np.array([[1.0, 2.0]], dtype="float32"), np.array([[0.0]], dtype="float32")
    # loss = (x·w - y)² = 1, d/dw = 2 (x·w - y) x = [2, 4]
    assert gradient_norms(model, x, y, ["w"])["w"] == pytest.approx(np.sqrt(20.0))
    with pytest.raises(ValueError):
        gradient_norms(model, x, y, ["nope"])
    with pytest.raises(ValueError, match="at least one"):
        gradient_norms(model, x, y, [])
