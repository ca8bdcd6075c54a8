"""Homework for instructors: release student notebooks and grade submissions in a sandbox.

INSTRUCTOR-ONLY: this package holds the references and hidden checks; no student kernel and no
student edition ever has it (students get ``course_utils.selfcheck``). The source notebooks in
``notebooks/homework/`` hold the solutions between nbgrader's markers ``### BEGIN SOLUTION`` /
``### END SOLUTION``. Three commands (``python -m course_utils.grading``)::

    release                                   # student notebooks -> releases/ (solutions stubbed, outputs cleared)
    grade ASSIGNMENT NOTEBOOK [--json PATH]   # run a submission in a sandbox, check it from outside, report
    grade ASSIGNMENT SUBMISSIONS... --out DIR # a whole class: reports, feedback, gradebook.csv (resumable)
    public [--check]                          # the public checks students run, from the references

Where to find each idea:

* ``assignments`` - the three assignments: notebook, time limits, hidden modules, per-question seeds
* ``release``     - marker parsing and the student release (``release_notebook``, ``release_all``)
* ``runner``      - ``grade_notebook``: the whole grading of one submission, always ending in a report
* ``sandbox``, ``jail`` - the throw-away Linux sandbox (namespaces, read-only course copy, limits)
* ``kernel``      - a Jupyter kernel in a sandbox: run cells, send requests, time-outs, restarts
* ``static``      - the submission's source read in the grader: what is flagged for manual review
* ``core``        - questions, the student's objects seen from outside (``need``, ``call``), hints
* ``compare``     - a student's arrays against the expected ones: shapes, dtypes, NaN, known mistakes
* ``rebuild``     - a student's Keras model and vectorizer rebuilt in the grader from plain data
* ``report``      - the records (dataclasses) and the printed report
* ``checks_hw1``, ``checks_hw2``, ``checks_hw3`` - each assignment's hidden checks and references
* ``mistakes_hw1`` - assignment 1's references with known mistakes planted, and its LSTM probes
* ``model_hw3``, ``heldout_hw3`` - assignment 3's required model (reference rows, named mistakes) and the
  held-out sentences the grader scores it on (a keyed half of the lectures' test split)
* ``public_cases`` - writes ``course_utils/selfcheck/cases/`` (public inputs and expected outputs)

A whole class (``grade ASSIGNMENT SUBMISSIONS... --out DIR``), built on ``grade_notebook`` and the report:

* ``batch``       - plan, resume, grade in workers, write the outputs; ``workers`` - the grader processes
* ``submissions`` - student ids from files and folders, the roster; ``provenance`` - sha256, grader version
* ``gradebook``   - statuses and ``gradebook.csv``; ``feedback`` - the Markdown handed back to a student
* ``gradescope``  - the Gradescope autograder zip (``autograder/``: its scripts, the results schema)
* ``bench``       - grading throughput (``make bench-grading``)

Nothing heavy is imported until used: ``checks_hw1`` and ``checks_hw2`` need NumPy only,
``checks_hw3`` imports Keras.
"""

from course_utils._lazy import lazy_exports

_EXPORTS = {
    "ASSIGNMENTS": "assignments",
    "format_report": "report",
    "grade_notebook": "runner",
    "release_notebook": "release",
    "release_all": "release",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
