"""MUT1, MUT2, MUT3: the three GRU-like cells found by architecture search (Jozefowicz et al. 2015).

AIEI007 Lecture 10 prints them after "Are LSTMs and GRUs optimal?"; its table scores them against LSTM
and GRU. We follow the printed equations exactly, including their conventions:

* the step goes from ``h_t`` (the previous state) to ``h_{t+1}``; in code ``h_t`` is the
  state we receive and ``h_t1`` the one we return;
* ``z`` weights the NEW candidate, ``h_{t+1} = h̃ ⊙ z + h_t ⊙ (1 − z)``, as in the lectures'
  GRU and opposite to Keras' GRU (see :class:`~course_utils.cells.gru.GRUCell`);
* the reset is applied before the product, ``W_hh(r ⊙ h_t)``, like ``reset_after=False``;
* ``sigm`` and ``tanh`` are fixed by the equations (no activation arguments).

Products are written with row vectors, as Keras computes them: ``x_t W_xz`` here is the
printed ``W_xz x_t``, each ``W`` is (d, u) or (u, u). MUT1 adds ``tanh(x_t)`` and MUT2 adds
``x_t`` to vectors of size u, without a weight: both need ``input_dim == units``.
"""

from course_utils._keras import keras
from course_utils.cells._base import RecurrentCell

ops = keras.ops


class _MUTCell(RecurrentCell):
    """What the three MUT cells share: a (3u,) bias ``[b_z | b_r | b_h]`` and the d == u check."""

    needs_input_dim_equal_units = False
    _kernel_blocks = _recurrent_blocks = ()  # the names of the fused blocks, in order

    def weight_shapes(self, input_dim):
        d, u = input_dim, self.units
        k, m = len(self._kernel_blocks), len(self._recurrent_blocks)
        shapes = [("kernel", f"(d, {k}u)", (d, k * u)), ("recurrent_kernel", f"(u, {m}u)", (u, m * u))]
        return shapes + ([("bias", "(3u,)", (3 * u,))] if self.use_bias else [])

    def build(self, input_shape):
        d = self._step_input_dim(input_shape)
        if self.needs_input_dim_equal_units and d != self.units:
            name = type(self).__name__
            raise ValueError(
                f"{name} adds x_t (unweighted) to a vector of u={self.units} numbers, so it needs "
                f"input_dim == units; got steps of shape (batch, {d}). Put a Dense({self.units}) or "
                f"Embedding(V, {self.units}) before it, or use units={d}."
            )
        super().build(input_shape)

    def _b(self):
        """``b_z, b_r, b_h``: the three slices of the bias, or zeros without one."""
        return ops.split(self.bias, 3) if self.use_bias else (0.0, 0.0, 0.0)


@keras.saving.register_keras_serializable(package="course_utils")
class MUT1Cell(_MUTCell):
    """MUT1 (AIEI007 Lecture 10)::

        z = sigm(W_xz x_t + b_z)                       update gate: reads only the input
        r = sigm(W_xr x_t + W_hr h_t + b_r)            reset gate
        h_{t+1} = tanh(W_hh (r ⊙ h_t) + tanh(x_t) + b_h) ⊙ z + h_t ⊙ (1 − z)

    Weights: ``kernel`` (d, 2u) = ``[W_xz | W_xr]``, ``recurrent_kernel`` (u, 2u) =
    ``[W_hr | W_hh]``, ``bias`` (3u,) = ``[b_z | b_r | b_h]``. Needs ``input_dim == units``.

    >>> MUT1Cell(4).parameter_formula(4)
    ('2·d·u + 2·u² + 3·u  [d=4, u=4]', 76)
    """

    formula_kind = "mut1"
    needs_input_dim_equal_units = True
    _kernel_blocks, _recurrent_blocks = ("W_xz", "W_xr"), ("W_hr", "W_hh")

    def call(self, inputs, states, training=False):
        h_t = self._check_step(inputs, states)  # the previous state (AIEI007 Lecture 10's h_t)
        x_t, u = inputs, self.units
        b_z, b_r, b_h = self._b()
        xW_xz, xW_xr = ops.split(ops.matmul(x_t, self.kernel), 2, axis=-1)  # both input products at once
        W_hr, W_hh = self.recurrent_kernel[:, :u], self.recurrent_kernel[:, u:]
        z = ops.sigmoid(xW_xz + b_z)  # update gate, from x_t alone
        r = ops.sigmoid(xW_xr + ops.matmul(h_t, W_hr) + b_r)  # reset gate
        h_tilde = ops.tanh(ops.matmul(r * h_t, W_hh) + ops.tanh(x_t) + b_h)  # candidate
        h_t1 = h_tilde * z + h_t * (1 - z)  # z weights the new candidate
        return h_t1, [h_t1]


