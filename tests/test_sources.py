"""Sources are cited by the names of ``course_utils.sources``, never as "seed NNN" (issue 18, item 4)."""

import re
from pathlib import Path

import nbformat
import pytest

from course_utils.sources import SOURCES, source, sources_markdown

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
TEXTS = [ROOT / "README.md", *sorted((ROOT / "course_utils").rglob("*.py")), *NOTEBOOKS]
SEED_NAME = re.compile(r"\b[Ss]eeds? 0\d\d\b|\bseed0\d\d")


@pytest.mark.parametrize("path", TEXTS, ids=[str(p.relative_to(ROOT)) for p in TEXTS])
def test_no_source_is_called_by_its_file_number(path):
    found = sorted(set(SEED_NAME.findall(path.read_text(encoding="utf-8"))))
    assert not found, f"{path.name} calls a lecture {found}; cite it by its name in course_utils.sources"


def test_the_table_names_each_lecture_once_and_explains_unknown_names():
    names = [s.name for s in SOURCES]
    assert len(set(names)) == len(names) == 5 and len({s.short for s in SOURCES}) == 5
    with pytest.raises(ValueError, match="CSCI E-89B Lecture 2"):
        source("seed 000")


def test_the_start_page_shows_the_table_and_every_notebook():
    nb = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    shown = [o.data["text/markdown"] for c in nb.cells if c.cell_type == "code" for o in c.outputs if "data" in o]
    assert sources_markdown() in shown, "notebook 00 shows an old sources table: run `make notebooks`"
    path_text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    lectures = sorted(p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if p.name[:2] != "00")
    assert lectures == sorted(re.findall(r"^\| \*\*(\d\d)\*\*", path_text, flags=re.M)), "the learning path"


def test_every_mention_of_a_lecture_uses_a_name_from_the_table():
    """A second name for one source (say, "COMP-550 lecture 10") is refused; the table holds the names."""
    allowed = sorted({s.name for s in SOURCES} | {s.short for s in SOURCES}, key=len, reverse=True)
    anchors = {name.split()[0].split("-H")[0] for name in allowed}  # CSCI, IIIT, CS, AIEI007, COMP-550
    anchors.discard("CS")  # "CS 505" is both a name's start and a short form: nothing to check
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(anchors))) + r")\b")
    wrong = []
    for path in TEXTS:
        if path.name == "sources.py":
            continue
        if path.suffix == ".ipynb":
            text = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
        else:
            text = path.read_text(encoding="utf-8")
        text = re.sub(r"\s+", " ", text)  # a name may wrap across lines
        wrong += [f"{path.name}: {text[m.start() : m.start() + 40]!r}" for m in pattern.finditer(text)
                  if not any(text.startswith(name, m.start()) for name in allowed)]  # fmt: skip
    assert not wrong, f"not names from course_utils.sources: {wrong}"
