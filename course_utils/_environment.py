"""The environment TensorFlow and the course's notebook kernels run in: the one home of these settings.

TensorFlow prints C++ log lines straight to the process's stderr when it is imported. They
cannot be captured or filtered afterwards (and they break strict nbval), so the two switches
of :data:`QUIET_TENSORFLOW` must be in the environment *before* the import. In TensorFlow 2.21
``TF_CPP_MIN_LOG_LEVEL=3`` alone does not silence the oneDNN notice; ``TF_ENABLE_ONEDNN_OPTS=0``
does. Everything that quiets TensorFlow takes them from here:

* ``setup_notebook(quiet=True)``, the first cell of every notebook, for its kernel
  (``quiet=False`` takes them out again: importing course_utils sets nothing);
* ``tests/conftest.py`` for the test processes and the kernels nbval starts from them;
* :func:`kernel_environment` for the kernels that ``make notebooks`` and the grader start,
  and ``course_utils.cells.bench`` for its workers.

``COLUMNS``, ``LINES`` and ``NO_COLOR`` reshape ``model.summary()`` tables, so a kernel whose
outputs are stored or compared runs without them.
"""

import os

QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
LAYOUT_VARIABLES = ("COLUMNS", "LINES", "NO_COLOR")
KERNEL_ENV = {**QUIET_TENSORFLOW, "PYTHONHASHSEED": "0"}


def quiet_tensorflow(environ=None, quiet=True):
    """Put the quiet switches into ``environ`` (default ``os.environ``), or take them out; return it.

    ``quiet=True`` keeps a value set explicitly (``setdefault``); ``quiet=False`` removes both
    variables, so a TensorFlow imported afterwards logs as it does by default.

    >>> quiet_tensorflow({"TF_CPP_MIN_LOG_LEVEL": "1"})
    {'TF_CPP_MIN_LOG_LEVEL': '1', 'TF_ENABLE_ONEDNN_OPTS': '0'}
    >>> quiet_tensorflow({"TF_CPP_MIN_LOG_LEVEL": "3", "HOME": "/root"}, quiet=False)
    {'HOME': '/root'}
    """
    environ = os.environ if environ is None else environ
    for key, value in QUIET_TENSORFLOW.items():
        if quiet:
            environ.setdefault(key, value)
        else:
            environ.pop(key, None)
    return environ


def kernel_environment(environ=None):
    """A notebook kernel's environment: ``environ`` (default this process's) with quiet TensorFlow,
    a fixed hash seed and no terminal-layout variables, so stored outputs are reproducible.

    >>> kernel_environment({"COLUMNS": "80", "HOME": "/root", "TF_CPP_MIN_LOG_LEVEL": "0"})
    {'HOME': '/root', 'TF_CPP_MIN_LOG_LEVEL': '3', 'TF_ENABLE_ONEDNN_OPTS': '0', 'PYTHONHASHSEED': '0'}
    """
    environ = os.environ if environ is None else environ
    return {**{k: v for k, v in environ.items() if k not in LAYOUT_VARIABLES}, **KERNEL_ENV}
