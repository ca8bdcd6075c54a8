"""``python -m course_utils.grading release`` and ``python -m course_utils.grading grade ASSIGNMENT NOTEBOOK``.

Exit status of ``grade``: 0 with full marks, 1 when any point was lost (or the notebook could
not be read or run), 2 for a usage error (unknown assignment, missing file).
``python -m course_utils.grading hw1 NOTEBOOK`` is accepted as a short form of ``grade``.
"""

import argparse
import json
import sys
from pathlib import Path

from course_utils.grading.assignments import ASSIGNMENTS


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


def _grade(args):
    from course_utils.grading.runner import format_report, grade_notebook

    notebook = Path(args.notebook)
    if not notebook.is_file():
        print(f"no such notebook: {notebook}", file=sys.stderr)
        return 2
    try:
        report = grade_notebook(args.assignment, notebook, time_limit=args.time_limit)
    except ValueError as exc:  # a bad --time-limit
        print(exc, file=sys.stderr)
        return 2
    target = Path(args.json) if args.json else Path(args.reports) / f"{notebook.stem}.{args.assignment}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(format_report(report))
    print(f"report: {target}")
    return 0 if report["passed"] else 1


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
    grade = commands.add_parser("grade", help="execute a submitted notebook and grade it")
    grade.add_argument("assignment", choices=sorted(ASSIGNMENTS))
    grade.add_argument("notebook", help="the submitted .ipynb")
    grade.add_argument("--json", help="where to write the JSON report (default: REPORTS/NOTEBOOK.ASSIGNMENT.json)")
    grade.add_argument("--reports", default="reports/grading", help="folder for reports when --json is not given")
    grade.add_argument("--time-limit", type=float, help="seconds for the whole notebook (default: per assignment)")
    args = parser.parse_args(argv)
    return _release(args) if args.command == "release" else _grade(args)


if __name__ == "__main__":
    sys.exit(main())
