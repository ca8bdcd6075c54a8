"""Assignment 2 checks: a GRU cell equal to ``keras.layers.GRU`` (both ``reset_after`` modes), parameter counts.

The student's ``GRUCell`` runs inside ``keras.layers.RNN`` in the student's kernel, with RANDOM
weights (normal, scale 0.5, drawn from the run's secret seed) assigned to its variables; its outputs
come back as arrays and must equal ``keras.layers.GRU``'s, computed here in the grader's process by
:func:`gru_numpy` (Keras' GRU in NumPy: the grader needs no Keras for this assignment). Known mistakes (z the wrong way round, z and r swapped, a missing bias row, the other
``reset_after`` form, no reset) are recomputed in NumPy: matching one gives its hint; otherwise
nudging one block of weights at a time names the block (z, r or h) that is handled wrongly.
Parameter counts are checked per layer at several random sizes against :mod:`course_utils.params`.
"""

import numpy as np

from course_utils import params as P
from course_utils.grading.compare import array_problem, close, explain, shape_text
from course_utils.grading.core import QuestionSet, Remote, StudentError, call, need
from course_utils.numpy_gated import sigmoid

QUESTIONS = QuestionSet()
BLOCKS = ("z", "r", "h")
N, T, D, U = 2, 5, 3, 4
KERAS_ORDER = "Keras' fused order is z, r, h: columns [0:u] update gate z, [u:2u] reset gate r, [2u:3u] candidate h̃"
KERAS_GRU = ("keras.layers.GRU", "keras.layers.GRUCell")  # the references a GRUCell may not use


def _expected_shapes(d, u, reset_after):
    return {"kernel": (d, 3 * u), "recurrent_kernel": (u, 3 * u), "bias": (2, 3 * u) if reset_after else (3 * u,)}


def _gru_class(student):
    cls = need(student, "GRUCell", kind="class")
    if any(base.startswith("keras.") and base.rsplit(".", 1)[-1] in ("GRUCell", "GRU") for base in cls.bases):
        raise StudentError("GRUCell subclasses Keras' own GRU: subclass keras.Layer and write build and call yourself.")
    return cls


def _student_layer(student, reset_after, d=D, u=U):
    """The student's cell inside ``keras.layers.RNN`` (both in the kernel), built for ``d`` features."""
    cls = _gru_class(student)
    cell = call(cls, u, reset_after=reset_after, what=f"GRUCell({u}, reset_after={reset_after})")
    if not isinstance(cell, Remote):
        raise StudentError(f"GRUCell({u}) should make a layer object, got {type(cell).__name__}.")
    layer = call(Remote(student, "keras.layers.RNN"), cell, return_sequences=True,
                 what=f"keras.layers.RNN(GRUCell({u}, reset_after={reset_after}))")  # fmt: skip
    call(layer.method("build"), (None, None, d),
         what=f"building GRUCell({u}, reset_after={reset_after}) on {d} features (your build)")  # fmt: skip
    inner = call(cell.attr, "_layers", what="the cell's sub-layers")
    if any(getattr(sub, "type_name", "") in ("GRUCell", "GRU") for sub in (inner if isinstance(inner, list) else [])):
        raise StudentError("GRUCell wraps Keras' own GRU cell: write the equations yourself.")
    for name, shape in _expected_shapes(d, u, reset_after).items():
        try:
            weight = np.asarray(cell.attr(name))
        except Exception:
            weight = None
        if weight is None or weight.dtype == object or weight.ndim == 0:
            raise StudentError(f"the cell has no weight `{name}`: in build, create it with "
                               f"self.{name} = self.add_weight(shape={shape_text(shape)}, ...).")  # fmt: skip
        if tuple(weight.shape) != shape:
            why = {
                "bias": " (reset_after=True: row 0 is added to x_t W_x, row 1 to h_{t-1} W_h; reset_after=False: one (3u,) bias)"
            }
            raise StudentError(f"`{name}` has shape {shape_text(tuple(weight.shape))}, expected {shape_text(shape)} "
                               f"for d={d} input features and u={u} units{why.get(name, '')}.")  # fmt: skip
    trainable = call(cell.attr, "trainable_weights", what="the cell's trainable_weights")
    count = len(trainable) if isinstance(trainable, (list, tuple)) else -1
    if count != 3:
        raise StudentError(f"the cell has {count} trainable weights; Keras' GRUCell has 3 "
                           "(kernel, recurrent_kernel, bias).")  # fmt: skip
    return cell, layer


