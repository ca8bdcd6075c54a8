"""What every assignment's checks share: questions, partial points, hints, time limits.

A question is a function ``check(ns, grade)`` that looks up the student's objects in the
notebook's namespace ``ns``, calls them on RANDOM inputs and weights, compares with a
reference and awards points with :meth:`Grade.award`. Whatever the student's code does -
raise, loop forever, return NaN, the wrong shape or dtype, be missing because a cell was
deleted - the question ends with a score and a hint, never with an exception:

* :func:`need` finds a name (or explains that its cell was deleted or not run) and refuses
  the course's own reference implementations (``course_utils.numpy_gated`` ...);
* :func:`call` runs student code and turns any exception into a :class:`StudentError` hint;
* :func:`course_utils.grading.compare.array_problem` describes a wrong type, shape, dtype, NaN or infinity;
* :func:`time_limit` stops a question after ``question_limit`` seconds (SIGALRM).

``self_check("hw1", "Q1", globals())`` runs the same checks inside a notebook.
"""

import json
import os
import signal
import threading
import time
import types
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# The course's reference implementations: a graded answer may not delegate to them.
REFERENCE_MODULES = (
    "course_utils.numpy_rnn", "course_utils.numpy_gated", "course_utils.cells", "course_utils.params",
    "course_utils.clipping", "course_utils.gradcheck", "course_utils.explain", "course_utils.grading",
)  # fmt: skip


class QuestionTimeout(BaseException):
    """Raised by :func:`time_limit` (a BaseException, so ``except Exception`` in student code cannot swallow it)."""


class StudentError(Exception):
    """A problem with the submission; its message is the hint shown to the student."""


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


@dataclass(frozen=True)
class Question:
    id: str
    title: str
    points: int
    check: object  # check(ns, grade)


class QuestionSet(list):
    """An assignment's questions; ``@questions.add("Q1", "title", points)`` registers a check."""

    def add(self, qid, title, points):
        def register(check):
            self.append(Question(qid, title, points, check))
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
        self.question, self.checks, self.error = question, [], None

    def award(self, label, points, passed, hint=None):
        """Record one check worth ``points``; ``hint`` says what to fix when it failed."""
        self.checks.append({"label": label, "points": points if passed else 0, "max_points": points,
                            "passed": bool(passed), "hint": None if passed else (hint or "incorrect")})  # fmt: skip
        return bool(passed)

    @property
    def points(self):
        return sum(c["points"] for c in self.checks)


# ---- looking up and calling student code -------------------------------------------------------


def _origin(obj):
    try:
        return obj.__name__ if isinstance(obj, types.ModuleType) else str(getattr(obj, "__module__", "") or "")
    except Exception:  # an object whose attributes misbehave is not one of ours
        return ""


def _is_reference(module_name):
    return any(module_name == m or module_name.startswith(m + ".") for m in REFERENCE_MODULES)


