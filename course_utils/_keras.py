"""The one place that imports Keras for course_utils.

Importing it sets nothing: TensorFlow's log switches belong to
:mod:`course_utils._environment`, and ``setup_notebook`` (the first cell of every
notebook) puts them in place before Keras is first imported.
"""

import keras

__all__ = ["keras"]
