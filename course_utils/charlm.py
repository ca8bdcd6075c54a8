"""Character-level language models: characters to ids, training windows, the Keras model, held-out scoring.

The model of IIIT Hyderabad Intro to NLP reads one character per step and outputs a distribution over the
next one: ``ŷ_t = softmax(U h_t + b)``. Here it is ``Embedding → GRU (or LSTM) → Dense``,
the Dense layer giving *logits* (the softmax is inside the loss). Sampling from a
trained model lives in :mod:`course_utils.textgen`.

    >>> codec = CharCodec("abc")
    >>> codec.encode("cab").tolist(), codec.decode([2, 0, 1])
    ([2, 0, 1], 'cab')
    >>> x, y = next_char_windows(codec.encode("abcabca"), length=3)
    >>> x.tolist(), y.tolist()
    ([[0, 1, 2], [0, 1, 2]], [[1, 2, 0], [1, 2, 0]])
"""

import numpy as np

from course_utils._validation import boolean, float_array, non_negative_int, positive_int


class CharCodec:
    """Characters to integer ids and back.

    Ids follow the order of ``characters``. With ``padding=True`` id 0 is reserved for
    padding (it decodes to ``""``; use ``Embedding(mask_zero=True)``) and the characters
    start at 1.
    """

    def __init__(self, characters, padding=False):
        characters = list(characters)
        if not characters or not all(isinstance(c, str) and len(c) == 1 for c in characters):
            raise ValueError(
                "characters must be a non-empty sequence of single characters, e.g. data.info['vocabulary']."
            )
        if len(set(characters)) != len(characters):
            raise ValueError("characters must not repeat: each character needs exactly one id.")
        self.padding = boolean(padding, "padding")
        self.characters = tuple(characters)
        offset = 1 if padding else 0
        self._ids = {c: i + offset for i, c in enumerate(characters)}
        self._chars = ([""] if padding else []) + characters

    @property
    def size(self):
        """Number of ids (characters, plus one if there is a padding id): the model's output size."""
        return len(self._chars)

    def encode(self, text):
        """``str`` → ``int32`` array of ids."""
        if not isinstance(text, str):
            raise ValueError(f"encode takes a str, got {type(text).__name__}.")
        unknown = sorted(set(text) - set(self._ids))
        if unknown:
            raise ValueError(f"characters not in the codec's alphabet: {unknown[:10]}.")
        return np.array([self._ids[c] for c in text], dtype=np.int32)

    def decode(self, ids):
        """Ids → ``str`` (padding ids decode to nothing)."""
        ids = np.asarray(ids)
        if ids.ndim != 1 or (ids.size and not np.issubdtype(ids.dtype, np.integer)):
            raise ValueError(f"decode takes a 1-D sequence of integer ids, got shape {ids.shape}.")
        if ids.size and (ids.min() < 0 or ids.max() >= self.size):
            raise ValueError(f"ids must be in 0..{self.size - 1}, got values from {ids.min()} to {ids.max()}.")
        return "".join(self._chars[i] for i in ids.tolist())

    def __repr__(self):
        return f"CharCodec({len(self.characters)} characters, padding={self.padding})"


def split_text(data, split):
    """The whole text of one split of ``load_hamlet()`` (its inputs plus the last target)."""
    if split not in data:
        raise ValueError(f"split must be one of {sorted(data)}, got {split!r}.")
    inputs, targets = data[split]
    return inputs + targets[-1:]


def next_char_windows(ids, length):
    """Cut ``ids`` into non-overlapping windows: ``x`` (n, length) and ``y = x`` shifted by one.

    ``y[i, t]`` is the character after ``x[i, t]``: the target of step ``t``. The tail that
    does not fill a whole window is dropped.
    """
    ids = np.asarray(ids)
    length = positive_int(length, "length", "Use e.g. length=64 characters per window.")
    if ids.ndim != 1:
        raise ValueError(f"ids must be 1-D (one long text), got shape {ids.shape}.")
    if ids.size and not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids must be integer character ids, got {ids.dtype}. Use codec.encode(text).")
    n = (len(ids) - 1) // length
    if n == 0:
        raise ValueError(f"a text of {len(ids)} ids is too short for one window of {length} (+1 for the target).")
    return ids[: n * length].reshape(n, length), ids[1 : n * length + 1].reshape(n, length)


