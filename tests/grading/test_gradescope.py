"""The Gradescope autograder: the zip's layout, run_autograder in a simulated /autograder, schema-valid
results with the same points as the command line, and hidden checks' details after the due date."""

import json
import os
import stat
import subprocess
import sys
import zipfile

import pytest

from course_utils.grading.__main__ import main
from course_utils.grading.gradescope import REPOSITORY, build, is_public, results, run, validate

from .sandboxed import requires_sandbox, write
from .test_batch import solution


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    """The hw1 zip, unpacked as Gradescope does: ROOT/source, ROOT/submission, ROOT/results."""
    root = tmp_path_factory.mktemp("autograder")
    archive = build("hw1", root / "hw1.zip")
    with zipfile.ZipFile(archive) as handle:
        handle.extractall(root / "source")
        modes = {info.filename: info.external_attr >> 16 for info in handle.infolist()}
    for name, mode in modes.items():
        if mode:
            os.chmod(root / "source" / name, stat.S_IMODE(mode))
    return root, archive, modes


def test_the_zip_follows_gradescopes_layout_and_holds_no_solution(autograder):
    root, archive, modes = autograder
    names = set(modes)
    assert {"setup.sh", "run_autograder"} <= names  # at the root of the archive, not in a folder
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert "course_utils/grading/checks_hw1.py" in names and "pyproject.toml" in names
    assert not [n for n in names if n.startswith(("notebooks/", "tests/", ".venv/")) or n.endswith(".ipynb")]
    with zipfile.ZipFile(archive) as handle:  # the grader in the zip is this checkout's, file for file
        for name in names - {"setup.sh", "run_autograder"}:
            assert handle.read(name) == (REPOSITORY / name).read_bytes(), name
    runner = (root / "source" / "run_autograder").read_text()
    assert "gradescope run hw1" in runner and "@ASSIGNMENT@" not in runner
    for script in ("setup.sh", "run_autograder"):
        subprocess.run(["bash", "-n", str(root / "source" / script)], check=True)  # valid bash


@requires_sandbox
def test_run_autograder_gives_schema_valid_results_with_the_same_points_as_the_cli(autograder, tmp_path):
    root, _, _ = autograder
    submission = root / "submission"
    submission.mkdir()
    unclipped = "def adaptive_clip(grads, params, lam, eps=1e-3):\n    return {k: g.copy() for k, g in grads.items()}"
    notebook = write(submission / "hw1_rnn_lstm_numpy.ipynb", *solution()[:-2], unclipped)  # Q4: 1 of 4 points
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable)
    done = subprocess.run(
        [str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads((root / "results" / "results.json").read_text())
    validate(data)
    assert main(["grade", "hw1", str(notebook), "--json", str(tmp_path / "cli.json")]) == 1
    cli = json.loads((tmp_path / "cli.json").read_text())
    assert data["score"] == cli["score"] == 17  # Q4 clips nothing: only its unchanged units are right
    scored = [t for t in data["tests"] if t["visibility"] == "visible"]
    assert [(t["score"], t["max_score"]) for t in scored] == [(q["points"], q["max_points"]) for q in cli["questions"]]
    details = [t for t in data["tests"] if t["visibility"] == "after_due_date"]
    assert details and all(t["max_score"] == 0 for t in details)
    assert "G ← λ max(‖W‖, ε) / ‖G‖ · G" in " ".join(t["output"] for t in details)
    visible = [line for t in scored for line in t["output"].splitlines()]
    for question in cli["questions"]:  # each hidden check's result and hint wait for the due date
        for check in (c for c in question["checks"] if not is_public(c)):
            assert not [line for line in visible if line[2:].startswith(check["label"])], check["label"]
    assert data["stdout_visibility"] == "hidden" and "total 17/20 points" in done.stdout


def test_no_notebook_gives_a_valid_zero_with_the_reason(tmp_path):
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "answers.pdf").write_text("%PDF")
    assert run("hw1", tmp_path) == 0
    data = json.loads((tmp_path / "results" / "results.json").read_text())
    validate(data)
    assert data["score"] == 0 and "no .ipynb file was submitted" in data["output"]


def test_the_schema_refuses_what_gradescope_does_not_document():
    report = {"assignment": "hw1", "title": "t", "score": 1, "max_score": 2, "flagged": [], "questions": [
        {"id": "Q1", "title": "q", "points": 1, "max_points": 2, "error": None, "flagged": [],
         "checks": [{"label": "a", "points": 1, "max_points": 1, "passed": True, "hint": None},
                    {"label": "b", "points": 0, "max_points": 1, "passed": False, "hint": "fix b"}]}]}  # fmt: skip
    good = results(report)
    validate(good)
    for bad in ({**good, "scor": 1}, {**good, "visibility": "later"}, {"tests": [{"name": "no score"}]},
                {**good, "tests": [{**good["tests"][0], "score": "1"}]}):  # fmt: skip
        with pytest.raises(ValueError):
            validate(bad)
