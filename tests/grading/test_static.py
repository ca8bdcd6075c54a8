"""The static checks: the reference solutions are clean, each trick is flagged where it belongs."""

import pytest

from course_utils.grading import static
from course_utils.grading.assignments import get_assignment
from course_utils.grading.runner import is_colab_setup

from .nbexec import source

STEP = "def peephole_step_forward(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):\n    return h_prev, c_prev, None\n"
CLIP = "def adaptive_clip(grads, params, lam, eps=1e-3):\n    return grads\n"
HW1 = {f"Q{i}" for i in range(1, 5)}


def scan(assignment, *sources):
    spec = get_assignment(assignment)
    cells = list(enumerate(["import numpy as np", *sources]))
    return static.scan(cells, spec.questions, spec.hidden_modules, trusted=is_colab_setup)


@pytest.mark.parametrize("assignment", ["hw1", "hw2", "hw3"])
def test_the_reference_solutions_are_not_flagged(assignment):
    nb = source(assignment)
    cells = [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    spec = get_assignment(assignment)
    assert static.scan(cells, spec.questions, spec.hidden_modules, trusted=is_colab_setup) == {}
    assert any(is_colab_setup(s) for _, s in cells), "the Colab set-up cell is recognised"


def test_an_edited_colab_cell_is_checked_like_any_other():
    colab = next(c.source for c in source("hw1").cells if "colab-setup" in c.metadata.get("tags", []))
    assert not is_colab_setup(colab + "\n!curl http://example.com/cheat.py > cheat.py")
    assert set(scan("hw1", STEP, colab + "\nimport importlib")) == HW1


TRICKS = {
    "importlib": "import importlib\nm = importlib.import_module('course_utils.numpy_rnn')",
    "exec": "exec('x = 1')",
    "eval": "y = eval('1 + 1')",
    "__import__": "m = __import__('os')",
    "builtins dunder": "f = __builtins__['eval']",
    "sys.modules": "import sys\nsys.modules['course_utils.grading.core'] = None",
    "frame walk": "import sys\ndef peek():\n    return sys._getframe(2).f_locals",
    "inspect": "import inspect\nframe = inspect.currentframe()",
    "kernel hooks": "get_ipython().events.register('post_run_cell', print)",
    "input transformer": "ip = get_ipython()\nip.input_transformers_post.append(lambda lines: lines)",
    "a thread": "import threading\nthreading.Thread(target=print).start()",
    "a process": "import subprocess\nsubprocess.Popen(['sleep', '100'])",
    "os._exit": "import os\nos._exit(0)",
    "killing": "import os, signal\nos.kill(os.getppid(), 9)",
    "monkeypatching numpy": "np.allclose = lambda *a, **k: True",
    "monkeypatching json": "import json\njson.dumps = str",
    "a computed getattr": "name = 'GR' + 'U'\nimport keras\ncls = getattr(keras.layers, name)",
    "function internals": "g = STEP.__globals__",
    "a shell command": "!pip install cheat",
    "a magic": "%run cheat.py",
}


@pytest.mark.parametrize("trick", list(TRICKS), ids=list(TRICKS))
def test_each_trick_flags_every_question(trick):
    findings = scan("hw1", STEP, TRICKS[trick])
    assert set(findings) == HW1, findings
    assert all(f.startswith("cell 2, line ") for f in findings["Q1"])


def test_matplotlib_magic_and_plain_code_are_fine():
    assert scan("hw1", "%matplotlib inline", STEP, "import os\nprint(os.getcwd())", "getattr(np, 'zeros')") == {}


def test_delegation_to_the_course_is_flagged_on_the_question_that_uses_it_only():
    delegating = ("from course_utils.numpy_gated import lstm_step_forward\n"
                  "def peephole_step_forward(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):\n"
                  "    return lstm_step_forward(x_t, h_prev, c_prev, W_x, W_h, b)")  # fmt: skip
    findings = scan("hw1", delegating, CLIP)  # Q2 is checked through the forward step too
    assert set(findings) == {"Q1", "Q2"} and "course_utils.numpy_gated.lstm_step_forward" in findings["Q1"][0]
    indirect = "import course_utils as cu\n_helper = cu.clipping.clip_by_norm_lecture\n" + CLIP.replace(
        "return grads", "return _helper(grads, lam)"
    )
    assert set(scan("hw1", STEP, indirect)) == {"Q4"}


def test_the_gradient_checker_is_a_tool_for_the_notebook_never_an_answer():
    numeric = ("from course_utils.gradcheck import numerical_gradient\n"
               "def peephole_step_backward(dh, dc, cache):\n"
               "    return numerical_gradient(lambda p: 0.0, cache)")  # fmt: skip
    findings = scan("hw1", STEP, numeric)
    assert set(findings) == {"Q2"} and "course_utils.gradcheck.numerical_gradient" in findings["Q2"][0]
    checking = "from course_utils.gradcheck import numerical_gradient\nnumeric = numerical_gradient(print, {})"
    assert scan("hw1", STEP, checking) == {}  # a notebook cell that checks an answer is fine


@pytest.mark.parametrize(
    "cell",
    [
        "import keras\nclass MGUCell(keras.layers.GRUCell):\n    pass",
        "import keras\n_K = keras.layers.GRUCell\nclass MGUCell(_K):\n    pass",
        "from keras.layers import GRU as G\nclass MGUCell:\n    def call(self, x):\n        return G(4)(x)",
        "import keras\nclass MGUCell:\n    def build(self):\n        self.inner = keras.layers.deserialize({'class_name': 'GRUCell'})",
        "import tensorflow as tf\nMGUCell = tf.keras.layers.GRUCell",
        "from course_utils.cells import GRUCell as MGUCell",
    ],
)
def test_a_gru_cell_from_keras_or_the_course_is_flagged_on_the_cell_questions(cell):
    counts = "def count_model_a(V, m, u, k):\n    return [V * m, 6 * u * (m + u + 2), (u + 1) * k]"
    assert set(scan("hw2", cell, counts)) == {"Q1", "Q2", "Q3"}


def test_keras_gru_outside_the_cell_is_fine_and_a_local_name_is_not_a_global():
    cell = ("import keras\nclass MGUCell(keras.Layer):\n    def call(self, inputs, states):\n"
            "        theirs = inputs\n        return theirs, [theirs]")  # fmt: skip
    compare = "theirs = keras.layers.GRU(4)"  # a comparison cell, like the notebook's
    assert scan("hw2", cell, compare) == {}
    assert set(scan("hw2", "from course_utils.params import gru_params\ndef count_model_a(V, m, u, k):\n"
                           "    return [V * m, 2 * gru_params(m, u), (u + 1) * k]")) == {"Q4"}  # fmt: skip


@pytest.mark.parametrize(
    "counts",
    [
        "def count_model_b(d, u, v):\n    return [layer.count_params() for layer in model_b.layers]",
        "def count_model_b(d, u, v):\n    m = keras.Sequential([keras.Input((None, d)), keras.layers.GRU(u)])\n"
        "    return [int(sum(np.prod(w.shape) for w in m.weights)), 0, 0]",
        "from keras import layers\ndef count_model_b(d, u, v):\n    return [layers.GRU(u).count_params(), 0, 0]",
        "def count_model_b(d, u, v):\n    return [getattr(model_b, 'count_params')(), 0, 0]",
    ],
)
def test_a_count_taken_from_a_keras_model_is_flagged_and_a_formula_is_not(counts):
    model = "import keras\nmodel_b = keras.Sequential([keras.Input((None, 3)), keras.layers.GRU(32)])"
    formula = "def count_model_b(d, u, v):\n    return [3 * u * (d + u), 3 * v * (u + v), v + 1]"
    assert scan("hw2", model, formula) == {}
    findings = scan("hw2", model, counts)
    assert set(findings) == {"Q5"} and "must be a formula of the sizes" in " ".join(findings["Q5"]), findings


@pytest.mark.parametrize(
    "cell",
    [
        "from course_utils.datasets import load_movie_reviews\nheld = load_movie_reviews(seed=0)['test']",
        "import course_utils.datasets as d\nmore = d.load_movie_reviews(seed=1)['train']",
        "from course_utils.datasets.cache import read_bytes\nraw = read_bytes('movie_reviews')",
        "import pandas as pd\nraw = pd.read_csv('../../data/cache/movie_reviews/movieReviewSnippets_GroundTruth.txt')",
        "import os\nfolder = os.environ['COURSE_DATA_DIR']",
    ],
)
def test_hw3_reading_the_movie_reviews_other_than_through_load_hw3_reviews_flags_q2(cell):
    findings = scan(
        "hw3", "from course_utils.selfcheck.hw3_data import load_hw3_reviews\ndata = load_hw3_reviews()", cell
    )
    assert set(findings) == {"Q2"} and "data this question must not see" in findings["Q2"][0], findings
