"""``explain_params(model)``: every layer's parameter count from its formula, next to Keras' own.

The formulas live in :mod:`course_utils.params`; this module reads each layer's
configuration and input shape, asks :func:`course_utils.params.formula` (or the course's own
cell) for the formula, and puts the two numbers side by side so that a disagreement is
impossible to miss.
"""

from dataclasses import dataclass

from course_utils import params as P
from course_utils._keras import keras
from course_utils._table import render_html, render_text

_UNBUILT = (
    "the model is not built, so its layers have no weights yet (Keras 3 shows '0 (unbuilt)' in "
    "summary()). Start the model with keras.Input(shape=...) - e.g. "
    "keras.Sequential([keras.Input(shape=(200, 2)), ...]) - or call model.build((None, T, d)) first."
)


@dataclass(frozen=True)
class Formula:
    """A parameter count as the lecture writes it: symbols, their values, the result."""

    text: str
    value: int


@dataclass(frozen=True)
class ParamRow:
    """One layer: its formula's count next to Keras' ``count_params()``."""

    name: str
    layer_class: str
    formula: str
    formula_params: int
    keras_params: int

    @property
    def agrees(self) -> bool:
        return self.formula_params == self.keras_params


class ParamTable(list):
    """The rows of :func:`explain_params`; shows as a table in a notebook."""

    headers = ("layer", "class", "formula", "by formula", "Keras", "agree")

    @property
    def formula_total(self) -> int:
        return sum(row.formula_params for row in self)

    @property
    def keras_total(self) -> int:
        return sum(row.keras_params for row in self)

    @property
    def all_agree(self) -> bool:
        return all(row.agrees for row in self)

    def _cells(self):
        rows = [
            [
                r.name,
                r.layer_class,
                r.formula,
                f"{r.formula_params:,}",
                f"{r.keras_params:,}",
                "yes" if r.agrees else "NO",
            ]
            for r in self
        ]
        total_ok = "yes" if self.formula_total == self.keras_total else "NO"
        rows.append(["total", "", "", f"{self.formula_total:,}", f"{self.keras_total:,}", total_ok])
        return rows

    def __str__(self):
        return render_text(self.headers, self._cells(), right={3, 4})

    __repr__ = __str__

    def _repr_html_(self):
        return render_html(self.headers, self._cells(), right={3, 4})

    def assert_agree(self):
        """Raise ``AssertionError`` naming every layer whose formula and Keras disagree."""
        bad = [r for r in self if not r.agrees]
        if bad:
            lines = [
                f"{r.name} ({r.layer_class}): formula {r.formula_params:,} != Keras {r.keras_params:,}" for r in bad
            ]
            raise AssertionError("parameter formulas disagree with Keras:\n" + "\n".join(lines))
        return self


def explain_params(model) -> ParamTable:
    """One row per layer of a built model: name, class, formula, its value, Keras' count, agreement.

    Handles Sequential and functional models, nested models, ``Bidirectional``,
    ``TimeDistributed`` and ``keras.layers.RNN`` around Keras' cells or the course's
    own (any cell, or layer, with a ``parameter_formula(input_dim)`` method). Layers without
    weights (Dropout, RepeatVector, pooling, ...) show ``0``.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(
            f"explain_params expects a Keras model, got {type(model).__name__}. "
            "Wrap single layers in keras.Sequential([keras.Input(shape=...), layer])."
        )
    if not model.built:
        raise ValueError(f"explain_params: {_UNBUILT}")
    table = ParamTable()
    _explain_into(model, table, prefix="")
    return table


def _explain_into(model, table, prefix):
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            _explain_into(layer, table, prefix=f"{prefix}{layer.name}/")
            continue
        if isinstance(layer, keras.layers.InputLayer):
            continue
        formula = layer_formula(layer, _input_shape(layer))
        table.append(
            ParamRow(prefix + layer.name, type(layer).__name__, formula.text, formula.value, layer.count_params())
        )


def _input_shape(layer):
    """The shape of the layer's input (its first input, e.g. the query, when it has several)."""
    try:
        first = layer.input
        shape = (first[0] if isinstance(first, (list, tuple)) else first).shape
    except (AttributeError, ValueError):
        shapes = getattr(layer, "_build_shapes_dict", None) or {}
        if not shapes:
            raise ValueError(f"explain_params: layer {layer.name!r}: {_UNBUILT}") from None
        shape = next(iter(shapes.values()))
    return tuple(shape)


