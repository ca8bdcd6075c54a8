"""Assignment 3: the reference passes, the release scores zero, planted mistakes lose the right points, and the
held-out sentences are disjoint from everything students get.

Training takes most of the notebook's time, so here the candidates are built but not trained: two untrained
models whose output bias makes one answer "negative" everywhere (validation accuracy 0.504) and the other
"positive" (0.496), so the better one on validation is known. The trained reference's full marks are proved
end to end in the sandbox (``test_end_to_end.py``) and by the notebook's self-check cells under strict nbval.
"""

import re

import numpy as np
import pytest

from course_utils.datasets import load_movie_reviews
from course_utils.grading import checks_hw3, heldout_hw3
from course_utils.grading.checks_hw3 import QUESTIONS
from course_utils.grading.core import LocalSubmission, run_checks, run_question
from course_utils.selfcheck.hw3_data import load_hw3_reviews

from .nbexec import code_cells, planted, released, run_cells, source

TRAINING = "def trained_with("  # the cell where the reference trains: stop before it
COMPARE = "chosen = max("  # the cell that measures the candidates on validation and commits


def candidates(ns, biases=(-3.0, 3.0), build=None):
    """Untrained candidates, one per configuration: the first answers "negative" everywhere (the better on
    validation), the others "positive"."""
    import keras

    models = {}
    for name, bias in zip(ns["configurations"], biases):
        keras.utils.set_random_seed(0)
        models[name] = (build or ns["build_model"])(ns["vocab_size"])
        models[name].layers[-1].bias.assign(np.array([bias], dtype="float32"))
    return models


def committed(ns, nb, edits=(), **options):
    """``ns`` with candidates, then the comparison cell and ``predict_sentiment``'s run (with ``edits`` planted)."""
    ns = dict(ns)
    ns["candidates"] = candidates(ns, **options)
    cells = [c for c in code_cells(nb) if COMPARE in c or "def predict_sentiment" in c]
    for old, new in edits:
        assert sum(c.count(old) for c in cells) == 1, f"the planted bug's text must occur once: {old!r}"
        cells = [c.replace(old, new) for c in cells]
    ns, errors = run_cells(cells, ns)
    assert not errors, errors
    return ns


@pytest.fixture(scope="module")
def untrained():
    nb = source("hw3")
    ns, errors = run_cells(code_cells(nb, stop_at=TRAINING))
    assert not errors, errors
    return nb, ns


@pytest.fixture
def lenient(monkeypatch):
    """The held-out thresholds off: an untrained model passes them, so only the plumbing of Q2 is tested."""
    monkeypatch.setattr(checks_hw3, "MIN_HELD_OUT_ACCURACY", 0.0)
    monkeypatch.setattr(checks_hw3, "BASELINE_MARGIN", -1.0)


def hints(result):
    return [c.hint for c in result.checks if not c.passed] + [result.error or ""]


def question(qid, ns, seed=0):
    return run_question(QUESTIONS.get(qid), LocalSubmission(ns), np.random.default_rng(seed))


def scores(ns):
    return {qid: question(qid, ns).points for qid in ("Q1", "Q2", "Q3")}


def test_the_reference_scores_full_marks_without_the_held_out_thresholds(untrained, lenient):
    nb, ns = untrained
    assert scores(committed(ns, nb)) == {"Q1": 3, "Q2": 4, "Q3": 2}


def test_an_untrained_model_misses_the_baseline_and_the_stated_score(untrained):
    result = question("Q2", committed(*reversed(untrained)))
    assert result.points == 2 and sum("learned little" in h for h in hints(result)) == 2, result


def test_release_scores_zero_on_every_question():
    ns, errors = run_cells(code_cells(released("hw3")))
    assert errors and any("NotImplementedError" in e for e in errors)
    for result in run_checks("hw3", LocalSubmission(ns)):
        assert result.points == 0, result