def _code_objects(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def borrowed(obj):
    """The course reference that ``obj`` is or calls (``"course_utils.numpy_gated"``), else None."""
    if _is_reference(_origin(obj)):
        return _origin(obj)
    functions = [obj]
    if isinstance(obj, type):
        for base in obj.__mro__[1:]:
            if _is_reference(_origin(base)):
                return f"{_origin(base)}.{base.__name__}"
        functions = [v for c in obj.__mro__ if c.__module__ == obj.__module__ for v in vars(c).values()]
    for fn in functions:
        fn = getattr(fn, "__func__", fn)
        if not isinstance(fn, types.FunctionType):
            continue
        for code in _code_objects(fn.__code__):
            for name in code.co_names:
                if name.startswith("course_utils.") and _is_reference(name):
                    return name
                target = fn.__globals__.get(name)
                if target is not None and not isinstance(target, (int, float, str)) and _is_reference(_origin(target)):
                    return _origin(target)
    return None


def need(ns, name, kind="function", own_work=True):
    """``ns[name]``, checked: defined, of the right kind and (``own_work``) not the course's reference."""
    if name not in ns:
        raise StudentError(f"`{name}` is not defined: its cell was deleted, renamed, or never ran "
                           "(an earlier error or the time limit stops the notebook). Keep the given names.")  # fmt: skip
    obj = ns[name]
    if kind == "function" and not callable(obj):
        raise StudentError(f"`{name}` should be a function, but it is a {type(obj).__name__} (was it overwritten?).")
    if kind == "class" and not isinstance(obj, type):
        raise StudentError(f"`{name}` should be a class, but it is a {type(obj).__name__}.")
    source = borrowed(obj) if own_work and kind in ("function", "class") else None
    if source:
        raise StudentError(f"`{name}` uses the course's reference implementation ({source}): "
                           "the homework asks for your own code.")  # fmt: skip
    return obj


def short(exc):
    text = str(exc).strip().splitlines()
    text = text[0] if text else ""
    return text if len(text) <= 240 else text[:237] + "..."


def call(fn, *args, what, **kwargs):
    """``fn(*args, **kwargs)``; any exception in student code becomes a :class:`StudentError` hint."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise StudentError(f"{what} is not implemented yet: it still raises NotImplementedError "
                           "(replace `raise NotImplementedError()` with your code).") from None  # fmt: skip
    except (Exception, SystemExit) as exc:
        raise StudentError(f"{what} raised {type(exc).__name__}: {short(exc)}") from None


# ---- running questions ---------------------------------------------------------------------


def run_question(question, ns, limit=None):
    """Run one question's checks; always returns a result dict (never raises, except KeyboardInterrupt)."""
    grade, start = Grade(question), time.perf_counter()
    try:
        with time_limit(limit):
            question.check(ns, grade)
    except StudentError as exc:
        grade.error = str(exc)
    except QuestionTimeout:
        grade.error = (f"time limit: the checks of {question.id} did not finish within {limit:g} s "
                       "(an infinite loop, or far too slow?).")  # fmt: skip
    except (Exception, SystemExit) as exc:  # a bug in the checks, or student code that escaped call()
        grade.error = f"the check stopped with {type(exc).__name__}: {short(exc)}"
    points = min(grade.points, question.points)
    return {"id": question.id, "title": question.title, "points": points, "max_points": question.points,
            "checks": grade.checks, "error": grade.error, "seconds": round(time.perf_counter() - start, 3)}  # fmt: skip


def run_checks(assignment, ns, result_path=None, only=None, question_limit=None):
    """Run ``assignment``'s questions (``only``: ids) on ``ns``; return the results.

    With ``result_path``, ``{"questions": [...], "results": [...]}`` is written there before the
    first question and after each one, so a grader reading it loses nothing already graded.
    """
    from course_utils.grading.assignments import get_assignment

    spec = get_assignment(assignment)
    limit = spec.question_limit if question_limit is None else question_limit
    wanted = [only] if isinstance(only, str) else only
    questions = list(spec.questions) if wanted is None else [spec.questions.get(q) for q in wanted]
    meta = [{"id": q.id, "title": q.title, "points": q.points} for q in spec.questions]
    results = []

    def save():
        if result_path is not None:  # write, then rename: a reader never sees half a file
            partial = Path(f"{result_path}.partial")
            partial.write_text(json.dumps({"questions": meta, "results": results}, indent=1), encoding="utf-8")
            os.replace(partial, result_path)

    save()
    for question in questions:
        results.append(run_question(question, ns, limit))
        save()
    return results


def format_result(result):
    """``Q1 · title: p/m points`` and one indented line per failure."""
    lines = [f"{result['id']} · {result['title']}: {result['points']}/{result['max_points']} points"]
    lines += [f"  ✗ {c['label']}: {c['hint']}" for c in result["checks"] if not c["passed"]]
    if result.get("error"):
        lines.append(f"  ✗ {result['error']}")
    return "\n".join(lines)


def self_check(assignment, questions, namespace):
    """Run the grader's checks on a notebook's ``globals()`` and print points and hints.

    ``questions`` is an id (``"Q1"``), a list of ids, or ``"all"``. These are the checks of
    ``python -m course_utils.grading grade``, on the same random inputs. Prints, returns None
    (use :func:`run_checks` for the results as data).
    """
    if not isinstance(namespace, dict):
        raise ValueError(f"namespace must be the notebook's globals() (a dict), got {type(namespace).__name__}.")
    results = run_checks(assignment, namespace, only=None if questions == "all" else questions)
    lines = [format_result(r) for r in results]
    if len(results) > 1:
        lines.append(f"total {sum(r['points'] for r in results)}/{sum(r['max_points'] for r in results)} points")
    print("\n".join(lines))
