"""The course's Gradescope autograder: build the zip, and what it runs for each submission.

``python -m course_utils.grading.gradescope build hw1 --out autograder/hw1.zip`` (``make autograder
HW=hw1``) writes a zip laid out as Gradescope's autograder specification asks
(gradescope-autograders.readthedocs.io/en/latest/specs/): ``setup.sh`` and ``run_autograder`` at its
root, then the grader - this repository's ``course_utils`` (with the hidden checks), ``pyproject.toml``,
the lock files ``requirements/*.txt`` where the course has them and ``data/``'s small files. Gradescope
unpacks it into ``/autograder/source``, runs ``setup.sh`` once to build the image and, for each
submission, ``run_autograder``, which calls ``run`` here:

* the notebook is the one in ``/autograder/submission/`` (the assignment's notebook name first, else
  the only ``.ipynb``; anything else is a clear 0 with the reason);
* :func:`~course_utils.grading.runner.grade_notebook` grades it in its sandbox;
* ``/autograder/results/results.json`` gets one test per question (its points, visible at once) and,
  for questions with hidden checks, one test with their details, visible after the due date; the
  grader's full text report goes to stdout, which students never see (``stdout_visibility``: hidden).

``AUTOGRADER_ROOT`` replaces ``/autograder`` (tests run ``run_autograder`` in a simulated layout);
:func:`validate` checks a results dict against ``autograder/results.schema.json``, written from
Gradescope's documentation.
"""

import argparse
import json
import sys
import zipfile
from pathlib import Path

from course_utils.grading.assignments import ASSIGNMENTS, get_assignment

HERE = Path(__file__).resolve().parent
FILES = HERE / "autograder"
REPOSITORY = HERE.parents[1]
SCHEMA = FILES / "results.schema.json"


def is_public(check):
    """A check whose details students may see at once: a public check (fixed inputs their self-check runs).

    The grader's other checks run on secret random inputs. Public checks are labelled ``public check: ...``
    (issue 16's grader), or marked ``"public": true``.

    >>> is_public({"label": "public check: Q1 case 1"}), is_public({"label": "h_t = tanh(a_t)"})
    (True, False)
    """
    label = str(check.get("label", ""))
    return check.get("public") is True or check.get("visibility") == "visible" or label.startswith("public check:")


def _lines(checks):
    return [f"✓ {c['label']}" if c["passed"] else f"✗ {c['label']} (0/{c['max_points']}): {c['hint']}" for c in checks]


def results(report):
    """Gradescope's results.json (a dict) for one report (its JSON)."""
    tests = []
    for number, q in enumerate(report["questions"], start=1):
        public = [c for c in q["checks"] if is_public(c)]
        hidden = [c for c in q["checks"] if not is_public(c)]
        lines = _lines(public)
        if hidden:
            passed = sum(c["passed"] for c in hidden)
            lines.append(f"{passed} of {len(hidden)} hidden checks passed (details after the due date)")
        if q.get("error"):
            lines.append(f"✗ {q['error']}")
        lines += [f"⚑ flagged for manual review, points withheld: {finding}" for finding in q.get("flagged") or []]
        tests.append({"name": f"{q['id']} · {q['title']}", "number": str(number), "score": q["points"],
                      "max_score": q["max_points"], "status": "passed" if q["points"] == q["max_points"] else "failed",
                      "output": "\n".join(lines), "visibility": "visible"})  # fmt: skip
        if hidden:
            tests.append({"name": f"{q['id']} · hidden checks, in detail", "number": f"{number}.1", "score": 0,
                          "max_score": 0, "output": "\n".join(_lines(hidden)), "visibility": "after_due_date"})  # fmt: skip
    output = [f"{report['assignment']} · {report['title']}: {report['score']}/{report['max_score']} points"]
    if report.get("failure"):
        output.append(f"Your notebook could not be graded: {report['failure']}")
    run = report.get("execution") or {}
    output += [f"cell {e['cell']} raised {e['ename']}: {e['evalue'][:200]}" for e in run.get("errors", [])]
    if run.get("timed_out_cell") is not None:
        output.append(f"cell {run['timed_out_cell']} hit the notebook's time limit; later cells did not run")
    output += [f"cell {c} ended the kernel; it was restarted without it" for c in run.get("killed_kernel", [])]
    extra = {"grader_version": report.get("provenance", {}).get("grader_version", ""), "flagged": report["flagged"]}
    return {"score": report["score"], "execution_time": round(report.get("grading_seconds", 0.0), 1),
            "output": "\n".join(output), "stdout_visibility": "hidden", "tests": tests, "extra_data": extra}  # fmt: skip