def name_sequences(names, codec, boundary="\n"):
    """Names as padded training pairs: ``x = boundary + name``, ``y = name + boundary`` (padding 0).

    The boundary character both starts a name (the first input) and ends it (the last
    target), so a model learns where names stop; ``codec`` needs ``padding=True``.
    """
    if not isinstance(codec, CharCodec) or not codec.padding:
        raise ValueError("codec must be a CharCodec with padding=True (id 0 pads the shorter names).")
    names = [str(n) for n in names]
    if not names:
        raise ValueError("names is empty.")
    width = max(map(len, names)) + 1
    x = np.zeros((len(names), width), dtype=np.int32)
    y = np.zeros((len(names), width), dtype=np.int32)
    for row, name in enumerate(names):
        ids = codec.encode(boundary + name + boundary)
        x[row, : len(ids) - 1] = ids[:-1]
        y[row, : len(ids) - 1] = ids[1:]
    return x, y


def build_char_model(
    vocab_size,
    units=128,
    embedding_dim=32,
    cell="gru",
    mask_zero=False,
    name="char_lm",
    dropout=0.0,
    recurrent_dropout=0.0,
    stateful=False,
    batch_size=None,
    output_dropout=0.0,
):
    """``Embedding → GRU/LSTM (every step) → Dense(vocab_size)`` giving next-character logits.

    ``dropout`` and ``recurrent_dropout`` go to the recurrent layer (notebook 11);
    ``output_dropout`` puts a ``Dropout`` between it and the logits (the non-recurrent
    connections of Zaremba et al. 2014: notebook 08's Python-source GRU). ``stateful=True``
    keeps the last state of each batch as the next batch's initial state; it needs a fixed
    ``batch_size`` (the number of parallel streams, see :mod:`course_utils.stateful`).
    """
    from course_utils._keras import keras

    vocab_size = positive_int(vocab_size, "vocab_size", "Use codec.size.")
    units = positive_int(units, "units", "Use e.g. units=128.")
    embedding_dim = positive_int(embedding_dim, "embedding_dim", "Use e.g. embedding_dim=32.")
    layers = {"gru": keras.layers.GRU, "lstm": keras.layers.LSTM}
    if cell not in layers:
        raise ValueError(f"cell must be 'gru' or 'lstm', got {cell!r}.")
    boolean(mask_zero, "mask_zero")
    for rate, label in (
        (dropout, "dropout"),
        (recurrent_dropout, "recurrent_dropout"),
        (output_dropout, "output_dropout"),
    ):
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
            raise ValueError(f"{label} must be a fraction in [0, 1), got {rate!r}. Use e.g. {label}=0.3.")
    if boolean(stateful, "stateful"):
        batch_size = positive_int(batch_size, "batch_size", "A stateful model needs a fixed batch size, e.g. 32.")
        inputs = keras.Input(batch_shape=(batch_size, None), dtype="int32")
    elif batch_size is not None:
        raise ValueError("batch_size is only for stateful=True (a stateless model takes any batch size).")
    else:
        inputs = keras.Input(shape=(None,), dtype="int32")
    # Layers are made in this order (embedding, recurrent, logits, then any output dropout): each draws its
    # seeds when it is made, so another order would initialise the same seed differently.
    embedding = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=mask_zero, name="embedding")
    recurrent = layers[cell](
        units, return_sequences=True, dropout=dropout, recurrent_dropout=recurrent_dropout, stateful=stateful, name=cell
    )
    logits = keras.layers.Dense(vocab_size, name="logits")
    between = [keras.layers.Dropout(output_dropout, name="output_dropout")] if output_dropout else []
    return keras.Sequential([inputs, embedding, recurrent, *between, logits], name=name)


