"""The course site as a student opens it, from a folder (file://) and from a local server, in Chromium
with every request to another host blocked and counted: none may be made.

The site is built once (``build_site``, what ``make site`` runs) into a temporary folder.
"""

import functools
import http.server
import re
import threading
from pathlib import Path
from urllib.parse import urljoin

import nbformat
import pytest
from browsing import ARTIFACTS, ROOT

NOTEBOOKS = ROOT / "notebooks"
LOCAL = ("file://", "data:", "blob:", "about:")
MODES = ["folder", "server"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from course_utils.tooling.website import build_site

    root = tmp_path_factory.mktemp("website")
    pages = build_site(NOTEBOOKS, root / "site", work=root / "work")
    return root / "site", pages


@pytest.fixture(scope="module")
def server(site):
    """The site on 127.0.0.1 (a free port), as ``python -m http.server`` would serve it."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site[0])))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


class Visit:
    """A page whose requests to other hosts are blocked and recorded, with its script errors."""

    def __init__(self, browser, base, local):
        self.base, self.local, self.blocked, self.errors = base, local, [], []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.local):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def open(self, relative):
        self.page.goto(self.base + relative)
        # MathJax typesets after loading; its startup promise settles when the page is done
        self.page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        self.page.evaluate("() => MathJax.startup.promise.then(() => true)")
        return self.page

    def assert_nothing_left_the_machine(self):
        assert self.blocked == [], f"{len(self.blocked)} request(s) to another host: {self.blocked[:5]}"
        assert self.errors == [], f"script errors: {self.errors[:3]}"


@pytest.fixture(params=MODES)
def visit(request, browser, site, server):
    """A Visit of the site opened from its folder, or from the local server."""
    if request.param == "folder":
        base, local = site[0].as_uri() + "/", LOCAL
    else:
        base, local = server, (*LOCAL, server)
    v = Visit(browser, base, local)
    yield v
    v.page.close()


def relative_pages(site):
    folder, pages = site
    return [page.relative_to(folder).as_posix() for page in pages]


def source_notebook(relative):
    """The course notebook a page shows (None for a generated start page)."""
    if relative.startswith("homework/"):
        return NOTEBOOKS / "homework" / Path(relative).with_suffix(".ipynb").name
    path = NOTEBOOKS / Path(relative).with_suffix(".ipynb")
    return path if path.is_file() else None


def stored_images(relative):
    path = source_notebook(relative)
    if path is None or relative.startswith("homework/"):  # released homework has no outputs
        return 0
    nb = nbformat.read(path, as_version=4)
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_every_page_loads_with_all_its_images_and_nothing_from_another_host(visit, site):
    pages = relative_pages(site)
    assert pages == expected_order()
    for relative in pages:
        page = visit.open(relative)
        assert page.title(), f"{relative}: the page did not load"
        images = page.evaluate("() => [...document.querySelectorAll('article img')].length")
        broken = page.evaluate("() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).length")
        assert broken == 0, f"{relative}: {broken} image(s) did not load"
        assert images >= stored_images(relative), f"{relative}: fewer images than its {stored_images(relative)} plots"
    visit.assert_nothing_left_the_machine()


_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", flags=re.S)
_CODE = re.compile(r"```.*?```|`[^`\n]*`", flags=re.S)


def maths_in(relative):
    """How many TeX expressions the page's notebook has in its markdown (code spans left out)."""
    path = source_notebook(relative)
    if path is None:
        return 0
    cells = nbformat.read(path, as_version=4).cells
    return sum(len(_MATH.findall(_CODE.sub("", c.source))) for c in cells if c.cell_type == "markdown")


_RAW_TEXT = """() => {
    const article = document.querySelector('article').cloneNode(true);
    article.querySelectorAll('pre, code, mjx-container, script, style, .jp-CodeCell').forEach(e => e.remove());
    return article.textContent;
}"""


def test_no_page_shows_raw_maths(browser, site):
    visit = Visit(browser, site[0].as_uri() + "/", LOCAL)  # from the folder: the strictest case
    total, report = 0, []
    for relative in relative_pages(site):
        page = visit.open(relative)
        rendered = page.locator("article mjx-container").count()
        errors = page.locator("article mjx-merror").count()
        in_code = page.locator("article .jp-CodeCell mjx-container").count()
        assert in_code == 0, (
            f"{relative}: {in_code} expression(s) typeset inside code (the copy button would copy them)"
        )
        text = page.evaluate(_RAW_TEXT)
        raw = re.findall(r".{0,30}(?:\$|\\\(|\\\[).{0,30}", text)
        assert errors == 0, f"{relative}: {errors} expression(s) MathJax could not typeset"
        assert not raw, f"{relative}: raw TeX on the page: {raw[:3]}"
        assert rendered >= maths_in(relative), f"{relative}: {rendered} typeset, its markdown has {maths_in(relative)}"
        total += rendered
        report.append(f"{relative}: {rendered}")
    visit.assert_nothing_left_the_machine()
    assert total > 500
    print(f"{total} equations typeset offline:", ", ".join(report))


def test_search_for_forget_gate_finds_notebook_04(visit):
    page = visit.open("index.html")
    search = page.locator("input.md-search__input")
    search.wait_for(state="visible", timeout=10_000)  # Material hides it when its search worker cannot start
    search.click()
    page.keyboard.type("forget gate")
    page.wait_for_selector(".md-search-result__item a", timeout=20_000)
    hrefs = [a.get_attribute("href") for a in page.locator(".md-search-result__item > a").all()]
    assert any("04_lstm.html" in href for href in hrefs), f"notebook 04 is not among the results: {hrefs}"
    page.screenshot(path=str(ARTIFACTS / "site_search.png"))
    visit.assert_nothing_left_the_machine()


def expected_order():
    lectures = sorted(p.with_suffix(".html").name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    lectures = [name for name in lectures if not name.startswith("00_")]
    homework = sorted(f"homework/{p.with_suffix('.html').name}" for p in (NOTEBOOKS / "homework").glob("*.ipynb"))
    return ["index.html", *lectures, *homework]


def test_next_and_the_sidebar_reach_every_notebook_in_course_order(browser, site):
    folder = site[0].as_uri() + "/"
    visit = Visit(browser, folder, LOCAL)
    page = visit.open("index.html")
    sidebar = page.evaluate(
        "() => [...document.querySelectorAll('nav.md-nav--primary a.md-nav__link[href]')].map(a => a.href)"
    )
    visited = [page.url]
    while page.locator("a.md-footer__link--next").count():
        page.locator("a.md-footer__link--next").click()
        page.wait_for_load_state()
        visited.append(page.url)
        assert len(visited) <= 50, "Next goes round in circles"
    expected = [folder + name for name in expected_order()]
    assert [url.split("#")[0] for url in visited] == expected
    in_sidebar = list(dict.fromkeys(url.split("#")[0] for url in sidebar))  # first mention of each page
    assert [url for url in in_sidebar if url in expected] == expected
    page.locator("a.md-footer__link--prev").click()
    page.wait_for_load_state()
    assert page.url == expected[-2], "Previous does not lead back"
    visit.assert_nothing_left_the_machine()


def test_sliders_show_a_static_snapshot_and_where_the_live_version_runs(browser, site):
    visit = Visit(browser, site[0].as_uri() + "/", LOCAL)
    slider_pages = 0
    for relative in relative_pages(site):
        path = source_notebook(relative)
        cells = nbformat.read(path, as_version=4).cells if path else []
        widgets = sum(
            any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in c.get("outputs", []))
            for c in cells
        )
        page = visit.open(relative)
        notes = page.locator(".course-snapshot-note")
        assert notes.count() == widgets, f"{relative}: {widgets} slider(s), {notes.count()} snapshot notes"
        assert "interactive(children" not in page.locator("article").inner_text()
        for i in range(widgets):
            note = notes.nth(i)
            assert "JupyterLab or Colab" in note.inner_text()
            # the cell just above the note holds the snapshot: a figure, or the text it printed
            cell = "div[contains(concat(' ', normalize-space(@class), ' '), ' jp-Cell ')]"
            snapshot = note.locator(f"xpath=ancestor::{cell}[1]/preceding-sibling::{cell}[1]")
            images = snapshot.locator(".jp-OutputArea-output img")
            text = snapshot.locator(".jp-OutputArea-output").all_inner_texts()
            assert images.count() or "".join(text).strip(), f"{relative}: slider {i} has no snapshot above its note"
            if images.count():
                assert images.first.evaluate("i => i.complete && i.naturalWidth > 200")
            note.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"site_slider_{Path(relative).stem[:2]}_{i}.png"))
        slider_pages += bool(widgets)
    assert slider_pages >= 2  # notebooks 03 and 08
    visit.assert_nothing_left_the_machine()