@QUESTIONS.add("Q1", "GRUCell.build: Keras' weight shapes", 2, names=("GRUCell",), forbidden=KERAS_GRU)
def check_weights(student, grade, rng):
    _gru_class(student)
    for points, reset_after in ((1, True), (1, False)):
        try:
            _student_layer(student, reset_after)
            grade.award(f"weights with reset_after={reset_after}", points, True)
        except StudentError as exc:
            if "not implemented yet" in str(exc) or "is not defined" in str(exc):
                raise
            grade.award(f"weights with reset_after={reset_after}", points, False, str(exc))


def gru_numpy(x, kernel, recurrent, bias, reset_after, bug=None):
    """Keras' GRU over a batch of sequences in NumPy, optionally with a planted ``bug``."""
    kernel, recurrent, bias = (np.array(w, dtype=np.float64) for w in (kernel, recurrent, bias))
    u = recurrent.shape[0]
    if bug == "swap_zr":  # a student reading z from the r block and r from the z block
        kernel, recurrent, bias = (np.concatenate([w[..., u : 2 * u], w[..., :u], w[..., 2 * u :]], axis=-1)
                                   for w in (kernel, recurrent, bias))  # fmt: skip
    if bug == "no_bias":
        bias = np.zeros_like(bias)
    if bug == "no_recurrent_bias":
        bias = np.stack([bias[0], np.zeros_like(bias[0])])
    b_in, b_rec = (bias[0], bias[1]) if reset_after else (bias, np.zeros_like(bias))
    h, out = np.zeros((x.shape[0], u)), []
    for t in range(x.shape[1]):
        ax, ah = x[:, t] @ kernel + b_in, h @ recurrent + b_rec
        z = sigmoid(ax[:, :u] + ah[:, :u])
        r = np.ones_like(z) if bug == "no_reset" else sigmoid(ax[:, u : 2 * u] + ah[:, u : 2 * u])
        if reset_after != (bug == "other_mode"):  # reset after the product
            h_tilde = np.tanh(ax[:, 2 * u :] + r * (h @ recurrent[:, 2 * u :] + b_rec[2 * u :]))
        else:  # reset before the product
            h_tilde = np.tanh(ax[:, 2 * u :] + (r * h) @ recurrent[:, 2 * u :] + b_rec[2 * u :])
        h = (1 - z) * h + z * h_tilde if bug == "z_flipped" else z * h + (1 - z) * h_tilde
        out.append(h)
    return np.stack(out, axis=1)


GRU_BUGS = {
    "z_flipped": "z is used the wrong way round. Keras' update gate KEEPS the old state: h_t = z ⊙ h_{t-1} + "
                 "(1 − z) ⊙ h̃_t; the lectures write h_t = (1 − z) ⊙ h_{t-1} + z ⊙ h̃_t (see the errata)",
    "swap_zr": "z and r are swapped. " + KERAS_ORDER,
    "no_bias": "the bias is missing: z, r and h̃ each add their slice of the bias",
    "no_recurrent_bias": "the recurrent bias row bias[1] is missing: with reset_after=True, z and r add bias[0] and "
                         "bias[1], and h̃ = tanh(x_t W_xh + b_xh + r ⊙ (h_{t-1} W_hh + b_hh))",
    "no_reset": "the reset gate r is never applied to the candidate h̃",
}  # fmt: skip
OTHER_MODE = {
    True: "that is the reset-BEFORE candidate of reset_after=False; with reset_after=True the reset multiplies the "
          "recurrent product: h̃ = tanh(x_t W_xh + b_xh + r ⊙ (h_{t-1} W_hh + b_hh))",
    False: "that is the reset-AFTER candidate of reset_after=True; with reset_after=False the reset multiplies the "
           "state first: h̃ = tanh(x_t W_xh + (r ⊙ h_{t-1}) W_hh + b_h)",
}  # fmt: skip


CANDIDATE = {
    True: "h̃ = tanh(x_t W_xh + b_xh + r ⊙ (h_{t-1} W_hh + b_hh))",
    False: "h̃ = tanh(x_t W_xh + (r ⊙ h_{t-1}) W_hh + b_h)",
}
# ({block: saturating input bias}, what is then left to check): z = 0 gives h_t = h̃_t, r = 1 lets all of h_{t-1} in
GRU_PROBES = {mode: [({0: -30.0, 1: 30.0}, f"with z = 0 and r = 1 (bias ±30) your h_t ≠ h̃_t: check the candidate, "
                                           f"columns [2u:3u]: {CANDIDATE[mode]}"),
                     ({0: -30.0}, f"with z = 0 (bias −30) your h_t ≠ h̃_t: check the reset gate r, columns [u:2u], "
                                  f"and where it acts: {CANDIDATE[mode]}")]
              for mode in (True, False)}  # fmt: skip


