"""Who submitted what: student ids from folders and file names, the roster, and what is skipped (no grading)."""

import pytest

from course_utils.grading.assignments import ASSIGNMENTS
from course_utils.grading.submissions import RosterError, apply_roster, collect, read_roster

HW1 = ASSIGNMENTS["hw1"]


def touch(path, text="{}"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_folders_and_file_names_give_the_student_ids(tmp_path):
    subs = tmp_path / "subs"
    touch(subs / "alice" / "hw1" / "anything.ipynb")  # nbgrader's submitted/<id>/<assignment>/
    touch(subs / "alice" / ".ipynb_checkpoints" / "anything-checkpoint.ipynb")  # skipped
    touch(subs / "Bob.Smith-hw1.ipynb")
    touch(subs / "hw1_rnn_lstm_numpy_carol.ipynb")
    touch(subs / ".DS_Store")
    touch(subs / "__MACOSX" / "alice.ipynb")
    (subs / "dan").mkdir()
    touch(subs / "out" / "reports" / "x.ipynb")  # the output folder is never a submission
    late = touch(tmp_path / "late" / "bob.smith.ipynb")
    found = collect([subs, late], HW1, exclude=[subs / "out"])
    assert {sid: [p.name for p in s.notebooks] for sid, s in found.items()} == {
        "alice": ["anything.ipynb"], "Bob.Smith": ["Bob.Smith-hw1.ipynb"], "carol": ["hw1_rnn_lstm_numpy_carol.ipynb"],
        "dan": [], "bob.smith": ["bob.smith.ipynb"],
    }  # fmt: skip
    assert [p.name for p in found["dan"].empty_folders] == ["dan"]


def test_the_roster_matches_ids_and_emails_in_any_case_and_lists_who_is_missing(tmp_path):
    roster = touch(
        tmp_path / "roster.csv", "\ufeffEmail,Name,Student_ID\nbob.smith@uni.edu,Bob,s2\n,Nobody,\na@uni.edu,Ann,s1\n"
    )
    subs = tmp_path / "subs"
    touch(subs / "Bob.Smith.ipynb")
    touch(subs / "S1" / "x.ipynb")
    touch(subs / "eve.ipynb")
    rows = apply_roster(collect([subs], HW1), read_roster(roster))
    assert [(r.id, r.name, len(r.notebooks), r.on_roster) for r in rows] == [
        ("s2", "Bob", 1, True), ("s1", "Ann", 1, True), ("eve", "", 1, False)]  # fmt: skip


@pytest.mark.parametrize(
    "text, message",
    [("", "lists no students"), ("student_id\n\n", "lists no students"), ("student_id\na\nA\n", "lists 'A' twice")],
)
def test_a_roster_that_cannot_be_used_says_why(tmp_path, text, message):
    with pytest.raises(RosterError, match=message):
        read_roster(touch(tmp_path / "roster.csv", text))
    with pytest.raises(RosterError, match="cannot read the roster"):
        read_roster(tmp_path / "absent.csv")
