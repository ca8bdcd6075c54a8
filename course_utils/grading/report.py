"""The records the grader passes around, and the report it prints and saves.

One dataclass per record: a :class:`Check` (one awarded or failed check with its hint), a
:class:`QuestionResult` (a question's checks, points, error and flag), a :class:`CellError`, the
:class:`Execution` of the notebook, and the :class:`Report` of one submission. ``Report.to_json()``
is the saved JSON (keys ``score``, ``max_score``, ``passed``, ``questions[].id/points/max_points``
and more); :func:`format_report` the printed text. Nothing here comes from the student's kernel
except the cells' error names and messages (shown, never interpreted).
"""

from dataclasses import asdict, dataclass, field


@dataclass
class Check:
    label: str
    points: int
    max_points: int
    passed: bool
    hint: str | None = None
    public: bool = False  # one of the students' self-check cases (else hidden: new random inputs each run)


@dataclass
class QuestionResult:
    id: str
    title: str
    max_points: int
    checks: list = field(default_factory=list)
    error: str | None = None
    flagged: list = field(default_factory=list)  # static findings: points withheld for manual review
    seconds: float = 0.0

    @property
    def points(self):
        if self.flagged:
            return 0
        return min(sum(c.points for c in self.checks), self.max_points)

    def to_json(self):
        data = asdict(self)
        data["points"] = self.points
        return data


@dataclass
class CellError:
    cell: int
    ename: str
    evalue: str


@dataclass
class Execution:
    time_limit: float
    cells_run: int = 0
    errors: list = field(default_factory=list)  # CellError
    timed_out_cell: int | None = None
    skipped_cells: list = field(default_factory=list)
    killed_kernel: list = field(default_factory=list)  # cells after which the kernel was dead
    restarts: int = 0
    seconds: float = 0.0


@dataclass
class Report:
    assignment: str
    title: str
    notebook: str
    questions: list = field(default_factory=list)  # QuestionResult
    execution: Execution | None = None
    failure: str | None = None  # why the notebook could not be graded at all (then every question is 0)
    refused: str | None = None  # this machine cannot grade (no sandbox): not the submission's fault, no grade
    notes: list = field(default_factory=list)  # lines every reader should see (interrupted, sandbox, ...)
    sandbox: str = ""
    grading_seconds: float = 0.0

    @property
    def score(self):
        return sum(q.points for q in self.questions)

    @property
    def max_score(self):
        return sum(q.max_points for q in self.questions)

    @property
    def passed(self):
        return self.failure is None and self.score == self.max_score

    @property
    def flagged(self):
        return [q.id for q in self.questions if q.flagged]

    def to_json(self):
        data = asdict(self)
        data["questions"] = [q.to_json() for q in self.questions]
        data.update(score=self.score, max_score=self.max_score, passed=self.passed, flagged=self.flagged)
        return data


def format_question(result):
    """``Q1 · title: p/m points`` and one indented line per failure, error and flag."""
    lines = [f"{result.id} · {result.title}: {result.points}/{result.max_points} points"]
    lines += [f"  ✗ {c.label}: {c.hint}" for c in result.checks if not c.passed]
    if result.error:
        lines.append(f"  ✗ {result.error}")
    for finding in result.flagged:
        lines.append(f"  ⚑ flagged for manual review, points withheld: {finding}")
    return "\n".join(lines)


def format_report(report):
    """The text the command prints: execution summary, per-question points and hints, total."""
    lines = [f"{report.assignment} · {report.title} · {report.notebook}"]
    if report.failure:
        lines.append(f"not graded: {report.failure}")
    run = report.execution
    if run is not None and (run.cells_run or run.errors):
        lines.append(f"executed {run.cells_run} code cells in {run.seconds:.1f} s (limit {run.time_limit:g} s), "
                     f"{len(run.errors)} with errors")  # fmt: skip
        for error in run.errors[:5]:
            detail = f": {error.evalue[:160]}" if error.evalue else ""
            lines.append(f"  cell {error.cell}: {error.ename}{detail}")
        if len(run.errors) > 5:
            lines.append(f"  ... and {len(run.errors) - 5} more (see the JSON report)")
        if run.timed_out_cell is not None:
            skipped = len(run.skipped_cells)
            lines.append(f"  cell {run.timed_out_cell} hit the time limit and was stopped"
                         + (f"; {skipped} later code cells were not run" if skipped else ""))  # fmt: skip
        for cell in run.killed_kernel:
            lines.append(f"  cell {cell} ended the kernel (os._exit, a crash or a limit): the kernel was restarted "
                         "and the cells before it run again, without it")  # fmt: skip
    lines += [f"note: {note}" for note in report.notes]
    lines += [format_question(q) for q in report.questions]
    flagged = f", {len(report.flagged)} flagged for manual review" if report.flagged else ""
    lines.append(f"total {report.score}/{report.max_score} points{flagged} ({report.grading_seconds:.1f} s)")
    return "\n".join(lines)
