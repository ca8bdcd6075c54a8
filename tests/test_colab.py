"""Every notebook opens on Colab: a badge to itself, and a set-up cell that acts on Colab only.

The set-up cell is run here as IPython would run it (``!`` lines become ``get_ipython().system``
calls), with a recorder in place of the shell: outside Colab it must do nothing at all; on a
(faked) Colab it must clone *this* repository, install it and fetch the data with the command
``make data`` runs.
"""

import re
import shutil
import sys
import types
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from course_utils.tooling import colab
from course_utils.tooling.nbrun import notebook_paths

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = notebook_paths([ROOT / "notebooks"])
REPO = colab.repository_url()
BADGE_LINK = re.compile(r"^\[Open this notebook in Colab\]\((?P<url>[^)]+)\)$")  # text: no image to break offline


class Recorder:
    """Stands in for IPython: records the shell commands a cell would run."""

    def __init__(self):
        self.commands = []

    def system(self, command):
        self.commands.append(command)


def run_cell(source, monkeypatch):
    """Execute ``source`` the way IPython does; return the shell commands it asked for."""
    ipython = Recorder()
    code = TransformerManager().transform_cell(source)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the cell may add to it; undone after the test
    exec(compile(code, "<colab-setup>", "exec"), {"get_ipython": lambda: ipython})
    return ipython.commands


def setup_cell(path):
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if colab.SETUP_TAG in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{path.name}: expected one cell tagged {colab.SETUP_TAG!r}; run `make colab`"
    return cells[0]


def test_every_notebook_is_up_to_date_with_the_repository_url(capsys):
    assert colab.main(["--check", str(ROOT / "notebooks")]) == 0, capsys.readouterr()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_badge_first_and_set_up_cell_first_among_code_cells(path):
    nb = nbformat.read(path, as_version=4)
    badge = BADGE_LINK.match(nb.cells[0].source)
    assert nb.cells[0].cell_type == "markdown" and badge, f"{path.name}: the first cell must be the Colab badge"
    prefix = f"https://colab.research.google.com/github/{'/'.join(colab.parse_repository(REPO))}/blob/main/"
    assert badge["url"].startswith(prefix)
    assert ROOT / badge["url"][len(prefix) :] == path, "the badge must open this very notebook"
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert colab.SETUP_TAG in first_code.metadata.get("tags", []), "the Colab set-up cell must run first"
    assert first_code.outputs == [], "locally the set-up cell prints nothing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_set_up_cell_does_nothing_outside_colab(path, monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    before = list(sys.path)
    assert run_cell(setup_cell(path).source, monkeypatch) == []
    assert sys.path == before


def test_on_colab_it_clones_this_repository_installs_it_and_fetches_the_data(monkeypatch):
    widgets = []
    output = types.SimpleNamespace(enable_custom_widget_manager=lambda: widgets.append("enabled"))
    monkeypatch.setitem(sys.modules, "google.colab", types.SimpleNamespace(output=output))
    commands = run_cell(setup_cell(NOTEBOOKS[0]).source, monkeypatch)
    target = colab.clone_dir(REPO)
    assert commands == [
        f"test -d {target} || git clone --quiet --depth 1 {REPO} {target}",
        f"pip install --quiet --no-deps --editable {target}",
        f"cd {target} && python -m course_utils.datasets fetch",
    ]
    assert sys.path[0] == target, "the running kernel must see the clone without a restart"
    assert widgets == ["enabled"]


def test_the_commands_it_names_are_the_course_s_own():
    # the repository it clones is the one pyproject.toml names, and installs the package named there
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'Repository = "{REPO}"' in pyproject
    assert re.search(r'^name = "course_utils"$', pyproject, flags=re.M)
    # the data command is the one `make data` runs (there with the virtual environment's python)
    makefile = (ROOT / "Makefile").read_text()
    data_recipe = re.search(r"^data:.*\n\t(.+)$", makefile, flags=re.M)[1]
    assert data_recipe == "$(BIN)/" + colab.FETCH_COMMAND