def check_logits(logits, name="logits"):
    """``logits`` as float64, refusing what has no softmax: no classes, NaN, +inf, or a row of only −inf.

    −inf is allowed (that class gets probability 0), as long as each row keeps one finite logit.

    >>> check_logits([0.5, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: logits must not hold NaN or +inf (their softmax is NaN); found 1 among 2 values, the first at index (1,). If they came out of a model, training diverged: lower the learning rate or clip the gradients.
    """
    z = float_array(logits, name)
    if z.ndim < 1 or z.shape[-1] == 0:
        raise ValueError(
            f"{name} must have at least one logit along the last axis (one per class), got shape {z.shape}."
        )
    bad = np.isnan(z) | np.isposinf(z)
    if bad.any():
        raise ValueError(
            f"{name} must not hold NaN or +inf (their softmax is NaN); found {int(bad.sum())} among {z.size} "
            f"values, the first at index {tuple(int(i) for i in np.argwhere(bad)[0])}. If they came out of a "
            "model, training diverged: lower the learning rate or clip the gradients."
        )
    dead = np.isneginf(z).all(axis=-1)
    if dead.any():
        where = f"row {tuple(int(i) for i in np.argwhere(dead)[0])} is" if dead.ndim else "they are"
        raise ValueError(
            f"{name} need at least one finite logit per row, but {where} all -inf (probability 0 for "
            "every class): leave at least one class unmasked."
        )
    return z


def log_softmax(logits):
    """``log softmax`` along the last axis, computed stably in float64 (bad logits: :func:`check_logits`)."""
    z = check_logits(logits)
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def score_text(model, ids, window=256, burn_in=64, batch_size=64):
    """Natural-log probability the model gives each character ``ids[t]`` from ``ids[:t]``, t = 1…N−1.

    A long text is read in overlapping windows of ``window`` characters: the first window
    scores all its steps; each later one starts ``burn_in`` characters early, so that every
    scored character has at least ``burn_in`` characters of context (as an n-gram model
    always has its n − 1), and scores only the steps not scored before.
    """
    ids = np.asarray(ids)
    window = positive_int(window, "window", "Use e.g. window=256.")
    burn_in = non_negative_int(burn_in, "burn_in", "Use e.g. burn_in=64.")
    batch_size = positive_int(batch_size, "batch_size")
    if ids.ndim != 1 or len(ids) < 2:
        raise ValueError(f"ids must be a 1-D text of at least 2 ids, got shape {ids.shape}.")
    vocab = model.output_shape[-1]
    if not np.issubdtype(ids.dtype, np.integer) or ids.min() < 0 or ids.max() >= vocab:
        raise ValueError(
            f"ids must be integer character ids in 0..{vocab - 1} (the model predicts {vocab}), got {ids.dtype} "
            f"values from {ids.min()} to {ids.max()}. Encode the text with the model's codec: codec.encode(text)."
        )
    if burn_in >= window:
        raise ValueError(f"burn_in ({burn_in}) must be smaller than window ({window}).")
    targets = len(ids) - 1
    width = min(window, targets)
    starts, keep_from, done = [0], [0], width  # window s predicts ids[s+1 : s+width+1]
    while done < targets:
        start = min(done - burn_in, targets - width)
        starts.append(start)
        keep_from.append(done - start)
        done = start + width
    x = np.stack([ids[s : s + width] for s in starts])
    y = np.stack([ids[s + 1 : s + width + 1] for s in starts])
    logp = log_softmax(model.predict(x, batch_size=batch_size, verbose=0))
    picked = np.take_along_axis(logp, y[..., None], axis=-1)[..., 0]
    return np.concatenate([row[k:] for row, k in zip(picked, keep_from)])
