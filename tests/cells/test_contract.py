"""The contract every cell of the registry keeps, whatever its maths: one test, scikit-learn style.

Each ``check_*`` below takes a registry name and asserts one promise: shapes, config and
``.keras`` round trips, training, masking, ``go_backwards``, the parameter formula, and clear
errors for bad arguments and inputs. :func:`test_cell_contract` runs every check on every cell
of ``ALL_CELLS`` (as scikit-learn's ``parametrize_with_checks`` runs its estimator checks), so a
new cell added to the registry is held to all of them, on TensorFlow and on JAX (``make test``).
"""

import inspect
import re
from functools import cache

import numpy as np
import pytest

from course_utils._keras import keras
from course_utils.cells import ALL_CELLS

from .helpers import BATCH, STEPS, jit_on, max_abs_diff, numpy, random_init, random_weights, sequence

U, D = 4, 3  # small, and d != u wherever the cell allows it (catches a swapped d/u)


def make(entry, **overrides):
    """(cell, d): a fresh cell of the registry and an input size it accepts."""
    spec = ALL_CELLS[entry]
    return spec.make(U, **{**random_init(), **overrides}), spec.input_dim(U, preferred=D)


def state_sizes(cell):
    return list(cell.state_size) if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]


def check_output_and_state_shapes(name):
    for return_sequences in (True, False):
        cell, d = make(name)
        layer = keras.layers.RNN(cell, return_sequences=return_sequences, return_state=True)
        output, *states = layer(sequence(np.random.default_rng(0), d))
        assert cell.output_size == U
        assert tuple(output.shape) == ((BATCH, STEPS, U) if return_sequences else (BATCH, U))
        assert [tuple(s.shape) for s in states] == [(BATCH, size) for size in state_sizes(cell)]
        assert np.all(np.isfinite(numpy(output)))
        last = numpy(output)[:, -1] if return_sequences else numpy(output)
        # states[0] must be the output: keras.layers.RNN on JAX repeats it for masked steps
        np.testing.assert_array_equal(last, numpy(states[0]))


def check_every_constructor_argument_is_in_the_config(name):
    cell, _ = make(name)
    arguments = set()
    for klass in type(cell).__mro__:
        if klass is keras.Layer:
            break
        parameters = inspect.signature(klass.__init__).parameters.values()
        arguments |= {p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD} - {"self"}
    assert arguments <= set(cell.get_config())


def check_config_round_trip_gives_the_same_cell(name):
    cell, d = make(name, use_bias=False, name="my_cell")
    layer = keras.layers.RNN(cell, return_sequences=True)
    x = sequence(np.random.default_rng(1), d)
    layer.build(x.shape)
    weights = random_weights(layer, np.random.default_rng(2))
    clone = keras.layers.deserialize(keras.layers.serialize(layer))  # RNN(cell) through its config
    assert type(clone.cell) is type(cell)
    assert clone.cell.get_config() == cell.get_config()
    clone.build(x.shape)
    clone.set_weights(weights)
    assert max_abs_diff(clone(x), layer(x)) == 0.0


def check_keras_file_round_trip(name, tmp_path):
    cell, d = make(name)
    model = keras.Sequential([keras.Input((STEPS, d)), keras.layers.RNN(cell, return_sequences=True)])
    random_weights(model, np.random.default_rng(3))
    x = sequence(np.random.default_rng(4), d)
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert type(loaded.layers[0].cell) is type(cell)
    assert max_abs_diff(loaded(x), model(x)) == 0.0


@cache
def one_fit_step():
    """Train one model holding every cell of the registry side by side, for one step of ``fit``.

    One model instead of one per cell: on JAX each ``fit`` compiles its train step with XLA (about
    a second each), and the question, "does every weight get a gradient?", is per cell anyway.
    Returns ``{name: [(weight path, before, after), ...]}``; computed once per test process.
    """
    names = list(ALL_CELLS)
    rng = np.random.default_rng(5)
    cells = {name: make(name)[0] for name in names}
    inputs = {name: keras.Input((STEPS, make(name)[1]), name=name) for name in names}
    heads = [keras.layers.Dense(1)(keras.layers.RNN(cells[name])(inputs[name])) for name in names]
    model = keras.Model(inputs, keras.layers.Add()(heads))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    x = {name: sequence(rng, inputs[name].shape[-1]) for name in names}
    before = {name: [w.copy() for w in cells[name].get_weights()] for name in names}
    with jit_on():  # the real path: fit compiles its train step
        model.fit(x, rng.standard_normal((BATCH, 1)), batch_size=BATCH, epochs=1, verbose=0)
    return {
        name: list(zip([w.path for w in cells[name].weights], before[name], cells[name].get_weights()))
        for name in names
    }


def check_one_fit_step_changes_every_weight(name):
    """A weight that never reaches the loss (say, a forgotten bias) would not move."""
    assert len(one_fit_step()[name]) >= 2
    for path, old, new in one_fit_step()[name]:
        assert np.all(np.isfinite(new)), path
        assert not np.allclose(old, new), f"{path} did not change"


