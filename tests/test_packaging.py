"""The project's set-up files agree with each other and keep the promises of the README."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _normalise(requirement):
    return re.sub(r"\s+", "", requirement).lower()


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = pyproject()["project"]
    declared = {_normalise(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    listed = {_normalise(r) for r in pip_section if not r.startswith("--editable")}
    assert listed == declared, (
        f"only in environment.yml: {sorted(listed - declared)}; only in pyproject.toml: {sorted(declared - listed)}"
    )
    assert "--editable ." in pip_section  # conda users get course_utils installed too


def test_python_version_agrees():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    assert pyproject()["project"]["requires-python"] == ">=3.11"


def test_no_setup_py_and_ci_runs_the_users_make_targets():
    """CI does what a user does: `make test`, then the browser path (Chromium installed if missing)."""
    assert not (ROOT / "setup.py").exists()
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    makes = [line.strip() for line in lines if line.strip().startswith("make ")]
    assert makes == ["make test", "make test-browser"]
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

    targets = ["lab", "test", "data", "notebooks", "test-browser", "site", "bench", "release", "grade", "help"]
    result = subprocess.run(
        ["make", "-n", "-f", str(ROOT / "Makefile"), *targets[:-1]], cwd=ROOT, capture_output=True, text=True
    )
    assert "missing separator" not in result.stderr and "No rule to make target" not in result.stderr, result.stderr
    help_text = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for target in targets[:-1]:
        assert f"make {target}" in help_text, f"`make help` does not mention {target}"


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