def test_the_held_out_sentences_are_fixed_balanced_and_never_in_what_students_get():
    sentences, labels = heldout_hw3.held_out()
    assert len(sentences) == 530 and int(labels.sum()) == 266 and heldout_hw3.majority_accuracy() < 0.51
    data = load_hw3_reviews()
    given = {str(s) for split in ("train", "validation") for s in data[split][0]}
    assert not given & {str(s) for s in sentences}
    test = load_movie_reviews(seed=0)["test"][0]  # the lectures' test split: the keyed half of it, in its order
    assert [str(s) for s in test if heldout_hw3.is_held_out(s)] == [str(s) for s in sentences] and len(test) == 1056


BUILD = 'keras.layers.GRU(16, return_sequences=True, name="gru"), merge_mode="sum"'
MODEL_BUGS = [
    ("padding not masked", [("32, mask_zero=True,", "32,")], 1, r"padding\) is not masked: mask_zero=True"),
    ("directions concatenated", [(', merge_mode="sum"', "")], 1, r"merge_mode='concat'.*merge_mode='sum'"),
    ("an LSTM inside the wrapper", [(BUILD, BUILD.replace(".GRU(", ".LSTM("))], 1,
     r"expected 4,800, got 6,272; the wrapped layer is LSTM, not a GRU"),
    ("reset_after=False", [(BUILD, BUILD.replace("True,", "True, reset_after=False,"))], 1,
     r"expected 4,800, got 4,704; reset_after=False"),
    ("only the last step", [(BUILD, BUILD.replace("return_sequences=True, ", ""))], 3,
     r"found ndim=2.* - the recurrent layer returns only its last state: return_sequences=True"),
    ("max pooling", [("GlobalAveragePooling1D(", "GlobalMaxPooling1D(")], 1, r"GlobalMaxPooling1D ignores the mask"),
    ("no sigmoid", [('Dense(1, activation="sigmoid", ', "Dense(1, ")], 1, r"not sigmoid"),
    ("vocabulary hard-coded", [("Embedding(vocab_size, 32", "Embedding(10000, 32")], 1, r"don't hard-code it"),
]  # fmt: skip


@pytest.mark.parametrize("name, edits, lost, hint", MODEL_BUGS, ids=[b[0] for b in MODEL_BUGS])
def test_planted_model_bug_loses_q1_points_with_the_right_hint(untrained, name, edits, lost, hint):
    nb, ns = untrained
    result = question("Q1", planted(ns, nb, edits))
    assert result.points == 3 - lost and any(re.search(hint, h) for h in hints(result)), (name, result)


SELECTION_BUGS = [  # (name, edits of the configurations cell, edits of the comparison cell, hint)
    ("the loop's last model committed", [], [("\nmodel = candidates[chosen]", "\nmodel = candidate")],
     r"`model` is not candidates\['lr 1e-2'\].*not the last model the loop trained"),
    ("the worst candidate chosen", [], [("chosen = max(", "chosen = min(")],
     r"you chose 'lr 2e-2'.*'lr 1e-2' is better: commit to the best on validation"),
    ("a fresh model committed", [], [("\nmodel = candidates[chosen]", "\nmodel = build_model(vocab_size)")],
     r"its weights differ"),
    ("one configuration", [('{"lr 1e-2": slow, "lr 2e-2": fast}', '{"lr 1e-2": slow}')], [],
     r"at least two named configurations, got 1"),
    ("the same configuration twice", [('fast = {"learning_rate": 2e-2, "epochs": 2, "batch_size": 512}',
                                       "fast = dict(slow)")], [], r"are the same"),
]  # fmt: skip


@pytest.mark.parametrize("name, settings, compare, hint", SELECTION_BUGS, ids=[b[0] for b in SELECTION_BUGS])
def test_planted_selection_bug_loses_one_q2_point_with_the_right_hint(
    untrained, lenient, name, settings, compare, hint
):
    nb, ns = untrained
    ns = committed(planted(ns, nb, settings) if settings else ns, nb, compare)
    got, result = scores(ns), question("Q2", ns)
    assert got == {"Q1": 3, "Q2": 3, "Q3": 2} and any(re.search(hint, h) for h in hints(result)), (name, got, result)


