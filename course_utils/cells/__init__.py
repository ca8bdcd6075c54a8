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

AIEI007 Lecture 10's variants, which Keras does not have:

* :class:`MUT1Cell`, :class:`MUT2Cell`, :class:`MUT3Cell` (``mut.py``) - Jozefowicz et al. 2015
* :class:`SRUCell` (``sru.py``) - Lei et al. 2017
* :class:`LSTMAblationCell` (``lstm_ablation.py``) - the LSTM table's LSTM-f, LSTM-i, LSTM-o
  (a gate removed); its LSTM-b is ``LSTMCell(unit_forget_bias=True)``

And one remedy for unstable training that Keras does not have:

* :class:`LayerNormSimpleRNNCell` (``layer_norm_rnn.py``) - a layer-normalized SimpleRNN (CSCI E-89B Lecture 2)

Every cell has ``parameter_formula(input_dim) -> (text, count)``, which ``explain_params``
prints (from :func:`course_utils.params.formula`). ``registry.py`` is the one list of the cells:
``ALL_CELLS`` holds one small configuration of each (for tests and demos), ``make_cell("LSTM-f", 16)``
builds one by its registry name or by AIEI007 Lecture 10's name (``ALIASES``, ``CELL_NAMES``).
``python -m course_utils.cells.bench`` times the twins against Keras.
"""

from course_utils.cells.gru import GRUCell
from course_utils.cells.layer_norm_rnn import LayerNormSimpleRNNCell
from course_utils.cells.lstm import LSTMCell
from course_utils.cells.lstm_ablation import LSTMAblationCell
from course_utils.cells.mut import MUT1Cell, MUT2Cell, MUT3Cell
from course_utils.cells.registry import ALIASES, ALL_CELLS, CELL_NAMES, CellSpec, cell_spec, make_cell
from course_utils.cells.simple_rnn import SimpleRNNCell
from course_utils.cells.sru import SRUCell

__all__ = [
    "ALIASES",
    "ALL_CELLS",
    "CELL_NAMES",
    "CellSpec",
    "GRUCell",
    "LSTMAblationCell",
    "LSTMCell",
    "LayerNormSimpleRNNCell",
    "MUT1Cell",
    "MUT2Cell",
    "MUT3Cell",
    "SRUCell",
    "SimpleRNNCell",
    "cell_spec",
    "make_cell",
]
