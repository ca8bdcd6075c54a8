"""The course site without a browser: what each page is made of, and the checks every build must pass.

The browser tests (tests/browser/test_site.py) open the real site; these run in `make test`.
"""

import base64
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from course_utils.tooling import colab
from course_utils.tooling.website import SiteError, build_site, checks, stage
from course_utils.tooling.website.build import navigation

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
WIDGET = stage.WIDGET_VIEW
REPO = "https://github.com/you/rnn"
# a 1 x 1 PNG
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360f8cfc000000301010018dd8db40000000049454e44ae426082"
    )
).decode()


def widget_output(**data):
    return nbformat.v4.new_output(
        "display_data", data={WIDGET: {"version_major": 2, "version_minor": 0, "model_id": "abc"}, **data}
    )


def notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


def test_a_slider_without_a_snapshot_is_refused():
    cell = nbformat.v4.new_code_cell("explorer")
    cell.outputs = [widget_output(**{"text/plain": "interactive(children=(IntSlider(value=100, description='T'), …"})]
    with pytest.raises(SiteError, match=r"cell 1: a widget with no static snapshot.*with_snapshot"):
        stage.snapshot_outputs(notebook(nbformat.v4.new_markdown_cell("# t"), cell), "03_x.ipynb")


@pytest.mark.parametrize(
    "snapshot", [{"image/png": PNG, "text/plain": "[a snapshot]"}, {"text/plain": "HAMLET\nTo be"}]
)
def test_a_slider_shows_its_snapshot_and_where_the_live_version_runs(snapshot):
    cell = nbformat.v4.new_code_cell("with_snapshot(explorer)")
    cell.outputs = [widget_output(**snapshot)]
    nb = stage.snapshot_outputs(notebook(cell, nbformat.v4.new_markdown_cell("next idea")), "x.ipynb")
    assert [c.cell_type for c in nb.cells] == ["code", "markdown", "markdown"]
    assert nb.cells[0].outputs[0].data == snapshot, "the widget view goes, the snapshot stays"
    assert "course-snapshot-note" in nb.cells[1].source and "JupyterLab or Colab" in nb.cells[1].source


def test_every_slider_of_the_course_has_a_stored_snapshot():
    sliders = 0
    for path in stage.lecture_paths(NOTEBOOKS):
        nb = stage.snapshot_outputs(nbformat.read(path, as_version=4), path.name)  # raises if one has none
        sliders += sum("course-snapshot-note" in c.source for c in nb.cells if c.cell_type == "markdown")
    assert sliders >= 2, "notebooks 03 and 08 each have a slider"


def test_a_lecture_page_has_text_links_instead_of_the_badge_and_no_colab_set_up(tmp_path):
    source = NOTEBOOKS / "01_sequences_and_the_recurrent_neuron.ipynb"
    page = stage.stage_lecture(source, tmp_path)
    nb = nbformat.read(tmp_path / page.path, as_version=4)
    original = nbformat.read(source, as_version=4)
    badge_url = stage._BADGE_URL.search(original.cells[0].source)[1]
    assert page.section == "lectures" and page.title.startswith("01 ·")
    assert nb.cells[0].source.startswith('<div class="course-run">')
    assert f'href="{badge_url}"' in nb.cells[0].source and "<img" not in nb.cells[0].source
    assert f'href="{stage.JUPYTERLAB}{source.name}"' in nb.cells[0].source
    tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
    assert colab.BADGE_TAG not in tags and colab.SETUP_TAG not in tags
    assert not any("google.colab" in c.source for c in nb.cells)
    assert len(nb.cells) == len(original.cells) - 1  # badge -> links box, set-up cell gone
    assert (tmp_path / "downloads" / source.name).read_bytes() == source.read_bytes()


