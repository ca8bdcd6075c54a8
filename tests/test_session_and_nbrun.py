"""setup_notebook seeds reproducibly, quiets TensorFlow or not, and validates; nbrun finds notebooks."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from course_utils._environment import QUIET_TENSORFLOW
from course_utils.session import setup_notebook
from course_utils.tooling.nbrun import notebook_paths

ROOT = Path(__file__).resolve().parents[1]


# TF_CPP_MAX_VLOG_LEVEL=1 makes TensorFlow's C++ side log on every platform (verbose lines are INFO lines)
VERBOSE_TF = {"TF_CPP_MAX_VLOG_LEVEL": "1"}


def test_same_seed_same_numbers_in_fresh_processes_and_quiet_by_itself():
    """setup_notebook() alone silences TensorFlow: the switches are not in the environment it starts from."""
    env = {k: v for k, v in os.environ.items() if k not in QUIET_TENSORFLOW} | VERBOSE_TF
    code = (
        "from course_utils import setup_notebook; setup_notebook(seed=7); import keras, numpy as np; "
        "print(float(keras.random.normal((1,))[0]), np.random.rand())"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        for _ in range(2)
    ]
    first, second = (r.stdout.splitlines()[-1] for r in runs)
    assert first == second
    assert runs[0].stderr == runs[1].stderr == "", f"TensorFlow noise on stderr: {runs[0].stderr[:300]}"
    assert runs[0].stdout.startswith("seed 7 | python ")


def test_reseeding_restarts_the_streams():
    import numpy as np

    setup_notebook(seed=3)
    a = np.random.rand(3)
    line = setup_notebook(seed=3)
    assert np.array_equal(a, np.random.rand(3))
    assert "keras 3." in line and "tensorflow" in line


def test_quiet_false_turns_tensorflows_logs_back_on():
    """Started with the quiet switches set (as under `make test`), quiet=False takes them out again."""
    env = {**os.environ, **QUIET_TENSORFLOW, **VERBOSE_TF}
    code = (
        "import os; from course_utils import setup_notebook; setup_notebook(seed=0, quiet=False); "
        "import tensorflow as tf; tf.constant(1.0) + 1; print(os.environ.get('TF_CPP_MIN_LOG_LEVEL'))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert run.stdout.splitlines()[-1] != "3"  # not forced (JAX, imported by Keras when installed, sets "1")
    cpp_lines = [line for line in run.stderr.splitlines() if re.match(r"[IWE]\d{4} ", line)]
    assert len(cpp_lines) > 10, f"TensorFlow's C++ logs stayed off: {run.stderr[:300]!r}"


def test_quiet_switches_python_loggers_both_ways(monkeypatch):
    import absl.logging
    import tensorflow as tf

    for key, value in QUIET_TENSORFLOW.items():
        monkeypatch.setenv(key, value)  # restored afterwards: nbval's kernels inherit this environment
    setup_notebook(seed=0, quiet=False)
    assert not set(QUIET_TENSORFLOW) & set(os.environ)
    assert tf.get_logger().level == logging.NOTSET and absl.logging.get_verbosity() == absl.logging.WARNING
    setup_notebook(seed=0, quiet=True)
    assert {key: os.environ[key] for key in QUIET_TENSORFLOW} == QUIET_TENSORFLOW
    assert tf.get_logger().level == logging.ERROR and absl.logging.get_verbosity() == absl.logging.ERROR


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
