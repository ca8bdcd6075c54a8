"""Course hygiene: pre-commit, `make lint` and the GitHub workflow agree with each other, and can fail.

The pre-commit hooks, `make lint` (part of `make test`) and the GitHub Actions workflow are three
doors to the same checks; these tests keep them the same checks, and show that each check catches
what it is there for.
"""

import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
MAKEFILE = (ROOT / "Makefile").read_text()
PRE_COMMIT = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
WORKFLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
PYPROJECT = (ROOT / "pyproject.toml").read_text()
BIN = Path(sys.executable).parent
LECTURE_NOTEBOOK = ROOT / "notebooks" / "01_sequences_and_the_recurrent_neuron.ipynb"


def make_variable(name):
    return re.search(rf"^{name} := (.+)$", MAKEFILE, flags=re.M)[1].strip()


def recipe(target):
    """The command lines of a Makefile target."""
    block = re.search(rf"^{target}:[^\n]*\n((?:\t[^\n]*\n)+)", MAKEFILE, flags=re.M)[1]
    return [line[1:] for line in block.splitlines()]


def hooks(repo_suffix):
    repo = next(r for r in PRE_COMMIT["repos"] if r["repo"].endswith(repo_suffix))
    return repo, repo["hooks"]


def pinned(package):
    return re.search(rf'"{package}==([^"]+)"', PYPROJECT)[1]


def test_pre_commit_runs_the_pinned_linter_versions():
    assert hooks("/ruff-pre-commit")[0]["rev"] == "v" + pinned("ruff")
    assert hooks("/nbstripout")[0]["rev"] == pinned("nbstripout")


def test_pre_commit_passes_notebooks_to_ruff_and_pyproject_keeps_them_out_of_the_formatter():
    _, ruff = hooks("/ruff-pre-commit")
    assert [h["id"] for h in ruff] == ["ruff-check", "ruff-format"]
    assert all("jupyter" in h["types_or"] for h in ruff)
    config = tomllib.loads(PYPROJECT)["tool"]["ruff"]
    # pre-commit names files explicitly: without force-exclude, ruff would format the notebooks anyway
    assert config["force-exclude"] is True and config["format"]["exclude"] == ["notebooks/**"]


def test_course_notebooks_keep_outputs_and_counts_releases_are_fully_stripped():
    _, strip = hooks("/nbstripout")
    by_files = {h["files"]: h.get("args", []) for h in strip}
    assert by_files == {"^notebooks/": make_variable("NBSTRIPOUT_KEEP").split(), "^releases/": []}


def test_make_lint_runs_the_same_tools_and_make_test_includes_it():
    assert recipe("lint") == [
        "$(BIN)/ruff check .",
        "$(BIN)/ruff format --check .",
        "$(BIN)/nbstripout --verify $(NBSTRIPOUT_KEEP) $(NOTEBOOKS)",
    ]
    assert "lint" in re.search(r"^test:(.*)$", MAKEFILE, flags=re.M)[1].split()
    # refreshing outputs leaves notebooks exactly as the hook would
    assert recipe("notebooks")[-1] == "$(BIN)/nbstripout $(NBSTRIPOUT_KEEP) $(NOTEBOOKS)"


def test_the_github_workflow_calls_exactly_what_ci_run_calls():
    ci_run = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    # make targets and the .ci/ helper scripts, in order (a helper's `|| echo ...` fallback aside)
    ci_steps = [line.split(" ||")[0] for line in ci_run if line.startswith(("make ", ".ci/"))]
    steps = WORKFLOW["jobs"]["test"]["steps"]
    runs = [step["run"].strip() for step in steps if "run" in step]
    assert runs == ci_steps == ["make test", "make test-portability", ".ci/install-chromium", "make test-browser"]
    triggers = WORKFLOW[True] if True in WORKFLOW else WORKFLOW["on"]  # YAML 1.1 reads `on` as true
    assert set(triggers) == {"push", "pull_request"}
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))["with"]
    assert python["python-version"] == "3.11" and python["cache"] == "pip"


def _nbstripout(*args):
    return subprocess.run([BIN / "nbstripout", *args], capture_output=True, text=True)


