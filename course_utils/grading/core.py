"""What every assignment's checks share: questions, the student's objects seen from outside, hints.

A question is a function ``check(student, grade, rng)``. ``student`` is a :class:`Submission`: the
student's notebook as seen from the grader's process, whose objects can only be looked up and
called - inputs go in, raw outputs (plain data: numbers, strings, arrays, lists, dicts) come back,
and objects that are not data stay in the kernel as :class:`Remote` handles. ``rng`` draws the
question's inputs from the run's secret seed. The check compares, with references that live in this
process only, and awards points with :meth:`Grade.award`. Whatever the student's code does - raise,
loop forever, return NaN or the wrong shape, be missing, kill its kernel - the question ends with a
score and a hint, never with an exception:

* :func:`need` finds a name (or explains that its cell was deleted or not run);
* :func:`call` runs student code and turns any exception into a :class:`StudentError` hint;
* :func:`course_utils.grading.compare.array_problem` describes a wrong type, shape, dtype, NaN or infinity.

Two submissions exist: :class:`~course_utils.grading.runner.KernelSubmission` (a sandboxed kernel,
the grader) and :class:`LocalSubmission` (a namespace in this process, for the fast tests). Both go
through the same probe and the same encoding.
"""

import base64
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from course_utils.grading.report import Check, QuestionResult
from course_utils.selfcheck.wire import Ref, WireError, decode, encode


class QuestionTimeout(BaseException):
    """A question ran out of time (a BaseException, so ``except Exception`` in the checks cannot swallow it)."""


class KernelGone(BaseException):
    """The student's kernel died while a question was being checked."""


class StudentError(Exception):
    """A problem with the submission; its message is the hint shown to the student."""


class StudentRaised(Exception):
    """The student's code raised ``ename: evalue`` (turned into a hint by :func:`call`)."""

    def __init__(self, ename, evalue):
        super().__init__(f"{ename}: {evalue}")
        self.ename, self.evalue = ename, evalue


