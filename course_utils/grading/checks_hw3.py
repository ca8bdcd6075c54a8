"""Assignment 3 checks: a bidirectional LSTM sentiment model with a required summary and a held-out score.

* Q1 calls ``build_model(vocab_size)`` with a vocabulary size the notebook never uses, rebuilds the model
  in the grader's process (:mod:`course_utils.grading.rebuild`) and checks it against
  :func:`required_summary` with :func:`course_utils.summaries.assert_summary`, row by row.
* Q2 rebuilds the notebook's trained ``model`` (configuration and weights) and ``vectorizer`` in the
  grader's process and evaluates them ITSELF on the held-out test split of ``load_movie_reviews(seed=0)``
  (the student's printed number is not trusted); the model must have the required summary.
* Q3 calls ``predict_sentiment(texts)`` on test sentences: labels 0/1, shape (n,), consistent with the model.
"""

import numpy as np

from course_utils._keras import keras
from course_utils.grading.core import QuestionSet, StudentError, call, need
from course_utils.grading.rebuild import rebuild_model, rebuild_vectorizer
from course_utils.selfcheck.sentiment_model import (
    EMBEDDING_DIM,
    LSTM_UNITS,
    MIN_TEST_ACCURACY,
    PARTIAL_TEST_ACCURACY,
    required_summary,
)
from course_utils.summaries import SummaryRow, assert_summary, summary_rows

QUESTIONS = QuestionSet()
CHECK_VOCABULARY = 1234  # Q1 builds with this size, so a hard-coded vocabulary shows


ROW_HINTS = {
    "Embedding": f"keras.layers.Embedding(vocab_size, {EMBEDDING_DIM}) on keras.Input(shape=(None,), dtype='int32'): "
                 f"output (None, None, {EMBEDDING_DIM}), vocab_size·{EMBEDDING_DIM} parameters - use the vocab_size argument, "
                 "don't hard-code it",
    "Bidirectional": f"keras.layers.Bidirectional(keras.layers.LSTM({LSTM_UNITS})): both directions' final states "
                     f"side by side, (None, {2 * LSTM_UNITS}) - return_sequences=False, since the Dense layer needs one "
                     "vector per sentence",
    "Dense": "keras.layers.Dense(1, activation='sigmoid'): one probability per sentence",
}  # fmt: skip


def _summary_problems(model, vocab_size):
    """``{layer class: hint}`` for each required row ``model`` gets wrong (``{}``: it has the required summary)."""
    if not isinstance(model, keras.Model):
        raise StudentError(f"expected a keras Model (e.g. keras.Sequential([...])), got {type(model).__name__}.")
    try:
        rows = summary_rows(model)
    except ValueError as exc:
        raise StudentError(str(exc)) from None
    want = required_summary(vocab_size)
    inputs = [SummaryRow("InputLayer", tuple(r.output_shape), 0) for r in rows if r.layer_class == "InputLayer"][:1]
    try:  # the oracle: assert_summary against the required rows (a functional model's input row included)
        assert_summary(model, {**want, "rows": inputs + want["rows"]})
        message = None
    except AssertionError as exc:
        message = str(exc).split("\n\n")[0]
    pairs = [(r, layer) for r, layer in zip(rows, model.layers) if r.layer_class != "InputLayer"]
    if len(pairs) != len(want["rows"]):
        found = ", ".join(r.layer_class for r, _ in pairs)
        return {
            w.layer_class: f"the model has {len(pairs)} layers ({found}); the required summary has 3"
            for w in want["rows"]
        }
    problems = {}
    for row, (got, layer) in zip(want["rows"], pairs):
        cls, shape, params = row.layer_class, tuple(row.output_shape), row.params
        checks = (("class", cls, got.layer_class), ("output shape", shape, tuple(got.output_shape)),
                  ("parameters", f"{params:,}", f"{got.params:,}"))  # fmt: skip
        wrong = [f"{what}: expected {w}, got {g}" for what, w, g in checks if w != g]
        # what a summary does not show: the wrapped layer's type and the output's activation
        inner = getattr(layer, "forward_layer", None)
        if cls == "Bidirectional" and got.layer_class == cls and not isinstance(inner, keras.layers.LSTM):
            wrong.append(f"the wrapped layer is {type(inner).__name__}, not an LSTM")
        activation = getattr(getattr(layer, "activation", None), "__name__", "")
        if cls == "Dense" and got.layer_class == cls and activation != "sigmoid":
            wrong.append(f"the activation is {activation or layer.activation}, not sigmoid")
        if wrong:
            problems[cls] = f"{'; '.join(wrong)}. {ROW_HINTS[cls]}"
    if message and not problems:  # e.g. the input row: every row is marked, with assert_summary's own words
        problems = {w.layer_class: message for w in want["rows"]}
    return problems


def _rebuilt(remote, what, weights=True):
    """The student's Keras model ``remote`` (in the kernel), rebuilt here from its JSON and weights."""
    if not hasattr(remote, "method"):
        raise StudentError(f"expected a keras Model (e.g. keras.Sequential([...])), got {type(remote).__name__}.")
    text = call(remote.method("to_json"), what=f"{what}.to_json()")
    values = call(remote.method("get_weights"), what=f"{what}.get_weights()") if weights else None
    return rebuild_model(text, values)


