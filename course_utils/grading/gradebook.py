"""The class's gradebook: one row per student, ``gradebook.csv``, from the saved reports.

Columns: ``student_id``, ``name`` (from the roster), one per question (its points), ``total``,
``max_score``, ``status``, ``reason`` and ``submission`` (the file graded). A blank question or total
means there is no grade to enter yet (see ``status``). Statuses, in the order staff should look at them:

* ``graded``       - graded; the total is the grade;
* ``flagged``      - graded, but some question's points are withheld for manual review (``reason``);
* ``not gradable`` - the file could not be graded (not a notebook, unreadable, the grader failed or
  timed out); the reason says why, and the total is 0;
* ``missing``      - on the roster (or an empty folder) with no submission;
* ``duplicate``    - several notebooks for one student: each was graded, none is entered; the reason
  gives each file's score - keep one and run the batch again (the others are not regraded);
* ``not on roster`` - graded, but the id matches no roster student (rename the file or folder);
* ``pending``      - not graded yet (the batch was interrupted: run it again to resume).
"""

import contextlib
import csv
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

STATUSES = ("graded", "flagged", "not gradable", "missing", "duplicate", "not on roster", "pending")


@dataclass
class Row:
    student: str
    name: str = ""
    status: str = "pending"
    reason: str = ""
    report: dict | None = None  # the report's JSON when exactly one notebook was graded
    submission: str = ""
    points: dict = field(default_factory=dict)  # question id -> points
    on_roster: bool | None = None  # None: no roster
    key: str = ""  # its file names in reports/ and feedback/
    jobs: list = field(default_factory=list)  # the notebooks graded for it

    @property
    def total(self):
        return None if self.report is None else self.report["score"]

    @property
    def full_marks(self):
        return self.status == "graded" and self.report is not None and self.report["passed"]


def status_of(report):
    """``(status, reason)`` of one graded submission, from its report's JSON."""
    if report.get("failure"):
        return "not gradable", report["failure"]
    flagged = [q for q in report["questions"] if q.get("flagged")]
    if flagged:
        return "flagged", "; ".join(f"{q['id']} flagged for manual review: {', '.join(map(str, q['flagged']))}"
                                    for q in flagged)  # fmt: skip
    run = report.get("execution") or {}
    notes = []
    if run.get("timed_out_cell") is not None:
        notes.append(f"cell {run['timed_out_cell']} hit the time limit")
    if run.get("killed_kernel"):
        notes.append(f"cell(s) {', '.join(map(str, run['killed_kernel']))} ended the kernel")
    return "graded", "; ".join(notes)


def not_a_notebook(path):
    return f"{Path(path).name} is not a notebook (.ipynb): nothing to grade"


def render(rows, questions):
    """The CSV text of ``rows``; ``questions`` are the assignment's question ids, in order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student_id", "name", *questions, "total", "max_score", "status", "reason", "submission"])
    for row in rows:
        report = row.report
        points = {q["id"]: q["points"] for q in report["questions"]} if report else row.points
        writer.writerow([row.student, row.name, *(points.get(q, "") for q in questions),
                         "" if row.total is None else row.total, report["max_score"] if report else "",
                         row.status, row.reason, row.submission])  # fmt: skip
    return buffer.getvalue()


def write_atomic(path, text):
    """Write ``text`` to ``path`` through a temporary file and a rename: readers never see half a file."""
    path = Path(path)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=f".{path.name}.", delete=False,
                                     encoding="utf-8", newline="") as handle:  # fmt: skip
        try:
            handle.write(text)
        except BaseException:  # Ctrl-C or a full disk: no half-written file left behind
            os.unlink(handle.name)
            raise
    try:
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(handle.name)
        raise


def summary(rows):
    """``"40 students: 31 graded (12 full marks), 2 flagged, ..."``."""
    counts = {s: sum(r.status == s for r in rows) for s in STATUSES}
    full = sum(r.full_marks for r in rows)
    parts = [f"{n} {s}" + (f" ({full} full marks)" if s == "graded" else "") for s, n in counts.items() if n]
    return f"{len(rows)} students: " + ", ".join(parts)
