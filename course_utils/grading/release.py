"""The student release: solutions replaced by a stub, outputs and execution counts cleared.

Solution regions use nbgrader's markers, each alone on its line::

    def rnn_step_forward(x_t, h_prev, W_x, W_h, b):
        ### BEGIN SOLUTION
        return np.tanh(x_t @ W_x + h_prev @ W_h + b)
        ### END SOLUTION

A region in a code cell becomes, at the indentation of its BEGIN line::

        # YOUR CODE HERE
        raise NotImplementedError()

and a region in a markdown cell becomes ``YOUR ANSWER HERE`` (nbgrader's stubs too, so a
course can move to nbgrader's gradebook without touching the notebooks). Anything that
looks like a marker but is not exactly one (``## BEGIN SOLUTION``, a missing END, nesting)
is an error, never a silent leak. Every released code cell must still parse as Python.

The release is then fully stripped by ``nbstripout`` (outputs, execution counts, widget
state and other metadata noise: the same tool and defaults as the pre-commit hook for
``releases/``), and the "Open in Colab" badge, which links to the solution notebook on
GitHub, is dropped; the Colab set-up cell stays, so a student can still run it on Colab.
"""

import ast
import copy
import subprocess
import sys
from pathlib import Path

from course_utils.tooling.colab import BADGE_TAG

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
MARKDOWN_STUB = ("YOUR ANSWER HERE",)


class MarkerError(ValueError):
    """A malformed solution region (the release is refused, nothing is written)."""


def solution_regions(source, where="cell"):
    """``[(begin_line, end_line), ...]`` (0-based, marker lines included) of a cell's source.

    >>> solution_regions("a = 1\\n### BEGIN SOLUTION\\nb = 2\\n### END SOLUTION")
    [(1, 3)]
    """
    regions, start = [], None
    for number, line in enumerate(source.splitlines()):
        text = line.strip()
        if text == BEGIN:
            if start is not None:
                raise MarkerError(f"{where}, line {number + 1}: BEGIN SOLUTION inside another solution region.")
            start = number
        elif text == END:
            if start is None:
                raise MarkerError(f"{where}, line {number + 1}: END SOLUTION without a BEGIN SOLUTION.")
            regions.append((start, number))
            start = None
        elif "BEGIN SOLUTION" in text.upper() or "END SOLUTION" in text.upper():
            raise MarkerError(f"{where}, line {number + 1}: {text!r} looks like a marker but is not exactly "
                              f"{BEGIN!r} or {END!r} alone on its line.")  # fmt: skip
    if start is not None:
        raise MarkerError(f"{where}, line {start + 1}: BEGIN SOLUTION is never closed by {END!r}.")
    return regions


def strip_solutions(source, cell_type="code", where="cell"):
    """``source`` with every solution region replaced by the stub; returns ``(text, regions)``.

    >>> print(strip_solutions("def f():\\n    ### BEGIN SOLUTION\\n    return 42\\n    ### END SOLUTION")[0])
    def f():
        # YOUR CODE HERE
        raise NotImplementedError()
    """
    regions = solution_regions(source, where)
    lines = source.splitlines()
    stub = CODE_STUB if cell_type == "code" else MARKDOWN_STUB
    for begin, end in reversed(regions):
        indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
        lines[begin : end + 1] = [indent + s for s in stub]
    return "\n".join(lines), len(regions)


def _parses(source):
    """Python-parse a code cell, ignoring IPython's ``%magic`` and ``!shell`` lines."""
    kept = [
        line[: len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!")) else line
        for line in source.splitlines()
    ]
    ast.parse("\n".join(kept))


def release_notebook(source_path, release_path):
    """Write the student version of ``source_path`` to ``release_path``; return the number of regions."""
    import nbformat

    source_path, release_path = Path(source_path), Path(release_path)
    if source_path.resolve() == release_path.resolve():
        raise ValueError(f"refusing to overwrite the source notebook {source_path} with its release.")
    nb = copy.deepcopy(nbformat.read(source_path, as_version=4))
    nb.cells = [cell for cell in nb.cells if BADGE_TAG not in cell.get("metadata", {}).get("tags", [])]
    total = 0
    for index, cell in enumerate(nb.cells):
        where = f"{source_path.name}, cell {index}"
        if cell.cell_type in ("code", "markdown"):
            cell.source, count = strip_solutions(cell.source, cell.cell_type, where)
            total += count
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
            cell.metadata.pop("nbval-reason", None)  # the course's test machinery, not the student's
            try:
                _parses(cell.source)
            except SyntaxError as exc:
                raise MarkerError(
                    f"{where}: the released cell is not valid Python ({exc.msg}, line {exc.lineno})."
                ) from None
    if total == 0:
        raise MarkerError(
            f"{source_path.name} has no solution regions ({BEGIN!r} ... {END!r}): is it a homework source?"
        )
    nbformat.validate(nb)
    release_path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, release_path)
    strip_fully(release_path)
    return total


def strip_fully(path):
    """Run ``nbstripout`` on ``path`` with its defaults (nothing kept), as the pre-commit hook does."""
    done = subprocess.run([sys.executable, "-m", "nbstripout", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        hint = "run `make setup` (nbstripout is in the dev extra)" if "No module named" in done.stderr else ""
        raise RuntimeError(f"nbstripout failed on {path}: {done.stderr.strip()} {hint}".strip())


def release_all(source_dir="notebooks/homework", release_dir="releases"):
    """Release every homework notebook of ``source_dir`` into ``release_dir``; ``[(path, regions), ...]``."""
    source_dir, release_dir = Path(source_dir), Path(release_dir)
    sources = sorted(p for p in source_dir.glob("*.ipynb"))
    if not sources:
        raise ValueError(f"no notebooks in {source_dir}; run from the repository root or pass --source.")
    return [(release_dir / p.name, release_notebook(p, release_dir / p.name)) for p in sources]