def test_nbstripout_keeps_what_nbval_needs(tmp_path):
    copy = tmp_path / LECTURE_NOTEBOOK.name
    shutil.copy(LECTURE_NOTEBOOK, copy)
    assert _nbstripout(*make_variable("NBSTRIPOUT_KEEP").split(), str(copy)).returncode == 0
    assert copy.read_bytes() == LECTURE_NOTEBOOK.read_bytes(), "the committed notebook is already stripped"
    nb = nbformat.read(copy, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code) and sum(len(c.outputs) for c in code) > 10


def test_lint_catches_metadata_noise_in_a_notebook(tmp_path):
    copy = tmp_path / LECTURE_NOTEBOOK.name
    nb = nbformat.read(LECTURE_NOTEBOOK, as_version=4)
    nb.cells[3].metadata["ExecuteTime"] = {"end_time": "2026-11-22T02:00:00Z"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nbformat.write(nb, copy)
    verify = _nbstripout("--verify", *make_variable("NBSTRIPOUT_KEEP").split(), str(copy))
    assert verify.returncode != 0


def _ruff(tmp_path, *args):
    return subprocess.run([BIN / "ruff", *args], cwd=tmp_path, capture_output=True, text=True)


def _course_tree(tmp_path, notebook_source, module_source):
    """A folder with the course's ruff rules, one notebook under notebooks/ and one module."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(notebook_source.rstrip("\n"))])
    nbformat.write(nb, tmp_path / "notebooks" / "lesson.ipynb")
    (tmp_path / "module.py").write_text(module_source)


def test_ruff_lints_notebooks_but_formats_only_the_code(tmp_path):
    blackboard = "u = 2\nkernel = [[0.0] * 4 * u]\nW_f = kernel[0][u:2*u]     # forget block\nW_i = kernel[0][:u]        # input block\n"
    _course_tree(tmp_path, blackboard, "x = {'a':1}\n")
    done = _ruff(tmp_path, "format", "--check", "notebooks/lesson.ipynb")  # named explicitly, as pre-commit does
    assert done.returncode == 0, done.stdout + done.stderr  # the aligned columns stay
    assert _ruff(tmp_path, "format", "--check", "--no-force-exclude", "notebooks/lesson.ipynb").returncode != 0
    assert _ruff(tmp_path, "format", "--check", ".").returncode != 0  # module.py: not formatted
    assert _ruff(tmp_path, "check", "notebooks/lesson.ipynb").returncode == 0


def test_ruff_check_fails_on_bad_code_in_a_notebook(tmp_path):
    _course_tree(tmp_path, "import os\nx = 1\n", "x = 1\n")  # unused import
    done = _ruff(tmp_path, "check", ".")
    assert done.returncode != 0, done.stdout
    assert "lesson.ipynb" in done.stdout + done.stderr


def test_ruff_reads_the_ipython_lines_of_the_colab_cell(tmp_path):
    from course_utils.tooling.colab import setup_source

    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(setup_source("https://github.com/you/x"))])
    nbformat.write(nb, tmp_path / "colab.ipynb")
    for check in (["check"], ["format", "--check"]):
        done = subprocess.run([BIN / "ruff", *check, "colab.ipynb"], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_environment_and_stamp_carry_the_linters():
    # `make lint` uses the virtual environment's tools: they must come with `pip install -e ".[dev]"`
    for tool in ("ruff", "nbstripout", "pre-commit"):
        assert (BIN / tool).exists(), f"{tool} is not installed by the dev extra"
    data = json.loads(subprocess.run([BIN / "ruff", "version", "--output-format", "json"], capture_output=True).stdout)
    assert data["version"] == pinned("ruff")
    assert shlex.split(make_variable("NBSTRIPOUT_KEEP")) == ["--keep-output", "--keep-count"]


def test_the_hook_keeping_outputs_sees_exactly_the_notebooks_make_lint_verifies():
    from identify.identify import tags_from_path  # pre-commit's own file classifier

    hook = next(h for h in hooks("/nbstripout")[1] if h["files"] == "^notebooks/")
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    selected = [
        f for f in tracked if re.search(hook["files"], f) and set(hook["types"]) <= tags_from_path(str(ROOT / f))
    ]
    listed = subprocess.run(["make", "-s", "-n", "lint"], cwd=ROOT, capture_output=True, text=True).stdout
    verified = next(line for line in listed.splitlines() if "nbstripout --verify" in line).split()
    assert sorted(selected) == sorted(f for f in verified if f.endswith(".ipynb")) and len(selected) >= 12