def _saturated(bias, reset_after, blocks):
    bias = np.array(bias, copy=True)
    row, u = (bias[0] if reset_after else bias), bias.shape[-1] // 3  # row 0: the input bias (a view)
    for k, value in blocks.items():
        row[k * u : (k + 1) * u] = value
    return bias


def _check_outputs(student, grade, rng, reset_after, first_points, all_points):
    cell, layer = _student_layer(student, reset_after)
    x = rng.standard_normal((N, T, D)).astype("float32")
    shapes = _expected_shapes(D, U, reset_after)
    weights = {k: (0.5 * rng.standard_normal(s)).astype("float32") for k, s in shapes.items()}

    def run_reference(w):  # keras.layers.GRU's outputs, in NumPy (tests/grading/test_checks_hw2.py proves it)
        return gru_numpy(x, w["kernel"], w["recurrent_kernel"], w["bias"], reset_after)

    def run_student(w):
        for name in shapes:
            call(cell.attr(name, keep=True).method("assign"), w[name], what=f"assigning random values to `{name}`")
        out = call(layer, x, what=f"keras.layers.RNN(GRUCell({U}, reset_after={reset_after})) on a batch")
        problem = array_problem(out, "the layer's output", (N, T, U))
        if problem:
            raise StudentError(f"{problem} (input (N, T, d) = {shape_text(x.shape)}; call must return (h_t, [h_t]))")
        return np.asarray(out, dtype=np.float64)

    got, want = run_student(weights), run_reference(weights)
    if close(got, want, 1e-5):
        grade.award("first step h_1 (from h_0 = 0)", first_points, True)
        grade.award("every step equals keras.layers.GRU", all_points, True)
        return
    args = (x, weights["kernel"], weights["recurrent_kernel"], weights["bias"], reset_after)
    variants = [
        (hint, gru_numpy(*args, bug)) for bug, hint in GRU_BUGS.items() if reset_after or bug != "no_recurrent_bias"
    ]
    variants.append((OTHER_MODE[reset_after], gru_numpy(*args, "other_mode")))
    hint = explain(got, want, variants, "h_t", tol=1e-5)
    if "differs from the expected" in hint:  # saturate gates through their input bias to look at one part at a time
        for blocks, what in GRU_PROBES[reset_after]:
            probe = dict(weights, bias=_saturated(weights["bias"], reset_after, blocks))
            if not close(run_student(probe), run_reference(probe), 1e-5):
                hint += f"; {what}"
                break
        else:
            hint += "; the update gate z (columns [0:u]): z = σ(x_t W_xz + h_{t-1} W_hz + b_z), h_t = z ⊙ h_{t-1} + (1 − z) ⊙ h̃_t"
    grade.award("first step h_1 (from h_0 = 0)", first_points, close(got[:, 0], want[:, 0], 1e-5), hint)
    grade.award("every step equals keras.layers.GRU", all_points, False, hint)


@QUESTIONS.add("Q2", "GRUCell.call with reset_after=True equals keras.layers.GRU", 4, names=("GRUCell",),
               forbidden=KERAS_GRU)  # fmt: skip
def check_reset_after(student, grade, rng):
    _check_outputs(student, grade, rng, True, 2, 2)


@QUESTIONS.add("Q3", "GRUCell.call with reset_after=False equals keras.layers.GRU", 3, names=("GRUCell",),
               forbidden=KERAS_GRU)  # fmt: skip
def check_reset_before(student, grade, rng):
    _check_outputs(student, grade, rng, False, 1, 2)


# ---- parameter counts ------------------------------------------------------------------------


def _gru(d, u, reset_after=True):
    return P.gru_params(d, u, reset_after=reset_after)


BIAS_HINT = {True: "reset_after=True (Keras' default) has TWO bias vectors per block: 3u(d + u + 2)",
             False: "reset_after=False has ONE bias vector per block: 3u(d + u + 1)"}  # fmt: skip
DENSE_HINT = "Dense has one weight per (input, unit) pair and one bias per unit: d·u + u"
LSTM_HINT = "that is an LSTM's count (4 blocks); a GRU has 3"

