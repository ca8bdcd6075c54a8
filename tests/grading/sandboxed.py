"""Helpers for tests that grade in a real sandbox: a skip marker where none can be made, tiny notebooks."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_utils.grading.sandbox import unavailable

# Grading needs Linux user namespaces (root has them; most distributions give them to users too).
requires_sandbox = pytest.mark.skipif(bool(unavailable()), reason=f"no grading sandbox here: {unavailable()}")


def write(path, *sources):
    """A notebook of a markdown cell and one code cell per source (no setup cell: NumPy only, fast)."""
    cells = [new_markdown_cell("# submission")] + [new_code_cell(s) for s in sources]
    nbformat.write(new_notebook(cells=cells), path)
    return path


def by_id(report):
    return {q.id: q for q in report.questions}
