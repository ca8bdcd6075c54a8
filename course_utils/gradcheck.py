"""A gradient checker: compare analytic gradients with central finite differences.

For every entry θ_k of every parameter, with a small ε::

    ∂J/∂θ_k ≈ (J(θ + ε e_k) − J(θ − ε e_k)) / (2ε)          error O(ε²)

and the agreement of a whole parameter is the relative error of the two arrays::

    rel(A, N) = ‖A − N‖ / max(‖A‖ + ‖N‖, tiny)

In float64 with ε = 1e-5 a correct gradient gives about 1e-9 or less; 1e-6 is the
course's threshold. A wrong gradient (an off-by-one in BPTT, a missing term) gives
something like 1e-2 to 1. The checker works on any ``loss_fn(params) -> float``:
the NumPy SimpleRNN, LSTM and GRU of :mod:`course_utils.numpy_gated`, or your own.
"""

from dataclasses import dataclass

import numpy as np

from course_utils._table import render_html, render_text
from course_utils._validation import number

TOLERANCE = 1e-6


def _check_params(params, name="params"):
    if not isinstance(params, dict) or not params:
        raise ValueError(f"{name} must be a non-empty dict of name -> float array, got {type(params).__name__}.")
    for key, value in params.items():
        array = np.asarray(value)
        if not np.issubdtype(array.dtype, np.floating):
            raise ValueError(f"{name}[{key!r}] must be a float array, got dtype {array.dtype}.")


def relative_error(analytic, numeric):
    """``‖A − N‖ / max(‖A‖ + ‖N‖, 1e-300)``: 0 when equal, 1 when opposite or one is zero.

    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    >>> round(relative_error(np.array([1.0, 0.0]), np.array([0.0, 1.0])), 4)
    0.7071
    """
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"the two gradients must have the same shape, got {a.shape} and {n.shape}.")
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-300))


def numerical_gradient(loss_fn, params, eps=1e-5):
    """Central differences of ``loss_fn(params)`` with respect to every entry of every parameter.

    ``params`` is left unchanged (entries are perturbed in a float64 copy and restored).

    >>> numerical_gradient(lambda p: float((p["w"] ** 2).sum()), {"w": np.array([1.0, -3.0])})["w"].round(6)
    array([ 2., -6.])
    """
    if not callable(loss_fn):
        raise ValueError(f"loss_fn must be a function params -> float, got {type(loss_fn).__name__}.")
    _check_params(params)
    eps = number(eps, "eps", "Use a small step such as 1e-5.", above=0, below=1)
    work = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    grads = {}
    for name, theta in work.items():
        grad = np.zeros_like(theta)
        for index in np.ndindex(theta.shape):
            saved = theta[index]
            theta[index] = saved + eps
            plus = loss_fn(work)  # J(θ + ε e_k)
            theta[index] = saved - eps
            minus = loss_fn(work)  # J(θ − ε e_k)
            theta[index] = saved
            grad[index] = (plus - minus) / (2 * eps)  # ≈ ∂J/∂θ_k, error O(ε²)
        grads[name] = grad
    return grads


@dataclass(frozen=True)
class CheckRow:
    """One parameter: its shape, the two gradients' norms, their relative error."""

    name: str
    shape: tuple
    analytic_norm: float
    numeric_norm: float
    relative_error: float
    passed: bool


class GradCheck(list):
    """The rows of :func:`gradient_check`; shows as a table in a notebook."""

    headers = ("parameter", "shape", "‖analytic‖", "‖numeric‖", "relative error", "passed")

    def __init__(self, rows, tolerance):
        super().__init__(rows)
        self.tolerance = tolerance

    @property
    def passed(self) -> bool:
        return all(row.passed for row in self)

    @property
    def worst(self) -> float:
        return max(row.relative_error for row in self)

    def assert_passed(self):
        """Raise ``AssertionError`` naming every parameter whose gradient disagrees."""
        bad = [f"{r.name} (relative error {r.relative_error:.1e})" for r in self if not r.passed]
        if bad:
            raise AssertionError(f"gradient check failed (tolerance {self.tolerance:.0e}): " + ", ".join(bad))
        return self

    def _rows(self):
        # a correct gradient's relative error is round-off, whose digits differ between CPUs
        # (BLAS summation order): print only the bound it is under; a failure in full
        return [
            [
                r.name,
                str(r.shape),
                f"{r.analytic_norm:.6f}",
                f"{r.numeric_norm:.6f}",
                self._bound(r),
                "yes" if r.passed else "NO",
            ]
            for r in self
        ]

    def _bound(self, row):
        if not row.passed:
            return f"{row.relative_error:.2e}"
        return "< 1e-8" if row.relative_error < 1e-8 else f"< {self.tolerance:.0e}"

    def __str__(self):
        return render_text(self.headers, self._rows(), right={2, 3, 4})

    def _repr_html_(self):
        return render_html(self.headers, self._rows(), right={2, 3, 4})

    def __repr__(self):
        return str(self)


def gradient_check(loss_fn, params, grads, eps=1e-5, tolerance=TOLERANCE):
    """Check ``grads`` (analytic) against central differences of ``loss_fn`` at ``params``.

    Returns a :class:`GradCheck` table; ``.passed`` is True when every parameter's
    relative error is below ``tolerance``.

    >>> f = lambda p: float(np.sin(p["w"]).sum())
    >>> p = {"w": np.array([0.1, 0.7])}
    >>> gradient_check(f, p, {"w": np.cos(p["w"])}).passed
    True
    >>> gradient_check(f, p, {"w": np.sin(p["w"])}).passed
    False
    """
    _check_params(params)
    _check_params(grads, "grads")
    if set(grads) != set(params):
        raise ValueError(f"grads must have the same keys as params: {sorted(params)}, got {sorted(grads)}.")
    for key in params:
        if np.shape(grads[key]) != np.shape(params[key]):
            raise ValueError(
                f"grads[{key!r}] has shape {np.shape(grads[key])}, params[{key!r}] {np.shape(params[key])}."
            )
    number(tolerance, "tolerance", "Use e.g. 1e-6.", above=0)
    numeric = numerical_gradient(loss_fn, params, eps)
    rows = []
    for key in params:
        error = relative_error(grads[key], numeric[key])
        rows.append(CheckRow(key, tuple(np.shape(params[key])), float(np.linalg.norm(grads[key])),
                             float(np.linalg.norm(numeric[key])), error, error < tolerance))  # fmt: skip
    return GradCheck(rows, float(tolerance))
