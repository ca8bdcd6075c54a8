"""Keep the cell tests fast on the JAX backend.

Called eagerly, a Keras RNN on JAX runs ``lax.scan``, and JAX compiles every new scan with
XLA: about half a second per layer call on a 2-core machine, and these tests make some 200
calls. Under ``jax.disable_jit()`` the same scan runs op by op with the same ``jnp`` code
(masking, ``go_backwards`` and all) and only each new primitive shape is compiled. So on JAX
every test here runs un-jitted, except the blocks wrapped in ``helpers.jit_on()``: the
``fit`` step and the comparison of our layers with Keras' built-in LSTM, GRU and SimpleRNN,
which keep the compiled path. On TensorFlow this fixture does nothing.
"""

import pytest

from course_utils._keras import keras


@pytest.fixture(autouse=True)
def _jax_without_jit():
    if keras.backend.backend() != "jax":
        yield
        return
    import jax

    with jax.disable_jit():
        yield
