"""The GRU cell, from scratch, equal to ``keras.layers.GRUCell`` in both ``reset_after`` modes."""

from course_utils._keras import keras
from course_utils._validation import boolean
from course_utils.cells._base import RecurrentCell

ops = keras.ops


@keras.saving.register_keras_serializable(package="course_utils")
class GRUCell(RecurrentCell):
    """One step of a gated recurrent unit (Cho et al. 2014), in Keras' convention.

    Equations (row vectors, so each ``W`` is exactly a Keras slice; ``σ`` is
    ``recurrent_activation``, ``φ`` is ``activation``: sigmoid and tanh by default)::

        z_t = σ(x_t W_xz + h_{t-1} W_hz + b_z)              update gate
        r_t = σ(x_t W_xr + h_{t-1} W_hr + b_r)              reset gate
        h̃_t = φ(x_t W_xh + (r_t ⊙ h_{t-1}) W_hh + b_h)      candidate, reset_after=False
        h̃_t = φ(x_t W_xh + b_xh + r_t ⊙ (h_{t-1} W_hh + b_hh))   candidate, reset_after=True
        h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ h̃_t               Keras: z KEEPS the old state

    Keras fuses the blocks in the order z, r, h: ``W_xz = kernel[:, :u]``,
    ``W_xr = kernel[:, u:2u]``, ``W_xh = kernel[:, 2u:]``, and the same slices of
    ``recurrent_kernel`` (u, 3u) give ``W_hz, W_hr, W_hh``. The bias is (3u,) with
    ``reset_after=False`` (``b_z, b_r, b_h`` = its three slices) and (2, 3u) with
    ``reset_after=True``: row 0 is added to the input products, row 1 to the recurrent ones.
    For z and r the two rows simply add up (``b_z = bias[0, :u] + bias[1, :u]``), but
    ``b_hh = bias[1, 2u:]`` sits inside ``r_t ⊙ (...)``, so it cannot merge with ``b_xh = bias[0, 2u:]``.

    The direction of z. Every lecture lets the update gate weight the NEW candidate:
    AIEI007 Lecture 10 ``h_t = (1 − z_t) ⊙ h_{t-1} + z_t ⊙ h̃_t``, CSCI E-89B Lecture 2 the same (its printed
    h line has a typo), IIIT Hyderabad Intro to NLP ``c = Γu ⊙ c̃ + (1 − Γu) ⊙ c_{t-1}``, CS 505's ``g_u``.
    Keras' z points the other way: Keras' z_t is the lectures' ``1 − z_t`` (``1 − Γu``).
    With the sigmoid, ``1 − σ(a) = σ(−a)``: negating the z blocks of the kernels and bias
    turns one convention into the other. Same family of functions, different weights.

    Reset before or after. ``reset_after=False`` multiplies h_{t-1} by r_t before the product,
    as Cho et al. (2014) and the lectures write it (AIEI007 Lecture 10's ``W(r_t ⊙ h_{t-1})``, IIIT Hyderabad Intro to NLP's
    ``W_c[Γr ⊙ c, x]``); ``reset_after=True`` (Keras' default, the cuDNN form) resets after it.
    The state is the output: ``state_size == output_size == units``.

    >>> GRUCell(3).parameter_formula(2)
    ('3·u·(d + u + 2)  [d=2, u=3]', 63)
    >>> GRUCell(3, reset_after=False).parameter_formula(2)
    ('3·u·(d + u + 1)  [d=2, u=3]', 54)
    """

    formula_kind = "gru"

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        reset_after=True,
        **kwargs,
    ):
        super().__init__(units, use_bias=use_bias, **kwargs)
        self.activation = keras.activations.get(activation)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.reset_after = boolean(reset_after, "reset_after")

    def weight_shapes(self, input_dim):
        d, u = input_dim, self.units
        shapes = [("kernel", "(d, 3u)", (d, 3 * u)), ("recurrent_kernel", "(u, 3u)", (u, 3 * u))]
        if not self.use_bias:
            return shapes
        if self.reset_after:
            return shapes + [("bias", "(2, 3u)", (2, 3 * u))]
        return shapes + [("bias", "(3u,)", (3 * u,))]

    def call(self, inputs, states, training=False):
        h_tm1 = self._check_step(inputs, states)  # h_{t-1}
        x_t = inputs
        σ, φ = self.recurrent_activation, self.activation
        u = self.units
        # input products of all three blocks at once: [x W_xz | x W_xr | x W_xh] (+ input bias)
        ax = ops.matmul(x_t, self.kernel)
        if self.use_bias:
            ax = ops.add(ax, self.bias[0] if self.reset_after else self.bias)
        ax_z, ax_r, ax_h = ops.split(ax, 3, axis=-1)
        if self.reset_after:
            # recurrent products of all three blocks: [h W_hz | h W_hr | h W_hh] (+ recurrent bias)
            ah = ops.matmul(h_tm1, self.recurrent_kernel)
            if self.use_bias:
                ah = ops.add(ah, self.bias[1])
            ah_z, ah_r, ah_h = ops.split(ah, 3, axis=-1)
        else:
            # only z and r can use h_{t-1} as is; the candidate needs r_t ⊙ h_{t-1} first
            ah_z, ah_r = ops.split(ops.matmul(h_tm1, self.recurrent_kernel[:, : 2 * u]), 2, axis=-1)
        z = σ(ax_z + ah_z)  # update gate
        r = σ(ax_r + ah_r)  # reset gate
        if self.reset_after:
            h_tilde = φ(ax_h + r * ah_h)  # candidate: reset applied after the product
        else:
            h_tilde = φ(ax_h + ops.matmul(r * h_tm1, self.recurrent_kernel[:, 2 * u :]))  # reset before
        h_t = z * h_tm1 + (1 - z) * h_tilde  # Keras' z keeps the old state
        return h_t, [h_t]

    def _formula_switches(self):
        return {**super()._formula_switches(), "reset_after": self.reset_after}

    def _describe(self):
        return f"GRUCell(units={self.units}, use_bias={self.use_bias}, reset_after={self.reset_after})"

    def get_config(self):
        return {
            **super().get_config(),
            "activation": keras.activations.serialize(self.activation),
            "recurrent_activation": keras.activations.serialize(self.recurrent_activation),
            "reset_after": self.reset_after,
        }