@keras.saving.register_keras_serializable(package="course_utils")
class MUT2Cell(_MUTCell):
    """MUT2 (AIEI007 Lecture 10)::

        z = sigm(W_xz x_t + W_hz h_t + b_z)            update gate
        r = sigm(x_t + W_hr h_t + b_r)                 reset gate: x_t enters unweighted
        h_{t+1} = tanh(W_hh (r ⊙ h_t) + W_xh x_t + b_h) ⊙ z + h_t ⊙ (1 − z)

    Weights: ``kernel`` (d, 2u) = ``[W_xz | W_xh]``, ``recurrent_kernel`` (u, 3u) =
    ``[W_hz | W_hr | W_hh]``, ``bias`` (3u,) = ``[b_z | b_r | b_h]``. Needs ``input_dim == units``.

    >>> MUT2Cell(4).parameter_formula(4)
    ('2·d·u + 3·u² + 3·u  [d=4, u=4]', 92)
    """

    formula_kind = "mut2"
    needs_input_dim_equal_units = True
    _kernel_blocks, _recurrent_blocks = ("W_xz", "W_xh"), ("W_hz", "W_hr", "W_hh")

    def call(self, inputs, states, training=False):
        h_t = self._check_step(inputs, states)  # the previous state (AIEI007 Lecture 10's h_t)
        x_t, u = inputs, self.units
        b_z, b_r, b_h = self._b()
        xW_xz, xW_xh = ops.split(ops.matmul(x_t, self.kernel), 2, axis=-1)
        hW_hz, hW_hr = ops.split(ops.matmul(h_t, self.recurrent_kernel[:, : 2 * u]), 2, axis=-1)
        W_hh = self.recurrent_kernel[:, 2 * u :]
        z = ops.sigmoid(xW_xz + hW_hz + b_z)  # update gate
        r = ops.sigmoid(x_t + hW_hr + b_r)  # reset gate, x_t added as is
        h_tilde = ops.tanh(ops.matmul(r * h_t, W_hh) + xW_xh + b_h)  # candidate
        h_t1 = h_tilde * z + h_t * (1 - z)  # z weights the new candidate
        return h_t1, [h_t1]


@keras.saving.register_keras_serializable(package="course_utils")
class MUT3Cell(_MUTCell):
    """MUT3 (AIEI007 Lecture 10)::

        z = sigm(W_xz x_t + W_hz tanh(h_t) + b_z)      update gate reads tanh(h_t)
        r = sigm(W_xr x_t + W_hr h_t + b_r)            reset gate
        h_{t+1} = tanh(W_hh (r ⊙ h_t) + W_xh x_t + b_h) ⊙ z + h_t ⊙ (1 − z)

    Weights: ``kernel`` (d, 3u) = ``[W_xz | W_xr | W_xh]``, ``recurrent_kernel`` (u, 3u) =
    ``[W_hz | W_hr | W_hh]``, ``bias`` (3u,) = ``[b_z | b_r | b_h]``: a GRU's count with
    ``reset_after=False``. Any input size.

    >>> MUT3Cell(4).parameter_formula(2)
    ('3·d·u + 3·u² + 3·u  [d=2, u=4]', 84)
    """

    formula_kind = "mut3"
    _kernel_blocks, _recurrent_blocks = ("W_xz", "W_xr", "W_xh"), ("W_hz", "W_hr", "W_hh")

    def call(self, inputs, states, training=False):
        h_t = self._check_step(inputs, states)  # the previous state (AIEI007 Lecture 10's h_t)
        x_t, u = inputs, self.units
        b_z, b_r, b_h = self._b()
        xW_xz, xW_xr, xW_xh = ops.split(ops.matmul(x_t, self.kernel), 3, axis=-1)
        W_hz, W_hr, W_hh = (self.recurrent_kernel[:, k * u : (k + 1) * u] for k in range(3))
        z = ops.sigmoid(xW_xz + ops.matmul(ops.tanh(h_t), W_hz) + b_z)  # update gate
        r = ops.sigmoid(xW_xr + ops.matmul(h_t, W_hr) + b_r)  # reset gate
        h_tilde = ops.tanh(ops.matmul(r * h_t, W_hh) + xW_xh + b_h)  # candidate
        h_t1 = h_tilde * z + h_t * (1 - z)  # z weights the new candidate
        return h_t1, [h_t1]
