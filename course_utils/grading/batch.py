"""Grade a whole class: ``python -m course_utils.grading grade ASSIGNMENT SUBMISSIONS... --out DIR``.

SUBMISSIONS are notebooks or folders (student ids: :mod:`course_utils.grading.submissions`). Every
notebook is graded by :func:`~course_utils.grading.runner.grade_notebook` - its own sandbox and
kernel - in one of ``--workers`` grader processes (:mod:`course_utils.grading.workers`). DIR gets:

* ``reports/<student>.json`` - the single-notebook report, plus ``provenance``: the submission's
  sha256, the grader's version (:mod:`course_utils.grading.provenance`), when, and the file;
* ``feedback/<student>.md``  - what to hand back (:mod:`course_utils.grading.feedback`);
* ``gradebook.csv``          - one row per student (:mod:`course_utils.grading.gradebook`);
* ``grading.log``            - the grader processes' own messages (for the staff, if something fails).

Resumable and idempotent: a report whose sha256 and grader version match is kept (``--force``
regrades); reports are written atomically as each submission finishes, so Ctrl-C (or SIGTERM) leaves
every finished report intact, then writes the gradebook of what is done (the rest ``pending``).
Exit status: 0 when every student has full marks, 1 otherwise (or interrupted), 2 for a usage error
(unknown assignment, nothing to grade, a roster that cannot be read, DIR not writable, no sandbox),
always before any grading.
"""

import datetime
import json
import os
import re
import signal
import sys
import time
from pathlib import Path

from course_utils.grading import feedback, gradebook
from course_utils.grading.assignments import get_assignment
from course_utils.grading.gradebook import Row
from course_utils.grading.provenance import grader_version, sha256_file
from course_utils.grading.submissions import RosterError, apply_roster, collect, read_roster


class UsageError(ValueError):
    """A batch that cannot start; the message says what to change."""


def add_arguments(grade):
    """The batch options of the ``grade`` command."""
    grade.add_argument("--out", help="batch mode: folder for reports, feedback and gradebook.csv")
    grade.add_argument("--workers", type=int, help="batch: submissions graded at a time (default: the CPUs)")
    grade.add_argument("--roster", help="batch: CSV of the class (student_id[,name,email]); absent students: missing")
    grade.add_argument("--force", action="store_true", help="batch: regrade submissions already graded")


def wants_batch(args):
    return bool(args.out) or len(args.notebook) > 1 or Path(args.notebook[0]).is_dir()


def _safe(name):
    return re.sub(r"[^A-Za-z0-9._@-]+", "_", name).strip("._") or "student"


class Job(dict):
    """One notebook to grade: ``id``, ``assignment``, ``path`` (what a worker needs), plus where its report goes."""


def plan(assignment, sources, out, roster=None):
    """``(rows, jobs)``: a :class:`Row` per student and a :class:`Job` per notebook; :class:`UsageError` early."""
    for source in sources:
        if not Path(source).exists():
            raise UsageError(f"no such file or folder: {source}")
    out = Path(out)
    try:
        (out / "reports").mkdir(parents=True, exist_ok=True)
        (out / "feedback").mkdir(exist_ok=True)
        gradebook.write_atomic(out / ".write-check", "")
        (out / ".write-check").unlink()
    except OSError as exc:
        raise UsageError(f"cannot write to the output folder {out}: {exc.strerror or exc}") from None
    found = collect(sources, assignment, exclude=[out] + ([roster] if roster else []))
    if not any(s.notebooks or s.others for s in found.values()):
        raise UsageError(f"nothing to grade: no files in {', '.join(map(str, sources))}")
    try:
        students = apply_roster(found, read_roster(roster)) if roster else list(found.values())
    except RosterError as exc:
        raise UsageError(str(exc)) from None
    rows, jobs, taken = [], [], set()
    for student in students:
        row = Row(student.id, student.name, on_roster=student.on_roster)
        notebooks = list({p.resolve(): p for p in student.notebooks}.values())  # a file given twice is one
        key = _safe(student.id)
        while key in taken:
            key += "_"
        taken.add(key)
        row.key = key
        for number, path in enumerate(notebooks):
            name = key if len(notebooks) == 1 else f"{key}--{number + 1}-{_safe(path.stem)}"
            job = Job(id=len(jobs), assignment=assignment.name, path=str(path))
            job.report, job.student = out / "reports" / f"{name}.json", student.id
            row.jobs.append(job)
            jobs.append(job)
        if not notebooks:
            row.status = "not gradable" if student.others else "missing"
            row.reason = (gradebook.not_a_notebook(student.others[0]) if student.others else
                          f"folder {student.empty_folders[0].name}/ holds no notebook" if student.empty_folders
                          else "no submission")  # fmt: skip
            row.submission = ", ".join(str(p) for p in student.others)
        rows.append(row)
    return rows, jobs


