"""Grade one submitted notebook: execute it in a Jupyter kernel, then run the checks in that kernel.

Why a kernel, and checks in the same kernel (not ``exec`` of the code cells in this process):

* the submission runs exactly as it does in JupyterLab (same kernel, magics, ``display``,
  working directory = the notebook's folder), so "it worked in my notebook" holds;
* the checks need live objects - functions, a Keras ``Layer`` subclass, a trained model -
  that cannot be pickled out of another process, so the checks go to them;
* the kernel is a separate process: a crash, ``os._exit`` or a runaway loop in student code
  cannot take the grader down. Every cell is given what is left of the notebook's time limit;
  a cell that overruns is interrupted (nbclient's ``interrupt_on_timeout``), the rest of the
  notebook is skipped, and the checks still run on what was defined. A cell that stops with an
  error does not stop the notebook (``allow_errors``), exactly like "Run All" in JupyterLab.
* the checks write their results to a JSON file after every question, so even a kernel that
  dies or hangs during checking leaves the questions graded so far.
"""

import json
import logging
import os
import subprocess
import tempfile
import time
from pathlib import Path

from course_utils._environment import KERNEL_ENV
from course_utils._environment import LAYOUT_VARIABLES as UNSET
from course_utils.grading.assignments import get_assignment

_CHECK_CELL = (
    "from course_utils.grading.core import run_checks as _course_grading_run\n"
    "_course_grading_run({assignment!r}, get_ipython().user_ns, {path!r}, question_limit={limit!r})"
)


def _quiet_logger():
    log = logging.getLogger("course_utils.grading.nbclient")
    log.setLevel(logging.CRITICAL)
    log.propagate = False
    return log


def _kernel_env():
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(KERNEL_ENV)
    return env


# what nbclient records for a cell it interrupted at the time limit (it then goes on with the next cell)
_TIME_LIMIT_ERROR = {"ename": "TimeLimit", "evalue": "interrupted at the notebook's time limit", "traceback": []}


def _run_cell(client, cell, index, seconds):
    """Execute one cell with a limit; True when it ran out of time (nbclient then interrupted the kernel)."""
    client.timeout = max(1, int(seconds + 0.999))
    start = time.perf_counter()
    client.execute_cell(cell, index)
    return time.perf_counter() - start >= client.timeout


