"""Lecture notebooks' exercises: one format everywhere, solutions hidden, and every solution checks itself.

The format (a "## Exercises" heading, then per exercise a task in markdown and one hidden solution cell
that starts with the same warning and asserts its answer) lets strict nbval check every solution and
lets a student read the task without the answer in view.
"""

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LECTURES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WITH_EXERCISES = [
    p for p in LECTURES if "\n## Exercises" in "\n" + "\n".join(c.source for c in nbformat.read(p, 4).cells)
]
FIRST_LINE = "# Solution — try it yourself before you open this cell."


def exercises(nb):
    """[(task cell, solution cell)] after the notebook's "## Exercises" heading; ValueError if malformed."""
    cells = nb.cells
    start = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("## Exercises")]
    if len(start) != 1:
        raise ValueError(f"expected one '## Exercises' heading cell, found {len(start)}")
    pairs, i = [], start[0] + 1
    while i < len(cells) and cells[i].cell_type == "markdown" and cells[i].source.startswith("**Exercise"):
        if i + 1 >= len(cells) or cells[i + 1].cell_type != "code":
            raise ValueError(f"cell {i}: an exercise must be followed by its solution code cell")
        pairs.append((cells[i], cells[i + 1]))
        i += 2
    return pairs


def is_solution(cell):
    meta = cell.metadata
    return meta.get("jupyter", {}).get("source_hidden") is True and "solution" in meta.get("tags", [])


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=[p.name for p in WITH_EXERCISES])
def test_exercises_have_hidden_solutions_that_assert(path):
    nb = nbformat.read(path, as_version=4)
    pairs = exercises(nb)
    assert 2 <= len(pairs) <= 4, f"{path.name}: {len(pairs)} exercises; the course asks for 2-4"
    for number, (task, answer) in enumerate(pairs, start=1):
        assert task.source.startswith(f"**Exercise {number} · "), f"{path.name}: exercise {number}'s title"
        assert is_solution(answer), f"{path.name}: exercise {number}'s solution must be hidden and tagged 'solution'"
        assert answer.source.splitlines()[0] == FIRST_LINE, f"{path.name}: exercise {number}'s first line"
        assert "assert " in answer.source, f"{path.name}: exercise {number}'s solution checks nothing"
    solutions = [c for c in nb.cells if c.cell_type == "code" and is_solution(c)]
    assert len(solutions) == len(pairs), f"{path.name}: a hidden solution cell outside the exercises"


def test_the_checker_refuses_a_malformed_notebook():
    task = nbformat.v4.new_markdown_cell("**Exercise 1 · count.** How many?")
    heading = nbformat.v4.new_markdown_cell("## Exercises")
    shown = nbformat.v4.new_code_cell(f"{FIRST_LINE}\nassert 1 + 1 == 2")
    nb = nbformat.v4.new_notebook(cells=[heading, task, shown])
    assert len(exercises(nb)) == 1 and not is_solution(shown)
    with pytest.raises(ValueError, match="followed by its solution"):
        exercises(nbformat.v4.new_notebook(cells=[heading, task]))
    with pytest.raises(ValueError, match="one '## Exercises'"):
        exercises(nbformat.v4.new_notebook(cells=[task]))


def test_notebooks_with_exercises_are_found():
    names = {p.name for p in WITH_EXERCISES}
    assert {"06_input_output_configurations.ipynb", "07_bidirectional.ipynb", "10_attention.ipynb"} <= names
