"""Assignment 3 checks: a masked bidirectional GRU with a mean-pooling head, a model chosen on validation,
and scored by the grader on held-out sentences students never get.

* Q1 calls ``build_model(vocab_size)`` with a vocabulary size the notebook never uses, rebuilds the model in
  the grader's process (:mod:`course_utils.grading.rebuild`), compares its summary with :func:`~course_utils.grading.model_hw3.required_rows`
  row by row and what a summary does not show (the wrapped GRU, ``merge_mode``, the mask, the sigmoid), then
  gives it random weights from the run's secret seed and checks that padding changes no prediction.
* Q2 reads ``configurations``, rebuilds each trained model of ``candidates`` and the ``vectorizer``, measures every
  candidate's validation accuracy ITSELF, checks that ``chosen`` is the best and that ``model`` is that candidate,
  and scores ``model`` on the held-out sentences (:mod:`course_utils.grading.heldout_hw3`) against the stated
  threshold and the majority baseline. Reading the movie reviews other than through ``load_hw3_reviews``, in any
  cell, flags Q2 for manual review (``DATA_READS``).
* Q3 calls ``predict_sentiment`` on validation sentences (held-out ones never leave this process) and on a list
  holding a sentence with no words, which must raise ``ValueError`` (its masked mean would be 0 / 0).
"""

import re

import numpy as np

from course_utils._keras import keras
from course_utils.grading import heldout_hw3
from course_utils.grading.core import QuestionSet, StudentError, StudentRaised, call, need
from course_utils.grading.model_hw3 import PARTS, architecture_problems
from course_utils.grading.rebuild import rebuild_model, rebuild_vectorizer

QUESTIONS = QuestionSet()
MIN_HELD_OUT_ACCURACY = 0.74  # the stated score, ~1.5 standard errors (530 sentences) under the reference's 0.77-0.79
BASELINE_MARGIN = 0.10
CHECK_VOCABULARY = 1234  # Q1 builds with this size, so a hard-coded vocabulary shows
TIE = 0.002  # validation accuracies this close (two sentences of 1,056) count as equally good
WORDS = re.compile(r"[^\W_]")  # a sentence with no letter or digit has no ids after TextVectorization
# Q2's score must not have seen the held-out sentences: the only way to the movie reviews is load_hw3_reviews
DATA_READS = ("load_movie_reviews", "read_bytes", "cache_dir", "dataset_dir", "DEFAULT_CACHE_DIR", "DATA_DIR",
              "course_utils.datasets.cache", "course_utils.datasets.fetch", "course_utils.datasets.registry",
              "course_utils.datasets.text", "text:movie_reviews", "text:movieReviewSnippets", "text:vaderSentiment",
              "text:COURSE_DATA_DIR", "text:data/cache")  # fmt: skip


def _outputs(model, ids):
    """``model(ids)`` as float64 NumPy: a direct call, no ``predict`` (whose tracing costs more than the maths here)."""
    return np.asarray(keras.ops.convert_to_numpy(model(ids, training=False)), dtype=np.float64)


def _padding_change(model, rng):
    """The largest change of the model's outputs when sentences get more padding (random weights from ``rng``)."""
    model.set_weights([rng.normal(0.0, 0.5, np.shape(w)).astype("float32") for w in model.get_weights()])
    lengths = rng.integers(3, 10, size=6)
    ids = np.zeros((6, 24), dtype="int32")
    for row, n in enumerate(lengths):
        ids[row, :n] = rng.integers(2, CHECK_VOCABULARY, size=n)
    short, long = (_outputs(model, ids[:, :k]) for k in (12, 24))
    return float(np.max(np.abs(short - long)))


def _rebuilt(remote, what, weights=True):
    """The student's Keras model ``remote`` (in the kernel), rebuilt here from its JSON and weights."""
    if not hasattr(remote, "method"):
        raise StudentError(
            f"{what} should be a keras Model (e.g. keras.Sequential([...])), got {type(remote).__name__}."
        )
    text = call(remote.method("to_json"), what=f"{what}.to_json()")
    values = call(remote.method("get_weights"), what=f"{what}.get_weights()") if weights else None
    return rebuild_model(text, values)