# name, symbols, layer names, exact per-layer counts, per-layer known mistakes [(hint, counts), ...]
MODELS = {
    "Q4": ("count_model_a", ("V", "m", "u"), ("Embedding", "GRU", "Dense"),
           lambda V, m, u: [V * m, _gru(m, u), u + 1],
           lambda V, m, u: [[("an Embedding has no bias: V·m", V * m + m)],
                            [(BIAS_HINT[True], _gru(m, u, False)), (LSTM_HINT, P.lstm_params(m, u)),
                             ("the GRU reads the m-dimensional embedding vectors, not the vocabulary: d = m", _gru(V, u))],
                            [(DENSE_HINT, u)]]),
    "Q5": ("count_model_b", ("d", "u", "k"), ("GRU", "Dense"),
           lambda d, u, k: [_gru(d, u, False), u * k + k],
           lambda d, u, k: [[(BIAS_HINT[False], _gru(d, u, True)), (LSTM_HINT, P.lstm_params(d, u))],
                            [(DENSE_HINT, u * k), (DENSE_HINT + " - one bias per unit, k of them", u * k + 1)]]),
    "Q6": ("count_model_c", ("d", "u", "v"), ("Bidirectional", "LSTM", "Dense"),
           lambda d, u, v: [2 * _gru(d, u), P.lstm_params(2 * u, v), v + 1],
           lambda d, u, v: [[("Bidirectional holds two independent GRUs, forward and backward: 2 × 3u(d + u + 2)", _gru(d, u)),
                             (BIAS_HINT[True], 2 * _gru(d, u, False))],
                            [("the LSTM reads both directions concatenated: 2u features per step, so 4v(2u + v + 1)",
                              P.lstm_params(u, v)),
                             ("only the Bidirectional layer is doubled; this LSTM is a single one: 4v(2u + v + 1)",
                              2 * P.lstm_params(2 * u, v))],
                            [(DENSE_HINT, v)]]),
}  # fmt: skip
SHOWN = {"V": 1000, "m": 16, "u": 32, "d": 3, "k": 5, "v": 8}  # the notebook's models use these ...
RANGES = {
    "V": (50, 30000),
    "m": (2, 64),
    "u": (2, 64),
    "d": (1, 40),
    "k": (2, 12),
    "v": (2, 40),
}  # ... the grader these too


def _sizes(rng, symbols):
    """The shown sizes, then two random sets (so a formula must hold for any size, not just the model shown)."""
    return [{s: SHOWN[s] for s in symbols}] + [{s: int(rng.integers(*RANGES[s])) for s in symbols} for _ in range(2)]


def _check_counts(student, grade, rng, qid, groups):
    name, symbols, layers, exact, mistakes = MODELS[qid]
    fn = need(student, name)
    ok = [True] * len(layers)
    hints = [None] * len(layers)
    for sizes in _sizes(rng, symbols):
        got = call(fn, *sizes.values(), what=f"{name}({', '.join(f'{k}={v}' for k, v in sizes.items())})")
        if not isinstance(got, (list, tuple, np.ndarray)) or len(got) != len(layers):
            raise StudentError(f"{name} should return a list of {len(layers)} counts, one per layer "
                               f"({', '.join(layers)}), got {got!r:.80}.")  # fmt: skip
        for j, (value, want, known) in enumerate(zip(got, exact(**sizes), mistakes(**sizes))):
            if (
                isinstance(value, (bool, np.bool_))
                or not isinstance(value, (int, float, np.integer, np.floating))
                or value != int(value)
            ):
                raise StudentError(
                    f"{name}: the count of layer {j + 1} ({layers[j]}) should be a whole number, got {value!r:.40}."
                )
            if ok[j] and int(value) != want:
                ok[j] = False
                match = [hint for hint, count in known if count == int(value)]
                hints[j] = (f"{layers[j]} with {', '.join(f'{k}={v}' for k, v in sizes.items())}: expected {want:,}, "
                            f"got {int(value):,}" + (f" - {match[0]}" if match else ""))  # fmt: skip
    for label, points, members in groups:
        failed = [hints[j] for j in members if not ok[j]]
        grade.award(label, points, not failed, "; ".join(failed))


@QUESTIONS.add("Q4", "count_model_a: Embedding → GRU → Dense", 2, names=("count_model_a",))
def check_model_a(student, grade, rng):
    _check_counts(
        student, grade, rng, "Q4", [("the GRU layer", 1, (1,)), ("the Embedding and Dense layers", 1, (0, 2))]
    )


@QUESTIONS.add("Q5", "count_model_b: GRU(reset_after=False) → Dense(k)", 2, names=("count_model_b",))
def check_model_b(student, grade, rng):
    _check_counts(student, grade, rng, "Q5", [("the GRU layer", 1, (0,)), ("the Dense layer", 1, (1,))])


@QUESTIONS.add("Q6", "count_model_c: Bidirectional(GRU) → LSTM → Dense", 2, names=("count_model_c",))
def check_model_c(student, grade, rng):
    _check_counts(
        student, grade, rng, "Q6", [("the Bidirectional layer", 1, (0,)), ("the LSTM and Dense layers", 1, (1, 2))]
    )
