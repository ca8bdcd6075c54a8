"""The student release: no solution line survives, outputs and counts are cleared, malformed markers are refused."""

import ast
import json
import subprocess
import sys

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_utils.grading.__main__ import main
from course_utils.grading.release import (
    BEGIN,
    END,
    MarkerError,
    release_all,
    release_notebook,
    solution_regions,
    strip_solutions,
)

from .nbexec import HOMEWORK

SOURCES = sorted(HOMEWORK.glob("*.ipynb"))


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    out = tmp_path_factory.mktemp("releases")
    return {path.name: nbformat.read(path, as_version=4) for path, _ in release_all(HOMEWORK, out)}


def solution_and_other_lines(nb):
    """Stripped non-empty lines inside solution regions, and those outside them, over all cells."""
    inside, outside = set(), set()
    for cell in nb.cells:
        lines = cell.source.splitlines()
        marked = {i for begin, end in solution_regions(cell.source) for i in range(begin, end + 1)}
        for i, line in enumerate(lines):
            (inside if i in marked else outside).add(line.strip())
    return inside - {"", BEGIN, END}, outside


def test_there_are_three_homework_notebooks_each_with_solutions():
    assert [p.name for p in SOURCES] == [
        "hw1_rnn_lstm_numpy.ipynb",
        "hw2_mgu_cell_and_params.ipynb",
        "hw3_bidirectional_model.ipynb",
    ]
    for path in SOURCES:
        assert solution_and_other_lines(nbformat.read(path, as_version=4))[0], path.name


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_no_solution_line_survives_in_the_release(releases, path):
    inside, outside = solution_and_other_lines(nbformat.read(path, as_version=4))
    secret = inside - outside  # a line that also appears outside the solutions (e.g. `return h`) is not a leak
    assert len(secret) >= 3
    released = {line.strip() for cell in releases[path.name].cells for line in cell.source.splitlines()}
    assert not secret & released, sorted(secret & released)
    assert not any("SOLUTION" in line for line in released)


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_release_is_clean_and_otherwise_unchanged(releases, path):
    source, release = nbformat.read(path, as_version=4), releases[path.name]
    kept = [c for c in source.cells if "colab-badge" not in c.metadata.get("tags", [])]
    assert len(kept) == len(source.cells) - 1, "the badge (a link to the solutions on GitHub) is dropped"
    assert len(kept) == len(release.cells)
    for original, student in zip(kept, release.cells):
        assert original.cell_type == student.cell_type
        if student.cell_type == "code":
            assert student.outputs == [] and student.execution_count is None
            ast.parse(TransformerManager().transform_cell(student.source))
        if not solution_regions(original.source):
            assert original.source == student.source
        else:
            assert "raise NotImplementedError()" in student.source
    assert "colab-setup" in release.cells[1].metadata.get("tags", []), "students on Colab still need the set-up"


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_release_is_fully_stripped_as_nbstripout_would(releases, path, tmp_path):
    release = releases[path.name]
    assert "widgets" not in release.metadata, "widget state of the instructor's run must not ship"
    # cellView and jupyter.source_hidden fold the Colab set-up cell (Colab, JupyterLab); nothing else survives
    assert all(
        set(c.metadata) <= {"tags", "nbgrader", "deletable", "editable", "cellView", "jupyter"} for c in release.cells
    )
    copy = tmp_path / path.name
    nbformat.write(release, copy)
    verify = subprocess.run([sys.executable, "-m", "nbstripout", "--verify", str(copy)], capture_output=True)
    assert verify.returncode == 0, f"nbstripout would still strip {path.name}: {verify.stdout!r}"


def test_stub_keeps_the_indentation_and_markdown_gets_nbgraders_stub():
    text, count = strip_solutions(
        "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n"
    )
    assert count == 1 and text == "def f(x):\n    y = 1\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert (
        strip_solutions("Answer:\n### BEGIN SOLUTION\nforty-two\n### END SOLUTION", "markdown")[0]
        == "Answer:\nYOUR ANSWER HERE"
    )


@pytest.mark.parametrize(
    "source, message",
    [
        ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
        ("x = 1\n### END SOLUTION\n", "without a BEGIN"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n### END SOLUTION\n", "inside another"),
        ("## BEGIN SOLUTION\nx = 1\n## END SOLUTION\n", "looks like a marker"),
        ("### BEGIN SOLUTION x\nx = 1\n### END SOLUTION\n", "looks like a marker"),
    ],
)
def test_malformed_markers_are_refused(source, message):
    with pytest.raises(MarkerError, match=message):
        strip_solutions(source)


def test_release_refuses_notebooks_without_solutions_or_overwriting_the_source(tmp_path):
    path = tmp_path / "plain.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# t"), new_code_cell("x = 1")]), path)
    with pytest.raises(MarkerError, match="no solution regions"):
        release_notebook(path, tmp_path / "out.ipynb")
    with pytest.raises(ValueError, match="refusing to overwrite"):
        release_notebook(path, path)
    assert not (tmp_path / "out.ipynb").exists()


def test_a_stub_that_breaks_python_is_refused(tmp_path):
    path = tmp_path / "bad.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = (\n### BEGIN SOLUTION\n1)\n### END SOLUTION")]), path)
    with pytest.raises(MarkerError, match="not valid Python"):
        release_notebook(path, tmp_path / "out.ipynb")


def test_the_release_command(tmp_path, capsys):
    assert main(["release", "--source", str(HOMEWORK), "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in SOURCES]
    assert "solution regions stubbed" in capsys.readouterr().out
    assert main(["release", "--source", str(tmp_path / "missing"), "--out", str(tmp_path)]) == 2
    json.loads((tmp_path / SOURCES[0].name).read_text())  # valid JSON, nbformat 4
