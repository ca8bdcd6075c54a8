"""Homework: release student notebooks and grade submissions, with nbgrader's cell markers.

The source notebooks in ``notebooks/homework/`` hold the solutions between nbgrader's
markers ``### BEGIN SOLUTION`` / ``### END SOLUTION``. Two commands (``python -m course_utils.grading``)::

    release                                   # student notebooks -> releases/ (solutions stubbed, outputs cleared)
    grade ASSIGNMENT NOTEBOOK [--json PATH]   # execute a submission, check it, print points and hints

Where to find each idea:

* ``assignments`` - the three assignments: notebook, time limits, checks module
* ``release``     - marker parsing and the student release (``release_notebook``, ``release_all``)
* ``core``        - questions, checks, hints, time limits, ``self_check`` (used inside notebooks)
* ``compare``     - a student's arrays against the expected ones: shapes, dtypes, NaN, known mistakes
* ``runner``      - ``grade_notebook``: run a submission in a Jupyter kernel, then its checks there
* ``checks_hw1``, ``checks_hw2``, ``checks_hw3`` - each assignment's questions
* ``mistakes_hw1`` - assignment 1's references with known mistakes planted, and its LSTM probes

Nothing heavy is imported until used: ``checks_hw1`` needs NumPy only, ``checks_hw2`` and
``checks_hw3`` import Keras.
"""

from course_utils._lazy import lazy_exports

_EXPORTS = {
    "ASSIGNMENTS": "assignments",
    "self_check": "core",
    "grade_notebook": "runner",
    "release_notebook": "release",
    "release_all": "release",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
