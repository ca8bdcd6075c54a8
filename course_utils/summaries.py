"""Compare a model's ``summary()`` with the tables printed in the lecture notes.

Keras 3 prints summaries differently from the Keras 2 of the lectures (a box table,
byte sizes next to the totals, ``0 (unbuilt)`` without ``keras.Input``), so comparing
the printed text would break with every release. Instead we compare the facts:
each row's layer class, output shape and parameter count, and the totals.

The lectures' tables are transcribed in ``data/lecture_summaries.json``.

:func:`shape_table` and :func:`shape_flow` summarise shapes only (notebook 06's configurations):
input and output shapes of several models side by side, or the shape after every layer of one.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from course_utils._keras import keras
from course_utils._table import Table, render_text, shape_text

LECTURE_SUMMARIES = Path(__file__).resolve().parents[1] / "data" / "lecture_summaries.json"


@dataclass(frozen=True)
class SummaryRow:
    """What ``model.summary()`` shows for one layer (its name aside)."""

    layer_class: str
    output_shape: tuple
    params: int

    def cells(self):
        return [self.layer_class, shape_text(self.output_shape), f"{self.params:,}"]


def _output_shape(layer):
    output = layer.output
    if isinstance(output, (list, tuple)):
        return tuple(tuple(o.shape) for o in output)
    return tuple(output.shape)


def summary_rows(model) -> list:
    """The rows ``model.summary()`` prints: layer class, output shape, parameter count.

    Like ``summary()``, a Sequential model lists no InputLayer row and a functional
    model does. Raises ``ValueError`` for an unbuilt model (one without ``keras.Input``).
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"summary_rows expects a Keras model, got {type(model).__name__}.")
    if not model.built:
        raise ValueError(
            "summary_rows: the model is not built (Keras 3 shows '0 (unbuilt)'). "
            "Start it with keras.Input(shape=...) or call model.build(input_shape) first."
        )
    return [SummaryRow(type(layer).__name__, _output_shape(layer), layer.count_params()) for layer in model.layers]


@cache
def _lecture_tables():
    if not LECTURE_SUMMARIES.is_file():
        raise FileNotFoundError(
            f"{LECTURE_SUMMARIES} is missing; it is part of the course repository. "
            "Run the course from a clone of its repository (git clone ... && make lab)."
        )
    return json.loads(LECTURE_SUMMARIES.read_text(encoding="utf-8"))


def lecture_summary_names() -> list:
    """Names of the transcribed lecture summaries.

    >>> lecture_summary_names()
    ['e89b_embedding_bilstm', 'e89b_embedding_lstm', 'e89b_lstm', 'e89b_simple_rnn']
    """
    return sorted(name for name in _lecture_tables() if not name.startswith("_"))


def lecture_summary(name: str) -> dict:
    """One transcribed lecture summary: ``rows`` (as :class:`SummaryRow`), totals and ``source``.

    >>> table = lecture_summary("e89b_lstm")
    >>> [row.params for row in table["rows"]], table["total_params"]
    ([1216, 17], 1233)
    """
    tables = _lecture_tables()
    if name not in tables or name.startswith("_"):
        raise ValueError(f"no lecture summary named {name!r}; choose one of {lecture_summary_names()}.")
    raw = tables[name]
    rows = [SummaryRow(r["layer"], tuple(r["output_shape"]), r["params"]) for r in raw["rows"]]
    return {**raw, "name": name, "rows": rows}


def _coerce_expected(expected):
    if isinstance(expected, str):
        return lecture_summary(expected)
    if isinstance(expected, dict) and "rows" in expected:
        rows = [
            r if isinstance(r, SummaryRow) else SummaryRow(r["layer"], tuple(r["output_shape"]), r["params"])
            for r in expected["rows"]
        ]
        return {**expected, "rows": rows}
    if isinstance(expected, (list, tuple)):
        return {"rows": [r if isinstance(r, SummaryRow) else SummaryRow(*r) for r in expected]}
    raise ValueError(
        "expected must be a lecture summary name (see lecture_summary_names()), a dict with 'rows', "
        f"or a list of (layer_class, output_shape, params); got {type(expected).__name__}."
    )


def assert_summary(model, expected) -> str:
    """Check ``model`` against an expected summary; raise ``AssertionError`` with a row-by-row diff.

    ``expected`` is a lecture summary name (``"e89b_lstm"``), a dict like those of
    :func:`lecture_summary`, or a list of ``(layer_class, output_shape, params)``.
    The number of rows must match exactly; totals are checked when given.
    Returns a one-line confirmation on success.
    """
    want = _coerce_expected(expected)
    got = summary_rows(model)
    rows, problems = [], []
    for i in range(max(len(got), len(want["rows"]))):
        g = got[i] if i < len(got) else None
        w = want["rows"][i] if i < len(want["rows"]) else None
        diff = _row_diff(w, g)
        if diff:
            problems.append(f"row {i + 1}: {diff}")
        rows.append(
            [
                str(i + 1),
                *(w.cells() if w else ["-", "-", "-"]),
                *(g.cells() if g else ["-", "-", "-"]),
                "ok" if not diff else "DIFF",
            ]
        )
    total = sum(r.params for r in got)
    trainable = sum(int(keras.ops.size(w)) for w in model.trainable_weights)
    for key, value in (
        ("total_params", total),
        ("trainable_params", trainable),
        ("non_trainable_params", total - trainable),
    ):
        if key in want and want[key] != value:
            problems.append(f"{key.replace('_', ' ')}: expected {want[key]:,}, got {value:,}")
    label = want.get("name", "the expected summary")
    if problems:
        table = render_text(["#", "expected", "shape", "params", "got", "shape", "params", ""], rows, right={3, 6})
        raise AssertionError(f"model does not match {label}:\n" + "\n".join(problems) + "\n\n" + table)
    return f"matches {label}: {len(got)} layers, {total:,} parameters"


def _row_diff(want, got):
    if want is None:
        return f"unexpected extra layer {got.layer_class}"
    if got is None:
        return f"missing layer {want.layer_class}"
    parts = []
    if want.layer_class != got.layer_class:
        parts.append(f"class {want.layer_class} != {got.layer_class}")
    if tuple(want.output_shape) != tuple(got.output_shape):
        parts.append(f"output shape {shape_text(want.output_shape)} != {shape_text(got.output_shape)}")
    if want.params != got.params:
        parts.append(f"params {want.params:,} != {got.params:,}")
    return "; ".join(parts)


def _shapes(tensors):
    return " + ".join(shape_text(tuple(t.shape)) for t in tensors)


def shape_table(models) -> Table:
    """One row per ``{"configuration name": built keras.Model}``: input and output shapes, parameters.

    Several inputs or outputs are joined with ``+`` (an encoder-decoder has two inputs).
    """
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