@QUESTIONS.add("Q1", "build_model: a masked bidirectional GRU with a mean-pooling head", 3, names=("build_model",))
def check_build_model(student, grade, rng):
    fn = need(student, "build_model")
    try:
        remote = call(fn, CHECK_VOCABULARY, what=f"build_model({CHECK_VOCABULARY})")
    except StudentError as exc:
        if "expected ndim=3, found ndim=2" in str(exc):  # pooling over a recurrent layer that returns one vector
            raise StudentError(f"{exc} - the recurrent layer returns only its last state: return_sequences=True, so "
                               "the pooling layer gets every step") from None  # fmt: skip
        raise
    model = _rebuilt(remote, "the model", weights=False)
    problems = architecture_problems(model, CHECK_VOCABULARY)
    if "head" not in problems and "embedding" not in problems:
        try:
            change = _padding_change(model, rng)
        except Exception as exc:  # a model Keras cannot run on a batch of ids
            change, problems["head"] = None, f"the model does not run on a batch of word ids: {str(exc)[:200]}"
        if change is not None and not change <= 1e-5:
            problems["head"] = (f"more padding changes the prediction (by up to {change:.2g}): every layer after the "
                                f"embedding must follow its mask. {PARTS['head']}")  # fmt: skip
    labels = (("embedding", "Embedding(vocab_size, 32) with padding masked"),
              ("recurrent", "Bidirectional(GRU(16)) over every step, directions summed"),
              ("head", "masked mean over the words, Dense(1, sigmoid): padding changes nothing"))  # fmt: skip
    for part, label in labels:
        grade.award(label, 1, part not in problems, problems.get(part))


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
    problems = architecture_problems(model, int(vectorizer.vocabulary_size()))
    if problems:
        raise StudentError(f"the trained `model` is not the required model (Q1): {'; '.join(problems.values())}")
    return model, vectorizer


def _probabilities(model, vectorizer, texts):
    """The rebuilt model's probabilities of "positive" for ``texts`` (computed here, in the grader)."""
    ids = vectorizer(np.asarray(texts, dtype=object))
    p = _outputs(model, ids)
    if p.shape != (len(texts), 1):
        raise StudentError(f"the model gives shape {p.shape}, expected ({len(texts)}, 1).")
    if not np.all(np.isfinite(p)) or p.min() < 0 or p.max() > 1:
        raise StudentError("the model's outputs are not probabilities in [0, 1] (NaN, or no sigmoid?).")
    return p[:, 0]


def _accuracy(model, vectorizer, sentences, labels):
    keep = np.array([bool(WORDS.search(str(s))) for s in sentences])  # a sentence with no words has no prediction
    return float(np.mean((_probabilities(model, vectorizer, sentences[keep]) > 0.5) == labels[keep]))


def _configurations(student):
    """``(configurations, problem or None)``: at least two named settings, all different."""
    need(student, "configurations", kind="object")
    configurations = student.request("get", name="configurations")
    if not isinstance(configurations, dict) or len(configurations) < 2:
        size = len(configurations) if isinstance(configurations, dict) else type(configurations).__name__
        return configurations, (f"`configurations` should be a dict of at least two named configurations, got {size}: "
                                "compare at least two settings (learning rates, epochs ...) on the validation split")  # fmt: skip
    settings = [repr(sorted((str(k), repr(v)) for k, v in c.items())) if isinstance(c, dict) else repr(c)
                for c in configurations.values()]  # fmt: skip
    if len(set(settings)) < len(settings):
        return configurations, "two of your `configurations` are the same: a comparison needs settings that differ"
    return configurations, None


def _compared(student, vectorizer):
    """``({candidate: (validation accuracy, weights)}, problem or None)``: the candidates, rebuilt and measured here."""
    configurations, problem = _configurations(student)
    need(student, "candidates", kind="object")
    candidates = student.request("get", name="candidates")
    if not isinstance(candidates, dict) or not candidates:
        raise StudentError(f"`candidates` should map each configuration's name to the model trained with it, got "
                           f"{type(candidates).__name__}")  # fmt: skip
    if problem is None and set(candidates) != set(configurations):
        problem = (f"`candidates` should have one trained model per configuration ({', '.join(map(str, configurations))}), "
                   f"got {', '.join(map(str, candidates))}")  # fmt: skip
    vocab = int(vectorizer.vocabulary_size())
    sentences, labels = heldout_hw3.validation()
    accuracies = {}
    for name, remote in candidates.items():
        rebuilt = _rebuilt(remote, f"candidates[{name!r}]")
        wrong = architecture_problems(rebuilt, vocab)
        if wrong and problem is None:
            problem = f"candidates[{name!r}] is not the required model (Q1): {'; '.join(wrong.values())}"
        accuracies[name] = (_accuracy(rebuilt, vectorizer, sentences, labels), rebuilt.get_weights())
    return accuracies, problem


def _choice_problem(student, accuracies, model):
    need(student, "chosen", kind="object")
    chosen = student.request("get", name="chosen")
    if not isinstance(chosen, str) or chosen not in accuracies:
        return f"`chosen` should be the name of one of your candidates ({', '.join(map(str, accuracies))}), got {chosen!r:.60}"
    table = ", ".join(f"{name} {acc:.3f}" for name, (acc, _) in accuracies.items())
    best = max(accuracies, key=lambda name: accuracies[name][0])
    if accuracies[chosen][0] < accuracies[best][0] - TIE:
        return (f"you chose {chosen!r}, but on the validation split (measured by the grader: {table}) {best!r} is "
                "better: commit to the best on validation - never by training accuracy or loss, nor by a test score")  # fmt: skip
    weights = accuracies[chosen][1]
    same = len(weights) == len(model.get_weights()) and all(
        np.shape(a) == np.shape(b) and np.array_equal(a, b) for a, b in zip(weights, model.get_weights())
    )
    if not same:
        return (f"`model` is not candidates[{chosen!r}] (its weights differ): set model = candidates[chosen] - "
                "not the last model the loop trained, and do not train it again")  # fmt: skip
    return None


