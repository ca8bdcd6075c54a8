"""The project's set-up files agree with each other and keep the promises of the README."""

import re
import tomllib
from pathlib import Path

import yaml

from course_utils.tooling import check_python
from course_utils.tooling.lockdiff import parse_pins

ROOT = Path(__file__).resolve().parents[1]


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _name(requirement):
    return re.match(r"[A-Za-z0-9._-]+", requirement).group(0).lower().replace("_", "-")


def lock(which):
    """``{name: version}`` pinned in requirements/<which>.txt, and the names pyproject asked for directly."""
    text = (ROOT / "requirements" / f"{which}.txt").read_text()
    pins = parse_pins(text.splitlines())
    direct = set()
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        if re.search(r"#\s+(via )?course-utils( \(pyproject\.toml\))?\n", block + "\n"):
            direct.add(_name(block))
    return pins, direct, text


def test_locks_pin_what_pyproject_declares_with_hashes():
    project = pyproject()["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    dev = {_name(r) for r in project["optional-dependencies"]["dev"]}
    lab_pins, lab_direct, lab_text = lock("lab")
    dev_pins, dev_direct, dev_text = lock("dev")
    assert lab_direct == runtime, "requirements/lab.txt is stale: run `make upgrade`"
    assert dev_direct == runtime | dev, "requirements/dev.txt is stale: run `make upgrade`"
    for text in (lab_text, dev_text):
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        assert all("--hash=sha256:" in block for block in blocks if "==" in block), "a pin without a hash"
    moved = {name: (v, dev_pins.get(name)) for name, v in lab_pins.items() if dev_pins.get(name) != v}
    assert not moved, f"make test would install other versions than make lab: {moved}"


def test_students_install_only_what_runs_in_the_notebooks():
    lab_pins, _, _ = lock("lab")
    for tool in ("jax", "playwright", "pytest", "ruff", "nbval", "pre-commit", "uv", "statsmodels", "pandas", "tqdm"):
        assert tool not in lab_pins, f"{tool} is installed by `make lab` but only maintainers need it"
    assert {"tensorflow-cpu", "keras", "numpy", "jupyterlab"} <= set(lab_pins)


def test_environment_yml_installs_the_lab_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert pip_section == ["-r requirements/lab.txt"]
    text = (ROOT / "environment.yml").read_text()
    assert "pip install --no-deps -e ." in text and "python -m course_utils.datasets fetch" in text
    makefile = (ROOT / "Makefile").read_text()
    assert "$(LOCK_DIR)/lab.txt" in makefile and "LOCK_DIR ?= requirements" in makefile


def test_python_version_agrees():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    assert pyproject()["project"]["requires-python"] == ">=3.11,<3.14"
    assert check_python.SUPPORTED == ((3, 11), (3, 12), (3, 13))


def test_no_setup_py_and_ci_runs_the_users_make_targets():
    """CI does what a user does: `make test`, then the portability audit and the browser path (Chromium installed
    if missing)."""
    assert not (ROOT / "setup.py").exists()
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    makes = [line.strip() for line in lines if line.strip().startswith("make ")]
    assert makes == ["make test", "make test-portability", "make test-browser"]
    assert "playwright install" not in "\n".join(lines)  # never a browser download


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make lab" in first_block and "make test" in first_block


def test_importing_course_utils_does_nothing_heavy():
    """`import course_utils` must not import TensorFlow, Keras or matplotlib (lazy exports)."""
    import subprocess
    import sys

    code = (
        "import sys, course_utils; heavy = [m for m in ('tensorflow', 'keras', 'matplotlib', 'jax') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_makefile_parses_and_defines_every_documented_target():
    import subprocess

    targets = [
        "lab",
        "test",
        "data",
        "notebooks",
        "test-portability",
        "lock",
        "upgrade",
        "test-latest",
        "test-browser",
        "site",
        "bench",
        "release",
        "grade",
        "help",
    ]
    dry_run = [
        t for t in targets[:-1] if t not in ("lock", "upgrade", "test-latest")
    ]  # they recurse into files made first
    result = subprocess.run(
        ["make", "-n", "-f", str(ROOT / "Makefile"), *dry_run], cwd=ROOT, capture_output=True, text=True
    )
    assert "missing separator" not in result.stderr and "No rule to make target" not in result.stderr, result.stderr
    help_text = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for target in targets[:-1]:
        assert f"make {target}" in help_text, f"`make help` does not mention {target}"


def test_the_scheduled_drift_job_runs_make_test_latest():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "drift.yml").read_text())
    assert "schedule" in workflow[True]  # YAML 1.1 reads the key `on` as True
    runs = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    assert runs == ["make test-latest"]


def test_the_package_docstring_and_the_readme_map_every_module():
    """One home per idea only helps if the map names every home: a new module must be added to both."""
    import pkgutil

    import course_utils

    modules = {m.name for m in pkgutil.iter_modules(course_utils.__path__)}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| module | what is in it |") :].split("\n\n")[0]
    assert not {m for m in modules if f"``{m}``" not in course_utils.__doc__}, "missing from course_utils/__init__.py"
    assert not {m for m in modules if f"`{m}`" not in table and f"`course_utils.{m}`" not in table}, (
        "missing from README"
    )
