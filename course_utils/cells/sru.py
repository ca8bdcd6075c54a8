"""SRU, the simple recurrent unit (Lei et al. 2017), as printed in AIEI007 Lecture 10."""

from course_utils._keras import keras
from course_utils.cells._base import RecurrentCell

ops = keras.ops


@keras.saving.register_keras_serializable(package="course_utils")
class SRUCell(RecurrentCell):
    """One step of a simple recurrent unit: no matrix ever multiplies the previous state.

    Equations (AIEI007 Lecture 10; row vectors, so ``x_t W`` is the printed ``W x_t``)::

        f_t = σ(x_t W_f + v_f ⊙ c_{t-1} + b_f)      forget gate
        c_t = f_t ⊙ c_{t-1} + (1 − f_t) ⊙ (x_t W)    the state: f keeps the old, 1 − f writes the new
        r_t = σ(x_t W_r + v_r ⊙ c_{t-1} + b_r)      reset (highway) gate
        h_t = r_t ⊙ c_t + (1 − r_t) ⊙ x_t           the output: the state, or the input passed through

    The only recurrent weights are the vectors ``v_f, v_r`` (element-wise products), so the
    three input products can be computed for all time steps in parallel; that is what makes
    SRU fast on a GPU. (This cell, run by ``keras.layers.RNN``, still computes them step by
    step: it shows the maths, not the speed.) Some versions of the paper apply an activation
    to ``c_t`` in the last line, ``r_t ⊙ g(c_t)``; AIEI007 Lecture 10 prints none, and neither do we.

    Weights: ``kernel`` (d, 3u) = ``[W | W_f | W_r]``; ``recurrent_kernel`` (2u,) =
    ``[v_f | v_r]``, drawn small (``recurrent_initializer="random_uniform"``, ±0.05) since an
    orthogonal matrix makes no sense for vectors; ``bias`` (2u,) = ``[b_f | b_r]`` (``W x_t``
    has no bias in the equations).

    The output is ``h_t``; the recurrence only needs ``c_t``, but the cell carries the pair
    ``[h_t, c_t]`` (``state_size == [u, u]``, like an LSTM) because ``keras.layers.RNN``
    on JAX repeats ``states[0]`` as the output of a masked step: with ``[c_t]`` alone a
    masked step would output ``c_{t-1}`` on JAX and ``h_{t-1}`` on TensorFlow. The highway
    term ``(1 − r_t) ⊙ x_t`` needs ``input_dim == units``.

    >>> SRUCell(4).parameter_formula(4)
    ('3·d·u + 4·u  [d=4, u=4]', 64)
    """

    formula_kind = "sru"

    def __init__(self, units, use_bias=True, recurrent_initializer="random_uniform", **kwargs):
        super().__init__(units, use_bias=use_bias, recurrent_initializer=recurrent_initializer, **kwargs)
        self.state_size = [self.units, self.units]  # [h, c]: h first, the output of a masked step

    def weight_shapes(self, input_dim):
        d, u = input_dim, self.units
        shapes = [("kernel", "(d, 3u)", (d, 3 * u)), ("recurrent_kernel", "(2u,)", (2 * u,))]
        return shapes + ([("bias", "(2u,)", (2 * u,))] if self.use_bias else [])

    def build(self, input_shape):
        d = self._step_input_dim(input_shape)
        if d != self.units:
            raise ValueError(
                f"SRUCell adds x_t to the output, (1 − r_t) ⊙ x_t, so it needs input_dim == units; "
                f"got steps of shape (batch, {d}) for units={self.units}. Put a Dense({self.units}) "
                f"before it, or use units={d}."
            )
        super().build(input_shape)

    def call(self, inputs, states, training=False):
        self._check_step(inputs, states)
        c_tm1 = states[1]  # c_{t-1}; states[0] is h_{t-1}, which the step does not read
        x_t = inputs
        xW, xW_f, xW_r = ops.split(ops.matmul(x_t, self.kernel), 3, axis=-1)  # all three input products
        v_f, v_r = ops.split(self.recurrent_kernel, 2)
        b_f, b_r = ops.split(self.bias, 2) if self.use_bias else (0.0, 0.0)
        f_t = ops.sigmoid(xW_f + v_f * c_tm1 + b_f)  # forget gate
        c_t = f_t * c_tm1 + (1 - f_t) * xW  # new state
        r_t = ops.sigmoid(xW_r + v_r * c_tm1 + b_r)  # reset gate
        h_t = r_t * c_t + (1 - r_t) * x_t  # output: highway between state and input
        return h_t, [h_t, c_t]
