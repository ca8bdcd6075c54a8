"""The course's three autograded assignments: which notebook, which checks, how much time.

``time_limit`` bounds the execution of a whole submitted notebook (seconds); the
reference solutions run in well under half of it on a 2-core laptop. Checks then get
``check_limit`` seconds in all and ``question_limit`` seconds per question.
"""

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Assignment:
    name: str
    notebook: str  # file name in notebooks/homework/ (source) and releases/ (student copy)
    title: str
    time_limit: float = 60.0
    check_limit: float = 30.0
    question_limit: float = 15.0

    @property
    def questions(self):
        """The assignment's questions, in order (imports its checks module)."""
        return import_module(f"course_utils.grading.checks_{self.name}").QUESTIONS

    @property
    def max_score(self):
        return sum(q.points for q in self.questions)


ASSIGNMENTS = {
    "hw1": Assignment("hw1", "hw1_rnn_lstm_numpy.ipynb", "RNN and LSTM forward and backward passes in NumPy"),
    "hw2": Assignment("hw2", "hw2_gru_cell_and_params.ipynb", "A GRU cell matching Keras, and parameter counts"),
    "hw3": Assignment("hw3", "hw3_bidirectional_model.ipynb", "A bidirectional sentiment model", time_limit=90.0),
}


def get_assignment(name):
    """The :class:`Assignment` called ``name`` (``"hw1"`` ...); a clear ``ValueError`` otherwise.

    >>> get_assignment("hw2").notebook
    'hw2_gru_cell_and_params.ipynb'
    >>> get_assignment("hw9")
    Traceback (most recent call last):
    ...
    ValueError: unknown assignment 'hw9'; choose one of hw1, hw2, hw3.
    """
    if name not in ASSIGNMENTS:
        raise ValueError(f"unknown assignment {name!r}; choose one of {', '.join(ASSIGNMENTS)}.")
    return ASSIGNMENTS[name]
