"""The course's three autograded assignments: which notebook, which checks, how much time.

``time_limit`` bounds the execution of a whole submitted notebook (seconds); the
reference solutions run in well under half of it on a 2-core laptop. Each question's checks then
get ``question_limit`` seconds. ``hidden_modules`` are the ``course_utils`` modules that would
answer the assignment: its sandbox does not have them (and a submission that imports them is
flagged by :mod:`course_utils.grading.static`).
"""

from dataclasses import dataclass
from importlib import import_module

import numpy as np


@dataclass(frozen=True)
class Assignment:
    name: str
    notebook: str  # file name in notebooks/homework/ (source) and releases/ (student copy)
    title: str
    time_limit: float = 60.0
    question_limit: float = 15.0
    hidden_modules: tuple = ()

    @property
    def questions(self):
        """The assignment's questions, in order (imports its checks module)."""
        return import_module(f"course_utils.grading.checks_{self.name}").QUESTIONS

    @property
    def max_score(self):
        return sum(q.points for q in self.questions)


# hw1: the sandbox keeps gradcheck (the notebook checks answers with it); its questions forbid it in answers
NUMPY_REFERENCES = ("numpy_rnn", "numpy_gated", "clipping", "gradients")
ASSIGNMENTS = {
    "hw1": Assignment("hw1", "hw1_rnn_lstm_numpy.ipynb", "A peephole LSTM forward and backward in NumPy, "
                      "BPTT and unit-wise clipping", hidden_modules=NUMPY_REFERENCES),
    "hw2": Assignment("hw2", "hw2_mgu_cell_and_params.ipynb", "A minimal gated unit cell, and parameter counts",
                      hidden_modules=("cells", "params", "explain")),
    "hw3": Assignment("hw3", "hw3_bidirectional_model.ipynb", "A bidirectional sentiment model", time_limit=90.0),
}  # fmt: skip


def question_rng(seed, qid):
    """The random generator of question ``qid`` in a grading run with secret ``seed`` (independent per question).

    >>> float(question_rng(7, "Q1").random()) == float(question_rng(7, "Q1").random())
    True
    """
    return np.random.default_rng([int(seed) % 2**63, *qid.encode()])


def get_assignment(name):
    """The :class:`Assignment` called ``name`` (``"hw1"`` ...); a clear ``ValueError`` otherwise.

    >>> get_assignment("hw2").notebook
    'hw2_mgu_cell_and_params.ipynb'
    >>> get_assignment("hw9")
    Traceback (most recent call last):
    ...
    ValueError: unknown assignment 'hw9'; choose one of hw1, hw2, hw3.
    """
    if name not in ASSIGNMENTS:
        raise ValueError(f"unknown assignment {name!r}; choose one of {', '.join(ASSIGNMENTS)}.")
    return ASSIGNMENTS[name]
