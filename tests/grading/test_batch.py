"""Batch grading end to end: a mixed class graded in real sandboxes, the gradebook's rows, the feedback
files, resuming after Ctrl-C, and the usage errors that stop a batch before it grades anything.

The notebooks are small (NumPy only, no set-up cell): the full solution is assignment 1's reference
solution without its set-up and self-check cells, so each costs about one kernel start.
"""

import csv
import json
import signal
import subprocess
import sys
import time

import pytest

from course_utils.grading.__main__ import main
from course_utils.grading.batch import grade_batch

from .nbexec import code_cells, source
from .sandboxed import requires_sandbox, write

STEP = (
    "import numpy as np\ndef peephole_step_forward(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):\n"
    "    a_i, a_f, a_g, a_o = np.split(x_t @ W_x + h_prev @ W_h + b, 4, axis=1)\n"
    "    s = lambda a: 1 / (1 + np.exp(-a))\n    c_t = {}\n    return s({}) * np.tanh(c_t), c_t, None"
)
HALF = STEP.format("s(a_f) * c_prev + s(a_i) * np.tanh(a_g)", "a_o")  # a plain LSTM: 1 of Q1's 4 points (shapes)
PEEPHOLE = STEP.format("s(a_f + p_f * c_prev) * c_prev + s(a_i + p_i * c_prev) * np.tanh(a_g)", "a_o + p_o * c_t")


def solution():
    return code_cells(source("hw1"))


def make_class(folder, out):
    """A class of eight: every kind of submission a batch must survive; the roster adds one who sent nothing."""
    subs = folder / "subs"
    (subs / "carol").mkdir(parents=True)
    (subs / "erin").mkdir()  # an empty folder
    write(subs / "alice.ipynb", *solution())  # full marks
    write(subs / "hw1_bob.ipynb", HALF, "raise RuntimeError('a student bug')")  # partial, with a failing cell
    write(subs / "carol" / "first.ipynb", *solution())  # two notebooks for one student
    write(subs / "carol" / "second.ipynb", HALF)
    (subs / "dave.pdf").write_text("%PDF-1.4 not a notebook")
    (subs / "frank.ipynb").write_text("not json")
    hostile = f"open({str(out / 'gradebook.csv')!r}, 'w').write('hacked')"  # the folder is not in the sandbox
    write(subs / "heidi.ipynb", *solution(), hostile, "import os\nos._exit(3)")  # flagged: os._exit
    write(subs / "zed.ipynb", HALF)  # not on the roster
    roster = folder / "roster.csv"
    roster.write_text("student_id,name\nalice,Alice\nbob,Bob\ncarol,Carol\ndave,Dave\nerin,Erin\n"
                      "frank,Frank\nheidi,Heidi\ngina,Gina\n")  # fmt: skip
    return subs, roster


def rows_of(out):
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    out = folder / "out"
    subs, roster = make_class(folder, out)
    status = main(["grade", "hw1", str(subs), "--out", str(out), "--roster", str(roster), "--workers", "2"])
    return status, out


@requires_sandbox
def test_a_mixed_class_gives_the_right_gradebook_rows(graded_class):
    status, out = graded_class
    assert status == 1  # not everyone has full marks
    rows = rows_of(out)
    got = {sid: (row["status"], row["total"]) for sid, row in rows.items()}
    assert got == {
        "alice": ("graded", "20"),
        "bob": ("graded", "1"),
        "carol": ("duplicate", ""),
        "dave": ("not gradable", ""),
        "erin": ("missing", ""),
        "frank": ("not gradable", "0"),
        "heidi": ("flagged", "0"),
        "gina": ("missing", ""),
        "zed": ("not on roster", "1"),
    }
    assert list(rows) == ["alice", "bob", "carol", "dave", "erin", "frank", "heidi", "gina", "zed"]  # roster order
    assert [rows["alice"][q] for q in ("Q1", "Q2", "Q3", "Q4")] == ["4", "6", "6", "4"]
    assert rows["alice"]["name"] == "Alice" and rows["alice"]["max_score"] == "20"
    assert "first.ipynb (20/20), second.ipynb (1/20)" in rows["carol"]["reason"]
    assert "dave.pdf is not a notebook" in rows["dave"]["reason"]
    assert rows["erin"]["reason"] == "folder erin/ holds no notebook" and rows["gina"]["reason"] == "no submission"
    assert "cannot read frank.ipynb as a notebook" in rows["frank"]["reason"]
    assert "flagged for manual review" in rows["heidi"]["reason"] and "os._exit" in rows["heidi"]["reason"]
    assert "matches no roster student" in rows["zed"]["reason"]
    assert rows_of(out)["alice"]["status"] == "graded"  # the hostile cell did not reach the gradebook
    reports = sorted(p.name for p in (out / "reports").iterdir())
    assert reports == ["alice.json", "bob.json", "carol--1-first.json", "carol--2-second.json", "frank.json",
                       "heidi.json", "zed.json"]  # fmt: skip
    report = json.loads((out / "reports" / "alice.json").read_text())
    assert report["score"] == 20 and len(report["provenance"]["sha256"]) == 64


