"""A small, honest comparison of the recurrent cells of AIEI007 Lecture 10's tables, on one task.

AIEI007 Lecture 10 prints two tables from Jozefowicz et al. (2015): the LSTM with one gate removed
(LSTM-f, LSTM-i, LSTM-o) or with its forget bias at 1 (LSTM-b), the GRU, and three GRU-like
cells found by search (MUT1-3), each scored against a plain ``tanh`` RNN. :func:`compare_cells`
reruns that idea at toy scale on a regression task such as the adding problem
(:func:`course_utils.datasets.make_adding_problem`): every cell in the same model,
``Dense(u) -> RNN(cell) -> Dense(1)``, with the same data, batches, optimiser and budget,
scored on the test split after every epoch. One task and one seed: it shows how such a
comparison is run and read, not which cell is best.

Cell names are those of :mod:`course_utils.cells.registry`: AIEI007 Lecture 10's ``CELL_NAMES`` (plus SRU
from the same lecture), or any registry name of ``ALL_CELLS``:

* ``"Tanh"`` - the simple RNN; ``"LSTM"`` - forget bias 0 (the table's LSTM); ``"LSTM-b"`` - forget
  bias 1 (Keras' default); ``"LSTM-f"``, ``"LSTM-i"``, ``"LSTM-o"`` - without the forget, input,
  output gate; ``"GRU"`` - Keras' default form (``reset_after=True``); ``"MUT1"``-``"MUT3"``; ``"SRU"``.

Why the models are trained side by side. On two CPU cores, building one model's training
graph costs about as much as 150 training steps of it; eleven separate models would spend
most of their budget being built. :func:`side_by_side_model` puts the eleven models in one
Keras model: each has its own input projection, cell and read-out (:class:`ParallelCells`,
:class:`BlockDense`), nothing is shared, and the loss is the *sum* of their losses. The
gradient of a sum with respect to one model's weights is that model's own gradient, and Adam
updates every weight from its own gradient only, so each model follows exactly the steps it
would take alone (``tests/test_experiments.py`` checks this against a lone model).
"""

import time
from dataclasses import dataclass

import numpy as np

from course_utils._keras import keras
from course_utils._table import render_html, render_text
from course_utils._validation import non_negative_int, number, positive_int
from course_utils.cells.registry import CELL_NAMES, cell_spec, make_cell

ops = keras.ops


def _state_sizes(cell):
    size = cell.state_size
    return list(size) if isinstance(size, (list, tuple)) else [size]


