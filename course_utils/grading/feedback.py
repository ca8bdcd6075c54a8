"""The feedback file a student gets back: Markdown, from their saved report.

It says, per question, the points and a hint for every failed check (which formula, which shape,
which known mistake), the question's error (a name not defined, a time-out, a kernel that died), and
what was flagged for manual review; then the cells of their notebook that raised, hit the time
limit or ended the kernel, each with its first lines so they can find it. Everything comes from
the grader's report; the cells' sources come from the student's own file.
"""

from pathlib import Path

SOURCE_LINES = 4


def _cell_sources(path):
    """``{cell index: source}`` of the notebook (empty if it cannot be read again)."""
    import nbformat

    try:
        nb = nbformat.reads(Path(path).read_text(encoding="utf-8"), as_version=4)
        return {i: str(c.source) for i, c in enumerate(nb.cells)}
    except Exception:
        return {}


def _excerpt(source):
    lines = source.strip("\n").splitlines()
    shown = "\n".join(lines[:SOURCE_LINES]) + ("\n..." if len(lines) > SOURCE_LINES else "")
    return ["```python", shown.replace("```", "` ` `"), "```"]


def _question(q):
    mark = "✓" if q["points"] == q["max_points"] else "✗"
    lines = [f"### {mark} {q['id']} · {q['title']}: {q['points']}/{q['max_points']} points", ""]
    for check in q["checks"]:
        if not check["passed"]:
            lines.append(f"- ✗ {check['label']} (0/{check['max_points']}): {check['hint']}")
    passed = [c for c in q["checks"] if c["passed"]]
    if passed and len(passed) < len(q["checks"]):
        lines.append(f"- ✓ {len(passed)} other check(s) passed")
    if q.get("error"):
        lines.append(f"- ✗ {q['error']}")
    for finding in q.get("flagged") or []:
        lines.append(f"- ⚑ flagged for manual review by the course staff, points withheld until then: {finding}")
    return lines + [""]


def _execution(report, sources):
    run = report.get("execution") or {}
    items = [(e["cell"], f"raised {e['ename']}" + (f": {e['evalue'][:200]}" if e.get("evalue") else ""))
             for e in run.get("errors", [])]  # fmt: skip
    if run.get("timed_out_cell") is not None:
        items.append((run["timed_out_cell"], "hit the notebook's time limit and was stopped; later cells did not run"))
    items += [(c, "ended the kernel (os._exit, a crash or a memory limit)") for c in run.get("killed_kernel", [])]
    if not items:
        return []
    lines = ["## Cells that failed when your notebook ran", ""]
    for cell, what in sorted(items, key=lambda item: item[0]):
        lines.append(f"- cell {cell} {what}")
        if cell in sources:
            lines += ["", *(f"  {line}" for line in _excerpt(sources[cell])), ""]
    return lines + [""]


def feedback(report, student, notebook=None):
    """The Markdown feedback for ``student`` from ``report`` (its JSON); ``notebook`` to quote failed cells."""
    title = f"{report['assignment']} · {report['title']}"
    lines = [f"# {title}: feedback for {student}", ""]
    if notebook is not None:
        lines += [f"Submission: `{Path(notebook).name}`", ""]
    flagged = report.get("flagged") or []
    lines += [f"**Score: {report['score']}/{report['max_score']} points**"
              + (f" — {len(flagged)} question(s) flagged for manual review, their points withheld" if flagged else ""),
              ""]  # fmt: skip
    if report.get("failure"):
        lines += ["Your notebook could not be graded: " + report["failure"], ""]
    lines += ["| question | points |", "|---|---|"]
    lines += [f"| {q['id']} · {q['title']} | {q['points']}/{q['max_points']} |" for q in report["questions"]]
    lines += ["", "## Questions", ""]
    for q in report["questions"]:
        lines += _question(q)
    lines += _execution(report, _cell_sources(notebook) if notebook else {})
    lines += [f"Each hint names what to fix; run the notebook's `self_check(...)` cells to check again. "
              f"Grader {report.get('provenance', {}).get('grader_version', '')}".rstrip(), ""]  # fmt: skip
    return "\n".join(lines)


def missing(assignment, student, reason):
    """The feedback for a student with nothing graded (no submission, or no notebook in it)."""
    return (f"# {assignment.name} · {assignment.title}: feedback for {student}\n\n"
            f"**Score: 0/{assignment.max_score} points**\n\nNothing was graded: {reason}. "
            "If you did submit a notebook, contact the course staff.\n")  # fmt: skip
