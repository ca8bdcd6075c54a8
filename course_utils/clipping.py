"""Gradient clipping: IIIT Hyderabad Intro to NLP's pseudo-code, and what Keras' three options do to the same gradient.

IIIT Hyderabad Intro to NLP, Algorithm 1 (norm clipping, Pascanu et al. 2013), where ĝ is the gradient of
ALL parameters as one vector::

    ĝ ← ∂E/∂θ
    if ‖ĝ‖ ≥ threshold:  ĝ ← (threshold / ‖ĝ‖) ĝ

Keras 3 optimizers offer three options (only one at a time):

* ``global_clipnorm=c`` - the lecture's algorithm: one norm over all variables, one scale;
  the direction of the whole gradient is kept.
* ``clipnorm=c`` - the same rule applied to EACH variable's gradient separately: every
  variable ends with norm ≤ c, so the whole gradient can reach c·√(number of variables)
  and its direction changes (variables are scaled by different factors).
* ``clipvalue=c`` - every entry clipped to [−c, c]: changes the direction too.

Errata: the lecture's clipping is Keras' ``global_clipnorm``, not ``clipnorm``.
"""

import numpy as np

from course_utils._table import render_html, render_text
from course_utils._validation import number

CLIP_OPTIONS = ("clipnorm", "clipvalue", "global_clipnorm")


def _as_list(grads):
    if isinstance(grads, np.ndarray) or not isinstance(grads, (list, tuple)) or not grads:
        raise ValueError("grads must be a non-empty list of arrays, one per variable (like model.trainable_variables).")
    arrays = [np.asarray(g, dtype=np.float64) for g in grads]
    for i, g in enumerate(arrays):
        if g.size == 0 or not np.all(np.isfinite(g)):
            raise ValueError(f"grads[{i}] must be a non-empty array of finite numbers, got shape {g.shape}.")
    return arrays


def _threshold(value, name="threshold"):
    return number(value, name, "Use e.g. 1.0.", above=0)


def global_norm(grads):
    """‖ĝ‖ of all gradients together: the square root of every entry squared, summed.

    >>> global_norm([np.array([3.0]), np.array([[4.0]])])
    5.0
    """
    return float(np.sqrt(sum(float(np.sum(g**2)) for g in _as_list(grads))))


def clip_by_norm_lecture(grads, threshold):
    """IIIT Hyderabad Intro to NLP's Algorithm 1 on a list of gradients (one norm over all of them).

    >>> [g.round(6).tolist() for g in clip_by_norm_lecture([np.array([3.0]), np.array([4.0])], threshold=1.0)]
    [[0.6], [0.8]]
    """
    grads, threshold = _as_list(grads), _threshold(threshold)
    norm = global_norm(grads)  # ‖ĝ‖
    if norm >= threshold:  # if ‖ĝ‖ ≥ threshold
        grads = [threshold / norm * g for g in grads]  # ĝ ← (threshold / ‖ĝ‖) ĝ
    return grads


def first_step(grads, optimizer):
    """The update a fresh Keras ``optimizer`` makes on its first step with these gradients.

    Variables start at 0 and the optimizer applies ``grads`` once, so the step is ``θ``
    afterwards (``−learning_rate · ĝ`` for plain SGD).
    """
    grads = _as_list(grads)
    from course_utils._keras import keras

    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise ValueError(f"optimizer must be a keras.optimizers.Optimizer, got {type(optimizer).__name__}.")
    variables = [keras.Variable(np.zeros_like(g, dtype="float32"), name=f"theta_{i}") for i, g in enumerate(grads)]
    optimizer.apply_gradients([(g.astype("float32"), v) for g, v in zip(grads, variables)])
    return [np.asarray(v.numpy(), dtype=np.float64) for v in variables]


def keras_clipped(grads, **clip):
    """The gradient a Keras optimizer applies with one of ``clipnorm``, ``clipvalue``, ``global_clipnorm``.

    Measured, not re-implemented: ``keras.optimizers.SGD(learning_rate=1.0, **clip)`` takes
    one step from 0, ``θ ← θ − 1 · clipped(ĝ)``, so the clipped gradient is ``−θ``.
    """
    if len(clip) != 1 or next(iter(clip)) not in CLIP_OPTIONS:
        raise ValueError(
            f"pass exactly one of {', '.join(CLIP_OPTIONS)}, e.g. keras_clipped(grads, clipnorm=1.0); got {clip}."
        )
    ((option, value),) = clip.items()
    _threshold(value, option)
    from course_utils._keras import keras

    return [-step for step in first_step(grads, keras.optimizers.SGD(learning_rate=1.0, **clip))]


def cosine(grads_a, grads_b):
    """Cosine of the angle between two gradients seen as single vectors: 1 = same direction."""
    a = np.concatenate([g.ravel() for g in _as_list(grads_a)])
    b = np.concatenate([g.ravel() for g in _as_list(grads_b)])
    if a.shape != b.shape:
        raise ValueError(f"the two gradients have different sizes, {a.size} and {b.size}.")
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _g4(value):
    """Four significant digits: float32 gradients differ between CPUs further down."""
    return f"{value:.4g}"


class ClipTable(list):
    """Rows (method, clipped gradients) with norms and direction; shows as a table."""

    def __init__(self, original, rows):
        super().__init__(rows)
        self.original = original

    @property
    def headers(self):
        per_variable = tuple(f"‖ĝ[{i}]‖" for i in range(len(self.original)))
        return ("method", "‖ĝ‖ all") + per_variable + ("cos(ĝ, original)",)

    def _rows(self):
        return [
            [name, _g4(global_norm(g))] + [_g4(np.linalg.norm(x)) for x in g] + [f"{cosine(g, self.original):.4f}"]
            for name, g in self
        ]

    def __getitem__(self, key):
        if isinstance(key, str):
            return dict(list(self))[key]
        return super().__getitem__(key)

    def __str__(self):
        return render_text(self.headers, self._rows(), right=set(range(1, len(self.headers))))

    def _repr_html_(self):
        return render_html(self.headers, self._rows(), right=set(range(1, len(self.headers))))

    def __repr__(self):
        return str(self)


def compare_clipping(grads, threshold):
    """The same gradient: untouched, the lecture's algorithm, and Keras' three options at one threshold."""
    grads, threshold = _as_list(grads), _threshold(threshold)
    rows = [("no clipping", grads), ("lecture (Algorithm 1)", clip_by_norm_lecture(grads, threshold))]
    rows += [(f"Keras {option}={threshold:g}", keras_clipped(grads, **{option: threshold})) for option in CLIP_OPTIONS]
    return ClipTable(grads, rows)
