"""End to end: each assignment's reference and its untouched release, run in a sandboxed kernel and graded."""

import json

import nbformat
import pytest

from course_utils.grading.__main__ import main
from course_utils.grading.assignments import ASSIGNMENTS
from course_utils.grading.runner import grade_notebook

from .nbexec import HOMEWORK, released
from .sandboxed import requires_sandbox

pytestmark = requires_sandbox


def test_reference_of_assignment_1_scores_full_marks_end_to_end(tmp_path, capsys):
    target = tmp_path / "report.json"
    assert main(["grade", "hw1", str(HOMEWORK / "hw1_rnn_lstm_numpy.ipynb"), "--json", str(target)]) == 0
    report = json.loads(target.read_text())
    assert report["score"] == report["max_score"] == 20 and report["passed"] and report["flagged"] == []
    assert [q["points"] for q in report["questions"]] == [4, 6, 6, 4]
    assert report["execution"]["errors"] == [] and report["execution"]["timed_out_cell"] is None
    assert report["grading_seconds"] < 60
    assert "total 20/20 points" in capsys.readouterr().out


@pytest.mark.parametrize("assignment", ["hw1"])  # hw2's and hw3's releases: in-process (test_checks_hw*.py)
def test_release_scores_zero_without_crashing(tmp_path, assignment):
    path = tmp_path / "student.ipynb"
    nbformat.write(released(assignment), path)
    report = grade_notebook(assignment, path)
    assert report.score == 0 and not report.passed and report.failure is None and report.flagged == []
    assert all(q.points == 0 and "not implemented yet" in q.error for q in report.questions)
    assert {e.ename for e in report.execution.errors} == {"NotImplementedError"}
    if assignment == "hw1":
        assert report.questions[0].error.startswith(
            "peephole_step_forward(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o) is not implemented yet"
        )


def test_reference_of_assignment_2_scores_full_marks_end_to_end():
    report = grade_notebook("hw2", HOMEWORK / ASSIGNMENTS["hw2"].notebook)
    assert report.score == report.max_score == 15 and report.passed, [
        q for q in report.questions if q.points < q.max_points
    ]


def test_reference_of_assignment_3_trains_and_scores_full_marks_judged_by_the_grader():
    report = grade_notebook("hw3", HOMEWORK / ASSIGNMENTS["hw3"].notebook)
    assert report.score == report.max_score == 9, [q for q in report.questions if q.points < q.max_points]
    public = [c for q in report.questions for c in q.checks if c.public]
    assert len(public) == 4 and all(c.passed for c in public)