def _reusable(job, version):
    """The saved report of ``job`` if it was made from this very file by this very grader, else None."""
    try:
        report = json.loads(job.report.read_text(encoding="utf-8"))
        made = report["provenance"]
        if (
            made["sha256"] == job["sha256"]
            and made["grader_version"] == version
            and report["assignment"] == job["assignment"]
        ):
            return report
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def failure_report(assignment, path, reason):
    """The report JSON of a notebook the grader could not finish (every question 0, with the reason)."""
    from course_utils.grading.report import QuestionResult, Report

    report = Report(assignment.name, assignment.title, str(path), failure=reason)
    report.questions = [
        QuestionResult(q.id, q.title, q.points, error=f"not graded: {reason}") for q in assignment.questions
    ]
    return report.to_json()


class Progress:
    """``[12/40] 30% 3.1/min ETA 4m05s alice: graded 18/20`` on stderr: one line per submission, or a
    single line rewritten in place on a terminal."""

    def __init__(self, total, stream=None):
        self.total, self.done, self.start = total, 0, time.monotonic()
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def step(self, text):
        self.done += 1
        minutes = (time.monotonic() - self.start) / 60
        rate = self.done / minutes if minutes > 0 else 0.0
        left = (self.total - self.done) / rate * 60 if rate else 0
        line = (f"[{self.done}/{self.total}] {100 * self.done // max(self.total, 1)}% {rate:.1f}/min "
                f"ETA {int(left) // 60}m{int(left) % 60:02d}s  {text}")  # fmt: skip
        if self.tty:
            filled = 24 * self.done // max(self.total, 1)
            line = f"\r\033[K{'█' * filled}{'░' * (24 - filled)} {line}"
        self.stream.write(line if self.tty else line + "\n")
        if self.tty and self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()


def finish_row(row, assignment):
    """Status, reason and points of a row from its jobs' reports (``job.result``)."""
    results = [getattr(job, "result", None) for job in row.jobs]
    if not row.jobs:
        pass
    elif any(r is None for r in results):
        row.status, row.reason = "pending", "not graded yet: run the same command again to resume"
    elif len(results) > 1:
        scores = ", ".join(f"{Path(j['path']).name} ({r['score']}/{r['max_score']})" for j, r in zip(row.jobs, results))
        row.status = "duplicate"
        row.reason = f"{len(results)} notebooks: {scores}; keep one and run again"
    else:
        row.report = results[0]
        row.status, row.reason = gradebook.status_of(row.report)
    row.submission = ", ".join(j["path"] for j in row.jobs) or row.submission
    if row.on_roster is False and row.status not in ("pending",):
        was = f"graded as {row.status}" + (f" ({row.reason})" if row.reason else "")
        row.status, row.reason = "not on roster", f"{row.student!r} matches no roster student: rename it; {was}"


def write_outputs(rows, assignment, out):
    """gradebook.csv and each student's feedback file, from the rows."""
    for row in rows:
        target = Path(out) / "feedback" / f"{row.key}.md"
        if row.report is not None:
            gradebook.write_atomic(target, feedback.feedback(row.report, row.student, row.jobs[0]["path"]))
        elif row.status in ("missing", "not gradable"):
            gradebook.write_atomic(target, feedback.missing(assignment, row.student, row.reason))
    questions = [q.id for q in assignment.questions]
    gradebook.write_atomic(Path(out) / "gradebook.csv", gradebook.render(rows, questions))


