"""Sliders that leave a picture behind: a live ipywidgets control whose output also stores a static
snapshot, what its function draws (or prints) at the sliders' default values.

A widget needs a running kernel. Wherever there is none — the course site, GitHub's notebook view, a
notebook opened before it is run — the cell would show only the text ``interactive(children=(...``.
``with_snapshot`` makes the cell's output one MIME bundle holding both the widget and the snapshot;
each front end shows the richest part it can render: JupyterLab and Colab the live widget, a static
renderer the snapshot. Use it as the last line of the cell::

    explorer = widgets.interactive(plot_gradient_norms, n_timesteps=widgets.IntSlider(value=100, ...))
    with_snapshot(explorer)

The function runs once more for the snapshot (with the same values): keep it fast and seeded.
"""

import base64
import io

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def with_snapshot(widget):
    """Display ``widget`` (an ``ipywidgets.interactive``) live, with a static snapshot at its current values."""
    return Snapshot(widget)


def _png(data):
    """base64 text of a PNG given as bytes or as base64 text (how IPython hands images around)."""
    return base64.b64encode(data).decode("ascii") if isinstance(data, bytes) else data


def render(function, values):
    """``{mime type: data}`` of what ``function(**values)`` draws or prints: a PNG figure, else its text.

    Every figure the call opens is closed again, so nothing is drawn twice at the end of the cell.
    """
    import matplotlib.pyplot as plt
    from IPython.display import display
    from IPython.utils.capture import capture_output

    before = set(plt.get_fignums())
    with capture_output(stdout=True, stderr=False, display=True) as captured:
        result = function(**values)
        if result is not None:
            display(result)
    opened = [plt.figure(number) for number in plt.get_fignums() if number not in before]
    images = [_png(out.data["image/png"]) for out in captured.outputs if "image/png" in out.data]
    for figure in opened:  # drawn but not shown (outside a notebook, or show=False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        images.append(_png(buffer.getvalue()))
        plt.close(figure)
    if images:
        return {"image/png": images[0]}
    text = captured.stdout + "".join(out.data.get("text/plain", "") + "\n" for out in captured.outputs)
    if not text.strip():
        raise ValueError(
            f"{getattr(function, '__name__', function)!r} neither drew a figure nor printed anything with "
            f"{values}: there is no snapshot to store. Have it draw with matplotlib or print its result."
        )
    return {"text/plain": text}


class Snapshot:
    """The widget and its snapshot, displayed as one output (see the module's docstring)."""

    def __init__(self, widget):
        import ipywidgets

        if not isinstance(widget, ipywidgets.interactive):
            raise TypeError(
                f"with_snapshot() takes what widgets.interactive(function, slider=...) returns, not "
                f"{type(widget).__name__}; for widgets.interact(...), write widgets.interactive(...) instead."
            )
        self.widget = widget
        self.values = dict(widget.kwargs)  # the sliders' values when the cell ran: their defaults
        self.data = render(widget.f, self.values)

    def describe(self):
        """The sliders' values (``"n_timesteps = 100, spectral_radius = 1.0"``); fixed arguments left out."""
        import ipywidgets

        sliders = [w for w in self.widget.kwargs_widgets if isinstance(w, ipywidgets.Widget)]
        return ", ".join(f"{w._kwarg} = {self.values[w._kwarg]}" for w in sliders)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_())
        bundle.update(self.data)
        if "text/plain" not in self.data:
            bundle["text/plain"] = f"[a snapshot at {self.describe()}; the sliders run in JupyterLab or Colab]"
        return bundle
