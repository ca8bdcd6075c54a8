"""Assignment 3: the reference model passes, the release scores zero, planted mistakes lose the right points.

Training takes most of the notebook's 40 s, so here the model is built but not trained; the trained
reference's full marks are proved by the notebook's own self-check cells under strict nbval, and by the
end-to-end timing run reported in the README section.
"""

import re

import numpy as np
import pytest

from course_utils.grading import checks_hw3
from course_utils.grading.checks_hw3 import QUESTIONS
from course_utils.grading.core import LocalSubmission, run_checks, run_question

from .nbexec import code_cells, planted, released, run_cells, source

FULL = {q.id: q.points for q in QUESTIONS}
TRAINING = "model.compile("  # the cell where the reference trains: stop before it


@pytest.fixture(scope="module")
def untrained():
    nb = source("hw3")
    ns, errors = run_cells(code_cells(nb, stop_at=TRAINING))
    assert not errors, errors
    ns, errors = run_cells([c for c in code_cells(nb) if "def predict_sentiment" in c], ns)
    assert not errors and "model" in ns and "vectorizer" in ns
    return nb, ns


def hints(result):
    return [c.hint for c in result.checks if not c.passed] + [result.error or ""]


def question(qid, ns, seed=0):
    return run_question(QUESTIONS.get(qid), LocalSubmission(ns), np.random.default_rng(seed))


def test_reference_model_has_the_required_summary_and_predicts(untrained, monkeypatch):
    _, ns = untrained
    assert question("Q1", ns).points == 3
    assert question("Q3", ns).points == 2
    monkeypatch.setattr(checks_hw3, "MIN_TEST_ACCURACY", 0.0)  # untrained: only the plumbing of Q2 is tested here
    monkeypatch.setattr(checks_hw3, "PARTIAL_TEST_ACCURACY", 0.0)
    assert question("Q2", ns).points == 4


def test_an_untrained_model_misses_the_stated_score(untrained):
    result = question("Q2", untrained[1])
    assert result.points == 0 and any("about chance" in h for h in hints(result)), result


def test_release_scores_zero_on_every_question():
    ns, errors = run_cells(code_cells(released("hw3")))
    assert errors and any("NotImplementedError" in e for e in errors)
    for result in run_checks("hw3", LocalSubmission(ns)):
        assert result.points == 0, result


BUILD = 'keras.layers.Bidirectional(keras.layers.LSTM(16, name="lstm"), name="bidirectional_lstm")'
BUGS = [
    (
        "no Bidirectional wrapper",
        [(BUILD, 'keras.layers.LSTM(32, name="lstm")')],
        1,
        r"class: expected Bidirectional, got LSTM",
    ),
    (
        "return_sequences=True",
        [(BUILD, BUILD.replace("LSTM(16,", "LSTM(16, return_sequences=True,"))],
        2,
        r"output shape: expected \(None, 32\), got \(None, None, 32\).*return_sequences=False",
    ),
    (
        "a GRU inside the wrapper",
        [(BUILD, BUILD.replace("keras.layers.LSTM(16", "keras.layers.GRU(16"))],
        1,
        r"parameters: expected 6,272, got 4,800; the wrapped layer is GRU, not an LSTM",
    ),
    (
        "vocabulary hard-coded",
        [("keras.layers.Embedding(vocab_size, 32", "keras.layers.Embedding(10000, 32")],
        1,
        r"don't hard-code it",
    ),
    ("no sigmoid", [('keras.layers.Dense(1, activation="sigmoid"', "keras.layers.Dense(1")], 1, r"not sigmoid"),
    (
        "fixed-length input",
        [('keras.Input(shape=(None,), dtype="int32")', 'keras.Input(shape=(32,), dtype="int32")')],
        1,
        r"expected \(None, None, 32\), got \(None, 32, 32\)",
    ),
]


@pytest.mark.parametrize("name, edits, lost, hint", BUGS, ids=[b[0] for b in BUGS])
def test_planted_model_bug_loses_q1_points_with_the_right_hint(untrained, name, edits, lost, hint):
    nb, ns = untrained
    result = question("Q1", planted(ns, nb, edits))
    assert result.points == 3 - lost and any(re.search(hint, h) for h in hints(result)), (name, result)


PREDICT = "return (probabilities > 0.5).astype(int)"
PREDICT_BUGS = [
    ("probabilities instead of labels", "return probabilities", 2, r"return class labels, not probabilities"),
    ("shape (n, 1)", "return (probabilities > 0.5).astype(int)[:, None]", 2, r"flatten the \(n, 1\) predictions"),
    ("booleans", "return probabilities > 0.5", 2, r"convert them with .astype\(int\)"),
    (
        "a Python list",
        "return [int(p > 0.5) for p in probabilities]",
        0,
        None,
    ),  # a list of ints converts cleanly: accepted
    ("another threshold", "return (probabilities > 0.9).astype(int)", 1, r"differ from the trained model's"),
]


@pytest.mark.parametrize("name, new, lost, hint", PREDICT_BUGS, ids=[b[0] for b in PREDICT_BUGS])
def test_planted_predict_bug_loses_q3_points(untrained, name, new, lost, hint):
    nb, ns = untrained
    ns = planted(ns, nb, [(PREDICT, new)])
    if name == "another threshold":  # an untrained model's probabilities sit near 0.5: put some above 0.9
        ns["model"].layers[-1].bias.assign(np.array([2.2], dtype="float32"))
    result = question("Q3", ns)
    assert result.points == 2 - lost, (name, result)
    assert hint is None or any(re.search(hint, h) for h in hints(result)), hints(result)


def test_a_model_without_the_required_summary_scores_zero_on_q2(untrained):
    nb, ns = untrained
    ns = planted(ns, nb, [(BUILD, 'keras.layers.LSTM(32, name="lstm")')])
    ns["model"] = ns["build_model"](ns["vocab_size"])
    result = question("Q2", ns)
    assert result.points == 0 and "does not have the required summary" in result.error
