"""Keras' own tokenizers, fitted the course's way: on the training split only.

The loaders return text; these build the Keras preprocessing layer that turns it into
ids, so the same layer can sit inside a model (and be saved with it):

* ``word_vectorizer(data)`` - ``TextVectorization`` over the training sentences (movie reviews)
* ``char_lookup(data)``     - ``StringLookup`` over a corpus' characters (Hamlet, names)
* ``token_lookup(data)``    - ``StringLookup`` over pre-split tokens, ``""`` as the padding mask (Twitter NER)

Fitting on the training split only keeps validation and test words out of the
vocabulary: unseen words become the out-of-vocabulary id, as they would in use.
Keras is imported when one of these is called, not before.
"""

from course_utils._validation import positive_int
from course_utils.datasets.splits import Splits


def _check(data, what):
    if not isinstance(data, Splits):
        raise ValueError(f"pass the result of a course_utils.datasets loader ({what}), got {type(data).__name__}.")


def word_vectorizer(data, max_tokens=20000, output_sequence_length=None, **kwargs):
    """A ``keras.layers.TextVectorization`` adapted on ``data["train"]``'s sentences.

    Defaults are Keras' (lower case, punctuation stripped, split on whitespace); id 0 is
    padding and 1 out-of-vocabulary. ``output_sequence_length`` pads or cuts every
    sentence to that many ids (``None``: the longest in each batch). Further keyword
    arguments go to ``TextVectorization``.
    """
    _check(data, "e.g. load_movie_reviews()")
    max_tokens = positive_int(max_tokens, "max_tokens", "Use e.g. 20000.")
    if output_sequence_length is not None:
        output_sequence_length = positive_int(output_sequence_length, "output_sequence_length", "Use e.g. 50.")
    from course_utils._keras import keras

    layer = keras.layers.TextVectorization(
        max_tokens=max_tokens, output_sequence_length=output_sequence_length, **kwargs
    )
    layer.adapt(data["train"][0])
    return layer


def char_lookup(data, invert=False):
    """A ``keras.layers.StringLookup`` from characters to ids over ``data.info["vocabulary"]``.

    Id 0 is the padding (mask) token ``""``, id 1 out-of-vocabulary, the characters
    follow in sorted order. ``invert=True`` gives the layer that maps ids back to
    characters (for printing samples). Split a string into characters first, e.g.
    ``lookup(list(text))`` or ``lookup(keras.ops.convert_to_tensor(list(text)))``.
    """
    _check(data, "load_hamlet() or load_names()")
    if "vocabulary" not in data.info:
        raise ValueError(
            f"{data.name or 'these splits'} have no character vocabulary; use load_hamlet() or load_names()."
        )
    from course_utils._keras import keras

    return keras.layers.StringLookup(vocabulary=list(data.info["vocabulary"]), mask_token="", invert=invert)


def token_lookup(data, max_tokens=None, lowercase=False):
    """A ``keras.layers.StringLookup`` over the training split's tokens (inputs padded with ``""``).

    Id 0 is the padding token ``""`` (so an ``Embedding(mask_zero=True)`` after it masks
    padded steps), id 1 out-of-vocabulary, then tokens by decreasing frequency, at most
    ``max_tokens`` ids in all. With ``lowercase=True`` the vocabulary is built from lower-cased
    tokens: lower-case the inputs the same way before looking them up.
    """
    _check(data, "e.g. load_twitter_ner()")
    if max_tokens is not None:
        max_tokens = positive_int(max_tokens, "max_tokens", "Use e.g. 20000, or None for every token.")
    from course_utils._keras import keras

    tokens = [str(t) for t in data["train"][0].ravel() if t != ""]
    if lowercase:
        tokens = [t.lower() for t in tokens]
    layer = keras.layers.StringLookup(max_tokens=max_tokens, mask_token="")
    layer.adapt(tokens)
    return layer
