"""course_utils.sliders: a live widget whose output also stores a snapshot at the sliders' default values."""

import base64
import io

import ipywidgets as widgets
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from course_utils.sliders import WIDGET_VIEW, with_snapshot  # noqa: E402


def interactive(function, **sliders):
    widget = widgets.interactive(function, **sliders)
    plt.close("all")  # the widget's own first call (outside a notebook nothing shows or closes it)
    return widget


def test_a_printed_result_is_stored_as_text_at_the_default_values():
    rng = np.random.default_rng(7)
    weights = rng.normal(size=5)

    def scaled(scale, digits):
        print(np.round(weights * scale, digits))

    widget = interactive(scaled, scale=widgets.FloatSlider(value=0.5, min=0.1, max=2.0), digits=widgets.fixed(3))
    bundle = with_snapshot(widget)._repr_mimebundle_()
    assert bundle["text/plain"] == f"{np.round(weights * 0.5, 3)}\n"
    assert bundle[WIDGET_VIEW]["model_id"] == widget.model_id, "the live widget is still there"
    widget.children[0].value = 1.5  # a slider moved later does not change what was stored
    assert with_snapshot(widget)._repr_mimebundle_()["text/plain"] == f"{np.round(weights * 1.5, 3)}\n"
    assert bundle["text/plain"] == f"{np.round(weights * 0.5, 3)}\n"


def line_row(bundle):
    """Where (0 = top, 1 = bottom) the snapshot's dark horizontal line is."""
    image = plt.imread(io.BytesIO(base64.b64decode(bundle["image/png"])))[..., :3].mean(axis=2)
    rows = np.flatnonzero(image.min(axis=1) < 0.5)
    return rows.mean() / image.shape[0]


def test_a_figure_is_stored_as_a_png_of_that_figure_and_closed():
    seen = []

    def draw(height, color):
        seen.append(height)
        fig, ax = plt.subplots(figsize=(4, 2), dpi=50)
        ax.axhline(height, color=color, linewidth=3)
        ax.set_ylim(0, 1)
        ax.axis("off")
        plt.show()

    low = with_snapshot(interactive(draw, height=widgets.FloatSlider(value=0.2), color=widgets.fixed("black")))
    high = with_snapshot(interactive(draw, height=widgets.FloatSlider(value=0.8), color=widgets.fixed("black")))
    assert seen == [0.2, 0.2, 0.8, 0.8], "drawn once for the widget, once for the snapshot, at the default"
    assert line_row(low._repr_mimebundle_()) == pytest.approx(0.8, abs=0.1)
    assert line_row(high._repr_mimebundle_()) == pytest.approx(0.2, abs=0.1)
    assert plt.get_fignums() == [], "the snapshot's figure is closed (it would be drawn again below the cell)"
    assert low.describe() == "height = 0.2"
    assert (
        low._repr_mimebundle_()["text/plain"] == "[a snapshot at height = 0.2; the sliders run in JupyterLab or Colab]"
    )


def test_a_function_that_shows_nothing_has_no_snapshot():
    widget = interactive(lambda n: None, n=widgets.IntSlider(value=3))
    with pytest.raises(ValueError, match=r"neither drew a figure nor printed anything with \{'n': 3\}"):
        with_snapshot(widget)


def test_only_an_interactive_is_accepted():
    with pytest.raises(TypeError, match=r"widgets.interactive\(function, slider=...\).*not IntSlider"):
        with_snapshot(widgets.IntSlider(value=3))
