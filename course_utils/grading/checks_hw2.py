"""Assignment 2 checks: a minimal gated unit (MGU) cell in Keras' style, both reset forms; parameter counts.

The course ships no MGU (Zhou et al. 2016): the reference, :func:`mgu_numpy`, exists only here. The
student's ``MGUCell`` runs inside ``keras.layers.RNN`` in the student's kernel, with RANDOM weights
(normal, scale 0.5, from the run's secret seed) assigned to its variables; its outputs come back as
arrays and are compared here, in NumPy. Known mistakes (f the GRU's way round, the blocks swapped, a
missing bias or bias row, no reset, the other reset form) are recomputed: matching one gives its hint;
otherwise saturating the gate (f = 1 turns the MGU into a SimpleRNN) tells whether the candidate or the
gate is wrong. Parameter counts are formulas: checked per layer at the sizes shown and at random ones,
against the formulas below (``tests/grading/test_checks_hw2.py`` checks each one against Keras).
"""

import numpy as np

from course_utils.grading.compare import array_problem, close, explain, shape_text
from course_utils.grading.core import QuestionSet, Remote, StudentError, call, need
from course_utils.numpy_gated import sigmoid

QUESTIONS = QuestionSet()
N, T, D, U = 2, 5, 3, 4
ORDER = "the fused order is f, h: columns [0:u] are the gate f, columns [u:2u] the candidate h̃"
KERAS_GRU = ("keras.layers.GRU", "keras.layers.GRUCell")  # an MGU is a tied GRU: the cell may not use Keras' GRU
FORMULA = ("keras.*", ".count_params")  # a count is a formula: no Keras model, no count_params()


def _expected_shapes(d, u, reset_after):
    return {"kernel": (d, 2 * u), "recurrent_kernel": (u, 2 * u), "bias": (2, 2 * u) if reset_after else (2 * u,)}


def _mgu_class(student):
    cls = need(student, "MGUCell", kind="class")
    if any(base.startswith("keras.") and base.rsplit(".", 1)[-1] in ("GRUCell", "GRU") for base in cls.bases):
        raise StudentError("MGUCell subclasses Keras' own GRU: subclass keras.Layer and write build and call yourself.")
    return cls


def _student_layer(student, reset_after, d=D, u=U):
    """The student's cell inside ``keras.layers.RNN`` (both in the kernel), built for ``d`` features."""
    cell = call(_mgu_class(student), u, reset_after=reset_after, what=f"MGUCell({u}, reset_after={reset_after})")
    if not isinstance(cell, Remote):
        raise StudentError(f"MGUCell({u}) should make a layer object, got {type(cell).__name__}.")
    layer = call(Remote(student, "keras.layers.RNN"), cell, return_sequences=True,
                 what=f"keras.layers.RNN(MGUCell({u}, reset_after={reset_after}))")  # fmt: skip
    call(layer.method("build"), (None, None, d),
         what=f"building MGUCell({u}, reset_after={reset_after}) on {d} features (your build)")  # fmt: skip
    inner = call(cell.attr, "_layers", what="the cell's sub-layers")
    if any(getattr(sub, "type_name", "") in ("GRUCell", "GRU") for sub in (inner if isinstance(inner, list) else [])):
        raise StudentError("MGUCell wraps Keras' own GRU cell: write the equations yourself.")
    for name, shape in _expected_shapes(d, u, reset_after).items():
        try:
            weight = np.asarray(cell.attr(name))
        except Exception:
            weight = None
        if weight is None or weight.dtype == object or weight.ndim == 0:
            raise StudentError(f"the cell has no weight `{name}`: in build, create it with "
                               f"self.{name} = self.add_weight(shape={shape_text(shape)}, ...).")  # fmt: skip
        if tuple(weight.shape) != shape:
            why = {"kernel": " (two blocks, f and h̃: an MGU has one gate, not the GRU's two)",
                   "bias": " (reset_after=True: row 0 is added to x_t W_x, row 1 to h_{t-1} W_h; "
                           "reset_after=False: one (2u,) bias)"}  # fmt: skip
            raise StudentError(f"`{name}` has shape {shape_text(tuple(weight.shape))}, expected {shape_text(shape)} "
                               f"for d={d} input features and u={u} units{why.get(name, '')}.")  # fmt: skip
    trainable = call(cell.attr, "trainable_weights", what="the cell's trainable_weights")
    count = len(trainable) if isinstance(trainable, (list, tuple)) else -1
    if count != 3:
        raise StudentError(f"the cell has {count} trainable weights; expected 3 (kernel, recurrent_kernel, bias).")
    return cell, layer


