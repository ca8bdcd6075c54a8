"""The portability pass of `make test` compares exactly what strict nbval compares, and can fail."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from course_utils.tooling import portability

PATTERNS = [(r"keras \d+\.\d+(\.\d+)?", "keras X.Y.Z")]


def stream(text):
    return new_output("stream", name="stdout", text=text)


def notebook(*cells):
    """A notebook whose code cells have the given ``(source, outputs)``."""
    return new_notebook(cells=[new_code_cell(source, outputs=outputs) for source, outputs in cells])


def test_a_changed_digit_is_reported_with_a_diff():
    stored = notebook(("print(x)", [stream("loss 0.631\n")]))
    fresh = notebook(("print(x)", [stream("loss 0.632\n")]))
    (found,) = portability.differences(stored, fresh, PATTERNS)
    assert "cell 0" in found and "-loss 0.631" in found and "+loss 0.632" in found


@pytest.mark.parametrize(
    "source, metadata",
    [
        ("# NBVAL_IGNORE_OUTPUT\nprint(x)", {}),
        ("# NBVAL_SKIP\nprint(x)", {}),
        ("print(x)", {"tags": ["nbval-ignore-output"]}),
        ("print(x)", {"tags": ["nbval-skip"]}),
    ],
)
def test_cells_nbval_does_not_compare_are_not_compared(source, metadata):
    stored, fresh = notebook((source, [stream("a\n")])), notebook((source, [stream("b\n")]))
    stored.cells[0].metadata.update(metadata)
    assert portability.differences(stored, fresh, PATTERNS) == []


def test_what_nbval_ignores_or_masks_is_not_a_difference():
    image = {"image/png": "AAAA", "text/plain": "<Figure size 630x315 with 1 Axes>"}
    stored = notebook(
        ("setup()", [stream("keras 3.15.1 | seed 42\n")]),
        ("plot()", [new_output("display_data", data=image)]),
        ("print(a); print(b)", [stream("a\n"), stream("b\n")]),
    )
    fresh = notebook(
        ("setup()", [stream("keras 3.16.0 | seed 42\n")]),  # versions are sanitized
        ("plot()", [new_output("display_data", data={**image, "image/png": "BBBB"})]),  # images are not compared
        ("print(a); print(b)", [stream("a\nb\n")]),  # stream chunks are joined
    )
    assert portability.differences(stored, fresh, PATTERNS) == []


def test_a_missing_output_field_is_a_difference():
    stored = notebook(("model.summary()", [new_output("display_data", data={"text/html": "<b>22</b>"})]))
    fresh = notebook(("model.summary()", []))
    (found,) = portability.differences(stored, fresh, PATTERNS)
    assert "text/html" in found and "-<b>22</b>" in found


def test_the_check_runs_one_thread_and_narrow_simd_by_the_make_notebooks_path(tmp_path):
    """End to end: a real kernel, the stored output of one cell right and of another wrong."""
    env = portability.portable_env()
    assert env["OMP_NUM_THREADS"] == env["TF_NUM_INTRAOP_THREADS"] == "1"
    assert env["TF_CPP_MIN_LOG_LEVEL"] == "3"
    path = tmp_path / "probe.ipynb"
    nb = notebook(
        (
            "import os; print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['TF_NUM_INTEROP_THREADS'])",
            [stream("1 1\n")],
        ),
        ("print(6 * 7)", [stream("41\n")]),
    )
    nbformat.write(nb, path)
    seconds, found = portability.check_notebook(path, timeout=60)
    assert len(found) == 1 and "cell 1" in found[0] and "+42" in found[0]
    assert seconds < 60


def test_usage_errors_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        portability.main([str(tmp_path / "nothing.txt")])
    assert exit_info.value.code == 2
    assert "neither a notebook nor a folder" in capsys.readouterr().err


def test_the_check_leaves_this_process_environment_alone(tmp_path, monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    path = tmp_path / "empty.ipynb"
    nbformat.write(notebook(("print(1)", [stream("1\n")])), path)
    assert portability.check_notebook(path, timeout=60)[1] == []
    import os

    assert "OMP_NUM_THREADS" not in os.environ and "NPY_DISABLE_CPU_FEATURES" not in os.environ
