"""Grade one submitted notebook: run it in a sandboxed kernel, then ask it questions from outside.

``grade_notebook(assignment, path)`` always returns a :class:`~course_utils.grading.report.Report`:

1. the notebook is read here (size-capped) and its code cells checked statically
   (:mod:`course_utils.grading.static`); the kernel never sees the file;
2. a fresh sandbox (:mod:`course_utils.grading.sandbox`) starts a kernel and runs the cells one by
   one, like "Run All" (an error does not stop the notebook), within the notebook's time limit;
3. each question then runs its hidden checks, then its public ones, HERE, sending the kernel requests (call this object on these
   inputs) and comparing the raw answers with references that exist only in this process, on inputs
   drawn from a secret seed (``os.urandom``) new for every run; a request that hangs is interrupted, a
   kernel that dies is restarted and the cells before the death re-run, so a hang or ``os._exit`` in
   one answer costs that question only;
4. the sandbox is killed with every process it started; the report is built from what the grader
   computed, with the static findings withholding flagged questions' points.
"""

import json
import os
import re
import time
from pathlib import Path

from course_utils.grading import sandbox, static
from course_utils.grading.assignments import get_assignment, question_rng
from course_utils.grading.core import KernelGone, QuestionTimeout, Submission, run_question
from course_utils.grading.kernel import KernelDied, Outcome, SandboxKernel
from course_utils.grading.report import CellError, Execution, QuestionResult, Report
from course_utils.selfcheck.public import load_cases

MAX_NOTEBOOK_BYTES = 20 << 20
MAX_RESTARTS = 3
PING = 5.0  # seconds for a healthy kernel to answer a trivial request (it takes milliseconds)
SANDBOX = ("Linux namespaces: no network, read-only system and course code without the grading package, "
           "private /tmp, memory/CPU/file-size limits; scores computed by the grader")  # fmt: skip


class NotGradable(Exception):
    """The notebook cannot be graded at all (unreadable, no sandbox, no kernel); the reason, in words."""


class KernelSubmission(Submission):
    """The student's objects in a sandboxed kernel; every request must finish by ``deadline``."""

    def __init__(self, kernel, deadline, caches=None):
        self.kernel, self.deadline = kernel, deadline
        self.cache = {} if caches is None else caches.setdefault(kernel.starts, {})  # a restarted kernel: anew

    def _exchange(self, request):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise QuestionTimeout()
        answer = self.kernel.ask(request, left, refs=self._ref)
        if isinstance(answer, Outcome):
            if answer.status == "timeout":
                raise QuestionTimeout()
            if answer.status == "died":
                raise KernelGone()
            return {"fault": f"the request stopped with {answer.ename}: {answer.evalue}"}
        return answer


