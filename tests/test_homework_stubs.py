"""The homework as students receive it: every stub notebook runs top to bottom in a kernel, each self-check
cell prints its public checks (0 passed, before any work) without raising, and nothing else fails except the
stubs' NotImplementedError and what depends on it. Here the notebooks are released first; in the student
edition (``make student``) they already are the release."""

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
HOMEWORK = sorted((ROOT / "notebooks" / "homework").glob("*.ipynb"))
BEGIN = "### BEGIN" + " SOLUTION"  # (split, so that this file never looks like a solution region)


def stub(path, tmp_path):
    if BEGIN not in path.read_text(encoding="utf-8"):
        return path  # the student edition: already released
    from course_utils.grading.release import release_notebook

    release_notebook(path, tmp_path / path.name)
    return tmp_path / path.name


@pytest.mark.parametrize("path", HOMEWORK, ids=[p.stem for p in HOMEWORK])
def test_a_released_homework_runs_and_its_self_checks_report_zero(path, tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.read(stub(path, tmp_path), as_version=4)
    NotebookClient(nb, timeout=300, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
    checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("self_check(")]
    assert checks, "every assignment has self-check cells"
    for cell in checks:
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
        assert "public checks passed: 0/" in text and ("not implemented yet" in text or "is not defined" in text), text
    errors = {o.ename for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"}
    assert "NotImplementedError" in errors and errors <= {"NotImplementedError", "NameError"}, errors
