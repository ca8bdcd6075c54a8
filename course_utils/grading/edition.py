"""The student edition: ``make student`` writes the course students clone, into ``dist/student/``.

A complete, self-contained course, initialised as a git repository with one commit, ready to push
as the public student repository (``make student STUDENT_REPO=https://github.com/org/repo``; the
default is ``[tool.course] student-repository`` in ``pyproject.toml``):

* the lecture notebooks with their outputs, and the homework RELEASED (solutions stubbed, fully
  stripped), every Colab badge and set-up cell pointing at the student repository;
* ``course_utils`` without the instructor's ``course_utils/grading`` (references, hidden checks,
  planted mistakes, the grader); students get ``course_utils.selfcheck`` (public checks only);
* the tests that concern students' code (not ``tests/grading``, not the instructor repository's
  hygiene and packaging tests), a README and a Makefile for students (``make lab``, ``make test``),
  ``environment.yml``, ``pyproject.toml`` (Repository: the student repository), ``data/`` (no cache).

Its own ``make test`` runs the lectures under strict nbval and executes the homework stubs (their
self-checks report 0 without an exception: ``tests/test_homework_stubs.py``).
"""

import shutil
import subprocess
import tomllib
from pathlib import Path

from course_utils.grading.sandbox import PACKAGE, course_files

ROOT = PACKAGE.parent
MARKER = ".student-edition"  # a folder holding it may be replaced by a new edition
INSTRUCTOR_TESTS = ("grading", "browser", "test_hygiene.py", "test_packaging.py", "test_colab.py", "test_website.py",
                    "test_website_workflow.py",
                    "test_notebooks_committed.py")  # fmt: skip
COPIED = ("environment.yml", "pyproject.toml", ".gitignore", "requirements/lab.txt", "requirements/dev.txt")
TEMPLATES = Path(__file__).with_name("student_templates")


def default_repository():
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["tool"]["course"]["student-repository"]


def _copy(relative, out):
    target = out / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / relative, target)


def _tests():
    for path in sorted((ROOT / "tests").rglob("*")):
        relative = path.relative_to(ROOT)
        if path.is_file() and "__pycache__" not in path.parts and relative.parts[1] not in INSTRUCTOR_TESTS:
            yield relative


def _notebooks(out, repo):
    import nbformat

    from course_utils.grading.release import release_notebook, strip_fully
    from course_utils.tooling.colab import apply

    lectures = [p for p in sorted((ROOT / "notebooks").rglob("*.ipynb"))
                if "homework" not in p.relative_to(ROOT).parts and ".ipynb_checkpoints" not in p.parts]  # fmt: skip
    written = []
    for path in lectures:
        relative = path.relative_to(ROOT)
        nb = nbformat.read(path, as_version=4)
        apply(nb, repo, relative.as_posix())
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out / relative)
        written.append(relative)
    for path in sorted((ROOT / "notebooks" / "homework").glob("*.ipynb")):
        relative = path.relative_to(ROOT)
        release_notebook(path, out / relative)
        nb = nbformat.read(out / relative, as_version=4)
        apply(nb, repo, relative.as_posix())
        nbformat.write(nb, out / relative)
        strip_fully(out / relative)
        written.append(relative)
    return written


def build_edition(out, repo=None, commit=True):
    """Write the student edition into ``out`` (replacing an earlier edition there); return ``out``."""
    from course_utils.tooling.colab import canonical, set_repository

    out, repo = Path(out).resolve(), canonical(repo or default_repository())
    if out.exists():
        if not (out / MARKER).is_file():
            raise ValueError(f"{out} exists and is not a student edition: refusing to replace it.")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for relative in course_files():
        _copy(Path("course_utils") / relative, out)
    data = [p.relative_to(ROOT) for p in sorted((ROOT / "data").iterdir()) if p.is_file()]  # not the cache
    for relative in [*COPIED, *data, *_tests()]:
        _copy(relative, out)
    for template in TEMPLATES.iterdir():
        shutil.copy2(template, out / template.name.removesuffix(".template"))
    set_repository(repo, out / "pyproject.toml")
    _notebooks(out, repo)
    (out / MARKER).write_text(f"student edition of the course, for {repo}\n", encoding="utf-8")
    if commit:
        git = ["git", "-C", str(out), "-c", "user.name=Course staff", "-c", "user.email=staff@example.invalid"]
        for args in (["init", "--quiet", "--initial-branch=main"], ["add", "--all"],
                     ["commit", "--quiet", "--message", f"The course, student edition ({repo})"]):  # fmt: skip
            subprocess.run([*git, *args], check=True, capture_output=True)
    return out
