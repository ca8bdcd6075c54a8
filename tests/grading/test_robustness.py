"""Submissions that misbehave, graded in a real sandboxed kernel: exceptions, NaN, a deleted cell, infinite
loops, a kernel that dies, an unreadable file, bad command lines. They are tiny notebooks (NumPy only, no
setup cell): each costs about one kernel start.
"""

import json
import os

import pytest

from course_utils.grading.__main__ import main
from course_utils.grading.report import format_report
from course_utils.grading.runner import grade_notebook

from .sandboxed import by_id, requires_sandbox, write

# a student's bug that crashes the interpreter (a C stack overflow), without anything the static checks flag
CRASH = "import sys\nsys.setrecursionlimit(10**7)\ndef down(n):\n    x = []\n    for _ in range(10**6):\n        x = [x]\n    return str(x)\n"
FINE_STEP = (
    "import numpy as np\ndef peephole_step_forward(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):\n"
    "    a_i, a_f, a_g, a_o = np.split(x_t @ W_x + h_prev @ W_h + b, 4, axis=1)\n"
    "    s = lambda a: 1 / (1 + np.exp(-a))\n"
    "    c_t = s(a_f + p_f * c_prev) * c_prev + s(a_i + p_i * c_prev) * np.tanh(a_g)\n"
    "    return s(a_o + p_o * c_t) * np.tanh(c_t), c_t, None"
)  # Q1's 4 points


@requires_sandbox
def test_exceptions_nan_a_deleted_cell_and_two_infinite_loops(tmp_path):
    path = write(
        tmp_path / "chaos.ipynb",
        FINE_STEP,
        "raise RuntimeError('a student bug')",  # an exception in a cell
        "def peephole_bptt(params, x, y):\n    while True:\n        pass",  # loops when the checks call it
        "def adaptive_clip(grads, params, lam, eps=1e-3):\n    return {k: g * np.nan for k, g in grads.items()}",
        # peephole_step_backward: its cell was deleted
        "while True:\n    pass",  # the notebook's time limit
        "def peephole_step_forward(*args):\n    return None",  # never runs
    )
    report = grade_notebook("hw1", path, time_limit=5, question_limit=1.5)
    q, run = by_id(report), report.execution
    assert run.timed_out_cell == 5 and run.skipped_cells == [6]
    assert [e.ename for e in run.errors][:1] == ["RuntimeError"]
    assert q["Q1"].points == 4  # graded despite everything else (the cell that would break it never ran)
    assert "`peephole_step_backward` is not defined" in q["Q2"].error
    assert q["Q3"].points == 0 and q["Q3"].error.startswith("time limit")
    assert q["Q4"].points == 0 and "contains NaN" in q["Q4"].error
    assert report.score == 4 and report.grading_seconds < 40
    text = format_report(report)
    assert "hit the time limit" in text and "total 4/20 points" in text


@requires_sandbox
def test_a_cell_that_kills_the_kernel_costs_only_what_it_stopped(tmp_path):
    clip = "def adaptive_clip(grads, params, lam, eps=1e-3):\n    return grads"
    report = grade_notebook("hw1", write(tmp_path / "dies.ipynb", FINE_STEP, CRASH + "down(0)", clip))
    assert report.execution.killed_kernel == [2] and report.execution.restarts == 1
    q = by_id(report)
    assert q["Q1"].points == 4 and q["Q4"].points == 1  # the cells before and after the fatal one count
    assert "ended the kernel" in format_report(report)


@requires_sandbox
def test_an_answer_that_kills_the_kernel_costs_that_question_only(tmp_path):
    dies = CRASH + "def adaptive_clip(grads, params, lam, eps=1e-3):\n    return down(0)"
    hangs = "def peephole_bptt(params, x, y):\n    import time\n    while True:\n        try:\n            time.sleep(1)\n        except BaseException:\n            pass"
    report = grade_notebook("hw1", write(tmp_path / "dies.ipynb", hangs, dies, FINE_STEP), question_limit=6)
    q = by_id(report)
    assert "kernel died while Q4" in q["Q4"].error and q["Q4"].points == 0
    assert q["Q3"].error.startswith("time limit")  # interrupted in vain: the kernel was killed and restarted
    assert q["Q1"].points == 4 and report.score == 4 and report.execution.restarts >= 1


def test_an_unreadable_file_gives_zero_with_the_reason(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_bytes(b'{"cells": 3}')
    report = grade_notebook("hw1", path)
    assert report.score == 0 and report.max_score == 20 and not report.passed
    assert "cannot read broken.ipynb" in report.failure
    assert all("cannot read broken.ipynb" in q.error for q in report.questions)


def test_usage_errors_exit_with_status_2_before_grading(tmp_path, capsys):
    assert main(["grade", "hw1", str(tmp_path / "missing.ipynb")]) == 2
    assert main(["hw1", str(tmp_path / "missing.ipynb")]) == 2  # the short form ASSIGNMENT NOTEBOOK
    (tmp_path / "empty.ipynb").write_text("{}")
    assert main(["grade", "hw1", str(tmp_path / "empty.ipynb"), "--time-limit", "0"]) == 2
    assert "time_limit must be a number of seconds" in capsys.readouterr().err
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    assert main(["grade", "hw1", str(tmp_path / "empty.ipynb"), "--json", str(blocked / "r.json")]) == 2
    assert "cannot write the report" in capsys.readouterr().err
    assert main(["grade", "hw1", str(tmp_path / "empty.ipynb"), "--json", str(tmp_path)]) == 2  # a folder
    with pytest.raises(SystemExit) as exit_info:
        main(["grade", "hw9", str(tmp_path / "missing.ipynb")])
    assert exit_info.value.code == 2


def test_a_notebook_that_cannot_be_graded_still_gets_a_report_and_status_1(tmp_path, capsys):
    path = tmp_path / "broken.ipynb"
    path.write_text("not json")
    target = tmp_path / "out" / "report.json"
    assert main(["grade", "hw1", str(path), "--json", str(target)]) == 1
    report = json.loads(target.read_text())
    assert report["score"] == 0 and report["max_score"] == 20 and report["passed"] is False
    assert [q["id"] for q in report["questions"]] == ["Q1", "Q2", "Q3", "Q4"]
    assert "not graded: cannot read broken.ipynb" in capsys.readouterr().out
    assert not [p for p in os.listdir(target.parent) if p.startswith(".")]  # no temporary file left behind


def test_a_machine_without_a_sandbox_refuses_to_grade_and_records_nothing(tmp_path, monkeypatch, capsys):
    from course_utils.grading import sandbox

    monkeypatch.setattr(sandbox, "JAIL", tmp_path / "missing-jail.py")  # as if namespaces were unavailable
    notebook, target = write(tmp_path / "fine.ipynb", FINE_STEP), tmp_path / "report.json"
    assert main(["grade", "hw1", str(notebook), "--json", str(target)]) == 2
    assert "cannot grade here: the sandbox could not be set up" in capsys.readouterr().err
    assert "user namespaces" in grade_notebook("hw1", notebook).refused and not target.exists()
