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
    from course_utils.grading.checks_hw1 import agc_inputs
    from course_utils.grading.mistakes_hw1 import (
        STEP_KEYS,
        adaptive_clip,
        backward,
        bptt,
        forward,
        model_params,
        step_inputs,
    )

    rng = np.random.default_rng(1001)
    inputs = step_inputs(1002, N=2, d=3, u=4)
    h_t, c_t, cache = forward(inputs)
    step = _call("peephole_step_forward", *(inputs[k] for k in STEP_KEYS))
    q1 = [_case("h_t", [step], h_t, pick=0), _case("c_t", [step], c_t, pick=1)]
    dh, dc = rng.standard_normal(h_t.shape), rng.standard_normal(h_t.shape)
    back = _call("peephole_step_backward", dh, dc, {"$": 0, "i": 2})
    q2 = [_case("(dh_prev, dc_prev, grads) after your forward step", [step, back], backward(dh, dc, cache))]
    params = model_params(1003, d=3, u=4, K=3)
    x, y = rng.standard_normal((2, 4, 3)), rng.integers(0, 3, size=2)
    q3 = [_case("(loss, grads) for a batch of 2 sequences of 4 steps", [_call("peephole_bptt", params, x, y)],
                bptt(params, x, y))]  # fmt: skip
    grads, weights = agc_inputs(np.random.default_rng(1004))
    q4 = [_case("units above and below λ = 0.1, a zero peephole", [_call("adaptive_clip", grads, weights, 0.1)],
                adaptive_clip(grads, weights, 0.1))]  # fmt: skip
    return {"Q1": q1, "Q2": q2, "Q3": q3, "Q4": q4}


def _mgu_steps(reset_after, d=3, u=4):
    return [_call("MGUCell", u, reset_after=reset_after), _call("keras.layers.RNN", {"$": 0}, return_sequences=True),
            {"op": "call", "target": {"$": 1}, "method": "build", "args": [(None, None, d)], "kwargs": {}}]  # fmt: skip


def hw2_cases():
    from course_utils.grading.checks_hw2 import MODELS, SHOWN, mgu_numpy

    q1, outputs = [], {}
    rng = np.random.default_rng(2002)
    for reset_after in (False, True):
        shapes = {"kernel": (3, 8), "recurrent_kernel": (4, 8), "bias": (2, 8) if reset_after else (8,)}
        for name, shape in shapes.items():
            attr = {"op": "attr", "target": {"$": 0}, "name": name}
            q1.append(
                _case(
                    f"`{name}` with reset_after={reset_after}", _mgu_steps(reset_after) + [attr], {"shape": list(shape)}
                )
            )
        weights = {k: (0.5 * rng.standard_normal(s)).astype("float32") for k, s in shapes.items()}
        x = rng.standard_normal((2, 5, 3)).astype("float32")
        steps = _mgu_steps(reset_after)
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
        want = mgu_numpy(x, weights["kernel"], weights["recurrent_kernel"], weights["bias"], reset_after)
        outputs[reset_after] = [
            _case(f"keras.layers.RNN(MGUCell(4, reset_after={reset_after})) on a batch", steps, want, 1e-5)
        ]
    config = [_call("MGUCell", 5, reset_after=True), {"op": "call", "target": {"$": 0}, "method": "get_config",
              "args": [], "kwargs": {}}, {"op": "call", "target": "MGUCell", "method": "from_config",
              "args": [{"$": 1}], "kwargs": {}}, {"op": "attr", "target": {"$": 2}, "name": "reset_after"}]  # fmt: skip
    q1.append(_case("MGUCell.from_config(MGUCell(5, reset_after=True).get_config()).reset_after", config, True))
    cases = {"Q1": q1, "Q2": outputs[False], "Q3": outputs[True]}
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
