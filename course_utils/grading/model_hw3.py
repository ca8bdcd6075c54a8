"""Homework 3's required model, the instructor's reference: its summary rows and what a model gets wrong.

Embedding(V, 32, mask_zero=True) -> Bidirectional(GRU(16, return_sequences=True), merge_mode="sum") ->
GlobalAveragePooling1D -> Dense(1, sigmoid). :func:`required_rows` is the reference (the public checks store
what it gives, students never get the function); :func:`architecture_problems` compares a rebuilt model with it
part by part and names the mistake (a concatenated merge, an LSTM, ``reset_after=False``, no mask ...).
"""

from course_utils._keras import keras
from course_utils.grading.core import StudentError
from course_utils.summaries import SummaryRow, summary_rows

EMBEDDING_DIM, UNITS = 32, 16


def required_rows(vocab_size):
    """The required summary (the instructor's reference; the public checks store what it gives).

    >>> [row.params for row in required_rows(1000)]
    [32000, 4800, 0, 17]
    """
    gru = 3 * UNITS * (EMBEDDING_DIM + UNITS + 2)  # Keras 3's GRU: reset_after=True, two bias vectors
    return [SummaryRow("Embedding", (None, None, EMBEDDING_DIM), vocab_size * EMBEDDING_DIM),
            SummaryRow("Bidirectional", (None, None, UNITS), 2 * gru),
            SummaryRow("GlobalAveragePooling1D", (None, UNITS), 0),
            SummaryRow("Dense", (None, 1), UNITS + 1)]  # fmt: skip


PARTS = {
    "embedding": f"keras.layers.Embedding(vocab_size, {EMBEDDING_DIM}, mask_zero=True) on keras.Input(shape=(None,), "
                 f"dtype='int32'): output (None, None, {EMBEDDING_DIM}), vocab_size·{EMBEDDING_DIM} parameters, id 0 "
                 "masked - use the vocab_size argument, don't hard-code it",
    "recurrent": f"keras.layers.Bidirectional(keras.layers.GRU({UNITS}, return_sequences=True), merge_mode='sum'): "
                 f"every step, the two directions added, (None, None, {UNITS}); 2 × 3·{UNITS}·({EMBEDDING_DIM} + "
                 f"{UNITS} + 2) parameters (Keras 3's GRU, reset_after=True)",
    "head": "keras.layers.GlobalAveragePooling1D() - the mean over the real words, it follows the mask - then "
            "keras.layers.Dense(1, activation='sigmoid')",
}  # fmt: skip


def _differences(got, want, params=True):
    checks = [("class", want.layer_class, got.layer_class), ("output shape", tuple(want.output_shape),
              tuple(got.output_shape))] + ([("parameters", f"{want.params:,}", f"{got.params:,}")] if params else [])  # fmt: skip
    return [f"{what}: expected {w}, got {g}" for what, w, g in checks if w != g]


def _recurrent_problems(row, layer, want):
    wrong = _differences(row, want)
    width = tuple(row.output_shape)
    if row.layer_class == "Bidirectional":
        inner = getattr(layer, "forward_layer", None)
        if not isinstance(inner, keras.layers.GRU):
            wrong.append(f"the wrapped layer is {type(inner).__name__}, not a GRU")
        elif not inner.reset_after:
            wrong.append("reset_after=False: Keras 3's default GRU (reset_after=True) has two bias vectors")
        if layer.merge_mode != "sum":
            wrong.append(f"merge_mode={layer.merge_mode!r}: add the two directions with merge_mode='sum'")
    if len(width) == 2:
        wrong.append("only the last step comes out: return_sequences=True, the pooling layer averages every step")
    return wrong


def architecture_problems(model, vocab_size):
    """``{part: hint}`` for each part of the required model that ``model`` gets wrong (``{}``: it is the model)."""
    if not isinstance(model, keras.Model):
        raise StudentError(f"expected a keras Model (e.g. keras.Sequential([...])), got {type(model).__name__}.")
    try:
        rows = summary_rows(model)
    except ValueError as exc:
        raise StudentError(str(exc)) from None
    pairs = [(r, layer) for r, layer in zip(rows, model.layers) if r.layer_class not in ("InputLayer", "NotEqual")]
    want = required_rows(vocab_size)
    if len(pairs) != len(want):
        found = ", ".join(r.layer_class for r, _ in pairs)
        hint = f"the model has {len(pairs)} layers ({found}); the required summary has 4 ({', '.join(w.layer_class for w in want)})"
        return dict.fromkeys(PARTS, hint)
    (e_row, embedding), (r_row, recurrent), (p_row, pooling), (d_row, dense) = pairs
    found = {"embedding": _differences(e_row, want[0]), "recurrent": _recurrent_problems(r_row, recurrent, want[1])}
    if e_row.layer_class == "Embedding" and not embedding.mask_zero:
        found["embedding"].append("id 0 (padding) is not masked: mask_zero=True")
    width = tuple(r_row.output_shape)[-1:]  # the head is judged on what it gets: (None, None, F) -> (None, F)
    head = _differences(p_row, SummaryRow("GlobalAveragePooling1D", (None, *width), 0))
    head += _differences(d_row, SummaryRow("Dense", (None, 1), (width[0] if width else 0) + 1))
    if p_row.layer_class == "GlobalMaxPooling1D":
        head.append(
            "GlobalMaxPooling1D ignores the mask (padding takes part): GlobalAveragePooling1D is the masked mean"
        )
    activation = getattr(getattr(dense, "activation", None), "__name__", "")
    if d_row.layer_class == "Dense" and activation != "sigmoid":
        head.append(f"the activation is {activation or dense.activation}, not sigmoid")
    found["head"] = head
    return {part: f"{'; '.join(wrong)}. {PARTS[part]}" for part, wrong in found.items() if wrong}