def _check_config(student):
    """``MGUCell.from_config(cell.get_config())`` must rebuild the same cell (Bidirectional and saving rely on it)."""
    cls = _mgu_class(student)
    for units, reset_after in ((U + 1, True), (U, False)):
        what = f"MGUCell({units}, reset_after={reset_after}).get_config()"
        config = call(call(cls, units, reset_after=reset_after, what=what[:-13]).method("get_config"), what=what)
        if not isinstance(config, dict):
            raise StudentError(f"{what} should return a dict, got {type(config).__name__}.")
        clone = call(cls.method("from_config"), config, what=f"MGUCell.from_config({what})")
        got = {key: call(clone.attr, key, what=f"the rebuilt cell's {key}") for key in ("units", "reset_after")}
        if got != {"units": units, "reset_after": reset_after}:
            raise StudentError(f"MGUCell.from_config(get_config()) rebuilt a cell with {got}, expected units={units}, "
                               f"reset_after={reset_after}: return both in get_config, with super().get_config(); "
                               "keras.layers.Bidirectional builds its backward copy from it.")  # fmt: skip


@QUESTIONS.add("Q1", "MGUCell.build (weight shapes) and get_config", 3, names=("MGUCell",), forbidden=KERAS_GRU)
def check_weights(student, grade, rng):
    for reset_after in (False, True):
        label = f"weights with reset_after={reset_after}"
        try:
            _student_layer(student, reset_after)
            grade.award(label, 1, True)
        except StudentError as exc:
            if "not implemented yet" in str(exc) or "is not defined" in str(exc):
                raise
            grade.award(label, 1, False, str(exc))
    try:
        _check_config(student)
        grade.award("get_config rebuilds the cell", 1, True)
    except StudentError as exc:
        grade.award("get_config rebuilds the cell", 1, False, str(exc))


def mgu_numpy(x, kernel, recurrent, bias, reset_after, bug=None):
    """The MGU over a batch of sequences in NumPy (from h_0 = 0), optionally with a planted ``bug``."""
    kernel, recurrent, bias = (np.array(w, dtype=np.float64) for w in (kernel, recurrent, bias))
    u = recurrent.shape[0]
    if bug == "swap_blocks":  # the gate read from the candidate's columns and the other way round
        kernel, recurrent, bias = (np.concatenate([w[..., u:], w[..., :u]], axis=-1) for w in (kernel, recurrent, bias))
    if bug == "no_bias":
        bias = np.zeros_like(bias)
    if bug == "no_recurrent_bias":
        bias = np.stack([bias[0], np.zeros_like(bias[0])])
    b_x, b_h = (bias[0], bias[1]) if reset_after else (bias, np.zeros_like(bias))
    h, out = np.zeros((x.shape[0], u)), []
    for t in range(x.shape[1]):
        ax, ah = x[:, t] @ kernel + b_x, h @ recurrent + b_h
        f = sigmoid(ax[:, :u] + ah[:, :u])
        reset = np.ones_like(f) if bug == "no_reset" else f
        if reset_after != (bug == "other_mode"):  # reset after the product
            h_tilde = np.tanh(ax[:, u:] + reset * (h @ recurrent[:, u:] + b_h[u:]))
        else:  # reset before the product
            h_tilde = np.tanh(ax[:, u:] + (reset * h) @ recurrent[:, u:] + b_h[u:])
        h = f * h + (1 - f) * h_tilde if bug == "f_flipped" else (1 - f) * h + f * h_tilde
        out.append(h)
    return np.stack(out, axis=1)


MGU_BUGS = {
    "f_flipped": "f is used the wrong way round (Keras' GRU convention, where z keeps the old state). The MGU's f "
                 "lets the NEW candidate in: h_t = (1 − f_t) ⊙ h_{t-1} + f_t ⊙ h̃_t",
    "swap_blocks": "the gate and the candidate blocks are swapped: " + ORDER,
    "no_bias": "the bias is missing: f and h̃ each add their slice of the bias",
    "no_recurrent_bias": "the recurrent bias row bias[1] is missing: with reset_after=True, f adds bias[0][:u] and "
                         "bias[1][:u], and h̃ = tanh(x_t W_xh + b_xh + f_t ⊙ (h_{t-1} W_hh + b_hh))",
    "no_reset": "f never resets the state inside the candidate: the MGU's one gate is both the GRU's update and "
                "reset gate, so h̃ reads f_t ⊙ h_{t-1}",
}  # fmt: skip
CANDIDATE = {
    True: "h̃ = tanh(x_t W_xh + b_xh + f_t ⊙ (h_{t-1} W_hh + b_hh))",
    False: "h̃ = tanh(x_t W_xh + (f_t ⊙ h_{t-1}) W_hh + b_h)",
}
OTHER_MODE = {
    True: f"that is the reset-BEFORE candidate of reset_after=False; with reset_after=True {CANDIDATE[True]}",
    False: f"that is the reset-AFTER candidate of reset_after=True; with reset_after=False {CANDIDATE[False]}",
}