@QUESTIONS.add("Q1", "build_model: the required summary", 3, names=("build_model",))
def check_build_model(student, grade, rng):
    fn = need(student, "build_model")
    model = _rebuilt(call(fn, CHECK_VOCABULARY, what=f"build_model({CHECK_VOCABULARY})"), "the model", weights=False)
    problems = _summary_problems(model, CHECK_VOCABULARY)
    rows = (
        ("Embedding", "row 1: Embedding"),
        ("Bidirectional", "row 2: Bidirectional(LSTM)"),
        ("Dense", "row 3: Dense(1, sigmoid)"),
    )
    for cls, label in rows:
        grade.award(label, 1, cls not in problems, problems.get(cls))


def _test_split():
    from course_utils.datasets import load_movie_reviews

    return load_movie_reviews(seed=0)["test"]


def trained(student):
    """The notebook's trained ``model`` and its ``vectorizer``, rebuilt here (once per submission); checked
    against the required summary."""
    if "trained" not in student.cache:
        try:
            student.cache["trained"] = _trained(student)
        except StudentError as exc:
            student.cache["trained"] = exc
    if isinstance(student.cache["trained"], StudentError):
        raise student.cache["trained"]
    return student.cache["trained"]


def _trained(student):
    model = _rebuilt(need(student, "model", kind="object"), "`model`")
    remote = need(student, "vectorizer", kind="object")
    config = call(remote.method("get_config"), what="vectorizer.get_config()")
    vectorizer = rebuild_vectorizer(config, call(remote.method("get_vocabulary"), what="vectorizer.get_vocabulary()"))
    problems = _summary_problems(model, int(vectorizer.vocabulary_size()))
    if problems:
        rows = "; ".join(f"{cls}: {hint}" for cls, hint in problems.items())
        raise StudentError(f"the trained `model` does not have the required summary (Q1): {rows}")
    return model, vectorizer


def _probabilities(model, vectorizer, texts):
    """The rebuilt model's probabilities of "positive" for ``texts`` (computed here, in the grader)."""
    ids = vectorizer(np.asarray(texts, dtype=object))
    p = np.asarray(model.predict(ids, batch_size=256, verbose=0), dtype=np.float64)
    if p.shape != (len(texts), 1):
        raise StudentError(f"model.predict gives shape {p.shape}, expected ({len(texts)}, 1).")
    if not np.all(np.isfinite(p)) or p.min() < 0 or p.max() > 1:
        raise StudentError("the model's outputs are not probabilities in [0, 1] (NaN, or no sigmoid?).")
    return p[:, 0]


@QUESTIONS.add(
    "Q2", f"the trained model: held-out test accuracy ≥ {MIN_TEST_ACCURACY}", 4, names=("model", "vectorizer")
)
def check_accuracy(student, grade, rng):
    texts, labels = _test_split()
    accuracy = float(np.mean((_probabilities(*trained(student), texts) > 0.5).astype(int) == labels))
    hint = (f"test accuracy {accuracy:.3f} < {MIN_TEST_ACCURACY}: "
            + ("about chance - did the model train (loss going down, labels matching the inputs)?" if accuracy < 0.6 else
               "train a little longer or with another learning rate; watch the validation accuracy for overfitting"))  # fmt: skip
    grade.award(f"test accuracy ≥ {PARTIAL_TEST_ACCURACY}", 2, accuracy >= PARTIAL_TEST_ACCURACY, hint)
    grade.award(f"test accuracy ≥ {MIN_TEST_ACCURACY} (the stated score)", 2, accuracy >= MIN_TEST_ACCURACY, hint)


@QUESTIONS.add("Q3", "predict_sentiment: labels 0/1 for a list of sentences", 2, names=("predict_sentiment",))
def check_predict(student, grade, rng):
    fn = need(student, "predict_sentiment")
    test = _test_split()[0]
    texts = [str(t) for t in test[np.sort(rng.choice(len(test), 200, replace=False))]]
    got = call(fn, list(texts), what="predict_sentiment(list of 200 sentences)")
    array = np.asarray(got) if got is not None else None
    if array is None or array.dtype == object:
        problem = f"predict_sentiment should return a NumPy array of 0/1 labels, got {type(got).__name__}"
    elif array.shape != (len(texts),):
        column = array.shape == (len(texts), 1)
        problem = (f"the labels have shape {array.shape}, expected ({len(texts)},): one label per sentence"
                   + (" - flatten the (n, 1) predictions with [:, 0] or .ravel()" if column else ""))  # fmt: skip
    elif array.dtype == bool:
        problem = "the labels are booleans: convert them with .astype(int)"
    elif not np.issubdtype(array.dtype, np.integer):
        problem = (f"the labels have dtype {array.dtype}: return class labels, not probabilities - "
                   "(probabilities > 0.5).astype(int)")  # fmt: skip
    elif not set(np.unique(array)) <= {0, 1}:
        problem = f"labels must be 0 (negative) or 1 (positive), got values {sorted(set(np.unique(array)))[:5]}"
    else:
        problem = None
    if not grade.award("integer labels 0/1 of shape (n,)", 1, problem is None, problem):
        return
    expected = (_probabilities(*trained(student), texts) > 0.5).astype(int)
    disagree = int(np.sum(array != expected))
    grade.award("the same labels as model.predict(...) > 0.5", 1, disagree <= 2,
                f"your labels differ from the trained model's (probability > 0.5) on {disagree} of {len(texts)} "
                "sentences: encode with the notebook's vectorizer and threshold at 0.5")  # fmt: skip
