"""Render the course notebooks, with their stored outputs, to a static HTML site.

``make site`` runs ``python -m course_utils.site notebooks site``. Each notebook becomes one
page (nbconvert's ``lab`` template, images embedded), and ``index.html`` lists them in the
lecture order — the order of their numbered file names — with each notebook's title and
the lectures it follows. Nothing is executed: the pages show exactly what is committed,
except that the "Open in Colab" badge becomes a text link, so a page needs no image from
the network.
"""

import argparse
import re
import sys
from html import escape
from pathlib import Path

from course_utils.colab import BADGE_TAG, badge_as_text
from course_utils.nbrun import notebook_paths

SOLUTION = "### BEGIN" + " SOLUTION"  # nbgrader's marker (split: this file is no solution region)

_INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
li{{margin:.4rem 0}} .seeds{{color:#555;font-size:.9em}}</style></head>
<body><h1>{title}</h1><p>The lecture notebooks in order, rendered with their stored outputs.</p>
<ol>
{items}
</ol>
</body></html>
"""


def notebook_title(nb, fallback):
    """The text of the first ``# `` heading, else ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def lecture_alignment(nb):
    """The notebook's "Lecture alignment" line, if it has one (plain text)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"\*\*Lecture alignment:?\*\*:?\s*(.+)", cell.source)
            if match:
                return re.sub(r"[`*$]", "", match.group(1)).strip()
    return ""


def build_site(source, target, title="Recurrent neural networks with Keras 3"):
    """Write one HTML page per notebook under ``source`` plus ``index.html``; return the pages."""
    import nbformat
    from nbconvert import HTMLExporter

    source, target = Path(source), Path(target)
    if not source.is_dir():
        raise ValueError(f"{source} is not a folder of notebooks.")
    notebooks = notebook_paths([source])
    if not notebooks:
        raise ValueError(f"no notebooks found under {source}.")
    exporter = HTMLExporter(template_name="lab")
    target.mkdir(parents=True, exist_ok=True)
    items, pages = [], []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        if any(SOLUTION in cell.source for cell in nb.cells):  # a homework source: never published
            print(f"site: skipped {path} (it holds solutions; `make site` renders the student edition)")
            continue
        for cell in nb.cells:
            if BADGE_TAG in cell.metadata.get("tags", []):
                cell.source = badge_as_text(cell.source)
        relative = path.relative_to(source).with_suffix(".html")
        page = target / relative
        page.parent.mkdir(parents=True, exist_ok=True)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": notebook_title(nb, path.stem)}})
        page.write_text(body, encoding="utf-8")
        pages.append(page)
        seeds = lecture_alignment(nb)
        note = f' <span class="seeds">— {escape(seeds)}</span>' if seeds else ""
        items.append(f'<li><a href="{relative.as_posix()}">{escape(notebook_title(nb, path.stem))}</a>{note}</li>')
    (target / "index.html").write_text(_INDEX.format(title=escape(title), items="\n".join(items)), encoding="utf-8")
    return pages


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_utils.site", description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default="notebooks")
    parser.add_argument("target", nargs="?", default="site")
    args = parser.parse_args(argv)
    pages = build_site(args.source, args.target)
    print(f"site: {len(pages)} pages and index.html in {args.target}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
