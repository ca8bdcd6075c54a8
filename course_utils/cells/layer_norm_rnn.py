"""A layer-normalized SimpleRNN cell (Ba, Kiros & Hinton 2016), which Keras 3 does not ship.

CSCI E-89B Lecture 2 lists layer normalization among the remedies for unstable RNN training
("normalizes across the features, effective for RNNs"). Applied to the summed inputs of
the recurrent step::

    a_t = x_t W_x + h_{t-1} W_h                     (no bias: β takes its place)
    â_t = (a_t − μ_t) / √(σ²_t + ε)                 μ_t, σ²_t: mean and variance over the u units
    h_t = φ(γ ⊙ â_t + β)

Whatever the scale of ``W_h`` or of ``h_{t-1}``, the pre-activation is re-centred and
re-scaled at every step, so the state cannot blow up, and the Jacobian ∂h_t/∂h_{t-1}
shrinks by 1/σ_t exactly when the summed input grows.

Errata: Keras 3 has no layer-normalized recurrent cell (``tf.keras`` never had one; the
TensorFlow Addons ``LayerNormLSTMCell`` is discontinued). ``keras.layers.LayerNormalization``
after a recurrent layer normalizes its outputs, not the state inside the recurrence.
"""

from course_utils._keras import keras
from course_utils._validation import number
from course_utils.cells._base import RecurrentCell

ops = keras.ops


@keras.saving.register_keras_serializable(package="course_utils")
class LayerNormSimpleRNNCell(RecurrentCell):
    """SimpleRNN step with layer normalization of ``x_t W_x + h_{t-1} W_h``; use with ``keras.layers.RNN``.

    Weights: ``kernel`` = ``W_x`` (d, u), ``recurrent_kernel`` = ``W_h`` (u, u), ``gamma`` = γ (u,),
    starting at 1, and ``beta`` = β (u,), drawn from ``bias_initializer``: u·(d + u) + 2u.
    β plays the bias' part, so ``use_bias=False`` leaves it out (``h_t = φ(γ ⊙ â_t)``).
    ``epsilon`` (ε) keeps the division finite when every unit has the same summed input.

    >>> import numpy as np
    >>> layer = keras.layers.RNN(LayerNormSimpleRNNCell(4), return_sequences=True)
    >>> tuple(layer(np.ones((2, 3, 5), "float32")).shape), layer.count_params()
    ((2, 3, 4), 44)
    >>> layer.cell.parameter_formula(5)
    ('u·(d + u) + 2·u  [d=5, u=4]', 44)
    """

    formula_kind = "layer_norm_simple_rnn"

    def __init__(self, units, activation="tanh", use_bias=True, epsilon=1e-3, **kwargs):
        super().__init__(units, use_bias=use_bias, **kwargs)
        self.activation = keras.activations.get(activation)
        self.epsilon = number(epsilon, "epsilon", "Use a small one such as 1e-3.", above=0)

    def weight_shapes(self, input_dim):
        d, u = input_dim, self.units
        shapes = [("kernel", "(d, u)", (d, u)), ("recurrent_kernel", "(u, u)", (u, u)), ("gamma", "(u,)", (u,))]
        return shapes + ([("beta", "(u,)", (u,))] if self.use_bias else [])

    def build(self, input_shape):
        self.input_dim = d = self._step_input_dim(input_shape)
        initializers = {"kernel": self.kernel_initializer, "recurrent_kernel": self.recurrent_initializer}
        self._add_weights(d, {**initializers, "gamma": keras.initializers.Ones(), "beta": self.bias_initializer})

    def call(self, inputs, states, training=False):
        h_tm1 = self._check_step(inputs, states)  # h_{t-1}
        a = ops.matmul(inputs, self.kernel) + ops.matmul(h_tm1, self.recurrent_kernel)  # a_t
        mean, variance = ops.moments(a, axes=[-1], keepdims=True)  # μ_t, σ²_t over the units
        a_hat = (a - mean) / ops.sqrt(variance + self.epsilon)  # â_t
        z = self.gamma * a_hat  # γ ⊙ â_t
        if self.use_bias:
            z = z + self.beta  # + β
        h_t = self.activation(z)  # h_t = φ(γ ⊙ â_t + β)
        return h_t, [h_t]

    def _describe(self):
        return f"LayerNormSimpleRNNCell(units={self.units}, use_bias={self.use_bias})"

    def get_config(self):
        return {
            **super().get_config(),
            "activation": keras.activations.serialize(self.activation),
            "epsilon": self.epsilon,
        }
