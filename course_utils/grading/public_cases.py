"""Write the public checks (``course_utils/selfcheck/cases/hwN.json``) from the instructor's references.

``python -m course_utils.grading public`` recomputes every case with fixed seeds and the references
(which students never get) and saves only inputs and expected outputs; ``--check`` fails if the saved
files differ (``tests/grading/test_public_checks.py`` runs it). Hidden checks are the
``checks_hwN`` modules, on new random inputs every grading run.
"""

import json

import numpy as np

from course_utils.selfcheck.public import CASES, to_data


def _call(target, *args, **kwargs):
    return {"op": "call", "target": target, "args": list(args), "kwargs": kwargs}


def _case(label, steps, expect, tol=1e-6, pick=None):
    return {"label": label, "steps": steps, "pick": pick, "expect": expect, "tol": tol}


def hw1_cases():
    from course_utils.grading.mistakes_hw1 import lstm_inputs
    from course_utils.numpy_gated import lstm_step_backward, lstm_step_forward
    from course_utils.numpy_rnn import random_params, simple_rnn_bptt

    rng = np.random.default_rng(1001)
    x, h = rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    W_x, W_h, b = 0.5 * rng.standard_normal((3, 4)), 0.5 * rng.standard_normal((4, 4)), 0.5 * rng.standard_normal(4)
    q1 = [_case("h_t on fixed inputs", [_call("rnn_step_forward", x, h, W_x, W_h, b)], np.tanh(x @ W_x + h @ W_h + b))]
    A, c = rng.standard_normal((2, 3)), rng.uniform(0.5, 1.5, 4)
    params = {"W": rng.standard_normal((2, 3)), "b": rng.standard_normal(4)}
    loss = {"__course__": "loss", "kind": "sin_cubic", "A": A, "c": c}
    exact = {"W": np.cos(params["W"]) * A, "b": 3 * c * params["b"] ** 2}
    q2 = [
        _case(
            "the gradient of J = Σ sin(W) ⊙ A + Σ c ⊙ b³",
            [_call("numerical_gradient", loss, params, 1e-5)],
            exact,
            1e-7,
        )
    ]
    rnn = random_params("simple_rnn", d=3, u=4, n_classes=3, seed=1003)
    ids = rng.integers(0, 3, size=6)
    xs, ys = np.eye(3)[ids[:-1]], ids[1:]
    ref = simple_rnn_bptt(rnn, xs, ys)
    q3 = [
        _case(
            "(loss, grads) for a sequence of 5 one-hot steps", [_call("rnn_bptt", rnn, xs, ys)], (ref.loss, ref.grads)
        )
    ]
    inputs = lstm_inputs(1004)
    h_t, c_t, cache = lstm_step_forward(**inputs)
    forward = _call("lstm_step_forward", *(inputs[k] for k in ("x_t", "h_prev", "c_prev", "W_x", "W_h", "b")))
    q4 = [_case("h_t", [forward], h_t, pick=0), _case("c_t", [forward], c_t, pick=1)]
    dh, dc = rng.standard_normal(h_t.shape), rng.standard_normal(h_t.shape)
    grads = {k: np.zeros_like(inputs[k]) for k in ("W_x", "W_h", "b")}
    dh_prev, dc_prev = lstm_step_backward(dh, dc, cache, inputs["W_h"], grads)
    backward = _call("lstm_step_backward", dh, dc, {"$": 0, "i": 2})
    q5 = [_case("(dh_prev, dc_prev, grads) after your forward step", [forward, backward], (dh_prev, dc_prev, grads))]
    big = {
        "W_x": 3 * rng.standard_normal((3, 4)),
        "W_h": rng.standard_normal((4, 4)),
        "b": 0.1 * rng.standard_normal(4),
    }
    norm = np.sqrt(sum(np.sum(g**2) for g in big.values()))
    small = {k: g * 0.5 / norm for k, g in big.items()}
    q6 = [_case("a gradient above the threshold", [_call("clip_by_global_norm", big, 1.0)], {k: g / norm for k, g in big.items()}),
          _case("a gradient below the threshold", [_call("clip_by_global_norm", small, 1.0)], small)]  # fmt: skip
    return {"Q1": q1, "Q2": q2, "Q3": q3, "Q4": q4, "Q5": q5, "Q6": q6}


def _gru_steps(reset_after, d=3, u=4):
    return [_call("GRUCell", u, reset_after=reset_after), _call("keras.layers.RNN", {"$": 0}, return_sequences=True),
            {"op": "call", "target": {"$": 1}, "method": "build", "args": [(None, None, d)], "kwargs": {}}]  # fmt: skip


