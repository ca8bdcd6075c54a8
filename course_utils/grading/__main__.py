"""``python -m course_utils.grading release | grade ASSIGNMENT NOTEBOOK | public | student``.

Exit status of ``grade``: 0 with full marks, 1 when any point was lost (or the notebook could not be
graded: the report says why), 2 for a usage error (unknown assignment, missing notebook, a ``--json``
path that cannot be written - checked before grading) or a machine that cannot make the sandbox (then
no report is written: the student's grade is not the machine's fault). A report is always printed and written,
also when the grader is interrupted (SIGINT, SIGTERM, SIGHUP: the sandbox is killed first); it is
written to a temporary file and renamed, once every process of the submission has been killed.
``python -m course_utils.grading hw1 NOTEBOOK`` is accepted as a short form of ``grade``. Several
notebooks, a folder, or ``--out DIR``: a whole class, by :mod:`course_utils.grading.batch`.
"""

import argparse
import json
import os
import signal
import sys
import tempfile
from pathlib import Path

from course_utils.grading import batch
from course_utils.grading.assignments import ASSIGNMENTS


class Interrupted(BaseException):
    pass


def _release(args):
    from course_utils.grading.release import MarkerError, release_all

    try:
        released = release_all(args.source, args.out)
    except (MarkerError, ValueError) as exc:
        print(f"release refused: {exc}", file=sys.stderr)
        return 2
    for path, regions in released:
        print(f"{path}  ({regions} solution regions stubbed, outputs cleared)")
    return 0


def _public(args):
    from course_utils.grading.public_cases import write_all

    stale = write_all(check=args.check)
    if args.check and stale:
        print(f"public checks out of date: {', '.join(stale)} (run python -m course_utils.grading public)")
        return 1
    print("public checks " + ("up to date" if not stale else f"written: {', '.join(stale)}"))
    return 0


def _student(args):
    from course_utils.grading.edition import build_edition

    try:
        out = build_edition(args.out, args.repo)
    except ValueError as exc:
        print(f"student edition refused: {exc}", file=sys.stderr)
        return 2
    print(f"student edition: {out} (a git repository with one commit; push it to the student repository)")
    return 0


def writable_target(path):
    """``path`` as a Path if a report can be written there (its folder exists or can be made), else None."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".grading-check-"):
            pass
    except OSError:
        return None
    return None if path.is_dir() else path


def write_report(report, target):
    """Write the JSON report atomically (a reader never sees half of it)."""
    data = json.dumps(report.to_json(), indent=1, ensure_ascii=False) + "\n"
    with tempfile.NamedTemporaryFile("w", dir=target.parent, prefix=f".{target.name}.", delete=False,
                                     encoding="utf-8") as handle:  # fmt: skip
        handle.write(data)
    os.replace(handle.name, target)


def _grade(args):
    from course_utils.grading.report import format_report
    from course_utils.grading.runner import grade_notebook

    notebook = Path(args.notebook)
    if not notebook.is_file():
        print(f"no such notebook: {notebook}", file=sys.stderr)
        return 2
    target = Path(args.json) if args.json else Path(args.reports) / f"{notebook.stem}.{args.assignment}.json"
    if writable_target(target) is None:
        print(f"cannot write the report to {target}: choose a writable --json path", file=sys.stderr)
        return 2

    def stop(signum, frame):
        raise Interrupted(signal.Signals(signum).name)

    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, stop)
    try:
        report = grade_notebook(args.assignment, notebook, time_limit=args.time_limit, seed=args.seed)
    except ValueError as exc:  # a bad --time-limit
        print(exc, file=sys.stderr)
        return 2
    except Interrupted as exc:  # the sandbox was closed on the way out (its context manager)
        from course_utils.grading.report import Report
        from course_utils.grading.runner import _not_graded

        spec = ASSIGNMENTS[args.assignment]
        report = Report(args.assignment, spec.title, str(notebook), failure=f"grading was interrupted ({exc})")
        report.questions = [_not_graded(q, "not graded: grading was interrupted") for q in spec.questions]
    finally:
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
    if report.refused:  # the machine cannot grade: no report, so no zero is recorded for the student
        print(f"cannot grade here: {report.refused}", file=sys.stderr)
        return 2
    write_report(report, target)
    print(format_report(report))
    print(f"report: {target}")
    return 0 if report.passed else 1


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ASSIGNMENTS:  # the short form: ASSIGNMENT NOTEBOOK
        argv.insert(0, "grade")
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.grading", description="Release the homework to students, or grade one submission."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    release = commands.add_parser("release", help="write the student notebooks (solutions stubbed, outputs cleared)")
    release.add_argument("--source", default="notebooks/homework", help="folder of source notebooks with solutions")
    release.add_argument("--out", default="releases", help="folder to write the student notebooks to")
    grade = commands.add_parser("grade", help="execute a submitted notebook in a sandbox and grade it")
    grade.add_argument("assignment", choices=sorted(ASSIGNMENTS))
    grade.add_argument("notebook", nargs="+", help="the submitted .ipynb; several, or folders, with --out (batch)")
    grade.add_argument("--json", help="where to write the JSON report (default: REPORTS/NOTEBOOK.ASSIGNMENT.json)")
    grade.add_argument("--reports", default="reports/grading", help="folder for reports when --json is not given")
    grade.add_argument("--time-limit", type=float, help="seconds for the whole notebook (default: per assignment)")
    grade.add_argument("--seed", type=int, help=argparse.SUPPRESS)  # to reproduce a run; default: secret
    batch.add_arguments(grade)
    public = commands.add_parser("public", help="write the public checks students run (from the references)")
    public.add_argument("--check", action="store_true", help="only report whether the saved checks are up to date")
    student = commands.add_parser("student", help="write the student edition (a git repository) for students to clone")
    student.add_argument("--out", default="dist/student", help="folder to write it to (replaced if an earlier edition)")
    student.add_argument("--repo", help="the student repository's URL (default: pyproject.toml [tool.course])")
    args = parser.parse_args(argv)
    if args.command == "grade" and batch.wants_batch(args):
        return batch.main(args)
    if args.command == "grade":
        args.notebook = args.notebook[0]
    return {"release": _release, "grade": _grade, "public": _public, "student": _student}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
