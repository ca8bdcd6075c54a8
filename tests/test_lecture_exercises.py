"""Exercises at the end of every lecture notebook: one layout, solutions hidden, every solution checks itself.

A lecture notebook ends with a markdown cell "## Exercises", then per exercise a markdown task titled
"**Exercise N · Kind.**" and a hidden solution cell (``source_hidden``, tag ``solution``) that opens with a
warning comment and checks its own answer with ``assert``, so strict nbval re-checks every solution; closing
markdown (what comes next) may follow. (That no solution gives a homework answer away is an instructor test:
tests/grading/test_exercise_leaks.py.)
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LECTURES = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00_"))
HEADING = "## Exercises"
FIRST_LINE = "# Solution — try it yourself before you open this cell."
TITLE = re.compile(r"\*\*Exercise (\d) · [A-Z]")


def exercise_cells(nb):
    """The task and solution cells after the "## Exercises" heading (closing markdown left out), or None."""
    starts = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith(HEADING)]
    assert len(starts) <= 1, f"more than one {HEADING!r} heading"
    if not starts:
        return None
    cells = nb.cells[starts[0] + 1 :]
    while cells and cells[-1].cell_type == "markdown" and not cells[-1].source.startswith("**Exercise"):
        cells = cells[:-1]  # "Next: notebook 11" and the like
    return cells


def is_solution(cell):
    return "solution" in cell.metadata.get("tags", [])


def layout_problems(nb):
    """What is wrong with a notebook's exercises, in words (empty: nothing)."""
    cells = exercise_cells(nb)
    if cells is None:
        return [f"no {HEADING!r} section"] if any(is_solution(c) for c in nb.cells) else []
    problems = []
    if any(is_solution(c) for c in nb.cells[: len(nb.cells) - len(cells)]):
        problems.append("a solution cell before the Exercises heading")
    tasks = [c for c in cells if c.cell_type == "markdown"]
    solutions = [c for c in cells if c.cell_type == "code"]
    if not 2 <= len(solutions) <= 4:
        problems.append(f"{len(solutions)} exercises; 2 to 4 expected")
    if [c.cell_type for c in cells] != ["markdown", "code"] * len(tasks):
        problems.append("the section must alternate task (markdown) and solution (code), one each")
    for number, cell in enumerate(tasks, 1):
        title = TITLE.match(cell.source)
        if not title or int(title.group(1)) != number:
            problems.append(f"task {number} is not titled '**Exercise {number} · Kind.**'")
    for number, cell in enumerate(solutions, 1):
        if not is_solution(cell) or cell.metadata.get("jupyter", {}).get("source_hidden") is not True:
            problems.append(f"solution {number} is not hidden and tagged 'solution'")
        if cell.source.splitlines()[:1] != [FIRST_LINE]:
            problems.append(f"solution {number} does not start with {FIRST_LINE!r}")
        if "assert " not in cell.source:
            problems.append(f"solution {number} checks nothing (no assert)")
    return problems


@pytest.mark.parametrize("path", LECTURES, ids=[p.name for p in LECTURES])
def test_exercises_follow_the_layout(path):
    nb = nbformat.read(path, as_version=4)
    assert exercise_cells(nb) is not None, f"{path.name}: no {HEADING!r} section at the end"
    assert layout_problems(nb) == [], path.name


def test_the_layout_check_can_fail():
    def heading():
        return nbformat.v4.new_markdown_cell(HEADING)

    def task(number=1, title="Exercise {} · Compute."):
        return nbformat.v4.new_markdown_cell(f"**{title.format(number)}** ...")

    def solution(source="assert 1 + 1 == 2", hidden=True, first=FIRST_LINE):
        cell = nbformat.v4.new_code_cell(f"{first}\n{source}")
        cell.metadata = {"jupyter": {"source_hidden": hidden}, "tags": ["solution"]}
        return cell

    assert layout_problems(nbformat.v4.new_notebook(cells=[heading(), task(), solution(), task(2), solution()])) == []
    cases = {
        "is not hidden": [heading(), task(), solution(hidden=False), task(2), solution()],
        "checks nothing": [heading(), task(), solution("print(2)"), task(2), solution()],
        "does not start with": [heading(), task(), solution(first="# the answer"), task(2), solution()],
        "1 exercises": [heading(), task(), solution()],
        "alternate": [heading(), task(), solution(), solution(), task(2), solution()],
        "before the Exercises heading": [solution(), heading(), task(), solution(), task(2), solution()],
        "is not titled": [heading(), task(), solution(), task(2, "{} · compute"), solution()],
    }
    for words, cells in cases.items():
        problems = layout_problems(nbformat.v4.new_notebook(cells=cells))
        assert any(words in p for p in problems), (words, problems)
