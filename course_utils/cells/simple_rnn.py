"""The simple (Elman) recurrent cell, from scratch, equal to ``keras.layers.SimpleRNNCell``."""

from course_utils._keras import keras
from course_utils.cells._base import RecurrentCell

ops = keras.ops


@keras.saving.register_keras_serializable(package="course_utils")
class SimpleRNNCell(RecurrentCell):
    """One step of a simple RNN: a dense layer that also reads its own previous output.

    Equations (row vectors, as Keras computes them; ``φ`` is ``activation``)::

        h_t = φ(x_t W_x + h_{t-1} W_h + b)

    Keras' weights: ``W_x = kernel`` (d, u), ``W_h = recurrent_kernel`` (u, u), ``b = bias`` (u,).
    AIEI007 Lecture 10 writes the same step with column vectors, ``h_t = g(W h_{t-1} + U x_t + b)``:
    its ``U`` is ``kernel.T`` and its ``W`` is ``recurrent_kernel.T``. IIIT Hyderabad Intro to NLP calls h ``a``.

    The state is the output: ``state_size == output_size == units``.

    >>> from course_utils._keras import keras
    >>> import numpy as np
    >>> layer = keras.layers.RNN(SimpleRNNCell(3))
    >>> tuple(layer(np.zeros((2, 5, 4), "float32")).shape)   # (batch, timesteps, d) -> (batch, u)
    (2, 3)
    >>> layer.cell.parameter_formula(4)                   # u·(d + u) + u = 3·7 + 3
    ('u·(d + u) + u  [d=4, u=3]', 24)
    """

    formula_kind = "simple_rnn"

    def __init__(self, units, activation="tanh", use_bias=True, **kwargs):
        super().__init__(units, use_bias=use_bias, **kwargs)
        self.activation = keras.activations.get(activation)

    def weight_shapes(self, input_dim):
        d, u = input_dim, self.units
        shapes = [("kernel", "(d, u)", (d, u)), ("recurrent_kernel", "(u, u)", (u, u))]
        return shapes + ([("bias", "(u,)", (u,))] if self.use_bias else [])

    def call(self, inputs, states, training=False):
        h_tm1 = self._check_step(inputs, states)  # h_{t-1}, the previous output
        x_t = inputs
        a = ops.matmul(x_t, self.kernel)  # x_t W_x
        if self.use_bias:
            a = ops.add(a, self.bias)  # + b
        a = a + ops.matmul(h_tm1, self.recurrent_kernel)  # + h_{t-1} W_h
        h_t = self.activation(a)  # h_t = φ(x_t W_x + h_{t-1} W_h + b)
        return h_t, [h_t]  # the output is the new state

    def _describe(self):
        return f"SimpleRNNCell(units={self.units}, use_bias={self.use_bias})"

    def get_config(self):
        return {**super().get_config(), "activation": keras.activations.serialize(self.activation)}
