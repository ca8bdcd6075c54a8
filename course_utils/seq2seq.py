"""Sequence to sequence (notebook 06): the digit-reversal task, teacher forcing and greedy decoding.

* :func:`make_digit_reversal` - the encoder-decoder task: read a digit string, write it reversed
* :func:`decoder_inputs` - teacher forcing: what the decoder reads while it is trained
* :func:`greedy_decode` - decoding without the answer, one step at a time, for use
* :func:`sequence_accuracy`, :func:`digits_text` - how to score it, and how to show it

Token ids of the reversal task: digits are their own ids (0-9) and :data:`START` (10) is the
"begin decoding" token that the decoder reads at its first step.
"""

import numpy as np

from course_utils._validation import non_negative_int, positive_int

DIGITS = "0123456789"
START = 10  # the decoder's first input: "start writing"


def _int_matrix(x, name):
    x = np.asarray(x)
    if x.ndim != 2 or not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"{name} must be a 2-D integer array (sequences, steps), got shape {x.shape} {x.dtype}.")
    return x


def make_digit_reversal(n_samples=5000, length=6, seed=0, validation_fraction=0.1, test_fraction=0.1):
    """Random digit strings (inputs) and the same strings reversed (targets), both ``int32 (n, length)``.

    Reversal is a many-to-many task whose output at step 1 needs the input at the *last* step:
    a causal aligned RNN cannot do it, an encoder-decoder can. Examples are independent, so the
    split is a plain cut (train, validation, test). ``info["baseline_token_accuracy"]`` = 0.1 is
    guessing; ``info["vocabulary_size"]`` = 11 counts the ten digits and ``START``.

    >>> data = make_digit_reversal(n_samples=10, length=4, seed=0)
    >>> x, y = data["train"]
    >>> digits_text(x[0]), digits_text(y[0])
    ('8652', '2568')
    """
    from course_utils.datasets import Splits
    from course_utils.datasets.splits import SPLIT_NAMES, contiguous_split

    n = positive_int(n_samples, "n_samples", "Use e.g. 5000.")
    steps = positive_int(length, "length", "Use e.g. 6 digits.")
    rng = np.random.default_rng(non_negative_int(seed, "seed", "Use a fixed integer such as 0."))
    inputs = rng.integers(0, 10, size=(n, steps)).astype(np.int32)
    targets = inputs[:, ::-1].copy()
    blocks = contiguous_split(n, validation_fraction, test_fraction)
    return Splits(
        {key: (inputs[b], targets[b]) for key, b in zip(SPLIT_NAMES, blocks)},
        name="digit_reversal", seed=seed, length=steps, start=START, vocabulary_size=11,
        baseline_token_accuracy=0.1, baseline_sequence_accuracy=0.1**steps,
    )  # fmt: skip


def decoder_inputs(targets, start=START):
    """Teacher forcing: the decoder reads ``start``, then the *true* previous output token.

    >>> decoder_inputs(np.array([[3, 2, 1]]))
    array([[10,  3,  2]], dtype=int32)
    """
    targets = _int_matrix(targets, "targets")
    start = non_negative_int(start, "start", "Use the start-token id, e.g. 10.")
    return np.concatenate([np.full((len(targets), 1), start), targets[:, :-1]], axis=1).astype(np.int32)


def greedy_decode(model, encoder_inputs, length, start=START):
    """Decode without the answer: feed the model's own previous prediction back, one step at a time.

    ``model([encoder_inputs, decoder_inputs])`` must return per-step class scores of shape
    ``(n, length, classes)`` from a *causal* decoder (the output at step t reads decoder inputs
    up to t only). Step t's arg-max becomes decoder input t + 1; ``length`` calls in all.
    Returns the predicted ids, ``int32 (n, length)``.
    """
    encoder_inputs = _int_matrix(encoder_inputs, "encoder_inputs")
    length = positive_int(length, "length", "Use the target length, e.g. 6.")
    start = non_negative_int(start, "start", "Use the start-token id, e.g. 10.")
    from course_utils._keras import keras

    decoded = np.zeros((len(encoder_inputs), length), dtype=np.int32)
    feed = np.zeros_like(decoded)
    feed[:, 0] = start
    predict = getattr(model, "predict_on_batch", None)  # a compiled graph: much faster than eager calls
    for t in range(length):
        inputs = [encoder_inputs, feed]
        scores = keras.ops.convert_to_numpy(predict(inputs) if predict else model(inputs, training=False))
        if scores.ndim != 3 or scores.shape[1] != length:
            raise ValueError(f"the model must return (n, {length}, classes) scores, got shape {scores.shape}.")
        decoded[:, t] = scores[:, t].argmax(axis=-1)
        if t + 1 < length:
            feed[:, t + 1] = decoded[:, t]
    return decoded


def sequence_accuracy(predicted, targets):
    """``{"token": share of correct tokens, "sequence": share of sequences entirely correct, "per_step": array}``.

    >>> scores = sequence_accuracy(np.array([[1, 2], [3, 4]]), np.array([[1, 2], [3, 0]]))
    >>> scores["token"], scores["sequence"], scores["per_step"].tolist()
    (0.75, 0.5, [1.0, 0.5])
    """
    predicted, targets = _int_matrix(predicted, "predicted"), _int_matrix(targets, "targets")
    if predicted.shape != targets.shape:
        raise ValueError(f"predicted {predicted.shape} and targets {targets.shape} must have the same shape.")
    correct = predicted == targets
    return {
        "token": float(correct.mean()),
        "sequence": float(correct.all(axis=1).mean()),
        "per_step": correct.mean(axis=0),
    }


def digits_text(ids):
    """Token ids as a string: digits as themselves, ``START`` as ``^``.

    >>> digits_text([START, 4, 0, 2])
    '^402'
    """
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer) or ids.size and (ids.min() < 0 or ids.max() > START):
        raise ValueError(f"ids must be a 1-D array of integers in [0, {START}], got {ids!r}.")
    return "".join("^" if i == START else DIGITS[i] for i in ids)
