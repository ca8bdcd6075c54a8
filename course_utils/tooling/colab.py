"""Open the course on Google Colab: the badge and the set-up cell at the top of every notebook.

Every notebook carries two cells written by this module, found again by their tag:

* ``colab-badge``, the first cell: an "Open this notebook in Colab" link for that notebook (text, not
  Colab's badge image, which shows as a broken image in JupyterLab without a network);
* ``colab-setup``, the first code cell: **on Colab only**, it clones the course, installs
  ``course_utils`` from the clone and fetches the data with the command ``make data`` runs.
  Anywhere else (``"google.colab"`` is not in ``sys.modules``) it does nothing; on your own
  machine ``make lab`` has already done all of it.

Both point at ``[project.urls] Repository`` in ``pyproject.toml`` (badges open the ``main``
branch). A fork points every notebook at itself with one command, then commits::

    make colab REPO=https://github.com/you/your-fork

``python -m course_utils.tooling.colab --check`` lists the notebooks whose cells are missing or out
of date (``tests/test_colab.py`` runs it over the course).
"""

import argparse
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
BRANCH = "main"
BADGE_TAG, SETUP_TAG = "colab-badge", "colab-setup"
FETCH_COMMAND = "python -m course_utils.datasets fetch"  # what `make data` runs, with the venv's python
_GITHUB = re.compile(r"^https://github\.com/(?P<owner>[A-Za-z0-9_.-]+)/(?P<name>[A-Za-z0-9_.-]+?)(?:\.git)?/?$")
_URL_LINE = re.compile(r'^Repository = "[^"]*"$', flags=re.M)


def parse_repository(url):
    """``(owner, name)`` of a GitHub repository URL; a clear error for anything else.

    >>> parse_repository("https://github.com/you/rnn-course.git")
    ('you', 'rnn-course')
    """
    match = _GITHUB.match(str(url).strip())
    if not match:
        raise ValueError(
            f"{url!r} is not a GitHub repository URL; Colab opens notebooks from GitHub, so give "
            "one like https://github.com/you/rnn-course"
        )
    return match["owner"], match["name"]


def canonical(url):
    """``https://github.com/<owner>/<name>``: no ``.git``, no trailing slash.

    >>> canonical("https://github.com/you/rnn-course.git/")
    'https://github.com/you/rnn-course'
    """
    owner, name = parse_repository(url)
    return f"https://github.com/{owner}/{name}"


def repository_url(pyproject=PYPROJECT):
    """The course repository: ``[project.urls] Repository`` of ``pyproject.toml``, normalised."""
    with open(pyproject, "rb") as handle:
        url = tomllib.load(handle).get("project", {}).get("urls", {}).get("Repository")
    if not url:
        raise ValueError(f"{pyproject} has no [project.urls] Repository; set it with `make colab REPO=<url>`.")
    return canonical(url)


def clone_dir(repo):
    """Where the set-up cell clones the course on Colab: ``/content/<repository name>``."""
    return f"/content/{parse_repository(repo)[1]}"


def badge_url(repo, relpath, branch=BRANCH):
    """Colab's address for the notebook at ``relpath`` (relative to the repository root).

    >>> badge_url("https://github.com/you/rnn", "notebooks/01_x.ipynb")
    'https://colab.research.google.com/github/you/rnn/blob/main/notebooks/01_x.ipynb'
    """
    owner, name = parse_repository(repo)
    return f"https://colab.research.google.com/github/{owner}/{name}/blob/{branch}/{Path(relpath).as_posix()}"


def badge_source(repo, relpath):
    """The markdown of the badge cell: a text link, which needs no image from the network.

    >>> badge_source("https://github.com/you/rnn", "notebooks/01_x.ipynb")
    '[Open this notebook in Colab](https://colab.research.google.com/github/you/rnn/blob/main/notebooks/01_x.ipynb)'
    """
    return f"[Open this notebook in Colab]({badge_url(repo, relpath)})"


def setup_source(repo):
    """The code of the set-up cell (IPython ``!`` lines run shell commands, on Colab only)."""
    target = clone_dir(repo)
    return f"""\
# @title Google Colab set-up (does nothing anywhere else)
# Google Colab only: clone the course, install course_utils, fetch the data (about a minute, once).
# Anywhere else this cell does nothing: on your own machine `make lab` has done all of it.
import sys

if "google.colab" in sys.modules:
    !test -d {target} || git clone --quiet --depth 1 {repo} {target}
    # editable, so course_utils finds data/ in the clone; --no-deps keeps Colab's own TensorFlow and Keras
    !pip install --quiet --no-deps --editable {target}
    !cd {target} && {FETCH_COMMAND}
    if "{target}" not in sys.path:
        sys.path.insert(0, "{target}")  # this kernel started before the install
    from google.colab import output

    output.enable_custom_widget_manager()  # the notebooks' sliders are ipywidgets 8"""