@contextmanager
def time_limit(seconds):
    """Raise :class:`QuestionTimeout` in the main thread after ``seconds`` (no limit elsewhere or for None)."""
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds <= 0):
        raise ValueError(f"a time limit must be a positive number of seconds (or None), got {seconds!r}.")
    usable = (
        seconds is not None and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def _alarm(signum, frame):
        raise QuestionTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---- the student's objects, from outside -------------------------------------------------------


class Remote:
    """A student object that stayed in the kernel: call it, call a method, read an attribute."""

    def __init__(self, submission, target, type_name="", bases=()):
        self.submission, self.target, self.type_name, self.bases = submission, target, type_name, list(bases)

    def __call__(self, *args, **kwargs):
        return self.submission.request("call", target=self.target, args=list(args), kwargs=kwargs)["value"]

    def method(self, name):
        return lambda *args, **kwargs: self.submission.request(
            "call", target=self.target, method=name, args=list(args), kwargs=kwargs
        )["value"]

    def attr(self, name, keep=False):
        """The attribute's value (plain data), or with ``keep`` a :class:`Remote` for it."""
        return self.submission.request("attr", target=self.target, name=name, keep=keep)

    def call_with_args(self, *args, **kwargs):
        """``(result, args afterwards)``: did the call change its arguments?"""
        answer = self.submission.request("call", target=self.target, args=list(args), kwargs=kwargs, return_args=True)
        return answer["value"], answer["args"]


class Submission:
    """The student's notebook seen from outside; subclasses implement :meth:`_exchange` (a request in, an answer out).

    ``cache`` keeps what the checks computed from this notebook's state (a rebuilt model) across questions.
    """

    cache = None

    def _exchange(self, request):
        raise NotImplementedError

    def _ref(self, id, type_name):
        return Remote(self, Ref(id, type_name), type_name)

    def _plain(self, value):  # Remote handles back to the references the probe knows
        if isinstance(value, Remote):
            return value.target
        if isinstance(value, (list, tuple)):
            return type(value)(self._plain(v) for v in value)
        if isinstance(value, dict):
            return {k: self._plain(v) for k, v in value.items()}
        return value

    def request(self, op, **fields):
        """Send one request; the answer's value, or raise StudentRaised / StudentError / QuestionTimeout / KernelGone."""
        answer = self._exchange({"op": op, **self._plain(fields)})
        if "ok" in answer:
            return answer["ok"]
        if "error" in answer and isinstance(answer["error"], (list, tuple)) and len(answer["error"]) == 2:
            raise StudentRaised(str(answer["error"][0])[:100], str(answer["error"][1])[:500])
        raise StudentError(f"the grader could not get an answer from your notebook: {str(answer.get('fault'))[:200]}")

    def describe(self, name):
        info = self.request("describe", name=name)
        if not isinstance(info, dict):
            raise StudentError("the grader could not look up your objects (a malformed answer)")
        return info


class LocalSubmission(Submission):
    """A namespace in this process (a dict), through the same probe and encoding as a kernel."""

    def __init__(self, ns):
        from course_utils.selfcheck.probe import LocalProbe

        self.probe, self.cache = LocalProbe(ns), {}

    def _exchange(self, request):
        data = base64.b64decode(self.probe.answer(base64.b64encode(encode(request)).decode()))
        try:
            return decode(data, refs=self._ref)
        except WireError as exc:
            return {"fault": str(exc)}


def need(student, name, kind="function"):
    """A :class:`Remote` for the student's ``name``, checked: defined, and of the right kind."""
    info = student.describe(name)
    if not info.get("defined"):
        raise StudentError(f"`{name}` is not defined: its cell was deleted, renamed, or never ran "
                           "(an earlier error or the time limit stops the notebook). Keep the given names.")  # fmt: skip
    what = str(info.get("type", "?"))[:60]
    if kind == "function" and not info.get("callable"):
        raise StudentError(f"`{name}` should be a function, but it is a {what} (was it overwritten?).")
    if kind == "class" and not info.get("is_class"):
        raise StudentError(f"`{name}` should be a class, but it is a {what}.")
    bases = (
        [str(b) for b in info["bases"]] if isinstance(info.get("bases"), list) else []
    )  # a class's, as the kernel says
    return Remote(student, name, what, bases)


def short(exc):
    text = str(exc).strip().splitlines()
    text = text[0] if text else ""
    return text if len(text) <= 240 else text[:237] + "..."


def call(fn, *args, what, **kwargs):
    """``fn(*args, **kwargs)`` on the student's side; an exception there becomes a :class:`StudentError` hint."""
    try:
        return fn(*args, **kwargs)
    except StudentRaised as exc:
        if exc.ename == "NotImplementedError":
            raise StudentError(f"{what} is not implemented yet: it still raises NotImplementedError "
                               "(replace `raise NotImplementedError()` with your code).") from None  # fmt: skip
        raise StudentError(f"{what} raised {exc.ename}: {short(exc.evalue)}") from None


# ---- questions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    id: str
    title: str
    points: int
    check: object  # check(student, grade, rng)
    names: tuple = ()  # the student's objects it grades (for the static checks)
    forbidden: tuple = ()  # dotted names their code may not use (Keras' own GRU, ...)
    anywhere: tuple = ()  # names (and "text:" fragments) no cell may use: data the question must not see


class QuestionSet(list):
    """An assignment's questions; ``@questions.add("Q1", "title", points, names=(...))`` registers a check."""

    def add(self, qid, title, points, names=(), forbidden=(), anywhere=()):
        def register(check):
            self.append(Question(qid, title, points, check, tuple(names), tuple(forbidden), tuple(anywhere)))
            return check

        return register

    def get(self, qid):
        for q in self:
            if q.id == qid:
                return q
        raise ValueError(f"no question {qid!r}; choose one of {', '.join(q.id for q in self)}.")


class Grade:
    """The checks of one question as they run: points awarded and the hint of each failure."""

    def __init__(self, question):
        self.result = QuestionResult(question.id, question.title, question.points)

    def award(self, label, points, passed, hint=None, public=False):
        """Record one check worth ``points``; ``hint`` says what to fix when it failed."""
        self.result.checks.append(Check(label, points if passed else 0, points, bool(passed),
                                        None if passed else (hint or "incorrect"), public))  # fmt: skip
        return bool(passed)


def run_public(student, grade, cases):
    """The question's public checks (the students' self-check cases), recorded as 0-point checks."""
    from course_utils.selfcheck.public import run_case

    for case in cases:
        hint = run_case(lambda request: student._exchange(student._plain(request)), case)
        grade.award(f"public check: {case['label']}", 0, hint is None, hint, public=True)


def run_question(question, student, rng, limit=None, public=()):
    """Run one question's hidden checks, then its ``public`` cases; always returns a :class:`QuestionResult`.

    Points come from the hidden checks (random inputs from ``rng``); the public checks, which the
    student's self-check runs, are reported alongside. ``limit`` (seconds) is enforced here with
    SIGALRM for a :class:`LocalSubmission`; a kernel submission enforces its own per-request
    deadline and raises :class:`QuestionTimeout` itself.
    """
    grade, start = Grade(question), time.perf_counter()
    try:
        with time_limit(limit if isinstance(student, LocalSubmission) else None):
            question.check(student, grade, rng)
            run_public(student, grade, public)
    except StudentError as exc:
        grade.result.error = str(exc)
    except QuestionTimeout:
        grade.result.error = (f"time limit: the checks of {question.id} did not finish within {limit:g} s "
                              "(an infinite loop, or far too slow?).")  # fmt: skip
    except KernelGone:
        grade.result.error = (f"your kernel died while {question.id} was checked (os._exit, a crash, or the "
                              "memory limit); the kernel was restarted for the next question")  # fmt: skip
    except (Exception, SystemExit) as exc:  # a bug in the checks, or an answer they did not expect
        grade.result.error = f"the check stopped with {type(exc).__name__}: {short(exc)}"
    grade.result.seconds = round(time.perf_counter() - start, 3)
    return grade.result


def run_checks(assignment, student, seed=0, only=None, question_limit=None):
    """Run ``assignment``'s questions (``only``: ids) on a submission; the list of results."""
    from course_utils.grading.assignments import get_assignment, question_rng

    spec = get_assignment(assignment)
    limit = spec.question_limit if question_limit is None else question_limit
    from course_utils.selfcheck.public import load_cases

    wanted = [only] if isinstance(only, str) else only
    questions = list(spec.questions) if wanted is None else [spec.questions.get(q) for q in wanted]
    cases = load_cases(assignment)
    return [run_question(q, student, question_rng(seed, q.id), limit, cases.get(q.id, ())) for q in questions]