def check_masked_steps_keep_the_state(name):
    """Each row equals the same cell run on that row's unmasked steps alone; padding never leaks in."""
    cell, d = make(name)
    layer = keras.layers.RNN(cell, return_sequences=True, return_state=True)
    rng = np.random.default_rng(6)
    x = sequence(rng, d)
    mask = np.array([[1, 1, 1, 0, 0], [0, 1, 0, 1, 1], [1, 0, 0, 1, 1]], dtype=bool)  # 3 kept per row
    x[~mask] = 1e3  # garbage in the padded steps
    layer.build(x.shape)
    random_weights(layer, rng)
    outputs, *states = numpy(layer(x, mask=mask))
    kept = np.stack([x[row, mask[row]] for row in range(BATCH)])  # each row without its masked steps
    kept_outputs, *kept_states = numpy(layer(kept))
    for got, want in zip(states, kept_states):  # final states = states after the last kept step
        np.testing.assert_allclose(got, want, atol=1e-5)
    seen = np.cumsum(mask, axis=1)  # kept steps so far: a masked step repeats the previous output
    for row in range(BATCH):
        for t in range(STEPS):
            want = kept_outputs[row, seen[row, t] - 1] if seen[row, t] else np.zeros(U)
            np.testing.assert_allclose(outputs[row, t], want, atol=1e-5, err_msg=f"row {row}, step {t}")


def check_go_backwards_reads_the_sequence_reversed(name):
    cell, d = make(name)
    forward = keras.layers.RNN(cell, return_sequences=True)
    backward = keras.layers.RNN(cell, return_sequences=True, go_backwards=True)  # the same cell
    rng = np.random.default_rng(8)
    x = sequence(rng, d)
    forward.build(x.shape)
    random_weights(forward, rng)
    reversed_then_forward, plain_forward = np.split(numpy(forward(np.concatenate([x[:, ::-1], x]))), 2)
    assert max_abs_diff(backward(x), reversed_then_forward) <= 1e-6
    assert max_abs_diff(backward(x), plain_forward) > 1e-3  # and the direction matters


def check_parameter_formula_matches_count_params(name):
    for use_bias in (True, False):
        cell, d = make(name, use_bias=use_bias)
        layer = keras.layers.RNN(cell)
        layer.build((None, STEPS, d))
        text, count = cell.parameter_formula(d)
        assert count == layer.count_params()
        assert text.endswith(f"[d={d}, u={U}]")
        assert [tuple(w.shape) for w in cell.weights] == [shape for _, _, shape in cell.weight_shapes(d)]
    for input_dim in (0, 2.0):
        with pytest.raises(ValueError, match="input_dim must be a positive integer"):
            cell.parameter_formula(input_dim)


def check_bad_arguments_are_refused(name):
    for units in (0, -3, 2.5, "8", True, None):
        with pytest.raises(ValueError, match="units must be a positive integer"):
            ALL_CELLS[name].make(units)
    with pytest.raises(ValueError, match="use_bias must be True or False"):
        ALL_CELLS[name].make(4, use_bias="yes")


def check_input_of_the_wrong_rank_or_size_is_refused(name):
    for shape in ((2, 4), (2, 5, 4, 1)):
        layer = keras.layers.RNN(ALL_CELLS[name].make(4))
        with pytest.raises(ValueError, match=re.escape("(batch, timesteps, features)")):
            layer(np.zeros(shape, "float32"))
    spec = ALL_CELLS[name]
    d = spec.input_dim(4, preferred=3)
    layer = keras.layers.RNN(spec.make(4, **random_init()))
    layer.build((BATCH, STEPS, d))
    with pytest.raises(ValueError, match=re.escape(f"built for steps of shape (batch, {d})")):
        layer(np.zeros((BATCH, STEPS, d + 2), "float32"))


CHECKS = [
    check_output_and_state_shapes,
    check_every_constructor_argument_is_in_the_config,
    check_config_round_trip_gives_the_same_cell,
    check_keras_file_round_trip,
    check_one_fit_step_changes_every_weight,
    check_masked_steps_keep_the_state,
    check_go_backwards_reads_the_sequence_reversed,
    check_parameter_formula_matches_count_params,
    check_bad_arguments_are_refused,
    check_input_of_the_wrong_rank_or_size_is_refused,
]


# Keras' own model.save on TensorFlow + NumPy 2 warns about __array__(copy=...): not ours to fix.
@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")
@pytest.mark.parametrize(
    ("name", "check"), [pytest.param(n, c, id=f"{n}-{c.__name__[6:]}") for n in ALL_CELLS for c in CHECKS]
)
def test_cell_contract(name, check, tmp_path):
    if "tmp_path" in inspect.signature(check).parameters:
        check(name, tmp_path)
    else:
        check(name)