def _check_outputs(student, grade, rng, reset_after, first_points, all_points):
    cell, layer = _student_layer(student, reset_after)
    x = rng.standard_normal((N, T, D)).astype("float32")
    shapes = _expected_shapes(D, U, reset_after)
    weights = {k: (0.5 * rng.standard_normal(s)).astype("float32") for k, s in shapes.items()}

    def run_reference(w, bug=None):
        return mgu_numpy(x, w["kernel"], w["recurrent_kernel"], w["bias"], reset_after, bug)

    def run_student(w):
        for name in shapes:
            call(cell.attr(name, keep=True).method("assign"), w[name], what=f"assigning random values to `{name}`")
        out = call(layer, x, what=f"keras.layers.RNN(MGUCell({U}, reset_after={reset_after})) on a batch")
        problem = array_problem(out, "the layer's output", (N, T, U))
        if problem:
            raise StudentError(f"{problem} (input (N, T, d) = {shape_text(x.shape)}; call must return (h_t, [h_t]))")
        return np.asarray(out, dtype=np.float64)

    got, want = run_student(weights), run_reference(weights)
    if close(got, want, 1e-5):
        grade.award("first step h_1 (from h_0 = 0)", first_points, True)
        grade.award("every step equals the MGU", all_points, True)
        return
    bugs = [bug for bug in MGU_BUGS if reset_after or bug != "no_recurrent_bias"]
    variants = [(MGU_BUGS[bug], run_reference(weights, bug)) for bug in bugs]
    variants.append((OTHER_MODE[reset_after], run_reference(weights, "other_mode")))
    hint = explain(got, want, variants, "h_t", tol=1e-5)
    if "differs from the expected" in hint:  # saturate the gate (f = 1) to look at the candidate alone
        probe = dict(weights, bias=np.array(weights["bias"], copy=True))
        (probe["bias"][0] if reset_after else probe["bias"])[:U] = 30.0  # the gate's input bias: f = 1, so h_t = h̃_t
        if not close(run_student(probe), run_reference(probe), 1e-5):
            hint += (f"; with f = 1 (gate bias +30) your h_t ≠ h̃_t: check the candidate, columns [u:2u]: "
                     f"{CANDIDATE[reset_after]}")  # fmt: skip
        else:
            hint += ("; the candidate is right: check the gate f (columns [0:u]), f = σ(x_t W_xf + h_{t-1} W_hf + b_f), "
                     "and the mix h_t = (1 − f_t) ⊙ h_{t-1} + f_t ⊙ h̃_t")  # fmt: skip
    grade.award("first step h_1 (from h_0 = 0)", first_points, close(got[:, 0], want[:, 0], 1e-5), hint)
    grade.award("every step equals the MGU", all_points, False, hint)


@QUESTIONS.add("Q2", "MGUCell.call, reset_after=False (the paper's MGU)", 3, names=("MGUCell",), forbidden=KERAS_GRU)
def check_reset_before(student, grade, rng):
    _check_outputs(student, grade, rng, False, 1, 2)


@QUESTIONS.add("Q3", "MGUCell.call, reset_after=True (Keras' GRU layout)", 3, names=("MGUCell",), forbidden=KERAS_GRU)
def check_reset_after(student, grade, rng):
    _check_outputs(student, grade, rng, True, 1, 2)


# ---- parameter counts ------------------------------------------------------------------------


def gru(d, u, bias_rows=2):
    """Keras' GRU on ``d`` features: 3 blocks; 2 bias rows (reset_after=True), 1 (False) or 0 (use_bias=False)."""
    return 3 * u * (d + u + bias_rows)


def conv_lstm(c, w, f, bias=1):
    """ConvLSTM1D(f, w) on ``c`` channels: 4 blocks, each an input and a recurrent convolution of width ``w``."""
    return 4 * f * (w * (c + f) + bias)


