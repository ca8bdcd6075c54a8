"""The one place that imports Keras for course_utils.

TensorFlow prints C++ log lines straight to the process's stderr when it is
imported. They cannot be captured or filtered afterwards (and they break strict
nbval), so the two switches that silence them must be in the environment
*before* the import. Setting them here, with ``setdefault``, means any cell that
uses course_utils is quiet, while a value the user set explicitly still wins.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402

__all__ = ["keras"]
