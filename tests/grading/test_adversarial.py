"""Proof that hostile submissions gain nothing: each attack of ``attacks.py`` scores no more than the all-zeros
submission on every question, leaves its report and the environment untouched, and changes no other grade;
the reference solution, graded beside a saboteur, still scores full marks."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from course_utils.grading.__main__ import main
from course_utils.grading.sandbox import PACKAGE

from .attacks import ATTACKS, ZEROS
from .nbexec import ROOT, code_cells, source
from .sandboxed import requires_sandbox, write

pytestmark = requires_sandbox
SITE = next(p for p in sys.path if p.endswith("site-packages"))
UNFLAGGED = {"always-equal comparisons"}  # defended by the encoding alone: nothing in it is suspicious


def grade(tmp_path, *cells, name="submission"):
    """Grade a notebook of ``cells`` through the command line (in this process): (exit status, report, path)."""
    report_path = tmp_path / f"{name}.json"
    notebook = write(tmp_path / f"{name}.ipynb", *(c.replace("{report}", str(report_path)) for c in cells))
    status = main(["grade", "hw1", str(notebook), "--json", str(report_path)])
    return status, json.loads(report_path.read_text()), report_path


def points(report):
    return {q["id"]: q["points"] for q in report["questions"]}


def files(folder):
    return sorted(str(p) for p in folder.rglob("*") if "__pycache__" not in p.parts)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    status, report, _ = grade(tmp_path_factory.mktemp("zeros"), ZEROS, name="zeros")
    assert status == 1 and 0 < report["score"] < 20 and report["flagged"] == []
    return points(report)


@pytest.mark.parametrize("attack", list(ATTACKS), ids=list(ATTACKS))
def test_an_attack_scores_no_more_than_all_zeros(tmp_path, baseline, attack, capsys):
    before = files(PACKAGE), sorted(os.listdir(SITE))
    status, report, path = grade(tmp_path, ZEROS, *ATTACKS[attack])
    assert status == 1 and report["max_score"] == 20 and len(report["questions"]) == 4
    assert all(points(report)[q] <= baseline[q] for q in baseline), (points(report), baseline)
    assert bool(report["flagged"]) == (attack not in UNFLAGGED), report["flagged"]
    assert "total" in capsys.readouterr().out
    written = path.read_bytes()
    time.sleep(1.5 if "detached" in attack else 0.2)  # anything the submission started would have acted by now
    assert path.read_bytes() == written, "the report changed after the grader exited"
    assert (files(PACKAGE), sorted(os.listdir(SITE))) == before, "the course or the environment changed"


def honest_cells():
    """The reference solution's code cells, without the set-up cells (NumPy only: a quick honest submission)."""
    return [c for c in code_cells(source("hw1")) if "setup_notebook" not in c]


def test_a_poisoned_environment_does_not_reach_the_next_submission(tmp_path):
    grade(tmp_path, ZEROS, *ATTACKS[".pth and sitecustomize"], name="poisoner")
    status, report, _ = grade(tmp_path, *honest_cells(), name="honest")
    assert status == 0 and report["score"] == 20


def test_a_saboteur_graded_beside_an_honest_solution_changes_nothing(tmp_path, baseline):
    cells = [ZEROS, *ATTACKS["threads rewriting files"], *ATTACKS["killing the parent"]]
    cells.append(
        "import threading\ndef burn():\n    while True:\n        pass\nthreading.Thread(target=burn, daemon=True).start()"
    )
    saboteur = write(
        tmp_path / "saboteur.ipynb", *(c.replace("{report}", str(tmp_path / "honest.json")) for c in cells)
    )
    command = [sys.executable, "-m", "course_utils.grading", "grade", "hw1"]
    honest = write(tmp_path / "honest.ipynb", *honest_cells())
    runs = [subprocess.Popen([*command, str(nb), "--json", str(tmp_path / f"{name}.json")], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for name, nb in (("honest", honest), ("saboteur", saboteur))]  # fmt: skip
    assert [run.wait(timeout=300) for run in runs] == [0, 1]
    honest, sabotaged = (json.loads((tmp_path / f"{n}.json").read_text()) for n in ("honest", "saboteur"))
    assert honest["score"] == 20 and honest["passed"]
    assert all(points(sabotaged)[q] <= baseline[q] for q in baseline)


def test_the_grader_reports_when_its_parent_is_killed_or_it_is_terminated(tmp_path):
    slow = write(tmp_path / "slow.ipynb", ZEROS, "import time\ntime.sleep(3)")
    orphan = tmp_path / "orphan.json"
    parent = subprocess.Popen(["sh", "-c", f'"{sys.executable}" -m course_utils.grading grade hw1 "{slow}" '
                               f'--json "{orphan}" >/dev/null 2>&1 & wait'], cwd=ROOT, start_new_session=True)  # fmt: skip
    time.sleep(1.0)
    parent.kill()  # the grader's parent (make, a shell) dies; the grader carries on
    parent.wait()
    deadline = time.monotonic() + 120
    while not orphan.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert json.loads(orphan.read_text())["max_score"] == 20
    terminated = tmp_path / "terminated.json"
    grader = subprocess.Popen([sys.executable, "-m", "course_utils.grading", "grade", "hw1", str(slow), "--json",
                               str(terminated)], cwd=ROOT, stdout=subprocess.PIPE, text=True)  # fmt: skip
    time.sleep(2.0)
    grader.send_signal(signal.SIGTERM)
    out, _ = grader.communicate(timeout=60)
    report = json.loads(terminated.read_text())
    assert grader.returncode == 1 and report["score"] == 0 and "interrupted (SIGTERM)" in report["failure"]
    assert "grading was interrupted" in out