def grade_batch(assignment, sources, out, workers=None, roster=None, force=False, time_limit=None, stream=None):
    """Grade everything; the exit status (0 all full marks, 1 otherwise). :class:`UsageError` before grading."""
    from course_utils.grading.sandbox import ADVICE, unavailable
    from course_utils.grading.workers import Pool

    spec = get_assignment(assignment)
    stream = stream or sys.stderr
    workers = workers if workers is not None else len(os.sched_getaffinity(0))
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise UsageError(f"--workers must be a whole number, at least 1, got {workers!r}")
    if time_limit is not None and (isinstance(time_limit, bool) or not time_limit >= 1):
        raise UsageError(f"--time-limit must be a number of seconds, at least 1, got {time_limit!r}")
    rows, jobs = plan(spec, sources, out, roster)
    version = grader_version()
    todo = []
    for job in jobs:
        try:
            job["sha256"] = sha256_file(job["path"])
        except OSError as exc:  # unreadable: a row saying so, nothing saved (it is retried next time)
            job.result = failure_report(spec, job["path"], f"cannot read {Path(job['path']).name}: {exc.strerror}")
            continue
        if time_limit is not None:
            job["time_limit"] = time_limit
        kept = None if force else _reusable(job, version)
        if kept is not None:
            job.result = kept
        else:
            todo.append(job)
    if todo and unavailable():
        raise UsageError(f"no grading sandbox on this machine: {unavailable()} {ADVICE}")
    stream.write(f"{spec.name}: {len(rows)} students, {len(jobs)} notebooks: {len(jobs) - len(todo)} already graded, "
                 f"{len(todo)} to grade with {min(workers, max(len(todo), 1))} worker(s) (grader {version})\n")  # fmt: skip
    if todo and not _compiled("tensorflow"):
        stream.write("warning: this environment has no compiled bytecode for TensorFlow; sandboxed kernels cannot "
                     "write it, so each one compiles TensorFlow again (about 3x the CPU per submission). "
                     f"Run once: {sys.executable} -m compileall -q {Path(sys.prefix) / 'lib'}\n")  # fmt: skip
    progress = Progress(len(todo), stream)

    def done(job, result):
        if "questions" not in result:  # the worker could not finish this one
            result = failure_report(spec, job["path"], result["failure"])
        result["provenance"] = {"student": job.student, "submission": job["path"], "sha256": job["sha256"],
                                "grader_version": version,
                                "graded_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}  # fmt: skip
        gradebook.write_atomic(job.report, json.dumps(result, indent=1, ensure_ascii=False) + "\n")
        job.result = result
        status = gradebook.status_of(result)[0]
        progress.step(f"{job.student}: {status} {result['score']}/{result['max_score']}")

    interrupted = False
    limit_of = _limit(spec)
    # Ctrl-C must stop a batch even when this process was started with SIGINT ignored (a child of a
    # background job, of pytest-xdist, of nohup inherits that, and Python then keeps ignoring it).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        if todo:
            with open(Path(out) / "grading.log", "ab") as log:
                Pool(min(workers, len(todo)), log).run(todo, done, limit_of)
    except KeyboardInterrupt:
        interrupted = True
        stream.write("\ninterrupted: finished reports are kept; run the same command again to grade the rest\n")
    finally:
        signal.signal(signal.SIGINT, previous)
    for row in rows:
        finish_row(row, spec)
    write_outputs(rows, spec, out)
    stream.write(f"{gradebook.summary(rows)}\ngradebook: {Path(out) / 'gradebook.csv'}\n")
    return 0 if not interrupted and all(r.full_marks for r in rows) else 1


def _compiled(package):
    """False when ``package`` is installed without its ``__pycache__`` (True when absent: nothing to say)."""
    from importlib.util import find_spec

    spec = find_spec(package)
    return spec is None or spec.origin is None or (Path(spec.origin).parent / "__pycache__").is_dir()


def _limit(spec):
    """A job's wall-clock limit: the notebook's time (and up to 3 re-runs after kernel deaths), every
    question's limit, kernel starts; a grader that takes longer is stopped."""

    def limit(job):
        notebook = job.get("time_limit") or spec.time_limit
        return 4 * notebook + len(spec.questions) * spec.question_limit + 120

    return limit


def main(args):
    """Entry point from ``__main__`` (``args``: the ``grade`` command's parsed arguments)."""
    if args.json:
        print("--json is for one notebook; a batch writes one report per submission into --out", file=sys.stderr)
        return 2
    if not args.out:
        print("several submissions (or a folder) need --out DIR for the reports and the gradebook", file=sys.stderr)
        return 2
    try:
        return grade_batch(args.assignment, args.notebook, args.out, workers=args.workers, roster=args.roster,
                           force=args.force, time_limit=args.time_limit)  # fmt: skip
    except UsageError as exc:
        print(f"batch refused: {exc}", file=sys.stderr)
        return 2
