"""A student's Keras model and text vectorizer, rebuilt in the grader's process from plain data.

The kernel sends ``model.to_json()``, ``model.get_weights()``, the vectorizer's ``get_config()`` and
``get_vocabulary()``: strings, numbers and arrays. Before Keras reads any of it, the model's JSON
is checked against an allow-list (built-in layers, initializers and regularizers of Keras only: no
``Lambda``, no custom classes, no module outside ``keras``), so deserializing cannot import or run
anything of the student's. The grader then evaluates the rebuilt model itself; what the student's
kernel prints or claims about its model plays no part.
"""

import json

import numpy as np

from course_utils.grading.core import StudentError

LAYERS = {"InputLayer", "Embedding", "Bidirectional", "LSTM", "GRU", "SimpleRNN", "Dense", "Dropout",
          "SpatialDropout1D", "GlobalAveragePooling1D", "GlobalMaxPooling1D", "Masking", "Activation", "Conv1D",
          "MaxPooling1D", "LayerNormalization", "BatchNormalization", "Concatenate", "Add", "Average", "Flatten",
          "Reshape", "Sequential", "Functional", "Model", "LSTMCell", "GRUCell", "SimpleRNNCell"}  # fmt: skip
MODULES = {"keras", "keras.layers", "keras.initializers", "keras.regularizers", "keras.constraints", "keras.models",
           "keras.src.models.functional", "keras.src.models.sequential", "keras.src.models.model",
           "keras.optimizers", "keras.losses", "keras.metrics"}  # fmt: skip
OTHER_CLASSES = {"DTypePolicy", "FloatDTypePolicy", "__tuple__", "__numpy__", "__tensor__", "__keras_tensor__"}
MASK_OPS = {("keras.src.ops.numpy", "NotEqual")}  # the mask a functional model computes for Embedding(mask_zero=True)
MAX_JSON = 4 << 20
VECTORIZER_OPTIONS = {
    "max_tokens": lambda v: v is None or (type(v) is int and 0 < v <= 1_000_000),
    "standardize": lambda v: v in (None, "lower_and_strip_punctuation", "lower", "strip_punctuation"),
    "split": lambda v: v in (None, "whitespace", "character"),
    "ngrams": lambda v: v is None or (type(v) is int and 1 <= v <= 5),
    "output_mode": lambda v: v == "int",
    "output_sequence_length": lambda v: v is None or (type(v) is int and 0 < v <= 10_000),
    "pad_to_max_tokens": lambda v: type(v) is bool,
    "encoding": lambda v: v == "utf-8",
}


def _check_config(node, depth=0):
    if depth > 40:
        raise StudentError("the model's configuration is nested too deeply to rebuild")
    if isinstance(node, dict):
        if "class_name" in node:
            cls, module = node.get("class_name"), node.get("module")
            registered = node.get("registered_name")
            known = cls in LAYERS or cls in OTHER_CLASSES or (module in MODULES and cls[:1].isupper())
            if (module, cls) in MASK_OPS:
                known, module = True, None
            if not (isinstance(cls, str) and known and (module is None or module in MODULES)):
                raise StudentError(f"the model uses {module or '?'}.{cls}: the grader rebuilds your model from its "
                                   "configuration and accepts Keras' built-in layers only (no Lambda or custom layers)")  # fmt: skip
            if registered not in (None, cls):
                raise StudentError(
                    f"the model uses a registered custom object {registered!r}: use Keras' built-in layers"
                )
        for value in node.values():
            _check_config(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            _check_config(value, depth + 1)


def rebuild_model(text, weights):
    """A Keras model equal to the student's: its JSON (checked first) and, if given, its weights."""
    from course_utils._keras import keras

    if not isinstance(text, str) or len(text) > MAX_JSON:
        raise StudentError("model.to_json() did not give the model's configuration (a string)")
    try:
        _check_config(json.loads(text))
    except ValueError:
        raise StudentError("model.to_json() did not give valid JSON") from None
    try:
        model = keras.models.model_from_json(text)
    except Exception as exc:
        raise StudentError(f"the grader could not rebuild your model from its configuration "
                           f"({type(exc).__name__}: {str(exc)[:160]})") from None  # fmt: skip
    if weights is not None:
        if not isinstance(weights, list) or not all(isinstance(w, np.ndarray) for w in weights):
            raise StudentError("model.get_weights() did not give a list of arrays")
        try:
            model.set_weights(weights)
        except Exception as exc:
            raise StudentError(f"your model's weights do not fit its configuration ({str(exc)[:160]})") from None
    return model


def rebuild_vectorizer(config, vocabulary):
    """A ``TextVectorization`` equal to the student's, from its ``get_config()`` and ``get_vocabulary()``."""
    from course_utils._keras import keras

    if not isinstance(config, dict):
        raise StudentError("vectorizer.get_config() did not give a dict: keep a keras.layers.TextVectorization")
    options, defaults = {}, keras.layers.TextVectorization().get_config()
    for key, valid in VECTORIZER_OPTIONS.items():
        value = config.get(key, defaults.get(key))
        if not valid(value):
            raise StudentError(f"the vectorizer's {key}={value!r:.60} cannot be rebuilt by the grader: use "
                               "word_vectorizer(...) or TextVectorization's built-in options")  # fmt: skip
        options[key] = value
    if not (
        isinstance(vocabulary, list)
        and 2 <= len(vocabulary) <= 1_000_000
        and all(isinstance(w, str) for w in vocabulary)
    ):
        raise StudentError("vectorizer.get_vocabulary() did not give a list of words: was the vectorizer adapted?")
    try:
        return keras.layers.TextVectorization(**options, vocabulary=vocabulary)
    except Exception as exc:
        raise StudentError(
            f"the grader could not rebuild your vectorizer ({type(exc).__name__}: {str(exc)[:160]})"
        ) from None
