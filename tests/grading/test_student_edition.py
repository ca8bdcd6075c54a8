"""The student edition: a self-contained git repository with nothing from the instructor tree, and the site
built from it never shows a solution."""

import re
import subprocess

import nbformat
import pytest

from course_utils.grading.edition import _tests as student_tests
from course_utils.grading.edition import build_edition, default_repository
from course_utils.grading.release import solution_regions
from course_utils.grading.sandbox import course_files
from course_utils.selfcheck.hw3_data import load_hw3_reviews

from .nbexec import HOMEWORK, ROOT

REPO = "https://github.com/some-school/rnn-homework"
# names that exist only in the instructor tree: hidden checks, references with planted mistakes, the grader
INSTRUCTOR_ONLY = ("BPTT_BUGS", "MGU_BUGS", "LSTM_PROBES", "def check_rnn_", "def check_lstm_", "bptt_variant", "grade_notebook",
                   "question_rng", "### BEGIN SOLUTION")  # fmt: skip


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    return build_edition(tmp_path_factory.mktemp("dist") / "student", REPO)


def text_files(root):
    """``(path, text, lines)`` of every file (a notebook's lines: its cells' sources and printed outputs)."""
    for path in root.rglob("*"):
        if path.is_file() and ".git" not in path.relative_to(root).parts:
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".ipynb":
                cells = nbformat.reads(text, as_version=4).cells
                text = "\n".join(c.source + "".join(o.get("text", "") for o in c.get("outputs", [])) for c in cells)
            yield path, text, {line.strip() for line in text.splitlines()}


def solution_lines():
    """Lines of the solution regions that appear nowhere else in the homework notebooks (longer than 12 characters)."""
    inside, outside = set(), set()
    for path in HOMEWORK.glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            marked = {i for b, e in solution_regions(cell.source) for i in range(b, e + 1)}
            for i, line in enumerate(cell.source.splitlines()):
                (inside if i in marked else outside).add(line.strip())
    return {line for line in inside - outside if len(line) > 12 and "SOLUTION" not in line}


def lecture_and_course_lines():
    """Every line of the lecture notebooks, ``course_utils`` and the tests students get (what they have anyway)."""
    lines = set()
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            lines |= {line.strip() for line in cell.source.splitlines()}
    files = [ROOT / "course_utils" / relative for relative in course_files()] + [ROOT / r for r in student_tests()]
    for path in files:
        if path.suffix == ".py":
            lines |= {line.strip() for line in path.read_text().splitlines()}
    return lines


def test_it_is_a_git_repository_with_one_commit_and_nothing_uncommitted(edition):
    log = subprocess.run(["git", "-C", str(edition), "log", "--oneline"], capture_output=True, text=True, check=True)
    assert len(log.stdout.splitlines()) == 1 and REPO in log.stdout
    status = subprocess.run(["git", "-C", str(edition), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == ""


def test_nothing_from_the_instructor_tree_reaches_it(edition):
    assert not (edition / "course_utils" / "grading").exists() and not (edition / "tests" / "grading").exists()
    shipped = sorted(
        p.relative_to(edition / "course_utils") for p in (edition / "course_utils").rglob("*") if p.is_file()
    )
    assert shipped == course_files()
    secrets = solution_lines() - lecture_and_course_lines()  # lines only the solutions have
    assert len(secrets) > 20
    for path, text, lines in text_files(edition):
        found = [s for s in INSTRUCTOR_ONLY if s in text] + sorted(secrets & lines)
        if path.relative_to(edition).parts[0] in ("course_utils", "notebooks"):  # student code never imports it
            found += re.findall(r"(?:from|import)\s+course_utils\.grading\b", text)
        assert not found, (path.relative_to(edition), found[:3])


def test_hw3s_held_out_sentences_their_labels_and_key_do_not_reach_it(edition):
    from course_utils.grading import heldout_hw3

    sentences, labels = heldout_hw3.held_out()
    shown = {}
    for path, text, _ in text_files(edition):
        assert heldout_hw3.KEY.hex() not in text and "heldout_hw3" not in text, path.relative_to(edition)
        assert "".join(map(str, labels[:40])) not in text.replace(", ", "").replace(" ", ""), path.relative_to(edition)
        shown[path.relative_to(edition)] = sum(str(s) in text for s in sentences)
    assert max(shown.values()) <= 3, {p: n for p, n in shown.items() if n > 3}  # a lecture's example, never a list
    data = load_hw3_reviews()
    assert not {str(s) for s in sentences} & {str(s) for split in ("train", "validation") for s in data[split][0]}


def test_its_notebooks_are_the_lectures_with_outputs_and_the_released_homework(edition):
    lectures = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (edition / "notebooks").glob("*.ipynb")) == lectures
    lecture = nbformat.read(edition / "notebooks" / lectures[0], as_version=4)
    assert any(c.get("outputs") for c in lecture.cells if c.cell_type == "code")
    for path in (edition / "notebooks" / "homework").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        assert all(not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code")
        assert any("raise NotImplementedError()" in c.source for c in nb.cells)


def test_colab_badges_set_up_cells_and_pyproject_point_at_the_student_repository(edition):
    instructor = re.compile(re.escape(default_repository().rsplit("/", 1)[0]) + r"/rnn-course(?![-\w])")
    for path in (edition / "notebooks").rglob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "some-school/rnn-homework" in text and not instructor.search(text), path.name
    assert f'Repository = "{REPO}"' in (edition / "pyproject.toml").read_text()
    assert "make lab" in (edition / "README.md").read_text() and "\ntest: " in (edition / "Makefile").read_text()


def test_an_edition_is_only_written_over_an_earlier_edition(tmp_path):
    (tmp_path / "work").mkdir()
    with pytest.raises(ValueError, match="is not a student edition"):
        build_edition(tmp_path / "work", REPO, commit=False)


def test_no_lecture_or_course_code_contains_a_solution_line():
    leaked = solution_lines() & lecture_and_course_lines()
    assert not leaked, sorted(leaked)[:10]
