"""Submissions that misbehave, graded in a real kernel: exceptions, NaN, a deleted cell, infinite loops,
a dying kernel, an unreadable file. They are tiny notebooks (NumPy only, no setup cell): each costs
about one kernel start.
"""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_utils.grading.__main__ import main
from course_utils.grading.runner import format_report, grade_notebook


def write(path, *sources):
    nbformat.write(new_notebook(cells=[new_markdown_cell("# submission")] + [new_code_cell(s) for s in sources]), path)
    return path


def by_id(report):
    return {q["id"]: q for q in report["questions"]}


FINE_STEP = "import numpy as np\ndef rnn_step_forward(x_t, h_prev, W_x, W_h, b):\n    return np.tanh(x_t @ W_x + h_prev @ W_h + b)"


def test_exceptions_nan_a_deleted_cell_and_two_infinite_loops(tmp_path):
    path = write(
        tmp_path / "chaos.ipynb",
        FINE_STEP,
        "raise RuntimeError('a student bug')",  # an exception in a cell
        "def rnn_bptt(params, x, y):\n    while True:\n        pass",  # loops when the checks call it
        "def clip_by_global_norm(grads, threshold):\n    return {k: g * np.nan for k, g in grads.items()}",  # NaN
        # numerical_gradient: its cell was deleted
        "while True:\n    pass",  # the notebook's time limit
        "def lstm_step_forward(*args):\n    return None",  # never runs
    )
    report = grade_notebook("hw1", path, time_limit=5, question_limit=1.5)
    q = by_id(report)
    run = report["execution"]
    assert run["timed_out_cell"] == 5 and run["skipped_cells"] == [6]
    assert [e["ename"] for e in run["errors"]][:1] == ["RuntimeError"]
    assert q["Q1"]["points"] == 2  # graded despite everything else
    assert "`numerical_gradient` is not defined" in q["Q2"]["error"]
    assert q["Q3"]["points"] == 0 and q["Q3"]["error"].startswith("time limit")
    assert "`lstm_step_forward` is not defined" in q["Q4"]["error"]
    assert q["Q6"]["points"] == 0 and "contains NaN" in q["Q6"]["error"]
    assert report["score"] == 2 and report["grading_seconds"] < 30
    text = format_report(report)
    assert "hit the time limit" in text and "total 2/20 points" in text


def test_a_kernel_that_dies_gives_zero_with_the_reason(tmp_path):
    report = grade_notebook("hw1", write(tmp_path / "dies.ipynb", FINE_STEP, "import os\nos._exit(1)"))
    assert "died" in report["execution"]["kernel_died"] and report["score"] == 0
    assert all("kernel died" in q["error"] for q in report["questions"])


def test_an_unreadable_file_gives_zero_with_the_reason(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_bytes(b'{"cells": 3}')
    report = grade_notebook("hw1", path)
    assert report["score"] == 0 and report["max_score"] == 20
    assert all("cannot read broken.ipynb" in q["error"] for q in report["questions"])


def test_usage_errors_exit_with_status_2(tmp_path, capsys):
    assert main(["grade", "hw1", str(tmp_path / "missing.ipynb")]) == 2
    assert main(["hw1", str(tmp_path / "missing.ipynb")]) == 2  # the short form ASSIGNMENT NOTEBOOK
    (tmp_path / "empty.ipynb").write_text("{}")
    assert main(["grade", "hw1", str(tmp_path / "empty.ipynb"), "--time-limit", "0"]) == 2
    assert "time_limit must be a number of seconds" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["grade", "hw9", str(tmp_path / "missing.ipynb")])
    assert exit_info.value.code == 2