def validate(data):
    """Raise ``ValueError`` if ``data`` does not follow Gradescope's documented results.json format."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    try:
        import jsonschema
    except ImportError:  # a small validator for the keywords the schema uses
        problem = _problem(data, schema, schema, "results")
        if problem:
            raise ValueError(problem) from None
        return
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        raise ValueError(f"results.json does not follow Gradescope's format: {exc.message}") from None


_TYPES = {"object": dict, "array": list, "string": str, "number": (int, float), "integer": int, "boolean": bool}


def _problem(value, schema, root, where):
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    types = schema.get("type")
    types = [types] if isinstance(types, str) else types or []
    if types and not any(isinstance(value, _TYPES[t]) and not isinstance(value, bool) for t in types):
        return f"{where}: expected {' or '.join(types)}, got {type(value).__name__}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{where}: {value!r} is not one of {schema['enum']}"
    if "minimum" in schema and value < schema["minimum"]:
        return f"{where}: {value} is below {schema['minimum']}"
    if "anyOf" in schema and all(_problem(value, s, root, where) for s in schema["anyOf"]):
        return f"{where}: matches none of the allowed forms"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                return f"{where}: {key!r} is required"
        for key, item in value.items():
            if key in schema.get("properties", {}):
                problem = _problem(item, schema["properties"][key], root, f"{where}.{key}")
                if problem:
                    return problem
            elif schema.get("additionalProperties") is False:
                return f"{where}: {key!r} is not a documented key"
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            problem = _problem(item, schema["items"], root, f"{where}[{i}]")
            if problem:
                return problem
    return None


def find_notebook(folder, assignment):
    """The submitted notebook in ``folder``, or ``(None, reason)``."""
    notebooks = sorted(p for p in Path(folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    named = [p for p in notebooks if p.name == assignment.notebook]
    if len(named) == 1:
        return named[0], None
    if len(notebooks) == 1:
        return notebooks[0], None
    if not notebooks:
        return None, f"no .ipynb file was submitted (upload {assignment.notebook})"
    return None, f"{len(notebooks)} notebooks were submitted: upload only {assignment.notebook}"


def run(assignment, root):
    """Grade ``root/submission`` and write ``root/results/results.json``; the exit status (1, and no
    results, where this container cannot make the sandbox: students then see that the autograder failed)."""
    from course_utils.grading.batch import failure_report
    from course_utils.grading.gradebook import write_atomic
    from course_utils.grading.provenance import grader_version, sha256_file
    from course_utils.grading.report import format_report
    from course_utils.grading.runner import grade_notebook
    from course_utils.grading.sandbox import ADVICE, unavailable

    spec, root = get_assignment(assignment), Path(root)
    if unavailable():  # no results.json: Gradescope shows the autograder failed (a regrade fixes it), not a 0
        print(f"cannot grade: no sandbox in this container: {unavailable()} {ADVICE}")
        return 1
    (root / "results").mkdir(parents=True, exist_ok=True)
    notebook, reason = find_notebook(root / "submission", spec)
    if notebook is None:
        report = failure_report(spec, root / "submission", reason)
    else:
        graded = grade_notebook(assignment, notebook)
        print(format_report(graded))
        report = graded.to_json()
        report["provenance"] = {"sha256": sha256_file(notebook), "grader_version": grader_version()}
    data = results(report)
    validate(data)
    write_atomic(root / "results" / "results.json", json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    print(f"results: {root / 'results' / 'results.json'} ({data['score']}/{report['max_score']} points)")
    return 0


def archive_files():
    """``[(path in the zip, file here)]``: the grader and what installs it (no notebooks, no tests)."""
    files = [(p.relative_to(REPOSITORY).as_posix(), p) for p in sorted((REPOSITORY / "course_utils").rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")]  # fmt: skip
    extra = [
        REPOSITORY / "pyproject.toml",
        REPOSITORY / "README.md",
        *sorted((REPOSITORY / "requirements").glob("*.txt")),
    ]
    extra += [p for p in sorted((REPOSITORY / "data").glob("*")) if p.is_file()]
    return files + [(p.relative_to(REPOSITORY).as_posix(), p) for p in extra if p.is_file()]


def build(assignment, out):
    """Write the autograder zip for ``assignment`` to ``out``; its path."""
    spec, out = get_assignment(assignment), Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    runner = (FILES / "run_autograder").read_text(encoding="utf-8").replace("@ASSIGNMENT@", spec.name)
    partial = out.with_name(f".{out.name}.part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("setup.sh", (FILES / "setup.sh").read_text(encoding="utf-8")), ("run_autograder", runner)):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o100755 << 16  # executable, as Gradescope runs them
            archive.writestr(info, text)
        for name, path in archive_files():
            archive.write(path, name)
    partial.replace(out)
    return out


def check():
    """setup.sh's last step: fail the image build, with the reason, where no sandbox can be made."""
    from course_utils.grading.sandbox import ADVICE, unavailable

    problem = unavailable()
    if problem:
        print(f"The grading sandbox does not work in this container: {problem} {ADVICE}", file=sys.stderr)
        return 1
    print("grading sandbox: available")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.grading.gradescope", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("build", help="write the autograder zip for an assignment")
    make.add_argument("assignment", choices=sorted(ASSIGNMENTS))
    make.add_argument("--out", help="the zip to write (default: autograder/ASSIGNMENT.zip)")
    grade = commands.add_parser("run", help="grade ROOT/submission, write ROOT/results/results.json")
    grade.add_argument("assignment", choices=sorted(ASSIGNMENTS))
    grade.add_argument("--root", default="/autograder")
    commands.add_parser("check", help="is the grading sandbox available here?")
    args = parser.parse_args(argv)
    if args.command == "build":
        print(build(args.assignment, args.out or f"autograder/{args.assignment}.zip"))
        return 0
    if args.command == "check":
        return check()
    return run(args.assignment, args.root)


if __name__ == "__main__":
    sys.exit(main())