class ParallelCells(keras.Layer):
    """Several cells side by side in one recurrent step; nothing is shared between them.

    The step input is the cells' inputs concatenated, ``[x¹ | x² | ...]`` (each of width
    ``u``, the cell's units), the state is every cell's state in turn, and the output is
    ``[h¹ | h² | ...]``. Cell k reads only ``x^k`` and its own state, so ``RNN(ParallelCells(cells))``
    computes exactly what ``RNN(cell)`` computes for each cell alone, in one loop over time.
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        self.cells = list(cells)
        if not self.cells:
            raise ValueError("ParallelCells needs at least one cell.")
        self.units = self.cells[0].units
        if any(cell.units != self.units for cell in self.cells):
            raise ValueError("ParallelCells: every cell must have the same number of units.")
        self.state_size = [s for cell in self.cells for s in _state_sizes(cell)]
        self.output_size = self.units * len(self.cells)

    def build(self, input_shape):
        if input_shape[-1] != self.output_size:
            raise ValueError(
                f"ParallelCells of {len(self.cells)} cells with u={self.units} reads steps of "
                f"{self.output_size} features (u per cell), got {input_shape[-1]}."
            )
        for cell in self.cells:
            cell.build((input_shape[0], self.units))  # each cell reads d = u features

    def call(self, inputs, states, training=False):
        outputs, new_states, k = [], [], 0
        for cell, x in zip(self.cells, ops.split(inputs, len(self.cells), axis=-1)):
            n = len(_state_sizes(cell))
            h, cell_states = cell.call(x, list(states[k : k + n]), training=training)
            k += n
            outputs.append(h)
            new_states += list(cell_states) if isinstance(cell_states, (list, tuple)) else [cell_states]
        return ops.concatenate(outputs, axis=-1), new_states


def _glorot_blocks(shape, dtype=None):
    """Glorot-uniform for a stack of (fan_in, fan_out) kernels: the range of one Dense kernel each."""
    limit = float(np.sqrt(6.0 / (shape[-2] + shape[-1])))
    return keras.random.uniform(shape, -limit, limit, dtype=dtype)


class BlockDense(keras.Layer):
    """``n`` independent Dense layers side by side: ``n`` kernels (d, units) and biases, no weight shared.

    ``shared_input=True``: every block reads the whole last axis (d) of the input.
    ``shared_input=False``: the last axis is ``n`` chunks and block k reads chunk k only.
    Either way the output's last axis is the ``n`` blocks' outputs concatenated.
    """

    def __init__(self, n, units, shared_input=False, **kwargs):
        super().__init__(**kwargs)
        self.n = positive_int(n, "n", "The number of blocks, e.g. len(CELL_NAMES).")
        self.units = positive_int(units, "units", "Units per block, e.g. 16.")
        self.shared_input = bool(shared_input)

    def build(self, input_shape):
        d = input_shape[-1] if self.shared_input else input_shape[-1] // self.n
        self.kernel = self.add_weight(shape=(self.n, d, self.units), initializer=_glorot_blocks, name="kernel")
        self.bias = self.add_weight(shape=(self.n, self.units), initializer="zeros", name="bias")

    def call(self, x):
        lead = tuple(ops.shape(x)[:-1])
        if self.shared_input:
            y = ops.einsum("...d,ndu->...nu", x, self.kernel)
        else:
            y = ops.einsum("...nd,ndu->...nu", ops.reshape(x, lead + (self.n, -1)), self.kernel)
        return ops.reshape(y + self.bias, lead + (self.n * self.units,))


def side_by_side_model(names, units=16, n_timesteps=None, input_dim=2):
    """One Keras model holding one regression model per cell name; output ``(batch, len(names))``.

    Model k is ``Dense(u)`` on the input -> ``RNN(cell k)`` -> ``Dense(1)``, its own weights throughout.

    >>> model = side_by_side_model(["Tanh", "GRU"], units=4, n_timesteps=5)
    >>> model.output.shape, [layer.name for layer in model.layers[1:]]
    ((None, 2), ['inputs', 'cells', 'readouts'])
    """
    names = _check_names(names)
    cells = [make_cell(name, units) for name in names]
    n = len(names)
    inputs = keras.Input(shape=(n_timesteps, positive_int(input_dim, "input_dim", "Features per step.")))
    x = BlockDense(n, units, shared_input=True, name="inputs")(inputs)  # (batch, T, n·u)
    h = keras.layers.RNN(ParallelCells(cells), name="cells")(x)  # (batch, n·u): every model's h_T
    y = BlockDense(n, 1, name="readouts")(h)  # (batch, n): every model's prediction
    return keras.Model(inputs, y, name="side_by_side")


def summed_squared_error(y_true, y_pred):
    """Per example, the sum over models of the squared error: ``Σ_k (ŷ_k − y)²`` (Keras averages over the batch)."""
    y_true = ops.reshape(ops.cast(y_true, y_pred.dtype), (-1, 1))
    return ops.sum(ops.square(y_pred - y_true), axis=-1)


@dataclass(frozen=True)
class CellResult:
    """One row of the comparison: a cell, its parameters, its test error after each epoch."""

    name: str
    formula: str  # the cell's parameter formula, with d and u bound
    cell_params: int
    test_mse: tuple  # after epoch 1, 2, ...
    accuracy: float  # share of test examples predicted within ``tolerance`` after the last epoch

    @property
    def final_mse(self):
        return self.test_mse[-1]


class Comparison(list):
    """The rows of :func:`compare_cells`; shows as a table with the baseline as its last line."""

    def __init__(self, rows=(), updates_per_epoch=0, baseline_mse=float("nan"), baseline_accuracy=float("nan"),
                 tolerance=0.1, seconds=0.0):  # fmt: skip
        super().__init__(rows)
        self.updates_per_epoch = updates_per_epoch
        self.baseline_mse, self.baseline_accuracy = baseline_mse, baseline_accuracy
        self.tolerance, self.seconds = tolerance, seconds

    def row(self, name):
        for row in self:
            if row.name == name:
                return row
        raise ValueError(f"no row named {name!r}; rows: {[r.name for r in self]}.")

    def below(self, mse):
        """Names of the cells whose final test MSE is below ``mse``."""
        return [row.name for row in self if row.final_mse < mse]

    def _table(self):
        epochs = len(self[0].test_mse) if self else 0
        headers = ["cell", "params", *(f"MSE@{(e + 1) * self.updates_per_epoch}" for e in range(epochs)),
                   f"acc ±{self.tolerance:g}"]  # fmt: skip
        rows = [[r.name, f"{r.cell_params:,}", *(f"{m:.3f}" for m in r.test_mse), f"{r.accuracy:.2f}"] for r in self]
        rows.append(["mean (baseline)", "0", *([f"{self.baseline_mse:.3f}"] * epochs), f"{self.baseline_accuracy:.2f}"])
        return headers, rows, set(range(1, len(headers)))

    def __str__(self):
        return render_text(*self._table())

    __repr__ = __str__

    def _repr_html_(self):
        return render_html(*self._table())


def compare_cells(data, names=CELL_NAMES, units=16, epochs=5, batch_size=64, learning_rate=0.01, seed=0,
                  tolerance=0.1, report=None):  # fmt: skip
    """Train one model per cell on ``data["train"]`` side by side; score each on ``data["test"]`` after every epoch.

    ``data`` is a ``Splits`` of float sequences ``(n, T, d)`` with one float target each, such as
    :func:`course_utils.datasets.make_adding_problem`. Adam, squared error, ``seed`` fixes the
    initial weights and the order of the batches. ``report(epoch, mses)`` (optional) is called
    after every epoch. The baseline row predicts the training targets' mean (about 1.0 for the adding problem) for every example.
    """
    names = _check_names(names)
    units = positive_int(units, "units", "Use e.g. 16.")
    epochs = positive_int(epochs, "epochs", "Use e.g. 5.")
    batch_size = positive_int(batch_size, "batch_size", "Use e.g. 64.")
    seed = non_negative_int(seed, "seed", "Use a fixed integer such as 0.")
    number(learning_rate, "learning_rate", "Use e.g. 0.01.", above=0)
    number(tolerance, "tolerance", "Use e.g. 0.1.", above=0)
    x_train, y_train = _split(data, "train")
    x_test, y_test = _split(data, "test")

    start = time.perf_counter()
    keras.utils.set_random_seed(seed)
    model = side_by_side_model(names, units, n_timesteps=x_train.shape[1], input_dim=x_train.shape[2])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=summed_squared_error)
    model.optimizer.build(model.trainable_variables)  # slots first: TensorFlow then traces the step once, not twice

    history = []

    class _Score(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            predictions = np.asarray(self.model.predict_on_batch(x_test), dtype=np.float64)
            history.append(((predictions - y_test[:, None]) ** 2).mean(axis=0))
            if report is not None:
                report(epoch + 1, dict(zip(names, history[-1])))

    model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0, callbacks=[_Score()])
    predictions = np.asarray(model.predict_on_batch(x_test), dtype=np.float64)
    hits = (np.abs(predictions - y_test[:, None]) < tolerance).mean(axis=0)
    cells = model.get_layer("cells").cell.cells
    rows = []
    for k, (name, cell) in enumerate(zip(names, cells)):
        formula, count = cell.parameter_formula(units)
        rows.append(CellResult(name, formula, count, tuple(float(h[k]) for h in history), float(hits[k])))
    mean = float(y_train.mean())
    return Comparison(
        rows,
        updates_per_epoch=-(-len(x_train) // batch_size),
        baseline_mse=float(((y_test - mean) ** 2).mean()),
        baseline_accuracy=float((np.abs(y_test - mean) < tolerance).mean()),
        tolerance=tolerance,
        seconds=time.perf_counter() - start,
    )


def _check_names(names):
    names = [names] if isinstance(names, str) else list(names)
    if not names:
        raise ValueError("names is empty; pass cell names such as CELL_NAMES.")
    for name in names:
        cell_spec(name)  # a clear error for an unknown name
    if len(set(names)) != len(names):
        raise ValueError(f"names must not repeat, got {names}.")
    return names


def _split(data, key):
    try:
        x, y = data[key]
    except (KeyError, TypeError, ValueError):
        raise ValueError(
            f"data must be a course_utils.datasets Splits with a {key!r} split, e.g. make_adding_problem(); "
            f"got {type(data).__name__}."
        ) from None
    x, y = np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.float64)
    if x.ndim != 3 or y.shape != (len(x),) or len(x) == 0:
        raise ValueError(
            f"the {key!r} split must hold float sequences (n, T, d) and one float target each (n,); "
            f"got inputs {x.shape} and targets {y.shape}."
        )
    return x, y
