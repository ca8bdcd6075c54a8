"""The public checks students run: data only, up to date, passed by the references, failed by the stubs."""

import ast
import json
import re

import pytest

from course_utils.grading.public_cases import write_all
from course_utils.selfcheck import self_check
from course_utils.selfcheck.public import CASES, load_cases

from .nbexec import code_cells, planted, reference_run, released, run_cells, source

SELFCHECK = CASES.parent


def test_the_saved_public_checks_are_what_the_references_give():
    assert write_all(check=True) == [], "run: python -m course_utils.grading public"


def test_public_checks_are_data_that_only_name_the_notebooks_objects():
    for path in sorted(CASES.glob("*.json")):
        for qid, cases in json.loads(path.read_text())["questions"].items():
            assert cases, (path.name, qid)
            for case in cases:
                for step in case["steps"]:
                    assert step["op"] in ("call", "attr", "get"), step
                    target = step.get("target", step.get("name"))
                    assert isinstance(target, dict) or re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", target), target


def test_the_student_side_never_imports_the_instructors_package():
    for path in SELFCHECK.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not any("grading" in n for n in names), (path.name, names)


def printed(capsys, assignment, ns, questions="all"):
    self_check(assignment, questions, namespace=ns)
    return capsys.readouterr().out


@pytest.mark.parametrize("assignment", ["hw1", "hw2"])
def test_the_reference_passes_every_public_check_and_the_release_none(capsys, assignment):
    total = sum(len(c) for c in load_cases(assignment).values())
    out = printed(capsys, assignment, reference_run(assignment)[1])
    assert f"all public checks passed: {total}/{total}" in out and "✗" not in out
    ns, _ = run_cells(code_cells(released(assignment)))
    out = printed(capsys, assignment, ns)
    assert f"all public checks passed: 0/{total}" in out
    assert out.count("not implemented yet") == total


def test_an_untrained_hw3_model_passes_the_structural_public_checks(capsys):
    ns, errors = run_cells(code_cells(source("hw3"), stop_at="def trained_with("))
    ns["candidates"] = {name: ns["build_model"](ns["vocab_size"]) for name in ns["configurations"]}
    cells = [c for c in code_cells(source("hw3")) if "chosen = max(" in c or "def predict_sentiment" in c]
    ns, errors = run_cells(cells, ns)
    assert not errors
    assert "all public checks passed: 4/4" in printed(capsys, "hw3", ns)


def test_a_planted_bug_fails_its_questions_public_check_with_a_hint(capsys):
    nb, ns = reference_run("hw1")
    dc_prev = 'dc_prev = dc_t * k["f"] + da_i * k["p_i"] + da_f * k["p_f"]'
    out = printed(capsys, "hw1", planted(ns, nb, [(dc_prev, 'dc_prev = dc_t * k["f"]')]), "Q2")
    assert "Q2 · public checks passed: 0/1" in out and "differs from the expected values by up to" in out


def test_self_check_refuses_an_unknown_question():
    with pytest.raises(ValueError, match="no question 'Q9' in hw1"):
        self_check("hw1", "Q9", namespace={})
