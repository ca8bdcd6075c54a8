"""What the site shows of each notebook, written to a docs folder for MkDocs.

* **Lectures** (``NN_topic.ipynb``, in the order of their numbers) keep their stored outputs. The
  "Open in Colab" badge cell becomes a box of text links (Colab, JupyterLab, download), the Colab
  set-up cell is left out, and every slider (an ipywidgets output, which needs a live kernel) shows
  the static snapshot stored with it, followed by a line saying where the live version runs.
* **The start page** is ``00_start_here.ipynb`` when the course has one; otherwise an overview
  written from the course table of ``README.md``.
* **Homework** appears only as released to students: ``python -m course_utils.grading release``
  writes the stubs (no solutions, no outputs), and those are the pages and the downloads.

Nothing is executed.
"""

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html import escape
from pathlib import Path

from course_utils.tooling.colab import BADGE_TAG, SETUP_TAG

START_HERE = "00_start_here.ipynb"
LECTURE = re.compile(r"^\d{2}_\w+\.ipynb$")
DOWNLOADS = "downloads"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
JUPYTERLAB = "http://localhost:8888/lab/tree/"  # where `make lab` serves notebooks/ (JupyterLab's default port)
# What ipywidgets prints for a widget (its repr): no snapshot of what the widget shows.
_WIDGET_REPR = re.compile(r"^[A-Za-z_]\w*\((children|value|description)=")
_BADGE_URL = re.compile(r"\]\((https://colab\.research\.google\.com/[^)\s]+)\)\s*$")
_TABLE_ROW = re.compile(r"^\|\s*`(?P<stem>\d{2}_\w+)`\s*\|(?P<topic>[^|]*)\|(?P<lectures>[^|]*)\|\s*$")
SNAPSHOT_NOTE = (
    "Above: a static snapshot at the sliders' default values. The live version, with sliders, "
    "runs in JupyterLab or Colab (links at the top of this page)."
)


class SiteError(ValueError):
    """The site cannot be built as the course promises it (a slider without a snapshot, a leak...)."""


@dataclass(frozen=True)
class Page:
    """A page of the site: ``path`` inside the docs folder; ``section`` is home, lectures or homework."""

    path: str
    title: str
    section: str


