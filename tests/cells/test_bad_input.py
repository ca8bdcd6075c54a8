"""Wrong arguments, inputs and weights give a ValueError that says what was expected.

What every cell of the registry must refuse is part of the contract (``test_contract.py``); here,
the errors particular to some cells.
"""

import re

import numpy as np
import pytest

from course_utils._keras import keras
from course_utils.cells import ALL_CELLS, GRUCell, LSTMAblationCell, LSTMCell, MUT1Cell, SRUCell

from .helpers import random_init


def test_a_step_of_the_wrong_rank_called_directly():
    cell = LSTMCell(4, **random_init())
    states = [np.zeros((2, 4), "float32")] * 2
    with pytest.raises(ValueError, match=re.escape("got a step of shape (2, 5, 3)")):
        cell(np.zeros((2, 3), "float32"), states)  # builds for d = 3
        cell(np.zeros((2, 5, 3), "float32"), states)


@pytest.mark.parametrize(
    ("cls", "kwargs", "expected"),
    [
        (LSTMCell, {}, ["kernel (d, 4u) = (3, 16)", "recurrent_kernel (u, 4u) = (4, 16)", "bias (4u,) = (16,)"]),
        (GRUCell, {}, ["kernel (d, 3u) = (3, 12)", "recurrent_kernel (u, 3u) = (4, 12)", "bias (2, 3u) = (2, 12)"]),
        (GRUCell, {"reset_after": False}, ["bias (3u,) = (12,)"]),
        (LSTMAblationCell, {"without": "input"}, ["kernel (d, 3u) = (3, 12)", "bias (3u,) = (12,)"]),
    ],
    ids=["lstm", "gru", "gru_reset_before", "lstm_no_input_gate"],
)
def test_set_weights_of_the_wrong_shape_names_the_expected_shapes(cls, kwargs, expected):
    cell = cls(4, **kwargs, **random_init())
    layer = keras.layers.RNN(cell)
    layer.build((None, 5, 3))
    good = cell.get_weights()
    wrong_shape = [good[0], good[1], np.zeros((7,), "float32")]
    for weights in (wrong_shape, good[:2], [w.T for w in good]):
        with pytest.raises(ValueError) as error:
            cell.set_weights(weights)
        for text in expected:
            assert text in str(error.value)
        assert "on input_dim d=3" in str(error.value)


def test_keras_gru_weights_of_the_other_reset_mode_are_refused():
    """A reset_after=False GRU has a (3u,) bias: Keras' RNN.set_weights names both shapes."""
    builtin = keras.layers.GRU(4, reset_after=False, **random_init())
    builtin.build((None, 5, 3))
    ours = keras.layers.RNN(GRUCell(4, **random_init()))  # reset_after=True: bias (2, 3u)
    ours.build((None, 5, 3))
    with pytest.raises(ValueError, match=re.escape("(2, 12)")):
        ours.set_weights(builtin.get_weights())
    with pytest.raises(ValueError, match=re.escape("bias (2, 3u) = (2, 12)")):
        ours.cell.set_weights(builtin.get_weights())


def test_set_weights_before_build():
    with pytest.raises(ValueError, match="build it first"):
        LSTMCell(4).set_weights([])


@pytest.mark.parametrize("cls", [MUT1Cell, ALL_CELLS["mut2"].cls, SRUCell])
def test_cells_that_add_x_to_h_need_input_dim_equal_units(cls):
    with pytest.raises(ValueError, match=re.escape("needs input_dim == units")):
        keras.layers.RNN(cls(4))(np.zeros((2, 5, 3), "float32"))


@pytest.mark.parametrize("without", ["cell", "f", None, ["forget"]])
def test_ablation_names_the_gates_it_can_remove(without):
    with pytest.raises(ValueError, match=re.escape("['forget', 'input', 'output']")):
        LSTMAblationCell(4, without=without)
