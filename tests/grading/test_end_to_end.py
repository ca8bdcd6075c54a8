"""End to end: assignment 1's reference and its untouched release, executed in a real kernel and graded."""

import json

import nbformat

from course_utils.grading.__main__ import main
from course_utils.grading.runner import grade_notebook

from .nbexec import HOMEWORK, released


def test_reference_of_assignment_1_scores_full_marks_end_to_end(tmp_path, capsys):
    target = tmp_path / "report.json"
    assert main(["grade", "hw1", str(HOMEWORK / "hw1_rnn_lstm_numpy.ipynb"), "--json", str(target)]) == 0
    report = json.loads(target.read_text())
    assert report["score"] == report["max_score"] == 20 and report["passed"]
    assert report["execution"]["errors"] == [] and report["execution"]["timed_out_cell"] is None
    assert report["grading_seconds"] < 60
    assert "total 20/20 points" in capsys.readouterr().out


def test_release_of_assignment_1_scores_zero_without_crashing(tmp_path):
    path = tmp_path / "student.ipynb"
    nbformat.write(released("hw1"), path)
    report = grade_notebook("hw1", path)
    assert report["score"] == 0 and not report["passed"]
    assert all(q["points"] == 0 and "not implemented yet" in q["error"] for q in report["questions"])
    assert {e["ename"] for e in report["execution"]["errors"]} == {"NotImplementedError"}
    assert report["questions"][0]["error"].startswith(
        "rnn_step_forward(x_t, h_prev, W_x, W_h, b) is not implemented yet"
    )