DENSE_HINT = "Dense has one weight per (input, unit) pair and one bias per unit: d·u + u"
BIDI_HINT = "Bidirectional holds two independent copies of the layer, forward and backward: 2 ×"
NO_BIAS = "use_bias=False removes every bias (both rows): 3u(d + u)"
# name, symbols, layer names, exact per-layer counts, per-layer known mistakes [(hint, counts), ...]
MODELS = {
    "Q4": ("count_model_a", ("V", "m", "u", "k"), ("Embedding", "Bidirectional", "TimeDistributed"),
           lambda V, m, u, k: [V * m, 2 * gru(m, u), u * k + k],
           lambda V, m, u, k: [[("an Embedding has no bias: V·m", V * m + m)],
                               [(f"{BIDI_HINT} 3u(m + u + 2)", gru(m, u)),
                                ("Keras' GRU (reset_after=True) has TWO bias rows: 3u(d + u + 2) per direction",
                                 2 * gru(m, u, 1)),
                                ("that is an LSTM's count (4 blocks); a GRU has 3", 8 * u * (m + u + 1)),
                                ("the GRU reads the m-dimensional embedding vectors, not the vocabulary: d = m",
                                 2 * gru(V, u))],
                               [("merge_mode='sum' adds the two directions: the Dense reads u features, not 2u",
                                 2 * u * k + k), (DENSE_HINT, u * k)]]),
    "Q5": ("count_model_b", ("d", "u", "v"), ("GRU", "GRU", "Dense"),
           lambda d, u, v: [gru(d, u, 0), gru(u, v, 0), v + 1],
           lambda d, u, v: [[(NO_BIAS, gru(d, u)), (NO_BIAS, gru(d, u, 1))],
                            [(NO_BIAS, gru(u, v)), (NO_BIAS, gru(u, v, 1)),
                             ("the second GRU reads the first one's u outputs per step, not the d input features",
                              gru(d, v, 0))],
                            [(DENSE_HINT, v)]]),
    "Q6": ("count_model_c", ("c", "w", "f", "k"), ("ConvLSTM1D", "GlobalAveragePooling1D", "Dense"),
           lambda c, w, f, k: [conv_lstm(c, w, f), 0, f * k + k],
           lambda c, w, f, k: [[("the recurrent kernel is a convolution too: w·f·4f weights, not f·4f",
                                 4 * f * (w * c + f + 1)),
                                ("ConvLSTM1D has an LSTM's four blocks (i, f, c, o): 4f(w(c + f) + 1)",
                                 f * (w * (c + f) + 1)),
                                ("that counts only the input convolution; the state h_{t-1} is convolved too: "
                                 "w·f·4f more", 4 * f * (w * c + 1)),
                                ("a convolution's kernel spans w positions of c channels: w·c·4f", conv_lstm(c, 1, f))],
                               [("pooling has no weights", None)],
                               [(DENSE_HINT, f * k), ("the pooled vector has f features, one per filter", c * k + k)]]),
}  # fmt: skip
SHOWN = {"V": 1000, "m": 16, "u": 32, "k": 5, "d": 3, "v": 16, "c": 2, "w": 3, "f": 8}  # the notebook's models ...
RANGES = {"V": (50, 30000), "m": (2, 64), "u": (2, 64), "k": (2, 12), "d": (1, 40), "v": (2, 40), "c": (1, 16),
          "w": (1, 9), "f": (1, 32)}  # ... the grader these too  # fmt: skip


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
                match = [hint for hint, count in known if count is None or count == int(value)]
                hints[j] = (f"{layers[j]} with {', '.join(f'{k}={v}' for k, v in sizes.items())}: expected {want:,}, "
                            f"got {int(value):,}" + (f" - {match[0]}" if match else ""))  # fmt: skip
    for label, points, members in groups:
        failed = [hints[j] for j in members if not ok[j]]
        grade.award(label, points, not failed, "; ".join(failed))


@QUESTIONS.add("Q4", "count_model_a: Embedding → Bidirectional(GRU, sum) → TimeDistributed(Dense)", 2,
               names=("count_model_a",), forbidden=FORMULA)  # fmt: skip
def check_model_a(student, grade, rng):
    _check_counts(student, grade, rng, "Q4",
                  [("the Bidirectional layer", 1, (1,)), ("the Embedding and TimeDistributed layers", 1, (0, 2))])  # fmt: skip


@QUESTIONS.add("Q5", "count_model_b: GRU → GRU (use_bias=False) → Dense", 2, names=("count_model_b",),
               forbidden=FORMULA)  # fmt: skip
def check_model_b(student, grade, rng):
    _check_counts(student, grade, rng, "Q5", [("the first GRU", 1, (0,)), ("the second GRU and the Dense", 1, (1, 2))])


@QUESTIONS.add("Q6", "count_model_c: ConvLSTM1D → GlobalAveragePooling1D → Dense", 2, names=("count_model_c",),
               forbidden=FORMULA)  # fmt: skip
def check_model_c(student, grade, rng):
    _check_counts(student, grade, rng, "Q6",
                  [("the ConvLSTM1D layer", 1, (0,)), ("the pooling and Dense layers", 1, (1, 2))])  # fmt: skip
