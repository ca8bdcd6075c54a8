"""Input and output configurations of recurrent networks (notebook 06): shapes, seq2seq, forecasts.

* :func:`shape_table` - configuration, input shape, output shape and parameters of built models
* :func:`shape_flow` - one line: the shape after every layer of a model
* :func:`gradient_norms` - how much gradient reaches each layer of a (stacked) model
* :func:`make_digit_reversal` - the encoder-decoder task: read a digit string, write it reversed
* :func:`decoder_inputs`, :func:`greedy_decode`, :func:`sequence_accuracy`, :func:`digits_text` -
  teacher forcing for training, step-by-step decoding for use, and how to score it
* :func:`last_value_forecast`, :func:`forecast_errors` - the naive baseline every forecaster must beat

Token ids of the reversal task: digits are their own ids (0-9) and :data:`START` (10) is the
"begin decoding" token that the decoder reads at its first step.
"""

import numpy as np

from course_utils._table import render_html, render_text, shape_text
from course_utils._validation import non_negative_int, number, positive_int

DIGITS = "0123456789"
START = 10  # the decoder's first input: "start writing"


class Table(list):
    """Rows of strings under ``headers``; shows as a table in a notebook and as text with ``print``."""

    def __init__(self, headers, rows, right=()):
        super().__init__(rows)
        self.headers, self.right = tuple(headers), set(right)

    def __str__(self):
        return render_text(self.headers, self, right=self.right)

    __repr__ = __str__

    def _repr_html_(self):
        return render_html(self.headers, self, right=self.right)


def _shapes(tensors):
    return " + ".join(shape_text(tuple(t.shape)) for t in tensors)


def shape_table(models) -> Table:
    """One row per ``{"configuration name": built keras.Model}``: input and output shapes, parameters.

    Several inputs or outputs are joined with ``+`` (an encoder-decoder has two inputs).
    """
    from course_utils._keras import keras

    if not isinstance(models, dict) or not models:
        raise ValueError("shape_table expects a non-empty dict {configuration name: keras.Model}.")
    rows = []
    for name, model in models.items():
        if not isinstance(model, keras.Model) or not model.built or not model.inputs:
            raise ValueError(
                f"shape_table: {name!r} must be a keras.Model started with keras.Input(shape=...), "
                f"got {type(model).__name__}."
            )
        rows.append([str(name), _shapes(model.inputs), _shapes(model.outputs), f"{model.count_params():,}"])
    return Table(["configuration", "input", "output", "params"], rows, right={3})


def shape_flow(model) -> str:
    """The shape after every layer, on one line: ``(None, 8) → Dense → (None, 4)``.

    Functional models with several inputs list their inputs first, joined by ``+``.
    """
    from course_utils._keras import keras

    if not isinstance(model, keras.Model) or not model.built or not model.inputs:
        raise ValueError("shape_flow expects a keras.Model started with keras.Input(shape=...).")
    parts = [_shapes(model.inputs)]
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        output = layer.output
        outputs = output if isinstance(output, (list, tuple)) else [output]
        parts += [type(layer).__name__, _shapes(outputs)]
    return " → ".join(parts)


def gradient_norms(model, x, y, layer_names):
    """``{layer name: norm of d(loss)/d(kernel)}`` for a mean-squared-error loss on one batch.

    Shows how much training signal reaches each layer: in a deep stack without skip
    connections the layers far from the loss get far less. TensorFlow backend only.
    """
    from course_utils._keras import keras

    if keras.backend.backend() != "tensorflow":
        raise ValueError(f"gradient_norms needs the tensorflow backend, not {keras.backend.backend()!r}.")
    if not layer_names:
        raise ValueError("layer_names must name at least one layer of the model.")
    import tensorflow as tf

    kernels = []
    for name in layer_names:
        weights = model.get_layer(name).trainable_weights  # ValueError with the known names if absent
        if not weights:
            raise ValueError(f"layer {name!r} has no trainable weights.")
        kernels.append(weights[0])
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(x, training=False) - y) ** 2)
    grads = tape.gradient(loss, kernels)
    return {name: float(tf.norm(g)) for name, g in zip(layer_names, grads)}


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


def last_value_forecast(inputs):
    """The naive forecast: tomorrow equals today, ``inputs[:, -1, 0]`` for windows ``(n, window, 1)``.

    >>> last_value_forecast(np.arange(6.0).reshape(2, 3, 1))
    array([2., 5.])
    """
    inputs = np.asarray(inputs)
    if inputs.ndim != 3 or inputs.shape[1] < 1:
        raise ValueError(f"inputs must be windows of shape (n, window, features), got {inputs.shape}.")
    return inputs[:, -1, 0]


def forecast_errors(targets, forecasts, scale=1.0, unit=""):
    """MAE and RMSE of each named forecast, multiplied by ``scale`` (e.g. ``data.info["std"]``).

    ``forecasts`` is ``{name: predictions}``; rows keep that order. The returned table also
    has ``.errors``: ``{name: {"mae": ..., "rmse": ...}}`` in the scaled unit, for asserts.

    >>> table = forecast_errors([1.0, 2.0], {"zero": [0.0, 0.0]}, scale=10.0)
    >>> table.errors["zero"]["mae"], round(table.errors["zero"]["rmse"], 3)
    (15.0, 15.811)
    """
    targets = np.asarray(targets, dtype=np.float64).ravel()
    if not isinstance(forecasts, dict) or not forecasts:
        raise ValueError("forecasts must be a non-empty dict {name: predictions}.")
    number(scale, "scale", "Use e.g. data.info['std'].", above=0)
    errors, rows = {}, []
    for name, values in forecasts.items():
        values = np.asarray(values, dtype=np.float64).ravel()
        if values.shape != targets.shape:
            raise ValueError(f"forecast {name!r} has {values.size} values for {targets.size} targets.")
        diff = (values - targets) * scale
        errors[name] = {"mae": float(np.abs(diff).mean()), "rmse": float(np.sqrt((diff**2).mean()))}
        rows.append([str(name), f"{errors[name]['mae']:.1f}", f"{errors[name]['rmse']:.1f}"])
    suffix = f" ({unit})" if unit else ""
    table = Table(["forecast", "MAE" + suffix, "RMSE" + suffix], rows, right={1, 2})
    table.errors = errors
    return table
