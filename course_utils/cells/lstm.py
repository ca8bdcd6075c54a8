"""The LSTM cell, from scratch, equal to ``keras.layers.LSTMCell``."""

from course_utils._keras import keras
from course_utils._validation import boolean
from course_utils.cells._base import RecurrentCell

ops = keras.ops


def forget_bias_initializer(bias_initializer, units, gates):
    """An initializer for the fused bias that puts 1 in the forget gate's block ``b_f``.

    ``gates`` is the order of the blocks, e.g. ``"ifgo"`` (Keras: i, f, c, o). Every other
    block is drawn from ``bias_initializer``, exactly as Keras' ``unit_forget_bias=True``.
    """

    def initializer(shape, dtype=None):
        blocks = [
            ops.ones((units,), dtype=dtype) if gate == "f" else bias_initializer((units,), dtype=dtype)
            for gate in gates
        ]
        return ops.concatenate(blocks)

    return initializer


@keras.saving.register_keras_serializable(package="course_utils")
class LSTMCell(RecurrentCell):
    """One step of a long short-term memory cell (Hochreiter & Schmidhuber 1997, Gers et al. 2000).

    Equations (CSCI E-89B Lecture 2's notation: row vectors, so each ``W`` is exactly a Keras slice;
    ``σ`` is ``recurrent_activation``, the sigmoid in the lectures; ``φ`` is ``activation``, tanh)::

        i_t = σ(x_t W_xi + h_{t-1} W_hi + b_i)      input gate: how much to write
        f_t = σ(x_t W_xf + h_{t-1} W_hf + b_f)      forget gate: how much of c_{t-1} to keep
        g_t = φ(x_t W_xg + h_{t-1} W_hg + b_g)      candidate: what to write
        o_t = σ(x_t W_xo + h_{t-1} W_ho + b_o)      output gate: how much to reveal
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t             the long-term (cell) state
        h_t = o_t ⊙ φ(c_t)                          the output and short-term state

    Keras fuses the four blocks side by side in the order i, f, c, o (Keras calls g "c"):
    ``W_xi = kernel[:, :u]``, ``W_xf = kernel[:, u:2u]``, ``W_xg = kernel[:, 2u:3u]``,
    ``W_xo = kernel[:, 3u:]``; the same slices of ``recurrent_kernel`` (u, 4u) give
    ``W_hi, W_hf, W_hg, W_ho`` and of ``bias`` (4u,) give ``b_i, b_f, b_g, b_o``. AIEI007 Lecture 10
    writes ``W^i h_{t-1} + U^i x_t`` with column vectors: ``U^i = W_xiᵀ``, ``W^i = W_hiᵀ``;
    its stacked form lists the gates i, f, o, g, but Keras' order is i, f, g, o.

    ``unit_forget_bias=True`` (Keras' default) starts ``b_f`` at 1 instead of 0: that is the
    "LSTM-b" of AIEI007 Lecture 10's ablation table; the table's plain "LSTM" is ``unit_forget_bias=False``.
    The state is the pair ``[h_t, c_t]``: ``state_size == [u, u]``.

    >>> from course_utils._keras import keras
    >>> layer = keras.layers.RNN(LSTMCell(16), return_state=True)
    >>> y, h, c = layer(keras.Input((200, 2)))      # CSCI E-89B Lecture 2: LSTM(16) on (200, 2)
    >>> y.shape, h.shape, c.shape
    ((None, 16), (None, 16), (None, 16))
    >>> layer.cell.parameter_formula(2)
    ('4·[u·(d + u) + u]  [d=2, u=16]', 1216)
    """

    formula_kind = "lstm"

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        unit_forget_bias=True,
        **kwargs,
    ):
        super().__init__(units, use_bias=use_bias, **kwargs)
        self.activation = keras.activations.get(activation)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.unit_forget_bias = boolean(unit_forget_bias, "unit_forget_bias")
        self.state_size = [self.units, self.units]  # [h, c]

    def weight_shapes(self, input_dim):
        d, u = input_dim, self.units
        shapes = [("kernel", "(d, 4u)", (d, 4 * u)), ("recurrent_kernel", "(u, 4u)", (u, 4 * u))]
        return shapes + ([("bias", "(4u,)", (4 * u,))] if self.use_bias else [])

    def build(self, input_shape):
        self.input_dim = d = self._step_input_dim(input_shape)
        bias_init = self.bias_initializer
        if self.unit_forget_bias:
            bias_init = forget_bias_initializer(self.bias_initializer, self.units, "ifgo")
        self._add_weights(
            d, {"kernel": self.kernel_initializer, "recurrent_kernel": self.recurrent_initializer, "bias": bias_init}
        )

    def call(self, inputs, states, training=False):
        h_tm1 = self._check_step(inputs, states)  # h_{t-1}
        c_tm1 = states[1]  # c_{t-1}
        x_t = inputs
        σ, φ = self.recurrent_activation, self.activation
        # all four blocks in one product each: a = [a_i | a_f | a_g | a_o], shape (batch, 4u)
        a = ops.matmul(x_t, self.kernel) + ops.matmul(h_tm1, self.recurrent_kernel)
        if self.use_bias:
            a = ops.add(a, self.bias)  # + [b_i | b_f | b_g | b_o]
        a_i, a_f, a_g, a_o = ops.split(a, 4, axis=-1)
        i = σ(a_i)  # input gate
        f = σ(a_f)  # forget gate
        g = φ(a_g)  # candidate memory
        o = σ(a_o)  # output gate
        c_t = f * c_tm1 + i * g  # keep part of the old memory, write part of the new
        h_t = o * φ(c_t)  # reveal part of the memory
        return h_t, [h_t, c_t]

    def _describe(self):
        return f"LSTMCell(units={self.units}, use_bias={self.use_bias})"

    def get_config(self):
        return {
            **super().get_config(),
            "activation": keras.activations.serialize(self.activation),
            "recurrent_activation": keras.activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        }