# The set-up cell is collapsed: Colab shows its title as a form, JupyterLab a folded input.
SETUP_METADATA = {"cellView": "form", "jupyter": {"source_hidden": True}}


def _collapse(cell):
    """Fold the set-up cell's code away (Colab and JupyterLab); return whether anything changed."""
    missing = {k: v for k, v in SETUP_METADATA.items() if cell.metadata.get(k) != v}
    cell.metadata.update(missing)
    return bool(missing)


def _tagged(nb, tag):
    return [i for i, cell in enumerate(nb.cells) if tag in cell.get("metadata", {}).get("tags", [])]


def relative_path(path, root=ROOT):
    """``path`` relative to the repository root, as the badge needs it."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        raise ValueError(f"{path} is not inside the course repository {root}; badges need its path there.") from None


def apply(nb, repo, relpath):
    """Give ``nb`` an up-to-date badge (first cell) and set-up cell (first code cell); return what changed."""
    import nbformat

    changes = []
    wanted = {BADGE_TAG: ("markdown", badge_source(repo, relpath)), SETUP_TAG: ("code", setup_source(repo))}
    for tag, (kind, source) in wanted.items():
        found = _tagged(nb, tag)
        if len(found) > 1:
            raise ValueError(f"{relpath}: {len(found)} cells are tagged {tag!r}; delete all but one.")
        if found:
            cell = nb.cells[found[0]]
            if cell.cell_type != kind:
                raise ValueError(f"{relpath}: the cell tagged {tag!r} should be a {kind} cell.")
            if cell.source != source:
                cell.source = source
                changes.append(f"updated {tag}")
            if tag == SETUP_TAG and _collapse(cell):
                changes.append(f"collapsed {tag}")
            continue
        new = nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
        new.metadata["tags"] = [tag]
        if tag == SETUP_TAG:
            _collapse(new)
        if tag == BADGE_TAG:
            nb.cells.insert(0, new)
        else:
            first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
            nb.cells.insert(first_code, new)
        changes.append(f"added {tag}")
    return changes


def sync(paths, repo, write=True, root=ROOT):
    """Apply the cells to every notebook of ``paths``; ``{notebook: [changes]}`` for those that changed.

    ``root`` is the repository's root folder: badges link to each notebook's path inside it.
    """
    import nbformat

    report = {}
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        changes = apply(nb, repo, relative_path(path, root))
        if changes:
            report[str(path)] = changes
            if write:
                nbformat.write(nb, path)
    return report


def set_repository(url, pyproject=PYPROJECT):
    """Write ``url`` (normalised) as ``[project.urls] Repository`` of ``pyproject.toml``; return it."""
    url = canonical(url)
    text = Path(pyproject).read_text(encoding="utf-8")
    if len(_URL_LINE.findall(text)) != 1:
        raise ValueError(f'{pyproject} needs exactly one line `Repository = "..."` under [project.urls].')
    Path(pyproject).write_text(_URL_LINE.sub(f'Repository = "{url}"', text), encoding="utf-8")
    return url


def main(argv=None):
    from course_utils.tooling.nbrun import notebook_paths

    parser = argparse.ArgumentParser(prog="python -m course_utils.tooling.colab", description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", default=[str(ROOT / "notebooks")], help="notebooks or folders")
    parser.add_argument("--repo", help="point the course at this GitHub repository (updates pyproject.toml)")
    parser.add_argument("--check", action="store_true", help="only report notebooks that need updating")
    args = parser.parse_args(argv)
    try:
        if args.repo and not args.check:
            print(f"pyproject.toml: Repository = {set_repository(args.repo)}")
        repo = canonical(args.repo) if args.repo else repository_url()
        report = sync(notebook_paths(args.targets), repo, write=not args.check)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path, changes in report.items():
        print(f"{path}: {', '.join(changes)}")
    if args.check and report:
        print("run `make colab` to update them", file=sys.stderr)
        return 1
    if any(change.startswith("added") for changes in report.values() for change in changes):
        print("new cells were added: run `make notebooks` to refresh the stored outputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
