"""Public checks: fixed inputs and the outputs they must give, stored as data (``cases/hwN.json``).

A case is a few requests to the notebook's objects (the same requests, through the same
:class:`~course_utils.selfcheck.probe.LocalProbe`, that the grader sends to a sandboxed kernel) and
what the last answer must be. No reference implementation is here: the expected outputs were
computed by the instructor's references once (``python -m course_utils.grading public``) and
saved. The grader runs these checks too, and hidden ones on new random inputs each time.

Case format (JSON): ``{"label", "steps": [request, ...], "pick": index or null, "expect": value,
"tol": number}``, ``"expect": {"shape": [...]}`` (an array of that shape), ``"expect": {"labels01": n}``
(n integer labels 0/1) or ``"expect": {"raises": "ValueError"}`` (the last step raises it). In requests and
values, ``{"nd": nested list, "dtype": "float64"}`` is an array, ``{"tuple": [...]}`` a tuple, and
``{"$": k}`` the answer of step ``k`` (``{"$": k, "i": j}``: its item ``j``).
"""

import json
from pathlib import Path

import numpy as np

CASES = Path(__file__).with_name("cases")


def to_data(value):
    """A JSON-ready form of arrays, tuples, dicts, lists and numbers (the inverse of :func:`from_data`)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return {"nd": np.asarray(value).tolist(), "dtype": str(np.asarray(value).dtype)}
    if isinstance(value, tuple):
        return {"tuple": [to_data(v) for v in value]}
    if isinstance(value, list):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {k: to_data(v) for k, v in value.items()}
    return value


def from_data(value, answers=()):
    """Arrays, tuples and earlier answers back from :func:`to_data`'s form."""
    if isinstance(value, dict):
        if set(value) == {"nd", "dtype"}:
            return np.asarray(value["nd"], dtype=value["dtype"])
        if set(value) == {"tuple"}:
            return tuple(from_data(v, answers) for v in value["tuple"])
        if "$" in value and set(value) <= {"$", "i"}:
            answer = answers[value["$"]]
            return answer[value["i"]] if "i" in value else answer
        return {k: from_data(v, answers) for k, v in value.items()}
    if isinstance(value, list):
        return [from_data(v, answers) for v in value]
    return value


def load_cases(assignment):
    """``{question id: [case, ...]}`` of ``assignment``'s public checks."""
    path = CASES / f"{assignment}.json"
    if not path.is_file():
        raise ValueError(f"no public checks for {assignment!r}; choose one of "
                         f"{', '.join(sorted(p.stem for p in CASES.glob('*.json')))}.")  # fmt: skip
    return json.loads(path.read_text(encoding="utf-8"))["questions"]


def difference(got, want, tol, what="the answer"):
    """None if ``got`` matches ``want`` (numbers to ``tol`` relative to the scale), else a hint."""
    if isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            keys = sorted(got) if isinstance(got, dict) else type(got).__name__
            return f"{what} should be a dict with keys {sorted(want)}, got {keys}"
        return next((d for k in want if (d := difference(got[k], want[k], tol, f"{what}[{k!r}]"))), None)
    if isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            return f"{what} should be a {type(want).__name__} of {len(want)} items, got {type(got).__name__}"
        return next((d for i, w in enumerate(want) if (d := difference(got[i], w, tol, f"{what}[{i}]"))), None)
    if want is None or isinstance(want, str):
        return None if got == want else f"{what} should be {want!r}, got {got!r:.60}"
    try:
        got_array = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"{what} should be numbers, got {type(got).__name__}"
    want_array = np.asarray(want, dtype=np.float64)
    if got_array.shape != want_array.shape:
        return f"{what} has shape {got_array.shape}, expected {want_array.shape}"
    if not np.all(np.isfinite(got_array)):
        return f"{what} contains NaN or infinity"
    error = float(np.max(np.abs(got_array - want_array), initial=0.0))
    if error > tol * max(1.0, float(np.max(np.abs(want_array), initial=0.0))):
        return f"{what} differs from the expected values by up to {error:.3g}"
    return None


def run_case(serve, case):
    """Run one case with ``serve(request) -> answer dict``; None if it passes, else a hint."""
    answers, raises = [], case["expect"].get("raises") if isinstance(case["expect"], dict) else None
    for request in case["steps"]:
        answer = serve(from_data(request, answers))
        if "error" in answer:
            ename, evalue = answer["error"]
            if ename == "NotImplementedError":
                return "not implemented yet (it still raises NotImplementedError)"
            if raises and ename == raises and len(answers) == len(case["steps"]) - 1:
                return None
            return f"raised {ename}: {str(evalue).splitlines()[0][:200] if evalue else ''}"
        if "ok" not in answer:
            return f"could not be run: {answer.get('fault')}"
        value = answer["ok"]
        answers.append(value["value"] if isinstance(value, dict) and "value" in value else value)
    if raises:
        return f"returned without raising {raises}"
    got = answers[-1] if case.get("pick") is None else answers[-1][case["pick"]]
    expect = case["expect"]
    if isinstance(expect, dict) and "shape" in expect:
        shape = tuple(np.shape(got)) if isinstance(got, np.ndarray) else None
        return None if shape == tuple(expect["shape"]) else f"shape {shape}, expected {tuple(expect['shape'])}"
    if isinstance(expect, dict) and "labels01" in expect:
        labels = np.asarray(got)
        if labels.shape != (expect["labels01"],) or not np.issubdtype(labels.dtype, np.integer):
            return (
                f"expected integer labels of shape ({expect['labels01']},), got {labels.dtype} of shape {labels.shape}"
            )
        return None if set(np.unique(labels)) <= {0, 1} else "labels must be 0 or 1"
    return difference(got, from_data(expect), case.get("tol", 1e-6))