def read_cells(path):
    """``[(index, source), ...]`` of the notebook's code cells; :class:`NotGradable` if it cannot be read.

    Plain JSON, checked by hand (nbformat's reader imports a JSON-schema stack that takes seconds):
    an nbformat 4 notebook is a dict whose ``cells`` are dicts with a ``cell_type`` and a ``source``
    (a string, or a list of strings).
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise NotGradable(f"{path.name} is larger than {MAX_NOTEBOOK_BYTES >> 20} MB")
        nb = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
            raise ValueError("not an nbformat 4 notebook (a dict with a list of cells)")
        cells = []
        for index, cell in enumerate(nb["cells"]):
            source = cell.get("source") if isinstance(cell, dict) else None
            source = "".join(source) if isinstance(source, list) and all(isinstance(s, str) for s in source) else source
            if not isinstance(source, str):
                raise ValueError(f"cell {index} has no source text")
            if cell.get("cell_type") == "code":
                cells.append((index, source))
        return cells
    except NotGradable:
        raise
    except Exception as exc:
        raise NotGradable(f"cannot read {path.name} as a notebook ({type(exc).__name__}: {str(exc)[:200]})") from None


def is_colab_setup(source):
    """True for the course's Colab set-up cell, for any repository (it is not checked statically)."""
    from course_utils.tooling.colab import setup_source

    match = re.search(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", source)
    try:
        return bool(match) and source.strip() == setup_source(match.group(0).removesuffix(".git")).strip()
    except ValueError:
        return False


class CellRunner:
    """Runs the cells in a kernel, and again in a new one when a kernel dies (without the cell that killed it)."""

    def __init__(self, kernel, cells, record):
        self.kernel, self.cells, self.record = kernel, cells, record
        self.kept = []  # cells that ran (with or without an error): what a restarted kernel runs again

    def run(self):
        start, record = time.monotonic(), self.record
        for position, (index, source) in enumerate(self.cells):
            left = record.time_limit - (time.monotonic() - start)
            if left <= 0:
                record.skipped_cells = [i for i, _ in self.cells[position:]]
                break
            outcome = self.kernel.execute(source, left)
            if outcome.status == "timeout":
                record.timed_out_cell = index
                record.skipped_cells = [i for i, _ in self.cells[position + 1 :]]
                break
            if outcome.status == "died":
                record.killed_kernel.append(index)
                if not self.restart():
                    record.skipped_cells = [i for i, _ in self.cells[position + 1 :]]
                    break
                continue
            record.cells_run += 1
            self.kept.append((index, source))
            if outcome.status == "error":
                record.errors.append(CellError(index, outcome.ename, outcome.evalue))
        record.seconds = round(time.monotonic() - start, 2)

    def restart(self):
        """A new sandbox and kernel, with the kept cells run again; False if that failed or took too long."""
        if self.record.restarts >= MAX_RESTARTS:
            return False
        self.record.restarts += 1
        self.kernel.start()
        deadline = time.monotonic() + self.record.time_limit
        for _, source in self.kept:
            outcome = self.kernel.execute(source, max(0.1, deadline - time.monotonic()))
            if outcome.status in ("timeout", "died"):
                return False
        return True

    def ready(self):
        """A live kernel with the notebook's state, restarting if needed; False if none can be had."""
        return self.kernel.alive() or self.restart()

    def answering(self):
        """True if the kernel answers a trivial request (a notebook can break its messaging: then restart once)."""
        for attempt in range(2):
            if self.ready() and isinstance(self.kernel.ask({"op": "describe", "name": "__name__"}, PING), dict):
                return True
            if attempt == 0 and not self.restart():
                return False
        return False


class _Background:
    """``fn()`` run in a thread from now; ``result()`` waits for it (and re-raises its exception)."""

    def __init__(self, fn):
        import threading

        self._value, self._error = None, None

        def work():
            try:
                self._value = fn()
            except BaseException as exc:  # handed to result()
                self._error = exc

        self._thread = threading.Thread(target=work, daemon=True)
        self._thread.start()

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def _seconds(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 1:
        raise ValueError(f"{name} must be a number of seconds, at least 1, got {value!r}.")
    return float(value)


def grade_notebook(assignment, path, time_limit=None, question_limit=None, seed=None):
    """Execute ``path`` in a sandbox and grade it as ``assignment``; the :class:`Report`.

    Never raises for anything about the notebook; raises ``ValueError`` for an unknown assignment or
    a bad limit. ``seed`` fixes the hidden checks' inputs (default: a secret one from ``os.urandom``).
    """
    spec = get_assignment(assignment)
    time_limit = _seconds(spec.time_limit if time_limit is None else time_limit, "time_limit")
    question_limit = _seconds(spec.question_limit if question_limit is None else question_limit, "question_limit")
    seed = int.from_bytes(os.urandom(8), "little") if seed is None else int(seed)
    start = time.perf_counter()
    report = Report(assignment, spec.title, str(path), execution=Execution(time_limit), sandbox=SANDBOX)
    loader = _Background(lambda: list(spec.questions))  # hw2/hw3 import Keras here while the notebook runs
    findings = {}
    try:
        cells = read_cells(path)
        with SandboxKernel(hidden=spec.hidden_modules) as kernel:
            try:
                kernel.start()
            except sandbox.SandboxUnavailable as exc:
                report.refused = f"{exc}. {sandbox.ADVICE}"
                raise NotGradable(f"no sandbox on this machine: {report.refused}") from None
            except KernelDied as exc:
                raise NotGradable(f"the kernel could not be started: {exc}") from None
            run = CellRunner(kernel, cells, report.execution)
            run.run()
            questions, cases, caches = loader.result(), load_cases(assignment), {}
            findings = static.scan(cells, questions, spec.hidden_modules, trusted=is_colab_setup)
            if not run.answering():
                raise NotGradable("the kernel stopped answering the grader after your cells ran, also after a restart "
                                  "(does a cell change the kernel's messaging, e.g. json or the IPython machinery?)")  # fmt: skip
            for q in questions:
                if not run.ready():
                    report.questions.append(_not_graded(q, "not graded: the kernel could not be restarted "
                                                           "(it kept dying, or re-running the cells took too long)"))  # fmt: skip
                    continue
                student = KernelSubmission(kernel, time.monotonic() + question_limit, caches)
                rng, public = question_rng(seed, q.id), cases.get(q.id, ())
                report.questions.append(run_question(q, student, rng, question_limit, public))
    except NotGradable as exc:
        report.failure = str(exc)
    except Exception as exc:  # a bug of the grader's: still a report, saying so
        report.failure = f"the grader failed ({type(exc).__name__}: {str(exc)[:300]}); please report this"
    done = {q.id for q in report.questions}
    report.questions += [_not_graded(q, f"not graded: {report.failure}") for q in loader.result() if q.id not in done]
    for result in report.questions:
        result.flagged = findings.get(result.id, [])
    report.grading_seconds = round(time.perf_counter() - start, 2)
    return report


def _not_graded(question, reason):
    return QuestionResult(question.id, question.title, question.points, error=reason)
