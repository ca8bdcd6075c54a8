"""Small shared tools for the cell tests: random weights, NumPy outputs, sizes."""

import contextlib

import numpy as np

from course_utils._keras import keras

BATCH, STEPS = 3, 5
ATOL = 1e-5  # float32: the bound on |ours - Keras|


def numpy(value):
    """A backend tensor (or a list of them) as float64 NumPy."""
    if isinstance(value, (list, tuple)):
        return [numpy(v) for v in value]
    return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)


@keras.saving.register_keras_serializable(package="course_utils_tests")
class NumpyNormal(keras.initializers.Initializer):
    """Weights drawn from N(0, scale²) by NumPy: random (never constant), and cheap on JAX,
    where Keras' own initializers compile a random-number kernel for every new shape."""

    def __init__(self, seed=0, scale=0.5):
        self.seed, self.scale = seed, scale
        self._rng = np.random.default_rng(seed)

    def __call__(self, shape, dtype=None):
        values = self.scale * self._rng.standard_normal(shape)
        return keras.ops.convert_to_tensor(values, dtype=dtype or "float32")

    def get_config(self):
        return {"seed": self.seed, "scale": self.scale}


def random_init(seed=0):
    """Constructor arguments that give a cell random weights from the start."""
    return {
        "kernel_initializer": NumpyNormal(seed),
        "recurrent_initializer": NumpyNormal(seed + 1),
        "bias_initializer": NumpyNormal(seed + 2),
    }


def random_weights(layer, rng, scale=0.5):
    """Draw every weight of ``layer`` from N(0, scale²) (never a constant: it would hide gate order)."""
    weights = [(scale * rng.standard_normal(w.shape)).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


def sequence(rng, d, batch=BATCH, steps=STEPS):
    return rng.standard_normal((batch, steps, d)).astype("float32")


def random_mask(rng, batch=BATCH, steps=STEPS):
    """A boolean (batch, steps) mask with holes, a masked first step and right padding."""
    mask = rng.random((batch, steps)) > 0.35
    mask[0, :] = True  # one row fully kept
    mask[1, 0] = False  # one row starts masked
    mask[-1, -2:] = False  # one row right-padded
    return mask


def max_abs_diff(a, b):
    """max |a - b| over a tensor or a list of tensors, after checking that the shapes agree."""
    a = numpy(a) if isinstance(a, (list, tuple)) else [numpy(a)]
    b = numpy(b) if isinstance(b, (list, tuple)) else [numpy(b)]
    assert [x.shape for x in a] == [y.shape for y in b]
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))


def jit_on():
    """A context in which JAX compiles again (see conftest.py); nothing to do on other backends."""
    if keras.backend.backend() != "jax":
        return contextlib.nullcontext()
    import jax

    return jax.disable_jit(False)