@requires_sandbox
def test_feedback_files_hold_every_failed_checks_hint_and_the_failed_cells(graded_class):
    _, out = graded_class
    assert sorted(p.stem for p in (out / "feedback").iterdir()) == ["alice", "bob", "dave", "erin", "frank", "gina",
                                                                   "heidi", "zed"]  # fmt: skip
    for student in ("bob", "heidi", "zed"):
        report = json.loads((out / "reports" / f"{student}.json").read_text())
        text = (out / "feedback" / f"{student}.md").read_text()
        assert f"**Score: {report['score']}/20 points**" in text
        for question in report["questions"]:
            assert f"{question['id']} · {question['title']}: {question['points']}/{question['max_points']}" in text
            for check in question["checks"]:
                if not check["passed"]:
                    assert check["hint"] in text
            if question["error"]:
                assert question["error"] in text
    bob = (out / "feedback" / "bob.md").read_text()
    assert "that is the plain LSTM" in bob and "cell 2 raised RuntimeError: a student bug" in bob
    assert "raise RuntimeError('a student bug')" in bob  # the failing cell is quoted
    heidi = (out / "feedback" / "heidi.md").read_text()
    assert "flagged for manual review" in heidi and "ended the kernel" in heidi
    assert "Nothing was graded: no submission" in (out / "feedback" / "gina.md").read_text()


@requires_sandbox
def test_resume_after_ctrl_c_regrades_nothing_that_finished(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    for name in ("ann", "ben", "cat"):
        write(subs / f"{name}.ipynb", HALF, "import time\ntime.sleep(3)")
    command = [sys.executable, "-m", "course_utils.grading", "grade", "hw1", str(subs), "--out", str(out),
               "--workers", "1"]  # fmt: skip
    first = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list((out / "reports").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    first.send_signal(signal.SIGINT)
    _, err = first.communicate(timeout=60)
    assert first.returncode == 1 and "interrupted" in err
    finished = {p.name: p.stat().st_mtime_ns for p in (out / "reports").glob("*.json")}
    assert 1 <= len(finished) < 3
    statuses = [row["status"] for row in rows_of(out).values()]
    assert statuses.count("graded") == len(finished) and statuses.count("pending") == 3 - len(finished)
    assert not [p for p in (out / "reports").iterdir() if p.name.startswith(".")]  # no half-written report

    log = tmp_path / "log.txt"
    with open(log, "w") as stream:
        assert grade_batch("hw1", [subs], out, workers=1, stream=stream) == 1
    assert f"{len(finished)} already graded, {3 - len(finished)} to grade" in log.read_text()
    assert {p.name: p.stat().st_mtime_ns for p in (out / "reports").glob("*.json") if p.name in finished} == finished
    assert [row["status"] for row in rows_of(out).values()] == ["graded"] * 3

    write(subs / "ann.ipynb", PEEPHOLE)  # ann resubmits
    with open(log, "w") as stream:
        grade_batch("hw1", [subs], out, workers=1, stream=stream)
    assert "2 already graded, 1 to grade" in log.read_text() and rows_of(out)["ann"]["Q1"] == "4"
    with open(log, "w") as stream:
        grade_batch("hw1", [subs], out, workers=2, force=True, stream=stream)
    assert "0 already graded, 3 to grade" in log.read_text()


def test_usage_errors_exit_2_before_grading(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["grade", "hw1", str(empty), "--out", str(tmp_path / "out")]) == 2
    assert "nothing to grade" in capsys.readouterr().err
    nb = write(tmp_path / "a.ipynb", HALF)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the output folder should be")
    assert main(["grade", "hw1", str(nb), "--out", str(blocked)]) == 2
    assert "cannot write to the output folder" in capsys.readouterr().err
    assert main(["grade", "hw1", str(nb), str(nb)]) == 2  # several submissions need --out
    assert main(["grade", "hw1", str(nb), "--out", str(tmp_path / "o"), "--roster", str(tmp_path / "none.csv")]) == 2
    assert "cannot read the roster" in capsys.readouterr().err
    assert main(["grade", "hw1", str(nb), "--out", str(tmp_path / "o"), "--workers", "0"]) == 2
    assert main(["grade", "hw1", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["grade", "hw9", str(nb), "--out", str(tmp_path / "o")])
    assert exit_info.value.code == 2
    assert not list((tmp_path / "o" / "reports").iterdir())  # nothing was graded


@requires_sandbox
def test_a_grader_that_hangs_is_stopped_and_the_batch_goes_on(tmp_path):
    from course_utils.grading.workers import Pool

    slow = write(tmp_path / "slow.ipynb", "while True:\n    pass")
    quick = write(tmp_path / "quick.ipynb", HALF)
    results = {}
    jobs = [{"id": 0, "assignment": "hw1", "path": str(slow)}, {"id": 1, "assignment": "hw1", "path": str(quick)}]
    Pool(1).run(jobs, lambda job, result: results.update({job["id"]: result}), lambda job: 8 if job["id"] == 0 else 120)
    assert results[0] == {"failure": "grading took longer than 8 s and was stopped"}
    assert results[1]["score"] == 1