def test_a_fork_points_every_notebook_at_itself(tmp_path):
    fork = tmp_path / "fork"
    shutil.copytree(ROOT / "notebooks", fork / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(ROOT / "pyproject.toml", fork / "pyproject.toml")
    url = colab.set_repository("https://github.com/someone/my-rnn-course.git", fork / "pyproject.toml")
    assert url == "https://github.com/someone/my-rnn-course" == colab.repository_url(fork / "pyproject.toml")
    paths = notebook_paths([fork / "notebooks"])
    report = colab.sync(paths, url, root=fork)
    assert sorted(report) == sorted(map(str, paths))
    assert all(changes == ["updated colab-badge", "updated colab-setup"] for changes in report.values())
    assert colab.sync(paths, url, root=fork) == {}, "a second run changes nothing"
    nb = nbformat.read(fork / "notebooks" / "04_lstm.ipynb", as_version=4)
    assert "github/someone/my-rnn-course/blob/main/notebooks/04_lstm.ipynb" in nb.cells[0].source
    assert "git clone --quiet --depth 1 https://github.com/someone/my-rnn-course /content/my-rnn-course" in (
        setup_cell(fork / "notebooks" / "04_lstm.ipynb").source
    )


def test_a_notebook_without_the_cells_gets_them_in_the_right_places():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("x = 1")])
    assert colab.apply(nb, REPO, "notebooks/new.ipynb") == ["added colab-badge", "added colab-setup"]
    assert [c.cell_type for c in nb.cells] == ["markdown", "markdown", "code", "code"]
    assert nb.cells[0].source.endswith("/blob/main/notebooks/new.ipynb)") and nb.cells[1].source == "# Title"
    assert nb.cells[2].metadata.tags == [colab.SETUP_TAG] and nb.cells[3].source == "x = 1"


@pytest.mark.parametrize(
    "url", ["git@github.com:you/course.git", "https://gitlab.com/you/course", "github.com/you/course", ""]
)
def test_a_url_colab_cannot_open_is_refused_with_an_example(url):
    with pytest.raises(ValueError, match="not a GitHub repository URL.*https://github.com/you/rnn-course"):
        colab.parse_repository(url)


def test_cli_reports_bad_input_without_a_traceback(capsys, tmp_path):
    assert colab.main(["--check", "--repo", "https://example.org/x", str(ROOT / "notebooks")]) == 2
    assert "not a GitHub repository URL" in capsys.readouterr().err
    stray = tmp_path / "elsewhere.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), stray)
    assert colab.main(["--check", str(stray)]) == 2
    assert "is not inside the course repository" in capsys.readouterr().err


def test_duplicate_tagged_cells_are_an_error_not_a_guess():
    cell = nbformat.v4.new_code_cell("pass", metadata={"tags": [colab.SETUP_TAG]})
    nb = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_code_cell("pass", metadata={"tags": [colab.SETUP_TAG]})])
    with pytest.raises(ValueError, match="2 cells are tagged 'colab-setup'"):
        colab.apply(nb, REPO, "notebooks/x.ipynb")


def test_a_tagged_cell_of_the_wrong_kind_is_an_error_not_overwritten():
    cell = nbformat.v4.new_markdown_cell("notes", metadata={"tags": [colab.SETUP_TAG]})
    nb = nbformat.v4.new_notebook(cells=[cell])
    with pytest.raises(ValueError, match="the cell tagged 'colab-setup' should be a code cell"):
        colab.apply(nb, REPO, "notebooks/x.ipynb")
    assert nb.cells[-1].source == "notes"


def test_the_setup_cell_is_folded_away_in_colab_and_jupyterlab():
    """Students see a one-line title, not the installation code (issue 18: test machinery out of the text)."""
    for path in notebook_paths([ROOT / "notebooks"]):
        nb = nbformat.read(path, as_version=4)
        (cell,) = [c for c in nb.cells if colab.SETUP_TAG in c.metadata.get("tags", [])]
        assert cell.metadata["cellView"] == "form" and cell.metadata["jupyter"]["source_hidden"] is True, path.name
        assert cell.source.startswith("# @title "), f"{path.name}: Colab's form view shows the # @title line"
