"""No exercise solution of a lecture notebook gives a homework solution away (instructors' test: the student
edition ships the released homework, which has no solutions to compare with)."""

from pathlib import Path

import nbformat
from test_lecture_exercises import LECTURES, exercise_cells

from course_utils.tooling.website import checks

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def test_no_exercise_solution_gives_a_homework_solution_away():
    """A line of a homework solution may appear in an exercise solution only if the lecture teaches it anyway."""
    homework = checks.solution_lines(NOTEBOOKS / "homework")
    assert homework, "the homework sources should have solution regions"
    notebooks = {path: nbformat.read(path, as_version=4) for path in LECTURES}
    solutions = {path: exercise_cells(nb) or [] for path, nb in notebooks.items()}
    taught = checks._squash(
        "\n".join(c.source for path, nb in notebooks.items() for c in nb.cells if c not in solutions[path])
    )
    for path, cells in solutions.items():
        for cell in cells:
            given_away = {checks._squash(line) for line in cell.source.splitlines()} & homework
            assert not {line for line in given_away if line not in taught}, f"{path.name}: a homework solution line"
