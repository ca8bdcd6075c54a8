"""course_utils: the code behind the RNN course's notebooks, tests and graders.

Importing this package does nothing but define names: it does not import
TensorFlow, seed anything or touch matplotlib. Submodules are loaded the
first time one of their names is used, so ``import course_utils`` is instant.

Start every notebook with::

    from course_utils import setup_notebook
    setup_notebook(seed=42)

Where to find each idea (every module; ``course_utils.`` left out):

* ``sources``     - the five lectures the course follows: the one table of their names (notebook 00)
* ``session``     - ``setup_notebook``: seeds, quiet TensorFlow (or not), plot defaults, versions
* ``params``      - parameter-count formulas (pure Python, no Keras); ``formula`` is the one that picks them
* ``explain``     - ``explain_params(model)``: formula vs Keras, layer by layer
* ``summaries``   - ``summary_rows`` / ``assert_summary`` against the lectures' tables; shape tables
* ``numpy_rnn``   - the SimpleRNN loop, its step pair and BPTT in plain NumPy, in the lectures' symbols
* ``numpy_gated`` - LSTM and GRU steps forward and backward; one dispatcher over every cell's step pair
* ``gradcheck``   - central-difference gradient checking
* ``gradients``   - gradient norms over time (the ρ^k experiment) and across the layers of a stack
* ``clipping``    - the lecture's norm clipping next to Keras' three options
* ``gates``       - an LSTM's weights per gate, its gates step by step, how long its memory lasts
* ``cells``       - from-scratch cells equal to Keras', the lectures' variants, the one cell registry
* ``experiments`` - many cells trained side by side on one task (AIEI007 Lecture 10's tables)
* ``callbacks``   - Keras callbacks: fixed-format epoch lines, stopping once a target is reached
* ``seq2seq``     - the digit-reversal task, teacher forcing, greedy decoding
* ``forecasting`` - the last-value baseline and forecast errors
* ``probes``      - what a recurrent layer's output depends on (does step t see the future?)
* ``attention``, ``beam_search`` - notebook 10: attention scores, weights and context (held to Keras'
  ``Attention``/``AdditiveAttention``), the reverser with and without attention, beam search vs greedy
* ``masking``, ``bucketing``, ``stateful`` - notebook 11: masks and padding, batches by length, stateful
  training with truncated BPTT
* ``sliders``     - ``with_snapshot``: a live ipywidgets slider that also stores a figure at its defaults
* ``charlm``, ``ngram``, ``textgen`` - character-level models, Kneser-Ney n-grams, sampling and scores
* ``pysource``, ``codelm`` - notebook 08's Python-source corpus (fixed stdlib files, hash-checked), its
  character GRU recipe, trained checkpoint and closing-bracket probe
* ``crf``, ``tagging``, ``ner``, ``ner_recipes`` - a linear-chain CRF layer, BIO entities and their F1, the BiLSTM(-CRF) tagger, its training recipes
* ``sentiment``, ``sentiment_layers`` - notebook 07's sentence classifier (GloVe and lexicon inputs, the
  lexicon-alone baseline, raters' mean as target) and its two layers (max over time, word features)
* ``bench_models`` - ``make bench-models``: the real-data showcases over seeds, mean ± std against baselines
* ``datasets``    - real datasets (fetched once, verified) and seeded synthetic tasks
* ``grading``     - homework release, student edition and the sandboxed grader (instructors only)
* ``selfcheck``   - the students' side of the homework: public checks stored as data, the answer channel
* ``tooling``     - notebook tooling that no notebook imports: ``nbrun`` (``make notebooks``),
  ``colab`` (``make colab``), ``website`` (``make site``), ``portability`` (``make test-portability``),
  ``check_python`` (set-up's first step), ``lockdiff`` (``make test-latest``)

Private helpers, one home each: ``_keras`` (the one Keras import), ``_environment`` (quiet
TensorFlow, the kernels' environment), ``_validation`` (argument checks), ``_table`` (tables and
shapes as text), ``_lazy`` (lazy exports such as this package's).
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