def layer_formula(layer, input_shape) -> Formula:
    """The formula (text and value) for one layer that receives ``input_shape``."""
    L = keras.layers
    d = input_shape[-1] if input_shape else None
    if isinstance(layer, L.Bidirectional):
        forward = layer_formula(layer.forward_layer, input_shape)
        backward = layer_formula(layer.backward_layer, input_shape)
        if forward.text == backward.text:
            return Formula(f"2 × {forward.text}", P.bidirectional_params(forward.value))
        return Formula(f"({forward.text}) + ({backward.text})", forward.value + backward.value)
    if isinstance(layer, L.TimeDistributed):
        inner = layer_formula(layer.layer, (input_shape[0], *input_shape[2:]))
        return Formula(f"{inner.text}, shared over time", P.time_distributed_params(inner.value))
    if isinstance(layer, L.RNN):  # SimpleRNN, LSTM, GRU are RNN(cell) too
        return _cell_formula(layer.cell, d)
    if isinstance(layer, L.Dense):
        return Formula(*P.formula("dense", d=d, u=layer.units, use_bias=layer.use_bias))
    if isinstance(layer, L.Embedding):
        return Formula(*P.formula("embedding", V=layer.input_dim, m=layer.output_dim))
    if isinstance(layer, L.Conv1D):
        return Formula(*P.formula("conv1d", k=layer.kernel_size[0], c=d, f=layer.filters, use_bias=layer.use_bias))
    if isinstance(layer, L.AdditiveAttention):
        return Formula(*P.formula("additive_attention", d=d, use_scale=layer.use_scale))
    if isinstance(layer, L.MultiHeadAttention):
        return _self_attention_formula(layer, d)
    if isinstance(layer, L.LayerNormalization):
        return Formula(*P.formula("layer_norm", d=d, center=layer.center, scale=layer.scale))
    if hasattr(layer, "parameter_formula"):  # the course's own layers describe themselves, like its cells
        return Formula(*layer.parameter_formula(d))
    if not layer.weights:
        return Formula("0 (no weights)", 0)
    raise ValueError(
        f"explain_params has no formula for layer {layer.name!r} of class {type(layer).__name__}. "
        "Known: Dense, Embedding, SimpleRNN, LSTM, GRU, RNN(cell), Conv1D, LayerNormalization, AdditiveAttention, "
        "MultiHeadAttention (self-attention), Bidirectional, TimeDistributed and weightless layers; "
        "add a function to course_utils.params."
    )


def _self_attention_formula(layer, d):
    config = layer.get_config()
    h, k = config["num_heads"], config["key_dim"]
    if config.get("use_gate") or config.get("output_shape") is not None or config["value_dim"] not in (None, k):
        raise ValueError(
            f"explain_params counts MultiHeadAttention as plain self-attention (value_dim = key_dim, no output_shape, "
            f"no gate); layer {layer.name!r} is configured otherwise."
        )
    return Formula(*P.formula("multi_head_attention", d=d, h=h, k=k, use_bias=config["use_bias"]))


def _cell_formula(cell, d):
    if hasattr(cell, "parameter_formula"):  # the course's own cells describe themselves
        text, value = cell.parameter_formula(d)
        return Formula(text, value)
    C = keras.layers
    for keras_cell, kind in ((C.SimpleRNNCell, "simple_rnn"), (C.LSTMCell, "lstm"), (C.GRUCell, "gru")):
        if isinstance(cell, keras_cell):
            switches = {"reset_after": cell.reset_after} if kind == "gru" else {}
            return Formula(*P.formula(kind, d=d, u=cell.units, use_bias=cell.use_bias, **switches))
    raise ValueError(
        f"explain_params has no formula for the cell {type(cell).__name__}. Give the cell a method "
        "parameter_formula(input_dim) -> (text, count), as course_utils.cells do."
    )
