"""``setup_notebook``: the first call of every notebook."""

import logging
import os
import platform
import sys

from course_utils._environment import quiet_tensorflow
from course_utils._validation import boolean, non_negative_int

PLOT_DEFAULTS = {
    "figure.figsize": (7.0, 3.5),
    "figure.dpi": 90,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "legend.frameon": False,
}


def setup_notebook(seed: int = 42, deterministic: bool = True, quiet: bool = True) -> str:
    """Seed everything, quiet TensorFlow, set plot defaults; return (and print) the versions.

    * ``keras.utils.set_random_seed(seed)`` seeds Python's ``random``, NumPy and the
      backend together, so a notebook gives the same numbers on every fresh run.
    * ``deterministic=True`` also asks TensorFlow for deterministic kernels
      (``tf.config.experimental.enable_op_determinism``).
    * ``quiet=True`` silences TensorFlow's C++ and Python log noise; ``quiet=False`` turns
      both back on (TensorFlow's defaults). The C++ part is read once, when TensorFlow is
      imported: if something imported it earlier in this kernel with the other setting,
      a note says to restart the kernel and run this cell first.

    Call it again with another seed to restart the random streams.
    """
    seed = non_negative_int(seed, "seed", "Use a fixed integer such as 42.")
    boolean(deterministic, "deterministic")
    boolean(quiet, "quiet")
    late = "tensorflow" in sys.modules
    was_quiet = os.environ.get("TF_CPP_MIN_LOG_LEVEL") == "3"
    quiet_tensorflow(os.environ, quiet)

    from course_utils._keras import keras

    backend = keras.backend.backend()
    backend_version = ""
    if backend == "tensorflow":
        import tensorflow as tf

        backend_version = tf.__version__
        import absl.logging

        tf.get_logger().setLevel(logging.ERROR if quiet else logging.NOTSET)  # NOTSET: TensorFlow's default
        absl.logging.set_verbosity(absl.logging.ERROR if quiet else absl.logging.WARNING)
        if deterministic:
            tf.config.experimental.enable_op_determinism()
    elif backend == "jax":
        import jax

        backend_version = jax.__version__
    keras.utils.set_random_seed(seed)

    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np

    plt.rcParams.update(PLOT_DEFAULTS)

    line = (
        f"seed {seed} | python {platform.python_version()} | keras {keras.__version__} "
        f"| {backend} {backend_version} | numpy {np.__version__} | matplotlib {matplotlib.__version__}"
    )
    if late and quiet != was_quiet:
        wanted = "silence its logs" if quiet else "see its logs"
        line += f"\nnote: TensorFlow was imported before setup_notebook; restart the kernel to {wanted}."
    print(line)
    return line
