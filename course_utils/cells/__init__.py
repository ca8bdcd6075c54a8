"""Recurrent cells written from the lectures' equations, run by ``keras.layers.RNN``.

Each cell is a ``keras.Layer`` whose ``call`` is one time step: the lecture's equations,
one line each, with the lecture's symbols as names. Use a cell like Keras' own::

    from course_utils._keras import keras
    from course_utils.cells import LSTMCell

    layer = keras.layers.RNN(LSTMCell(32), return_sequences=True)

Cells with a Keras twin compute exactly what the built-in layer computes, with the same
weight layout, so ``our_layer.set_weights(keras_layer.get_weights())`` just works:

* :class:`SimpleRNNCell` (``simple_rnn.py``) - ``keras.layers.SimpleRNN``
* :class:`LSTMCell` (``lstm.py``) - ``keras.layers.LSTM``
* :class:`GRUCell` (``gru.py``) - ``keras.layers.GRU``, both ``reset_after`` modes

Seed 003's variants, which Keras does not have:

* :class:`MUT1Cell`, :class:`MUT2Cell`, :class:`MUT3Cell` (``mut.py``) - Jozefowicz et al. 2015
* :class:`SRUCell` (``sru.py``) - Lei et al. 2017
* :class:`LSTMAblationCell` and :func:`lstm_variant` (``lstm_ablation.py``) - the LSTM table's
  LSTM-f, LSTM-i, LSTM-o (a gate removed) and LSTM-b (``LSTMCell(unit_forget_bias=True)``)

Every cell has ``parameter_formula(input_dim) -> (text, count)``, which ``explain_params``
prints. ``ALL_CELLS`` lists one small configuration of each, for tests and demos.
``python -m course_utils.cells.bench`` times the twins against Keras.
"""

from dataclasses import dataclass, field

from course_utils._keras import keras
from course_utils.cells.gru import GRUCell
from course_utils.cells.lstm import LSTMCell
from course_utils.cells.lstm_ablation import LSTMAblationCell, lstm_variant
from course_utils.cells.mut import MUT1Cell, MUT2Cell, MUT3Cell
from course_utils.cells.simple_rnn import SimpleRNNCell
from course_utils.cells.sru import SRUCell


@dataclass(frozen=True)
class CellSpec:
    """How to build one configuration of a cell: the class, its arguments, its Keras twin.

    >>> spec = ALL_CELLS["gru_reset_before"]
    >>> cell = spec.make(4)
    >>> type(cell).__name__, cell.reset_after, spec.input_dim(4, preferred=3)
    ('GRUCell', False, 3)
    >>> ALL_CELLS["sru"].input_dim(4, preferred=3)   # SRU's highway needs d == u
    4
    """

    cls: type
    kwargs: dict = field(default_factory=dict)
    twin: type | None = None  # the Keras cell that computes the same function, if any
    needs_input_dim_equal_units: bool = False

    def make(self, units, **overrides):
        """A new cell with ``units`` units and this spec's arguments (``overrides`` win)."""
        return self.cls(units, **{**self.kwargs, **overrides})

    def make_twin(self, units, **overrides):
        """The Keras built-in cell with the same arguments (``None`` for the variants)."""
        return None if self.twin is None else self.twin(units, **{**self.kwargs, **overrides})

    def input_dim(self, units, preferred):
        """An input size this cell accepts: ``preferred``, or ``units`` where d must equal u."""
        return units if self.needs_input_dim_equal_units else preferred


ALL_CELLS = {
    "simple_rnn": CellSpec(SimpleRNNCell, twin=keras.layers.SimpleRNNCell),
    "lstm": CellSpec(LSTMCell, twin=keras.layers.LSTMCell),  # unit_forget_bias=True: also LSTM-b
    "gru": CellSpec(GRUCell, twin=keras.layers.GRUCell),
    "gru_reset_before": CellSpec(GRUCell, {"reset_after": False}, twin=keras.layers.GRUCell),
    "lstm_no_forget_gate": CellSpec(LSTMAblationCell, {"without": "forget"}),
    "lstm_no_input_gate": CellSpec(LSTMAblationCell, {"without": "input"}),
    "lstm_no_output_gate": CellSpec(LSTMAblationCell, {"without": "output"}),
    "mut1": CellSpec(MUT1Cell, needs_input_dim_equal_units=True),
    "mut2": CellSpec(MUT2Cell, needs_input_dim_equal_units=True),
    "mut3": CellSpec(MUT3Cell),
    "sru": CellSpec(SRUCell, needs_input_dim_equal_units=True),
}

__all__ = [
    "ALL_CELLS",
    "CellSpec",
    "GRUCell",
    "LSTMAblationCell",
    "LSTMCell",
    "MUT1Cell",
    "MUT2Cell",
    "MUT3Cell",
    "SRUCell",
    "SimpleRNNCell",
    "lstm_variant",
]