def hw2_cases():
    from course_utils._keras import keras
    from course_utils.grading.checks_hw2 import MODELS, SHOWN

    q1, outputs = [], {}
    rng = np.random.default_rng(2002)
    for reset_after in (True, False):
        shapes = {"kernel": (3, 12), "recurrent_kernel": (4, 12), "bias": (2, 12) if reset_after else (12,)}
        for name, shape in shapes.items():
            attr = {"op": "attr", "target": {"$": 0}, "name": name}
            q1.append(
                _case(
                    f"`{name}` with reset_after={reset_after}", _gru_steps(reset_after) + [attr], {"shape": list(shape)}
                )
            )
        weights = {k: (0.5 * rng.standard_normal(s)).astype("float32") for k, s in shapes.items()}
        x = rng.standard_normal((2, 5, 3)).astype("float32")
        steps = _gru_steps(reset_after)
        for name in shapes:
            steps.append({"op": "attr", "target": {"$": 0}, "name": name, "keep": True})
            steps.append(
                {
                    "op": "call",
                    "target": {"$": len(steps) - 1},
                    "method": "assign",
                    "args": [weights[name]],
                    "kwargs": {},
                }
            )
        steps.append(_call({"$": 1}, x))
        reference = keras.layers.GRU(4, reset_after=reset_after, return_sequences=True)
        reference.build((None, None, 3))
        reference.set_weights([weights["kernel"], weights["recurrent_kernel"], weights["bias"]])
        want = keras.ops.convert_to_numpy(reference(x))
        outputs[reset_after] = [
            _case(f"keras.layers.RNN(GRUCell(4, reset_after={reset_after})) on a batch", steps, want, 1e-5)
        ]
    cases = {"Q1": q1, "Q2": outputs[True], "Q3": outputs[False]}
    for qid, (name, symbols, _layers, exact, _) in MODELS.items():
        sizes = {s: SHOWN[s] for s in symbols}
        cases[qid] = [
            _case(
                f"{name}({', '.join(map(str, sizes.values()))}): the model shown",
                [_call(name, *sizes.values())],
                exact(**sizes),
            )
        ]
    return cases


def hw3_cases():
    from course_utils.grading.model_hw3 import required_rows

    def rows(vocab):
        return [[r.layer_class, list(r.output_shape), r.params] for r in required_rows(vocab)]

    build = [_call("build_model", 1234), _call("summary_rows", {"$": 0})]
    trained = [{"op": "get", "name": "model"}, _call("summary_rows", {"$": 0})]
    sentences = ["a wonderful , moving film", "a dull and lifeless mess", "it is a film"]
    return {"Q1": [_case("build_model(1234)'s summary rows", build, rows(1234))],
            "Q2": [_case("the committed model's summary rows (vocabulary of 10,000)", trained, rows(10000))],
            "Q3": [_case("labels for three sentences", [_call("predict_sentiment", sentences)], {"labels01": 3}),
                   _case("a sentence without words", [_call("predict_sentiment", ["a fine film", "..."])],
                         {"raises": "ValueError"})]}  # fmt: skip


BUILDERS = {"hw1": hw1_cases, "hw2": hw2_cases, "hw3": hw3_cases}


def render(assignment):
    """The JSON text of ``assignment``'s public cases: one line per case, so a diff shows which changed."""
    questions = to_data(BUILDERS[assignment]())
    lines = [f'{{"assignment": "{assignment}", "questions": {{']
    for q, (qid, cases) in enumerate(questions.items()):
        lines.append(f'  "{qid}": [')
        lines += [
            f"    {json.dumps(c, ensure_ascii=False)}" + ("," if i < len(cases) - 1 else "")
            for i, c in enumerate(cases)
        ]
        lines.append("  ]" + ("," if q < len(questions) - 1 else ""))
    return "\n".join(lines + ["}}"]) + "\n"


def _same(a, b):
    """Equal JSON data, numbers to 1e-6 (Keras' float32 results may differ in the last bits between CPUs)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= 1e-6 * max(1, abs(b))
    return a == b


def write_all(check=False):
    """Write (or with ``check``, compare) every assignment's cases file; the names of stale files."""
    stale = []
    for assignment in BUILDERS:
        path, text = CASES / f"{assignment}.json", render(assignment)
        if not path.is_file() or not _same(json.loads(path.read_text(encoding="utf-8")), json.loads(text)):
            stale.append(path.name)
            if not check:
                path.parent.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return stale
