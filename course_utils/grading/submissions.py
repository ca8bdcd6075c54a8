"""Which files belong to which student: submissions found in files and folders, and the class roster.

The rule for student ids (also in the README):

* a **folder** inside a SUBMISSIONS folder is one student, named by the folder (nbgrader's
  ``submitted/<id>/...`` and most LMS exports): every ``.ipynb`` below it is that student's;
* a **file** (given on the command line, or directly inside a SUBMISSIONS folder) is one student,
  named by the file's stem without the assignment's name or notebook name as a prefix or suffix:
  ``alice.ipynb``, ``hw1_alice.ipynb``, ``alice-hw1.ipynb`` and ``alice_hw1_rnn_lstm_numpy.ipynb``
  all belong to ``alice``;
* hidden files and folders (``.DS_Store``, ``.ipynb_checkpoints``), ``__MACOSX`` and the output
  folder are skipped.

A **roster** (CSV with a header) lists the class: the id is the column ``student_id`` (else ``id``,
``username``, ``login``, ``email``, else the first column), with optional ``name`` and ``email``.
A submission matches a student by id or e-mail address (either case); roster students with no
submission become rows with status *missing*, submissions matching no roster student are graded
and marked *not on roster*.
"""

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

SKIPPED = ("__MACOSX", "__pycache__")
ID_COLUMNS = ("student_id", "id", "username", "login", "email")


class RosterError(ValueError):
    """The roster cannot be used (a usage error); the message says why."""


@dataclass
class Student:
    """One gradebook row: a student id, what was found for them and what the roster says."""

    id: str
    notebooks: list = field(default_factory=list)  # .ipynb files
    others: list = field(default_factory=list)  # files that are not notebooks
    empty_folders: list = field(default_factory=list)
    name: str = ""
    on_roster: bool | None = None  # None: no roster given


def student_id(path, assignment):
    """The student id a file's name gives, for ``assignment`` (an :class:`Assignment`).

    >>> from course_utils.grading.assignments import ASSIGNMENTS
    >>> [student_id(Path(n), ASSIGNMENTS["hw1"]) for n in ("alice.ipynb", "hw1_bob.ipynb", "carol-hw1.ipynb",
    ...                                                     "dan_hw1_rnn_lstm_numpy.ipynb", "hw1.ipynb")]
    ['alice', 'bob', 'carol', 'dan', 'hw1']
    """
    stem = path.stem
    for token in sorted({Path(assignment.notebook).stem, assignment.name}, key=len, reverse=True):
        sep = r"[-_. ]+"
        cut = re.sub(rf"^{re.escape(token)}{sep}|{sep}{re.escape(token)}$", "", stem, flags=re.IGNORECASE)
        if cut and cut != stem:
            return cut
    return stem


def _visible(path):
    return not path.name.startswith(".") and path.name not in SKIPPED


def _files_below(folder, exclude):
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if path.is_file() and all(_visible(Path(p)) for p in relative) and not _inside(path, exclude):
            found.append(path)
    return found


def _inside(path, folders):
    return any(path == f or f in path.parents for f in folders)


def collect(sources, assignment, exclude=()):
    """``{student id: Student}`` for the files and folders in ``sources`` (in order of first appearance).

    ``exclude`` are paths never taken as submissions (the output folder, the roster).
    """
    students = {}
    exclude = [Path(p).resolve() for p in exclude]

    def add(sid, path=None, empty=None):
        student = students.setdefault(sid, Student(sid))
        if empty is not None:
            student.empty_folders.append(empty)
        elif path.suffix.lower() == ".ipynb":
            student.notebooks.append(path)
        else:
            student.others.append(path)

    for source in sources:
        source = Path(source)
        if source.is_file():
            add(student_id(source, assignment), source)
            continue
        for entry in sorted(source.iterdir()):
            if not _visible(entry) or _inside(entry.resolve(), exclude):
                continue
            if entry.is_dir():
                files = _files_below(entry, exclude)
                for path in files:
                    add(entry.name, path)
                if not files:
                    add(entry.name, empty=entry)
            elif entry.is_file():
                add(student_id(entry, assignment), entry)
    return students


def read_roster(path):
    """``[(id, name, email), ...]`` from a roster CSV; :class:`RosterError` if it cannot be used."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RosterError(f"cannot read the roster {path}: {exc}") from None
    if not rows:
        raise RosterError(f"the roster {path} lists no students (it needs a header line, then one line per student)")
    columns = {c.strip().lower(): c for c in rows[0] if c}
    key = next((columns[c] for c in ID_COLUMNS if c in columns), next(iter(rows[0])))
    name, email = columns.get("name"), columns.get("email")
    roster, seen = [], set()
    for row in rows:
        sid = (row.get(key) or "").strip()
        if not sid:
            continue
        if sid.lower() in seen:
            raise RosterError(f"the roster {path} lists {sid!r} twice")
        seen.add(sid.lower())
        roster.append(
            (sid, (row.get(name) or "").strip() if name else "", (row.get(email) or "").strip() if email else "")
        )
    if not roster:
        raise RosterError(f"the roster {path} has no student ids in its column {key!r}")
    return roster


def apply_roster(students, roster):
    """The rows in roster order (missing students included), then submissions matching no roster entry."""
    index = {}
    for sid, _, email in roster:
        for alias in (sid, email, email.split("@")[0] if email else ""):
            if alias:
                index.setdefault(alias.lower(), sid)
    merged = {sid: Student(sid, name=name, on_roster=True) for sid, name, _ in roster}
    unknown = []
    for found in students.values():
        sid = index.get(found.id.lower())
        if sid is None:
            found.on_roster = False
            unknown.append(found)
            continue
        row = merged[sid]
        row.notebooks += found.notebooks
        row.others += found.others
        row.empty_folders += found.empty_folders
    return list(merged.values()) + unknown
