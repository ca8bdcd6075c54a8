"""The LSTM ablations of AIEI007 Lecture 10's table (Jozefowicz et al. 2015): an LSTM with one gate removed.

=========  ===================================  ====================================
table      what changes                         here
=========  ===================================  ====================================
LSTM       the LSTM, forget bias 0              ``LSTMCell(u, unit_forget_bias=False)``
LSTM-f     no forget gate: f_t = 1              ``LSTMAblationCell(u, without="forget")``
LSTM-i     no input gate: i_t = 1               ``LSTMAblationCell(u, without="input")``
LSTM-o     no output gate: o_t = 1              ``LSTMAblationCell(u, without="output")``
LSTM-b     forget gate bias starts at 1         ``LSTMCell(u, unit_forget_bias=True)``
=========  ===================================  ====================================

LSTM-b changes no equation, only where ``b_f`` starts, and it is Keras' default.
``course_utils.cells.make_cell(name, units)`` builds any row by its table name.
"""

from course_utils._keras import keras
from course_utils._validation import boolean
from course_utils.cells._base import RecurrentCell
from course_utils.cells.lstm import forget_bias_initializer

ops = keras.ops

_GATES = "ifgo"  # Keras' order of the LSTM blocks (Keras calls the candidate g "c")
_REMOVABLE = {"forget": "f", "input": "i", "output": "o"}


@keras.saving.register_keras_serializable(package="course_utils")
class LSTMAblationCell(RecurrentCell):
    """An LSTM without one gate, that gate fixed at 1 (always open), and without its weights.

    Equations (as :class:`~course_utils.cells.lstm.LSTMCell`; the removed gate becomes 1)::

        i_t = σ(x_t W_xi + h_{t-1} W_hi + b_i)      without="input":  i_t = 1
        f_t = σ(x_t W_xf + h_{t-1} W_hf + b_f)      without="forget": f_t = 1
        g_t = φ(x_t W_xg + h_{t-1} W_hg + b_g)
        o_t = σ(x_t W_xo + h_{t-1} W_ho + b_o)      without="output": o_t = 1
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
        h_t = o_t ⊙ φ(c_t)

    Weights: Keras' fused layout with the removed block left out, the others in Keras'
    order i, f, g, o. For example ``without="forget"``: ``kernel`` (d, 3u) is
    ``[W_xi | W_xg | W_xo]``, ``recurrent_kernel`` (u, 3u) is ``[W_hi | W_hg | W_ho]``,
    ``bias`` (3u,) is ``[b_i | b_g | b_o]``: 3/4 of an LSTM's parameters.

    ``unit_forget_bias`` (default True, as Keras) starts ``b_f`` at 1; it has no effect
    when the forget gate is the one removed.

    >>> cell = LSTMAblationCell(4, without="forget")
    >>> cell.gates
    'igo'
    >>> cell.parameter_formula(3)
    ('3·[u·(d + u) + u]  [d=3, u=4]', 96)
    """

    formula_kind = "lstm_ablation"

    def __init__(
        self,
        units,
        without="forget",
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        unit_forget_bias=True,
        **kwargs,
    ):
        if not isinstance(without, str) or without not in _REMOVABLE:
            raise ValueError(f"without must be one of {sorted(_REMOVABLE)} (the gate to remove), got {without!r}.")
        super().__init__(units, use_bias=use_bias, **kwargs)
        self.without = without
        self.gates = _GATES.replace(_REMOVABLE[without], "")  # the blocks kept, in Keras' order
        self.activation = keras.activations.get(activation)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.unit_forget_bias = boolean(unit_forget_bias, "unit_forget_bias")
        self.state_size = [self.units, self.units]  # [h, c]

    def weight_shapes(self, input_dim):
        d, u = input_dim, self.units
        shapes = [("kernel", "(d, 3u)", (d, 3 * u)), ("recurrent_kernel", "(u, 3u)", (u, 3 * u))]
        return shapes + ([("bias", "(3u,)", (3 * u,))] if self.use_bias else [])

    def build(self, input_shape):
        self.input_dim = d = self._step_input_dim(input_shape)
        bias_init = self.bias_initializer
        if self.unit_forget_bias and "f" in self.gates:
            bias_init = forget_bias_initializer(self.bias_initializer, self.units, self.gates)
        self._add_weights(
            d, {"kernel": self.kernel_initializer, "recurrent_kernel": self.recurrent_initializer, "bias": bias_init}
        )

    def call(self, inputs, states, training=False):
        h_tm1 = self._check_step(inputs, states)  # h_{t-1}
        c_tm1 = states[1]  # c_{t-1}
        x_t = inputs
        σ, φ = self.recurrent_activation, self.activation
        # the three kept blocks in one product each, e.g. [a_i | a_g | a_o] without the forget gate
        a = ops.matmul(x_t, self.kernel) + ops.matmul(h_tm1, self.recurrent_kernel)
        if self.use_bias:
            a = ops.add(a, self.bias)
        a = dict(zip(self.gates, ops.split(a, 3, axis=-1)))
        i = σ(a["i"]) if "i" in a else 1.0  # input gate (LSTM-i: always 1)
        f = σ(a["f"]) if "f" in a else 1.0  # forget gate (LSTM-f: always 1, never forgets)
        g = φ(a["g"])  # candidate memory
        o = σ(a["o"]) if "o" in a else 1.0  # output gate (LSTM-o: always 1)
        c_t = f * c_tm1 + i * g  # the memory update
        h_t = o * φ(c_t)  # the output
        return h_t, [h_t, c_t]

    def _describe(self):
        return f"LSTMAblationCell(units={self.units}, without={self.without!r}, use_bias={self.use_bias})"

    def get_config(self):
        return {
            **super().get_config(),
            "without": self.without,
            "activation": keras.activations.serialize(self.activation),
            "recurrent_activation": keras.activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        }
