"""Which cells exist: the one registry of the course's recurrent cells, under the lectures' names too.

``ALL_CELLS`` maps a registry name to a :class:`CellSpec`, one small configuration of each cell
(the contract tests run every entry on TensorFlow and JAX). ``ALIASES`` gives AIEI007 Lecture 10's names
for the rows of its tables (and SRU, from the same lecture), in the tables' order; ``CELL_NAMES``
lists them. :func:`make_cell` builds a cell from either name.
"""

from dataclasses import dataclass, field

from course_utils._keras import keras
from course_utils.cells.gru import GRUCell
from course_utils.cells.layer_norm_rnn import LayerNormSimpleRNNCell
from course_utils.cells.lstm import LSTMCell
from course_utils.cells.lstm_ablation import LSTMAblationCell
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
    "lstm": CellSpec(LSTMCell, twin=keras.layers.LSTMCell),  # forget bias starts at 1 (Keras' default)
    "lstm_zero_forget_bias": CellSpec(LSTMCell, {"unit_forget_bias": False}, twin=keras.layers.LSTMCell),
    "gru": CellSpec(GRUCell, twin=keras.layers.GRUCell),
    "gru_reset_before": CellSpec(GRUCell, {"reset_after": False}, twin=keras.layers.GRUCell),
    "lstm_no_forget_gate": CellSpec(LSTMAblationCell, {"without": "forget"}),
    "lstm_no_input_gate": CellSpec(LSTMAblationCell, {"without": "input"}),
    "lstm_no_output_gate": CellSpec(LSTMAblationCell, {"without": "output"}),
    "mut1": CellSpec(MUT1Cell, needs_input_dim_equal_units=True),
    "mut2": CellSpec(MUT2Cell, needs_input_dim_equal_units=True),
    "mut3": CellSpec(MUT3Cell),
    "sru": CellSpec(SRUCell, needs_input_dim_equal_units=True),
    "layer_norm_simple_rnn": CellSpec(LayerNormSimpleRNNCell),
}

# AIEI007 Lecture 10's tables, in their order: LSTM is the table's plain LSTM (forget bias 0), LSTM-b starts it at 1
ALIASES = {
    "Tanh": "simple_rnn",
    "LSTM": "lstm_zero_forget_bias",
    "LSTM-f": "lstm_no_forget_gate",
    "LSTM-i": "lstm_no_input_gate",
    "LSTM-o": "lstm_no_output_gate",
    "LSTM-b": "lstm",
    "GRU": "gru",
    "MUT1": "mut1",
    "MUT2": "mut2",
    "MUT3": "mut3",
    "SRU": "sru",
}
CELL_NAMES = tuple(ALIASES)


def cell_spec(name):
    """The :class:`CellSpec` called ``name``: a registry name (``"lstm_no_forget_gate"``) or a lecture's (``"LSTM-f"``).

    >>> cell_spec("LSTM-f") is ALL_CELLS["lstm_no_forget_gate"]
    True
    """
    if isinstance(name, str) and name in ALIASES:
        name = ALIASES[name]
    if not isinstance(name, str) or name not in ALL_CELLS:
        raise ValueError(
            f"unknown cell name {name!r}; choose from {list(ALIASES)} (AIEI007 Lecture 10) or {list(ALL_CELLS)}."
        )
    return ALL_CELLS[name]


def make_cell(name, units, **kwargs):
    """A new cell called ``name`` (see :func:`cell_spec`) with ``units`` units; ``kwargs`` go to its class.

    >>> type(make_cell("LSTM-f", 4)).__name__, make_cell("LSTM-f", 4).without
    ('LSTMAblationCell', 'forget')
    >>> make_cell("LSTM", 8).unit_forget_bias, make_cell("LSTM-b", 8).unit_forget_bias
    (False, True)
    >>> make_cell("GRU", 4).parameter_formula(4)
    ('3·u·(d + u + 2)  [d=4, u=4]', 120)
    """
    return cell_spec(name).make(units, **kwargs)
