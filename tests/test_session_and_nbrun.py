"""setup_notebook seeds reproducibly and validates; nbrun finds notebooks and refuses other paths."""

import subprocess
import sys
from pathlib import Path

import pytest

from course_utils.session import setup_notebook
from course_utils.tooling.nbrun import notebook_paths

ROOT = Path(__file__).resolve().parents[1]


def test_same_seed_same_numbers_in_fresh_processes():
    code = (
        "from course_utils import setup_notebook; setup_notebook(seed=7); import keras, numpy as np; "
        "print(float(keras.random.normal((1,))[0]), np.random.rand())"
    )
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True) for _ in range(2)]
    first, second = (r.stdout.splitlines()[-1] for r in runs)
    assert first == second
    assert runs[0].stderr == "", f"setup_notebook left TensorFlow noise on stderr: {runs[0].stderr[:300]}"
    assert runs[0].stdout.startswith("seed 7 | python ")


def test_reseeding_restarts_the_streams():
    import numpy as np

    setup_notebook(seed=3)
    a = np.random.rand(3)
    line = setup_notebook(seed=3)
    assert np.array_equal(a, np.random.rand(3))
    assert "keras 3." in line and "tensorflow" in line


@pytest.mark.parametrize("bad", [-1, 1.5, "42", None])
def test_bad_seed(bad):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        setup_notebook(seed=bad)


def test_notebook_paths(tmp_path):
    (tmp_path / "b.ipynb").write_text("{}")
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("{}")
    assert [p.name for p in notebook_paths([tmp_path])] == ["a.ipynb", "b.ipynb"]
    with pytest.raises(ValueError, match="neither a notebook nor a folder"):
        notebook_paths([tmp_path / "missing.txt"])
