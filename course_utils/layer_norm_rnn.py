"""A layer-normalized SimpleRNN cell (Ba, Kiros & Hinton 2016), which Keras 3 does not ship.

Seed 000 lists layer normalization among the remedies for unstable RNN training
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
from course_utils._validation import number, positive_int

ops = keras.ops


@keras.saving.register_keras_serializable(package="course_utils")
class LayerNormSimpleRNNCell(keras.Layer):
    """SimpleRNN step with layer normalization of ``x_t W_x + h_{t-1} W_h``; use with ``keras.layers.RNN``.

    Parameters: ``W_x`` (d, u), ``W_h`` (u, u), ``γ`` (u,), ``β`` (u,): u·(d + u) + 2u.

    >>> import numpy as np
    >>> layer = keras.layers.RNN(LayerNormSimpleRNNCell(4), return_sequences=True)
    >>> tuple(layer(np.ones((2, 3, 5), "float32")).shape), layer.count_params()
    ((2, 3, 4), 44)
    """

    def __init__(self, units, activation="tanh", kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", epsilon=1e-3, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.units = positive_int(units, "units", "Use the number of recurrent units, e.g. units=32.")
        self.epsilon = number(epsilon, "epsilon", "Use a small one such as 1e-3.", above=0)
        self.activation = keras.activations.get(activation)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        d, u = int(input_shape[-1]), self.units
        self.kernel = self.add_weight(shape=(d, u), initializer=self.kernel_initializer, name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(u, u), initializer=self.recurrent_initializer,
                                                name="recurrent_kernel")  # fmt: skip
        self.gamma = self.add_weight(shape=(u,), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(u,), initializer="zeros", name="beta")

    def call(self, inputs, states, training=False):
        h_tm1 = states[0] if isinstance(states, (list, tuple)) else states  # h_{t-1}
        a = ops.matmul(inputs, self.kernel) + ops.matmul(h_tm1, self.recurrent_kernel)  # a_t
        mean, variance = ops.moments(a, axes=[-1], keepdims=True)  # μ_t, σ²_t over the units
        a_hat = (a - mean) / ops.sqrt(variance + self.epsilon)  # â_t
        h_t = self.activation(self.gamma * a_hat + self.beta)  # h_t = φ(γ ⊙ â_t + β)
        return h_t, [h_t]

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(self.recurrent_initializer),
            "epsilon": self.epsilon,
        }