def write_course(folder, names, readme_rows=()):
    """A small course: lecture notebooks with a title, some maths and a stored output, and a README."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        nb = notebook(
            nbformat.v4.new_markdown_cell(f"# {name[:2]} · Title of {name}\n\nThe state $h_t = \\tanh(a_t)$."),
            nbformat.v4.new_code_cell("print(1)"),
        )
        nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
        colab.apply(nb, REPO, f"notebooks/{name}")
        nbformat.write(nb, folder / name)
    rows = "\n".join(f"| `{stem}` | {topic} | 001 |" for stem, topic in readme_rows)
    (folder.parent / "README.md").write_text(f"# Course\n\n| notebook | topic | lectures |\n|---|---|---|\n{rows}\n")


def test_the_start_page_is_the_start_here_notebook_when_the_course_has_one(tmp_path):
    write_course(tmp_path / "notebooks", ["01_a.ipynb", "02_b.ipynb", "00_start_here.ipynb"])
    home, lectures, homework = stage.stage(
        tmp_path / "notebooks", tmp_path / "docs", tmp_path, tmp_path / "README.md", "T"
    )
    assert home.path == "index.ipynb" and home.title == "00 · Title of 00_start_here.ipynb"
    assert [p.path for p in lectures] == ["01_a.ipynb", "02_b.ipynb"] and homework == []
    assert not (tmp_path / "docs" / "index.md").exists()


def test_without_one_the_start_page_is_the_readme_course_table(tmp_path):
    write_course(tmp_path / "notebooks", ["02_b.ipynb", "01_a.ipynb"], [("01_a", "loops in NumPy"), ("09_z", "gone")])
    home, lectures, _ = stage.stage(tmp_path / "notebooks", tmp_path / "docs", tmp_path, tmp_path / "README.md", "T")
    text = (tmp_path / "docs" / "index.md").read_text()
    assert home.path == "index.md" and [p.path for p in lectures] == ["01_a.ipynb", "02_b.ipynb"]
    assert "| [01 · Title of 01_a.ipynb](01_a.ipynb) | loops in NumPy | 001 |" in text
    assert "[02 · Title of 02_b.ipynb](02_b.ipynb)" in text and "09_z" not in text


def test_the_readme_course_table_has_a_row_for_every_lecture():
    table = stage.course_table(ROOT / "README.md")
    assert set(table) == {p.stem for p in stage.lecture_paths(NOTEBOOKS)}
    assert all(topic and lectures for topic, lectures in table.values())


def test_navigation_is_start_page_lectures_then_homework():
    home = stage.Page("index.md", "T", "home")
    lectures = [stage.Page(f"0{i}_x.ipynb", "", "lectures") for i in (1, 2)]
    homework = [stage.Page("homework/hw1.ipynb", "", "homework")]
    assert navigation(home, lectures, homework) == [
        {"Start here": "index.md"},
        {"Lectures": ["01_x.ipynb", "02_x.ipynb"]},
        {"Homework": ["homework/hw1.ipynb"]},
    ]
    assert navigation(home, lectures, []) == navigation(home, lectures, homework)[:2]


def test_the_site_shows_homework_only_as_released(tmp_path):
    released = stage.release_homework(NOTEBOOKS / "homework", tmp_path / "releases")
    assert [p.name for p in released] == sorted(p.name for p in (NOTEBOOKS / "homework").glob("*.ipynb"))
    pages = [stage.stage_homework(path, tmp_path / "docs") for path in released]
    assert [p.section for p in pages] == ["homework"] * len(released)
    assert checks.find_leaks(tmp_path / "docs", NOTEBOOKS / "homework", NOTEBOOKS) == []
    for page in pages:
        nb = nbformat.read(tmp_path / "docs" / page.path, as_version=4)
        assert "YOUR CODE HERE" in "".join(c.source for c in nb.cells)
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
        assert "download" in nb.cells[0].source and colab.SETUP_TAG not in str(nb.cells)


def test_solution_lines_come_from_the_homework_sources():
    lines = checks.solution_lines(NOTEBOOKS / "homework", NOTEBOOKS)
    assert len(lines) >= 30
    # the lectures show no homework solution line (tests/grading/test_student_edition.py); a line they did show
    # would not count as a leak (the doctest of checks.solution_lines)
    assert lines == checks.solution_lines(NOTEBOOKS / "homework")


def planted_site(folder, solution_line):
    """A one-page site whose page, search index and download may carry ``solution_line``."""
    html = solution_line.replace("@", "<span>@</span>").replace("(", '<span class="p">(</span>')  # as Pygments does
    (folder / "search").mkdir(parents=True)
    (folder / "page.html").write_text(f"<html><body><pre>{html}</pre></body></html>")
    (folder / "search" / "search_index.json").write_text(json.dumps({"docs": [{"text": f"<p>{solution_line}</p>"}]}))


def test_a_solution_line_is_found_in_a_page_the_search_index_or_a_download(tmp_path):
    homework = tmp_path / "homework"
    homework.mkdir()
    code = "def f(x):\n    ### BEGIN SOLUTION\n    return np.tanh(x @ W_x + h_prev @ W_h)\n    ### END SOLUTION"
    nbformat.write(notebook(nbformat.v4.new_code_cell(code)), homework / "hw.ipynb")
    planted_site(tmp_path / "site", "return np.tanh(x @ W_x + h_prev @ W_h)")
    leaks = checks.find_leaks(tmp_path / "site", homework)
    assert leaks == [
        "page.html: the solution line 'return np.tanh(x @ W_x + h_prev @ W_h)'",
        "search/search_index.json: the solution line 'return np.tanh(x @ W_x + h_prev @ W_h)'",
    ]
    shutil.copy(homework / "hw.ipynb", tmp_path / "site" / "hw.ipynb")  # the source, as a download
    assert any(
        "hw.ipynb: the solution marker 'BEGIN SOLUTION'" == leak
        for leak in checks.find_leaks(tmp_path / "site", homework)
    )
    clean = tmp_path / "clean"
    planted_site(clean, "return np.tanh(z)  # not the solution")
    assert checks.find_leaks(clean, homework) == []


@pytest.mark.parametrize(
    "html, remote",
    [
        ('<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-svg.js"></script>', True),
        ("<link rel='stylesheet' href='//fonts.googleapis.com/css?family=Roboto'>", True),
        ('<link href="https://fonts.gstatic.com" rel="preconnect">', True),
        ('<img alt="Open In Colab" src="https://colab.research.google.com/assets/colab-badge.svg">', True),
        ("<style>@font-face { src: url(https://example.org/f.woff2) }</style>", True),
        ('<a href="https://colab.research.google.com/github/you/rnn">Open in Colab</a>', False),
        ('<script src="assets/mathjax/tex-svg-full.js"></script><img src="data:image/png;base64,AAAA">', False),
        ('<link rel="canonical" href="https://example.org/course/">', False),
    ],
)
def test_anything_loaded_from_another_host_is_found(tmp_path, html, remote):
    (tmp_path / "page.html").write_text(f"<html><head></head><body>{html}</body></html>")
    assert bool(checks.remote_loads(tmp_path)) == remote


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    write_course(root / "notebooks", ["01_a.ipynb", "02_b.ipynb"], [("01_a", "loops"), ("02_b", "gradients")])
    pages = build_site(root / "notebooks", root / "site", work=root / "work")
    return root, pages


def test_a_small_course_builds_to_an_offline_site(small_site):
    root, pages = small_site
    site = root / "site"
    assert [p.relative_to(site).as_posix() for p in pages] == ["index.html", "01_a.html", "02_b.html"]
    assert all(p.is_file() for p in pages)
    assert (site / "assets" / "mathjax" / "tex-svg-full.js").stat().st_size > 1_000_000
    assert (site / "search" / "search_index.js").read_text().startswith("var __index =")  # search from file://
    assert checks.remote_loads(site) == []
    page = (site / "01_a.html").read_text()
    assert "course-run" in page and "google.colab" not in page and "colab-badge.svg" not in page
    assert 'src="assets/mathjax/tex-svg-full.js"' in page and 'src="assets/iframe-worker-shim.js"' in page
    assert "jupyter-wrapper{--md-red-50" not in page, "the notebook CSS is shared, not inline"
    assert list((site / "assets").glob("notebook-*.css")), "the shared notebook style sheet"


def test_a_build_that_fails_a_check_keeps_nothing(tmp_path, monkeypatch, small_site):
    root, _ = small_site
    monkeypatch.setattr(checks, "remote_loads", lambda site: ["01_a.html: <script src='https://cdn'>"])
    with pytest.raises(SiteError, match="not kept:\n  01_a.html: <script"):
        build_site(root / "notebooks", tmp_path / "site", work=root / "work")
    assert not (tmp_path / "site").exists()


def test_every_source_the_readme_names_is_in_the_table():
    from course_utils.sources import SOURCES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| notebook | topic | lectures |") :].split("\n\n")[0]
    rows = [row for row in table.splitlines()[2:] if not row.startswith("| `00_start_here`")]
    cited = {name.strip() for row in rows for name in row.rstrip(" |").split("|")[-1].split(",")}
    assert cited <= {s.short for s in SOURCES}, cited - {s.short for s in SOURCES}