def test_colab_set_up_cell_hidden_and_run_links_are_text(browser, site, server):
    visit = Visit(browser, server, (*LOCAL, server))
    for relative in relative_pages(site)[1:]:
        page = visit.open(relative)
        article = page.locator("article").inner_text()
        assert '"google.colab" in sys.modules' not in article, f"{relative}: the Colab set-up cell is on the page"
        assert page.locator("article img[src*='colab']").count() == 0, f"{relative}: a Colab badge image"
        box = page.locator(".course-run")
        assert box.count() == 1, f"{relative}: no 'run this notebook' links"
        download = box.locator("a[download]").get_attribute("href")
        response = page.request.get(urljoin(page.url, download))
        assert response.ok and nbformat.reads(response.text(), as_version=4).cells, f"{relative}: {download}"
        if relative.startswith("homework/"):
            released = nbformat.reads(response.text(), as_version=4)
            assert all(not c.get("outputs") for c in released.cells if c.cell_type == "code"), "outputs in a release"
        else:
            colab = box.locator("a[href^='https://colab.research.google.com/github/']")
            assert colab.count() == 1 and "Colab" in colab.inner_text()
            assert colab.get_attribute("href").endswith("/notebooks/" + Path(relative).with_suffix(".ipynb").name)
    visit.assert_nothing_left_the_machine()


def test_no_solution_text_or_marker_anywhere_in_the_site(site):
    from course_utils.tooling.website.checks import find_leaks, solution_lines

    folder = site[0]
    assert len(solution_lines(NOTEBOOKS / "homework", NOTEBOOKS)) >= 30, "too few solution lines to search for"
    assert find_leaks(folder, NOTEBOOKS / "homework", NOTEBOOKS) == []
    # and a plain byte scan, independent of the site's own check
    files = [p for p in folder.rglob("*") if p.is_file()]
    marked = [p.name for p in files if re.search(rb"(?i)BEGIN\s+SOLUTION|END\s+SOLUTION", p.read_bytes())]
    assert marked == []
    stubs = (folder / "search" / "search_index.json").read_text()
    assert "YOUR CODE HERE" in stubs and "raise NotImplementedError" in stubs, "the homework pages were not indexed"
