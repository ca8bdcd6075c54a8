"""Set-up refuses an unsupported Python with the fix, and rebuilds a .venv made by another Python."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course_utils.tooling import check_python

SCRIPT = Path(check_python.__file__)


def fake_venv(root, version):
    """A folder that looks like a venv whose python reports ``version`` ('' = a python that fails)."""
    python = root / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f"#!/bin/sh\necho {version}\n" if version else "#!/bin/sh\nexit 1\n")
    python.chmod(0o755)
    return root


def test_this_interpreter_is_supported_and_a_good_venv_is_kept(tmp_path):
    mine = "{}.{}".format(*sys.version_info[:2])
    venv = fake_venv(tmp_path / ".venv", mine)
    assert check_python.main(["--venv", str(venv), "--explicit"]) == 0
    assert venv.is_dir()


@pytest.mark.parametrize(
    "made_by, explicit, removed",
    [
        ("", False, True),  # broken
        ("3.10", False, True),  # unsupported
        ("3.14", False, True),
        ("other-supported", True, True),  # `make lab PYTHON=...` asked for another one
        ("other-supported", False, False),  # a plain `make lab` keeps a supported venv
    ],
)
def test_venv_made_by_another_python(tmp_path, capsys, made_by, explicit, removed):
    if made_by == "other-supported":
        made_by = next("{}.{}".format(*v) for v in check_python.SUPPORTED if v != sys.version_info[:2])
    venv = fake_venv(tmp_path / ".venv", made_by)
    assert check_python.main(["--venv", str(venv)] + (["--explicit"] if explicit else [])) == 0
    assert venv.exists() is not removed
    if removed:
        assert "Removing" in capsys.readouterr().out


def test_unsupported_interpreter_is_refused_with_the_command(monkeypatch, capsys):
    monkeypatch.setattr(check_python.sys, "version_info", (3, 10, 14, "final", 0))
    assert check_python.main([]) == 2
    err = capsys.readouterr().err
    assert "needs Python 3.11, 3.12 or 3.13" in err and "is Python 3.10" in err
    assert "make lab PYTHON=python3.11" in err


def python_310():
    """A working Python 3.10 interpreter on this machine (PATH or pyenv), or None."""
    candidates = [shutil.which("python3.10"), *map(str, Path.home().glob(".pyenv/versions/3.10*/bin/python3.10"))]
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "-c", "pass"], capture_output=True).returncode == 0:
            return candidate
    return None


@pytest.mark.skipif(python_310() is None, reason="no working python3.10 on this machine")
def test_a_real_python_310_gets_the_message_not_pip_errors():
    result = subprocess.run([python_310(), str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 2
    assert "make lab PYTHON=python3.11" in result.stderr and "Traceback" not in result.stderr
