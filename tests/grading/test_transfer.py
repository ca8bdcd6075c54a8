"""Homework that transfers: no solution region may be a transcription of a lecture cell or of a function students
get (issue 16, item 2). Compared as normalised ASTs (``similarity.py``) with a threshold of 0.5.

Why 0.5: between solution regions and code that does not solve them, the largest containment measured is 0.47
(hw3's training cell against ``sentiment.train_sentiment``: the compile-and-fit pattern every Keras training
cell shares; hw1's peephole step against other LSTM arithmetic, 0.46); every known transcription of the earlier
homework scored at least 0.53 (its BPTT against lecture 02's cell) and most 0.7-0.93. Regions of fewer
than 8 shingles (a one-line ``return``) are too short to judge and score 0.
"""

import nbformat

from course_utils.grading.release import solution_regions
from course_utils.grading.sandbox import PACKAGE, course_files

from .nbexec import HOMEWORK, ROOT
from .similarity import containment, functions, shingles

THRESHOLD = 0.5


def solutions():
    for path in sorted(HOMEWORK.glob("*.ipynb")):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            lines = cell.source.splitlines()
            for begin, end in solution_regions(cell.source):
                yield f"{path.stem[:3]} cell {index}", shingles("\n".join(lines[begin + 1 : end]))


def candidates():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "code":
                yield f"lecture {path.stem[:2]} cell {index}", shingles(cell.source)
    for relative in course_files():
        if relative.suffix == ".py":
            for source in functions((PACKAGE / relative).read_text(encoding="utf-8")):
                yield f"course_utils/{relative}: {source.splitlines()[0][:50]}", shingles(source)


def test_the_measure_sees_through_renaming_and_not_through_different_code():
    step = "def f(x, h, W, U, b):\n    return np.tanh(x @ W + h @ U + b)\n"
    renamed = (
        "def step(inp, state, kernel, rec, bias):\n    '''doc'''\n    return np.tanh(inp @ kernel + state @ rec + bias)"
    )
    other = "def g(a, b):\n    out = []\n    for x in a:\n        out.append(x * b)\n    return sorted(out)"
    assert containment(shingles(step), shingles(renamed)) == 1.0
    assert containment(shingles(step), shingles(other)) < THRESHOLD


def test_no_solution_is_a_transcription_of_what_students_get():
    pool = list(candidates())
    copied = []
    for where, solution in solutions():
        score, source = max((containment(solution, c), name) for name, c in pool)
        if score >= THRESHOLD:
            copied.append(f"{where} ~ {source} ({score:.2f})")
    assert not copied, copied
