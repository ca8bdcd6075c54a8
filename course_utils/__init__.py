"""course_utils: the code behind the RNN course's notebooks, tests and graders.

Importing this package does nothing but define names: it does not import
TensorFlow, seed anything or touch matplotlib. Submodules are loaded the
first time one of their names is used, so ``import course_utils`` is instant.

Start every notebook with::

    from course_utils import setup_notebook
    setup_notebook(seed=42)

Where to find each idea:

* ``course_utils.params``     - parameter-count formulas (pure Python, no Keras)
* ``course_utils.explain``    - ``explain_params(model)``: formula vs Keras, layer by layer
* ``course_utils.summaries``  - ``summary_rows`` / ``assert_summary`` against the lectures' tables
* ``course_utils.numpy_rnn``  - the recurrent loop in plain NumPy
* ``course_utils.datasets``   - real datasets (fetched once, verified) and seeded synthetic tasks
* ``course_utils.numpy_gated``, ``gradcheck``, ``gradients``, ``clipping`` - BPTT and gradient studies
* ``course_utils.cells``      - from-scratch recurrent cells equal to Keras', and the lectures' variants
* ``course_utils.crf``        - a linear-chain CRF layer (forward algorithm, Viterbi)
* ``course_utils.attention``  - attention scores and context (NumPy = Keras), encoder-decoders with attention
* ``course_utils.beam_search`` - beam search step by step; greedy and exhaustive search; log p(y | x)
* ``course_utils.masking``, ``bucketing`` - padding, masks, batches bucketed by length
* ``course_utils.stateful``   - stateful RNNs and truncated BPTT: streams, resets, carried-state losses
* ``course_utils.grading``    - homework release and grader
* ``course_utils.session``    - ``setup_notebook``: seeds, quiet logs, plot defaults
* ``course_utils.nbrun``      - re-execute notebooks in place (``make notebooks``)
"""

from course_utils._lazy import lazy_exports

__version__ = "0.1.0"

# public name -> submodule that defines it (loaded lazily, PEP 562)
_EXPORTS = {
    "setup_notebook": "session",
    "explain_params": "explain",
    "summary_rows": "summaries",
    "assert_summary": "summaries",
    "lecture_summary": "summaries",
    "lecture_summary_names": "summaries",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