def test_a_candidate_of_another_architecture_loses_one_q2_point(untrained, lenient):
    nb, ns = untrained
    concat = planted(ns, nb, [(', merge_mode="sum"', "")])["build_model"]
    ns = committed(ns, nb)
    ns["candidates"]["lr 2e-2"] = candidates(ns, build=concat)["lr 2e-2"]
    result = question("Q2", ns)
    assert result.points == 3 and any("candidates['lr 2e-2'] is not the required model" in h for h in hints(result))


ANSWER = "return (model.predict(ids, verbose=0)[:, 0] > 0.5).astype(int)"
GUARD = "    if no_words:\n        raise ValueError("
PREDICT_BUGS = [
    ("probabilities instead of labels", [(ANSWER, "return model.predict(ids, verbose=0)[:, 0]")], 1,
     r"return class labels, not probabilities"),
    ("shape (n, 1)", [(ANSWER, "return (model.predict(ids, verbose=0) > 0.5).astype(int)")], 1,
     r"flatten the \(n, 1\) predictions"),
    ("booleans", [(ANSWER, "return model.predict(ids, verbose=0)[:, 0] > 0.5")], 1, r"convert them with .astype\(int\)"),
    ("another threshold", [(ANSWER, ANSWER.replace("0.5", "0.9"))], 1, r"differ from the trained model's"),
    ("no check for a sentence without words", [(GUARD, "    if False:\n        raise ValueError(")], 1,
     r"has no words: its ids are all padding.*Raise ValueError"),
    ("another exception", [(GUARD, GUARD.replace("ValueError", "TypeError"))], 1,
     r"raised TypeError, expected ValueError"),
    ("a Python list", [(ANSWER, "return [int(p > 0.5) for p in model.predict(ids, verbose=0)[:, 0]]")], 0, None),
]  # fmt: skip


@pytest.mark.parametrize("name, edits, lost, hint", PREDICT_BUGS, ids=[b[0] for b in PREDICT_BUGS])
def test_planted_predict_bug_loses_q3_points(untrained, name, edits, lost, hint):
    nb, ns = untrained
    ns = committed(ns, nb, edits)
    if name == "another threshold":  # an untrained model's probabilities sit near its bias: put some above 0.9
        ns["model"].layers[-1].bias.assign(np.array([2.2], dtype="float32"))
    result = question("Q3", ns)
    assert result.points == 2 - lost, (name, result)
    assert hint is None or any(re.search(hint, h) for h in hints(result)), hints(result)


def test_a_committed_model_without_the_required_summary_scores_zero_on_q2(untrained):
    nb, ns = untrained
    ns = committed(ns, nb)
    ns["model"] = planted(ns, nb, [(', merge_mode="sum"', "")])["build_model"](ns["vocab_size"])
    result = question("Q2", ns)
    assert result.points == 0 and "is not the required model (Q1)" in result.error


FUNCTIONAL = """
def build_model(vocab_size):
    words = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, 32, mask_zero=True)(words)
    x = keras.layers.Bidirectional(keras.layers.GRU(16, return_sequences=True), merge_mode="sum")(x)
    x = keras.layers.GlobalAveragePooling1D()(x)
    return keras.Model(words, keras.layers.Dense(1, activation="sigmoid")(x))
"""


def test_a_functional_model_with_its_mask_row_is_graded_like_a_sequential_one(untrained):
    ns, errors = run_cells([FUNCTIONAL], dict(untrained[1]))
    assert not errors and question("Q1", ns).points == 3, hints(question("Q1", ns))
    unmasked, errors = run_cells([FUNCTIONAL.replace(", mask_zero=True", "")], dict(untrained[1]))
    assert question("Q1", unmasked).points == 2