@QUESTIONS.add("Q2", f"model selection on validation; held-out accuracy ≥ {MIN_HELD_OUT_ACCURACY}", 4,
               names=("configurations", "candidates", "chosen", "model", "vectorizer"), anywhere=DATA_READS)  # fmt: skip
def check_selection(student, grade, rng):
    model, vectorizer = trained(student)
    try:
        accuracies, problem = _compared(student, vectorizer)
    except StudentError as exc:
        accuracies, problem = None, str(exc)
    grade.award("two or more configurations compared, each a trained required model", 1, problem is None, problem)
    choice = (
        "compare the candidates first (above)" if accuracies is None else _choice_problem(student, accuracies, model)
    )
    grade.award("`chosen` is the best candidate on validation, and `model` is it", 1, choice is None, choice)
    sentences, labels = heldout_hw3.held_out()
    accuracy, baseline = _accuracy(model, vectorizer, sentences, labels), heldout_hw3.majority_accuracy()
    chance = (f"held-out accuracy {accuracy:.3f}, the majority baseline {baseline:.3f}: the model has learned little - did "
              "it train (loss going down, labels matching the inputs)?")  # fmt: skip
    grade.award(f"held-out accuracy ≥ majority baseline + {BASELINE_MARGIN}", 1, accuracy >= baseline + BASELINE_MARGIN,
                chance)  # fmt: skip
    grade.award(f"held-out accuracy ≥ {MIN_HELD_OUT_ACCURACY} (the stated score)", 1, accuracy >= MIN_HELD_OUT_ACCURACY,
                chance if accuracy < baseline + BASELINE_MARGIN else
                f"held-out accuracy {accuracy:.3f} < {MIN_HELD_OUT_ACCURACY}: compare other settings (a learning rate, "
                "the number of epochs) on the validation split")  # fmt: skip


def _label_problem(got, n):
    array = np.asarray(got) if got is not None else None
    if array is None or array.dtype == object:
        return f"predict_sentiment should return a NumPy array of 0/1 labels, got {type(got).__name__}"
    if array.shape != (n,):
        column = " - flatten the (n, 1) predictions with [:, 0] or .ravel()" if array.shape == (n, 1) else ""
        return f"the labels have shape {array.shape}, expected ({n},): one label per sentence{column}"
    if array.dtype == bool:
        return "the labels are booleans: convert them with .astype(int)"
    if not np.issubdtype(array.dtype, np.integer):
        return f"the labels have dtype {array.dtype}: return class labels, not probabilities - (probabilities > 0.5).astype(int)"
    if not set(np.unique(array)) <= {0, 1}:
        return f"labels must be 0 (negative) or 1 (positive), got values {sorted(set(np.unique(array)))[:5]}"
    return None


@QUESTIONS.add("Q3", "predict_sentiment: labels 0/1, a clear error for a sentence without words", 2,
               names=("predict_sentiment",))  # fmt: skip
def check_predict(student, grade, rng):
    fn = need(student, "predict_sentiment")
    sentences = heldout_hw3.validation()[0]
    texts = [str(t) for t in sentences[np.sort(rng.choice(len(sentences), 200, replace=False))] if WORDS.search(t)]
    got = call(fn, list(texts), what=f"predict_sentiment(list of {len(texts)} sentences)")
    problem = _label_problem(got, len(texts))
    if problem is None:
        expected = (_probabilities(*trained(student), texts) > 0.5).astype(int)
        disagree = int(np.sum(np.asarray(got) != expected))
        if disagree > 2:
            problem = (f"your labels differ from the trained model's (probability > 0.5) on {disagree} of {len(texts)} "
                       "sentences: encode with the notebook's vectorizer, use `model`, threshold at 0.5")  # fmt: skip
    grade.award("labels 0/1 of shape (n,): the trained model's, probability > 0.5", 1, problem is None, problem)
    empty = str(rng.choice(["", "...", " !? ", "--"]))
    batch = texts[:3]
    batch.insert(int(rng.integers(0, 4)), empty)
    try:
        fn(batch)
        wrong = (f"predict_sentiment({batch!r:.80}) returned labels, but {empty!r} has no words: its ids are all padding, "
                 "the masked mean is 0 / 0 and the probability NaN. Raise ValueError naming the sentence")  # fmt: skip
    except StudentRaised as exc:
        wrong = (
            None if exc.ename == "ValueError" else f"a sentence without words raised {exc.ename}, expected ValueError"
        )
    grade.award("a sentence without words raises ValueError", 1, wrong is None, wrong)
