"""The two layers notebook 07's sentence classifier adds to Keras' own.

* :func:`max_over_time` -- each feature's largest value over a sentence's real words (the
  padding masked out);
* :func:`word_features` -- what the recurrent layer reads at each word: its GloVe-started
  vector (trained, with ``SpatialDropout1D``) and one more number, its lexicon valence
  (fixed). One layer, so ``model.summary()`` shows one row for it, and its mask is the
  words' (id 0 is padding).
"""

import numpy as np

from course_utils._validation import float_array


def max_over_time():
    """A layer: each feature's maximum over the time steps the mask keeps (Keras' own
    ``GlobalMaxPooling1D`` ignores the mask, so padded steps would take part).

    >>> import numpy as np
    >>> x = np.array([[[1.0], [5.0], [9.0]]], dtype="float32")
    >>> float(max_over_time()(x, mask=np.array([[True, True, False]]))[0, 0])
    5.0
    """
    from course_utils._keras import keras

    class MaxOverTime(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs, mask=None):
            ops = keras.ops
            if mask is not None:  # masked steps get -inf, so they never win the maximum
                keep = ops.expand_dims(ops.cast(mask, "bool"), -1)
                inputs = ops.where(keep, inputs, ops.full_like(inputs, float("-inf")))
            return ops.max(inputs, axis=1)

        def compute_mask(self, inputs, mask=None):
            return None

        def compute_output_shape(self, input_shape):
            return (input_shape[0], input_shape[2])

    return MaxOverTime(name="max_over_time")


def word_features(vocabulary_size, embedding_dim, start, dropout, valence):
    """A layer: ids ``(batch, T)`` -> ``(batch, T, embedding_dim + 1)``, the word vector then the valence.

    ``start`` is the embedding's initializer (``datasets.vectors.embedding_start``), ``valence``
    the ``(vocabulary_size, 1)`` lexicon column, which is never trained. Sub-layers, made in
    this order: ``embedding`` (``mask_zero=True``), ``feature_dropout``
    (``SpatialDropout1D(dropout)``, on the word vectors only), ``valence``. ``explain_params``
    reads its formula from :meth:`parameter_formula`.

    >>> layer = word_features(4, 2, "zeros", 0.0, np.array([[0.0], [0.0], [0.5], [-1.0]]))
    >>> layer(np.array([[2, 3, 0]])).numpy()[0].tolist(), layer.compute_mask(np.array([[2, 3, 0]])).numpy().tolist()
    ([[0.0, 0.0, 0.5], [0.0, 0.0, -1.0], [0.0, 0.0, 0.0]], [[True, True, False]])
    """
    from course_utils._keras import keras

    valence = float_array(valence, "valence", "Use prepare_reviews(reviews)['valence'].")
    if valence.shape != (vocabulary_size, 1):
        raise ValueError(
            f"valence must have shape (vocabulary_size, 1) = {(vocabulary_size, 1)}, got {valence.shape}. "
            "Use prepare_reviews(reviews)['valence']."
        )
    L, ops = keras.layers, keras.ops

    class WordFeatures(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.embedding = L.Embedding(
                vocabulary_size, embedding_dim, embeddings_initializer=start, mask_zero=True, name="embedding"
            )
            self.feature_dropout = L.SpatialDropout1D(dropout, name="feature_dropout")
            self.valence = L.Embedding(
                vocabulary_size,
                1,
                embeddings_initializer=keras.initializers.Constant(valence.astype(np.float32)),
                trainable=False,
                name="valence",
            )

        def build(self, input_shape):
            self.embedding.build(input_shape)
            self.valence.build(input_shape)

        def call(self, ids, training=None):
            vectors = self.feature_dropout(self.embedding(ids), training=training)
            return ops.concatenate([vectors, ops.cast(self.valence(ids), vectors.dtype)], axis=-1)

        def compute_mask(self, ids, mask=None):
            return ops.not_equal(ids, 0)

        def compute_output_shape(self, input_shape):
            return (*input_shape, embedding_dim + 1)

        def parameter_formula(self, input_dim):
            V, m = vocabulary_size, embedding_dim
            return f"V·m + V  [V={V:,}, m={m}]  (vectors, fixed valences)", V * m + V

    return WordFeatures(name="word_features")
