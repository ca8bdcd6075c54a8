"""Notebooks are committed executed, top to bottom, clean: otherwise strict nbval compares nothing."""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found under notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_executed_in_order_without_errors(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    assert None not in counts, (
        f"{path.name}: cells without execution count {[i for i, n in enumerate(counts) if n is None]}; run `make notebooks`"
    )
    assert counts == list(range(1, len(code) + 1)), (
        f"{path.name}: not run top to bottom in a fresh kernel ({counts}); run `make notebooks`"
    )
    for cell in code:
        for output in cell.outputs:
            assert output.output_type != "error", f"{path.name}: a cell stored an error: {output.get('evalue')}"
            assert not (output.output_type == "stream" and output.name == "stderr"), (
                f"{path.name}: stored stderr (TensorFlow logs or warnings) would break strict nbval:\n{output.text[:300]}"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_starts_with_badge_title_and_setup(path):
    """Badge, title, then the Colab set-up cell (tests/test_colab.py) and setup_notebook."""
    nb = nbformat.read(path, as_version=4)
    assert "colab-badge" in nb.cells[0].metadata.get("tags", []), "the Colab badge first; run `make colab`"
    assert nb.cells[1].cell_type == "markdown" and nb.cells[1].source.startswith("# "), "the title cell second"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "colab-setup" in code[0].metadata.get("tags", []), "the Colab set-up cell runs first"
    # a NumPy-only notebook (hw1) has nothing to set up, and grading it without TensorFlow is four times faster
    numpy_only = not any(re.search(r"\b(keras|tensorflow)\b", c.source) for c in code[1:])
    assert numpy_only or "setup_notebook(" in code[1].source, (
        "the code cell after the Colab set-up must call setup_notebook"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_imports_only_from_course_utils_and_libraries(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            words = line.strip().split()
            if words[:1] in (["import"], ["from"]) and len(words) > 1:
                root = words[1].split(".")[0]
                assert root not in {"tests", "conftest"}, f"{path.name} imports test code: {line}"


NBVAL_TAGS = {"nbval-ignore-output", "nbval-skip", "nbval-check-output", "nbval-raises-exception"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_nbval_markers_live_in_cell_metadata_with_a_reason(path):
    """Test machinery stays out of the teaching text: nbval's cell tags, each with its reason, not comments."""
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        assert "NBVAL_" not in cell.source, f"{path.name} cell {index}: an nbval comment; use the cell tag instead"
        tags = [t for t in cell.metadata.get("tags", []) if t.startswith("nbval")]
        assert set(tags) <= NBVAL_TAGS, f"{path.name} cell {index}: nbval does not know the tag(s) {tags}"
        if tags:
            reason = cell.metadata.get("nbval-reason", "")
            assert len(reason.split()) >= 3, f"{path.name} cell {index}: say why in metadata['nbval-reason']"
