"""What every build of the site is checked for before it is kept: no solution, nothing from the network.

* **No solution.** The homework sources mark their solutions with nbgrader's ``### BEGIN SOLUTION`` /
  ``### END SOLUTION``. No file of the site (pages, search index, downloads) may contain a marker, or
  any line of a solution region (read here straight from the sources, independently of the release
  code that is supposed to remove them). Lines too short or too common to identify a solution
  (``return h``) are not searched for: see :func:`solution_lines`.
* **Nothing from another host.** No page may load a script, style sheet, image, font or frame from
  another host: the site must work opened from a folder with no network. Links to other sites (for
  the reader to click) are fine.
"""

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

MARKERS = ("BEGIN SOLUTION", "END SOLUTION")
MIN_CHARS = 16  # a solution line shorter than this (whitespace ignored) is not distinctive enough
TEXT_SUFFIXES = {".html", ".js", ".json", ".ipynb", ".md", ".txt", ".xml", ".css"}
# An attribute that makes the browser fetch something, with an absolute or protocol-relative URL.
_REMOTE_LOAD = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed|input)\b[^>]*?\bsrc\s*=\s*[\"']?(?:https?:)?//[^\"'\s>]+"
    r"|<link\b[^>]*?\brel\s*=\s*[\"']?(?:stylesheet|preload|modulepreload|icon|preconnect|dns-prefetch)"
    r"[^>]*?\bhref\s*=\s*[\"']?(?:https?:)?//[^\"'\s>]+"
    r"|<link\b[^>]*?\bhref\s*=\s*[\"']?(?:https?:)?//[^\"'\s>]+[^>]*?\brel\s*=\s*[\"']?"
    r"(?:stylesheet|preload|modulepreload|icon|preconnect|dns-prefetch)"
    r"|@import\s+(?:url\()?[\"']?(?:https?:)?//[^\"')\s]+"
    r"|url\(\s*[\"']?(?:https?:)?//[^\"')\s]+",
    flags=re.I,
)


def _squash(text):
    return re.sub(r"\s+", " ", text).strip()


def _regions(source):
    """``(inside, outside)`` lines of a cell: those between the solution markers, and the rest."""
    inside, outside, within = [], [], False
    for line in source.splitlines():
        text = line.strip()
        if text.endswith(MARKERS[0]):
            within = True
        elif text.endswith(MARKERS[1]):
            within = False
        else:
            (inside if within else outside).append(text)
    return inside, outside


def solution_lines(homework_dir, lecture_dir=None, min_chars=MIN_CHARS):
    r"""The lines that would give a solution away: inside a solution region of a homework notebook,
    distinctive (``min_chars`` or more, whitespace ignored), and nowhere else in the course — not
    outside the regions (code the assignment hands out) nor in a lecture notebook of ``lecture_dir``
    (what the lectures teach openly is no leak).

    >>> import nbformat, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> code = "def f(x):\n    ### BEGIN SOLUTION\n    y = np.zeros_like(x)\n    return x * 2 + 1  # twice\n    ### END SOLUTION"
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), folder / "hw.ipynb")
    >>> lecture = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("y = np.zeros_like(x)")])
    >>> (folder / "lectures").mkdir()
    >>> nbformat.write(lecture, folder / "lectures" / "01_lecture.ipynb")
    >>> sorted(solution_lines(folder, lecture_dir=folder / "lectures"))
    ['return x * 2 + 1 # twice']
    """
    import nbformat

    regions, public = set(), []
    for path in sorted(Path(homework_dir).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            inside, outside = _regions(cell.source)
            regions.update(_squash(line) for line in inside if len(re.sub(r"\s", "", line)) >= min_chars)
            public += outside
    for path in sorted(Path(lecture_dir).glob("*.ipynb")) if lecture_dir else []:
        public += [cell.source for cell in nbformat.read(path, as_version=4).cells]
    public = _squash("\n".join(public))
    return {line for line in regions if line not in public}


class _Text(HTMLParser):
    """The text a reader can see or copy: tags removed, entities decoded, scripts and styles skipped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def readable_text(path):
    """The text of a site file as a reader or a search would see it (HTML without tags, JSON decoded)."""
    raw = Path(path).read_text(encoding="utf-8", errors="replace")
    texts = [raw]
    if path.suffix == ".html":
        parser = _Text()
        parser.feed(re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+", "data:", raw))  # images are no text
        texts.append("".join(parser.parts))
    elif path.suffix in (".json", ".ipynb"):
        try:
            strings = "\n".join(_strings(json.loads(raw)))
        except ValueError:
            return texts
        texts += [strings, unescape(re.sub(r"<[^>]+>", "", strings))]
    return texts


def _strings(value):
    """Every string inside a decoded JSON value (a search index's text, a notebook's sources)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def find_leaks(site_dir, homework_dir, lecture_dir=None):
    """``["file: what", ...]`` for every solution marker or solution line (see solution_lines) in ``site_dir``."""
    wanted = solution_lines(homework_dir, lecture_dir) if Path(homework_dir).is_dir() else set()
    leaks = []
    for path in sorted(p for p in Path(site_dir).rglob("*") if p.suffix in TEXT_SUFFIXES and p.is_file()):
        texts = readable_text(path)
        name = path.relative_to(site_dir).as_posix()
        for marker in MARKERS:
            if any(marker in text.upper() for text in texts):
                leaks.append(f"{name}: the solution marker {marker!r}")
        squashed = [_squash(text) for text in texts]
        leaks += [f"{name}: the solution line {line!r}" for line in sorted(wanted) if any(line in t for t in squashed)]
    return leaks


def remote_loads(site_dir):
    """``["file: tag", ...]`` for every page or style sheet that would load something from another host."""
    found = []
    for path in sorted(Path(site_dir).rglob("*")):
        if path.suffix in (".html", ".css") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(site_dir).as_posix()}: {m[0][:120]}" for m in _REMOTE_LOAD.finditer(text)]
    return found
