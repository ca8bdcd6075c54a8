"""What every course cell shares, so that each cell's own file is only its maths.

* argument checks (``units``, ``use_bias``) with the course's clear messages;
* one table per cell, ``weight_shapes(d)``, that ``build`` creates the weights from
  and that every shape error quotes (``kernel (d, 4u) = (3, 16)``);
* ``set_weights`` that names the expected shapes instead of a bare length mismatch;
* ``get_config`` for the arguments every cell has;
* ``parameter_formula(d)``, from :func:`course_utils.params.formula` and the cell's ``formula_kind``.

A subclass defines ``weight_shapes``, ``call``, ``formula_kind`` and, if it has
arguments of its own, extends ``get_config``.
"""

import numpy as np

from course_utils import params as P
from course_utils._keras import keras
from course_utils._table import shape_text
from course_utils._validation import boolean, positive_int

_UNITS_HINT = "Use the number of recurrent units (the size of h_t), e.g. units=32."


class RecurrentCell(keras.Layer):
    """Base class of the course's cells: plumbing only, no maths (see each subclass)."""

    formula_kind = None  # the cell's family in course_utils.params.FORMULAS, e.g. "lstm"

    def __init__(
        self,
        units,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = positive_int(units, "units", _UNITS_HINT)
        self.use_bias = boolean(use_bias, "use_bias")
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.state_size = self.units  # one state vector h_t (LSTM overrides: [h, c])
        self.output_size = self.units
        self.input_dim = None  # d, known once built

    # -- what a subclass provides ---------------------------------------------------------
    def weight_shapes(self, input_dim):
        """``[(name, symbolic shape, shape), ...]`` in the order of ``get_weights()``."""
        raise NotImplementedError

    def parameter_formula(self, input_dim):
        """``(formula text, parameter count)`` for this cell on ``input_dim`` features (what ``explain_params`` prints)."""
        return P.formula(self.formula_kind, d=input_dim, u=self.units, **self._formula_switches())

    def _formula_switches(self):
        """The arguments that choose the variant of the formula (``course_utils.params.formula``)."""
        return {"use_bias": self.use_bias}

    def _describe(self):
        """How the cell prints itself in error messages, e.g. ``LSTMCell(units=4)``."""
        return f"{type(self).__name__}(units={self.units})"

    # -- shapes -------------------------------------------------------------------------------
    def _step_input_dim(self, input_shape):
        """``d`` from the shape of one step, ``(batch, d)``; a clear error for anything else."""
        shape = tuple(input_shape)
        if len(shape) != 2 or shape[-1] is None:
            raise ValueError(
                f"{self._describe()} reads one time step of shape (batch, features) and "
                f"keras.layers.RNN feeds it from a sequence of shape (batch, timesteps, features). "
                f"Got a step of shape {shape}, i.e. a sequence of rank {len(shape) + 1}"
                + (" with an unknown feature size." if len(shape) == 2 else ", expected rank 3.")
                + " Reshape the input to (batch, timesteps, features)."
            )
        return int(shape[-1])

    def _expected(self, input_dim):
        return ", ".join(
            f"{name} {symbolic} = {shape_text(shape)}" for name, symbolic, shape in self.weight_shapes(input_dim)
        )

    def _add_weights(self, input_dim, initializers):
        """Create every weight of ``weight_shapes(d)`` as an attribute of the same name."""
        for name, _, shape in self.weight_shapes(input_dim):
            setattr(self, name, self.add_weight(shape=shape, name=name, initializer=initializers[name]))
        if not self.use_bias:
            self.bias = None

    def build(self, input_shape):
        """Create the weights for steps of shape ``(batch, d)``; subclasses may override."""
        d = self._step_input_dim(input_shape)
        self.input_dim = d
        self._add_weights(
            d,
            {
                "kernel": self.kernel_initializer,
                "recurrent_kernel": self.recurrent_initializer,
                "bias": self.bias_initializer,
            },
        )

    def _check_step(self, x_t, states):
        """Cheap Python-side check of one step's input (runs once per trace, not per number)."""
        shape = tuple(x_t.shape)
        if len(shape) != 2 or (shape[-1] is not None and shape[-1] != self.input_dim):
            raise ValueError(
                f"{self._describe()} was built for steps of shape (batch, {self.input_dim}) "
                f"(weights: {self._expected(self.input_dim)}) but got a step of shape {shape}. "
                "Feed a sequence of shape (batch, timesteps, "
                f"{self.input_dim}) through keras.layers.RNN."
            )
        return states[0] if isinstance(states, (list, tuple)) else states

    def set_weights(self, weights):
        """Like Keras' ``set_weights``, but a wrong count or shape names every expected shape."""
        if not self.built:
            raise ValueError(
                f"{self._describe()} has no weights yet: build it first, e.g. "
                "keras.layers.RNN(cell).build((None, timesteps, features)), then set the weights."
            )
        expected = self.weight_shapes(self.input_dim)
        got = [tuple(np.shape(w)) for w in weights]
        if len(got) != len(expected) or any(g != shape for g, (_, _, shape) in zip(got, expected)):
            raise ValueError(
                f"{self._describe()} on input_dim d={self.input_dim} expects {len(expected)} arrays: "
                f"{self._expected(self.input_dim)}; got {len(got)} of shapes "
                f"{', '.join(shape_text(g) for g in got) or 'none'}."
            )
        super().set_weights(weights)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(self.recurrent_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }
