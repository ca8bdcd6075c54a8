"""Run a homework notebook's code in this process, and plant bugs by editing its reference solution.

Executing cells here (not in a kernel) keeps the check tests fast: the checks are plain functions of a
namespace, so they can run on the reference solution, on the release, and on a solution with one line
changed. The grader itself always uses a kernel (see ``course_utils.grading.runner``); the end-to-end
tests in ``test_runner.py`` cover that path.
"""

import contextlib
import io
from pathlib import Path

import nbformat

from course_utils.grading.assignments import get_assignment
from course_utils.grading.release import strip_solutions

ROOT = Path(__file__).resolve().parents[2]
HOMEWORK = ROOT / "notebooks" / "homework"
SKIP = ("setup_notebook(", "self_check(")  # global side effects (seeds, op determinism), or only slow


def source(assignment):
    """The source notebook (with solutions) of ``assignment``."""
    return nbformat.read(HOMEWORK / get_assignment(assignment).notebook, as_version=4)


def released(assignment):
    """The student version of ``assignment``, built in memory the way ``release`` builds it."""
    nb = source(assignment)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source)[0]
    return nb


def reference_run(assignment):
    """``(notebook, namespace)`` of the reference solution run in this process; it must run without errors."""
    nb = source(assignment)
    ns, errors = run_cells(code_cells(nb))
    assert not errors, errors
    return nb, ns


def code_cells(nb, stop_at=None):
    """The code cells' sources, up to (not including) the first containing ``stop_at``."""
    sources = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "colab-setup" in cell.metadata.get("tags", []):
            continue  # the Colab set-up cell is IPython syntax, and does nothing off Colab
        if stop_at and stop_at in cell.source:
            break
        if not any(marker in cell.source for marker in SKIP):
            sources.append(cell.source)
    return sources


def run_cells(sources, ns=None):
    """Exec each source in ``ns`` like a kernel with ``allow_errors``: errors are collected, not raised."""
    ns = {"__name__": "__homework__"} if ns is None else ns
    errors = []
    for text in sources:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(text, "<cell>", "exec"), ns)
        except Exception as exc:  # like a notebook cell that stops with an error
            errors.append(f"{type(exc).__name__}: {exc}")
    return ns, errors


def planted(ns, nb, edits):
    """A copy of ``ns`` with the cells holding the ``old`` texts re-run with each ``old`` replaced by its ``new``."""
    edited = {}
    for old, new in edits:
        cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and old in c.source]
        assert len(cells) == 1 and nb.cells[cells[0]].source.count(old) == 1, (
            f"the planted bug's text must occur once: {old!r}"
        )
        text = edited.get(cells[0], nb.cells[cells[0]].source)
        edited[cells[0]] = text.replace(old, new)
    ns, errors = run_cells([edited[i] for i in sorted(edited)], dict(ns))
    assert not errors, errors
    return ns