def notebook_title(nb, fallback):
    """The text of the first ``# `` heading, else ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def lecture_paths(source):
    """The lecture notebooks directly in ``source``, in course order (the start-here notebook apart)."""
    return sorted(p for p in Path(source).glob("*.ipynb") if LECTURE.match(p.name) and p.name != START_HERE)


def _markdown(source, cell_id):
    """A markdown cell with a fixed id: the same notebook staged twice is the same file (mkdocs-jupyter's cache)."""
    import nbformat

    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = cell_id
    return cell


def _run_box(lines):
    body = "".join(f"<p>{line}</p>" for line in lines)
    return _markdown(f'<div class="course-run">{body}</div>', "course-run")


def lecture_links(nb, relative, download):
    """The box that replaces the badge: Colab (the badge's own address), JupyterLab, download."""
    badge = next((c for c in nb.cells if BADGE_TAG in c.metadata.get("tags", [])), None)
    match = _BADGE_URL.search(badge.source) if badge is not None else None
    lines = []
    if match:
        lines.append(f'<a href="{escape(match[1])}">Open this notebook in Colab</a> (run its first code cell there).')
    lines.append(
        f'<a href="{JUPYTERLAB}{escape(relative)}">Open it in JupyterLab</a> on your own machine, '
        "once <code>make lab</code> is running in the course folder."
    )
    lines.append(f'<a href="{escape(download)}" download>Download the notebook</a> (with its outputs).')
    return _run_box(lines)


def homework_links(download, name):
    """The box at the top of a homework page: the student notebook and where to work on it."""
    return _run_box(
        [
            f'<a href="{escape(download)}" download>Download the assignment notebook</a> '
            f"(<code>{escape(name)}</code>: your copy to fill in, nothing run yet).",
            "Save it in the course folder and open it in JupyterLab (<code>make lab</code>), or upload it to "
            '<a href="https://colab.research.google.com/">Colab</a> (<em>File → Upload notebook</em>) '
            "and run its first code cell.",
        ]
    )


def snapshot_outputs(nb, name):
    """Drop every widget view (it needs a live kernel) and note the static snapshot stored with it.

    A widget output must carry a static representation besides the widget (course_utils.sliders does
    that); one that has only the widget's repr is an error, never a page showing ``interactive(...)``.
    """
    cells = []
    for index, cell in enumerate(nb.cells):
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        widgets = [o for o in cell.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]
        for output in widgets:
            del output["data"][WIDGET_VIEW]
            static = {k: v for k, v in output["data"].items() if k != "text/plain"}
            if not static and _WIDGET_REPR.match(str(output["data"].get("text/plain", ""))):
                raise SiteError(
                    f"{name}, cell {index}: a widget with no static snapshot would show as "
                    f"{str(output['data']['text/plain'])[:40]!r}...; display it with "
                    "course_utils.sliders.with_snapshot(...) and re-execute the notebook."
                )
        if widgets:
            note = f'<p class="course-snapshot-note">{escape(SNAPSHOT_NOTE)}</p>'
            cells.append(_markdown(note, f"course-snapshot-{index}"))
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    return nb


def _write(nb, path):
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def stage_lecture(path, docs, page_name=None):
    """Write the site's version of lecture notebook ``path`` to ``docs``; return its Page."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    download = f"{DOWNLOADS}/{path.name}"
    (docs / DOWNLOADS).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, docs / download)
    links = lecture_links(nb, path.name, download)
    kept = [c for c in nb.cells if not {BADGE_TAG, SETUP_TAG} & set(c.metadata.get("tags", []))]
    nb.cells = [links, *kept]
    snapshot_outputs(nb, path.name)
    page_name = page_name or path.name
    _write(nb, docs / page_name)
    return Page(page_name, notebook_title(nb, path.stem), "home" if page_name == "index.ipynb" else "lectures")


def start_release(homework_source, out):
    """Start ``python -m course_utils.grading release`` (the students' notebooks) in the background."""
    command = [sys.executable, "-m", "course_utils.grading", "release", "--source", str(homework_source)]
    return subprocess.Popen([*command, "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_release(process, out):
    """The released notebooks, sorted, once the release started by start_release has finished."""
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SiteError(f"the homework release failed: {stderr.strip() or stdout.strip()}")
    return sorted(Path(out).glob("*.ipynb"))


def release_homework(homework_source, out):
    """The student notebooks, as ``python -m course_utils.grading release`` writes them, sorted."""
    return finish_release(start_release(homework_source, out), out)


def stage_homework(released, docs):
    """Write the page of one released assignment (plus its download); return its Page."""
    import nbformat

    nb = nbformat.read(released, as_version=4)
    download = f"../{DOWNLOADS}/homework/{released.name}"
    target = docs / DOWNLOADS / "homework" / released.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(released, target)
    kept = [c for c in nb.cells if SETUP_TAG not in c.metadata.get("tags", [])]
    nb.cells = [homework_links(download, released.name), *kept]
    snapshot_outputs(nb, released.name)
    _write(nb, docs / "homework" / released.name)
    return Page(f"homework/{released.name}", notebook_title(nb, released.stem), "homework")


def course_table(readme):
    """``{notebook stem: (topic, lectures)}`` from the README's course table (``| `NN_x` | topic | lectures |``)."""
    rows = {}
    for line in Path(readme).read_text(encoding="utf-8").splitlines():
        match = _TABLE_ROW.match(line.strip())
        if match:
            rows[match["stem"]] = (match["topic"].strip(), match["lectures"].strip())
    return rows


def overview(lectures, homework, readme, title):
    """The start page's markdown when there is no start-here notebook: the course table, linked."""
    table = course_table(readme) if Path(readme).is_file() else {}
    lines = [
        f"# {title}",
        "",
        "A course on recurrent neural networks with Keras 3: each page is one notebook of the course, "
        "with the outputs it stores. Read them in order (the sidebar, or *Next* at the bottom of each "
        "page), search with the box at the top, and run any of them yourself in JupyterLab or on Colab "
        "from the links at the top of its page.",
        "",
        "## Lectures",
        "",
        "| notebook | what it covers | lectures |",
        "|---|---|---|",
    ]
    for page in lectures:
        topic, seeds = table.get(Path(page.path).stem, ("", ""))
        lines.append(f"| [{page.title}]({page.path}) | {topic} | {seeds} |")
    if homework:
        lines += ["", "## Homework", ""]
        lines += [f"* [{page.title}]({page.path})" for page in homework]
        lines += ["", "Each assignment page offers the notebook to download and fill in; the grader checks it."]
    return "\n".join(lines) + "\n"


def stage(source, docs, work, readme, title):
    """Prepare every page of the site in ``docs``; return ``(home, lectures, homework)`` Pages."""
    source, docs, releases = Path(source), Path(docs), Path(work) / "releases"
    has_homework = (source / "homework").is_dir()
    release = start_release(source / "homework", releases) if has_homework else None  # while the lectures stage
    lectures = [stage_lecture(path, docs) for path in lecture_paths(source)]
    homework = [stage_homework(path, docs) for path in finish_release(release, releases)] if release else []
    if not lectures:
        raise SiteError(f"no lecture notebooks (NN_topic.ipynb) in {source}.")
    if (source / START_HERE).is_file():
        home = stage_lecture(source / START_HERE, docs, page_name="index.ipynb")
    else:
        (docs / "index.md").write_text(overview(lectures, homework, readme, title), encoding="utf-8")
        home = Page("index.md", title, "home")
    return home, lectures, homework