def execute_submission(nb, folder, time_limit, assignment, result_path, check_limit, question_limit):
    """Run every cell within ``time_limit`` seconds, then the checks; return the execution record."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError
    from nbformat.v4 import new_code_cell

    record = {"time_limit": time_limit, "cells_run": 0, "errors": [], "timed_out_cell": None,
              "skipped_cells": [], "kernel_died": None, "checks_timed_out": False}  # fmt: skip
    client = NotebookClient(
        nb, timeout=int(time_limit), allow_errors=True, kernel_name="python3", record_timing=False,
        interrupt_on_timeout=True, error_on_timeout=_TIME_LIMIT_ERROR, shutdown_kernel="immediate",
        log=_quiet_logger(), resources={"metadata": {"path": str(folder)}},
    )  # fmt: skip
    start = time.perf_counter()
    with client.setup_kernel(env=_kernel_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        for position, (index, cell) in enumerate(code):
            left = time_limit - (time.perf_counter() - start)
            if left <= 0 or record["timed_out_cell"] is not None:
                record["skipped_cells"] = [i for i, _ in code[position:]]
                break
            try:
                if _run_cell(client, cell, index, left):
                    record["timed_out_cell"] = index
            except DeadKernelError:
                record["kernel_died"] = f"the kernel died while running cell {index} (memory? os._exit?)"
                break
            record["cells_run"] += 1
            record["errors"] += [{"cell": index, "ename": o.get("ename"), "evalue": str(o.get("evalue"))[:300]}
                                 for o in cell.get("outputs", []) if o.get("output_type") == "error"]  # fmt: skip
        record["seconds"] = round(time.perf_counter() - start, 2)
        if record["kernel_died"] is None:
            source = _CHECK_CELL.format(assignment=assignment, path=str(result_path), limit=question_limit)
            nb.cells.append(new_code_cell(source))
            try:
                record["checks_timed_out"] = _run_cell(client, nb.cells[-1], len(nb.cells) - 1, check_limit)
            except DeadKernelError:
                record["kernel_died"] = "the kernel died while the checks ran"
            nb.cells.pop()
    return record


def _missing(question, reason):
    return {"id": question["id"], "title": question["title"], "points": 0, "max_points": question["points"],
            "checks": [], "error": reason, "seconds": 0.0}  # fmt: skip


def _seconds(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 1:
        raise ValueError(f"{name} must be a number of seconds, at least 1, got {value!r}.")
    return float(value)


def grade_notebook(assignment, path, time_limit=None, check_limit=None, question_limit=None):
    """Execute ``path`` and grade it as ``assignment``; return the report (a JSON-ready dict).

    Never raises for anything inside the notebook; raises ``ValueError`` for an unknown assignment.
    """
    import nbformat

    spec = get_assignment(assignment)
    time_limit = _seconds(spec.time_limit if time_limit is None else time_limit, "time_limit")
    check_limit = _seconds(spec.check_limit if check_limit is None else check_limit, "check_limit")
    question_limit = _seconds(spec.question_limit if question_limit is None else question_limit, "question_limit")
    path, start = Path(path), time.perf_counter()
    report = {"assignment": assignment, "title": spec.title, "notebook": str(path), "execution": None}
    saved, reason = {}, None
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:
        reason = f"cannot read {path.name} as a notebook ({type(exc).__name__}: {str(exc)[:200]})"
    else:
        with tempfile.TemporaryDirectory(prefix="grading-") as tmp:
            result_path = Path(tmp) / "results.json"
            try:
                record = execute_submission(nb, path.resolve().parent, time_limit, assignment, result_path,
                                            check_limit, question_limit)  # fmt: skip
            except Exception as exc:  # the kernel could not start, ...
                record = {"failure": f"{type(exc).__name__}: {str(exc)[:300]}"}
            report["execution"] = record
            try:
                saved = json.loads(result_path.read_text(encoding="utf-8")) if result_path.is_file() else {}
            except ValueError:  # unreadable: as if the checks never reported
                saved = {}
        reason = _reason(report["execution"])
    # the kernel reports the questions itself; only when it never got that far are the checks imported here
    questions = saved.get("questions") or [{"id": q.id, "title": q.title, "points": q.points} for q in spec.questions]
    done = {r["id"]: r for r in saved.get("results", [])}
    report["questions"] = [done.get(q["id"]) or _missing(q, reason) for q in questions]
    report["score"] = sum(q["points"] for q in report["questions"])
    report["max_score"] = sum(q["max_points"] for q in report["questions"])
    report["passed"] = report["score"] == report["max_score"]
    report["grading_seconds"] = round(time.perf_counter() - start, 2)
    return report


def _reason(record):
    if record.get("failure"):
        return f"the notebook could not be executed: {record['failure']}"
    if record.get("kernel_died"):
        return f"not graded: {record['kernel_died']}"
    if record.get("checks_timed_out") and record.get("timed_out_cell") is not None:
        return (f"not graded: cell {record['timed_out_cell']} kept running after it was interrupted at the time "
                "limit (a loop that catches KeyboardInterrupt?), so the checks could not run")  # fmt: skip
    if record.get("checks_timed_out"):
        return "not graded: the checks ran out of time (an infinite loop in your code?)"
    return "not graded: the checks could not run in your notebook's kernel"


def format_report(report):
    """The text the command prints: execution summary, per-question points and hints, total."""
    lines = [f"{report['assignment']} · {report['title']} · {report['notebook']}"]
    record = report.get("execution") or {}
    if record.get("failure"):
        lines.append(f"the notebook could not be executed: {record['failure']}")
    if "seconds" in record:
        lines.append(f"executed {record['cells_run']} code cells in {record['seconds']:.1f} s "
                     f"(limit {record['time_limit']:g} s), {len(record['errors'])} with errors")  # fmt: skip
        for error in record["errors"][:5]:
            detail = f": {error['evalue'][:160]}" if error["evalue"] else ""
            lines.append(f"  cell {error['cell']}: {error['ename']}{detail}")
        if len(record["errors"]) > 5:
            lines.append(f"  ... and {len(record['errors']) - 5} more (see the JSON report)")
        if record["timed_out_cell"] is not None:
            skipped = len(record["skipped_cells"])
            lines.append(f"  cell {record['timed_out_cell']} hit the time limit and was interrupted"
                         + (f"; {skipped} later code cells were not run" if skipped else ""))  # fmt: skip
        if record.get("checks_timed_out"):
            lines.append("  the checks ran out of time and were interrupted")
    from course_utils.grading.core import format_result

    lines += [format_result(q) for q in report["questions"]]
    lines.append(f"total {report['score']}/{report['max_score']} points ({report['grading_seconds']:.1f} s)")
    return "\n".join(lines)
