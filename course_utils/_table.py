"""Plain-text and HTML rendering of small tables and of array shapes (notebook display, error messages)."""

from html import escape


def render_text(headers, rows, right=()):
    """Render ``rows`` (sequences of str) under ``headers`` as an aligned text table.

    Columns whose index is in ``right`` are right-aligned (numbers).

    >>> print(render_text(["layer", "params"], [["Dense", "4"], ["SimpleRNN", "18"]], right={1}))
    layer      params
    ---------  ------
    Dense           4
    SimpleRNN      18
    """
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule] + [line(row) for row in cells[1:]])


def render_html(headers, rows, right=()):
    """Render the same table as HTML (what JupyterLab shows)."""
    style = ' style="text-align:right"'
    head = "".join(f"<th{style if i in right else ''}>{escape(str(h))}</th>" for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f"<td{style if i in right else ''}>{escape(str(c))}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


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


def shape_text(shape):
    """A shape as Python prints a tuple, ``None`` where a size is unknown; several shapes joined by ``, ``.

    >>> shape_text((None, 8)), shape_text((16,)), shape_text(((None, 4), (None, 4)))
    ('(None, 8)', '(16,)', '(None, 4), (None, 4)')
    """
    if shape and isinstance(shape[0], tuple):  # several outputs, e.g. return_state=True
        return ", ".join(shape_text(s) for s in shape)
    return "(" + ", ".join("None" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
