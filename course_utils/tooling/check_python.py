"""Set-up's first step: is this Python one the course runs on, and is ``.venv`` made by it?

``make lab`` / ``make test`` run this file with the interpreter they are about to use, before
anything is installed, as ``python course_utils/tooling/check_python.py [--venv .venv] [--explicit]``.
It is a plain script that imports nothing from the course, written for any Python 3, so that
an old interpreter gets this message instead of a wall of pip errors.

* The interpreter must be 3.11, 3.12 or 3.13 (Keras 3.15 needs 3.11; TensorFlow 2.21 has no
  wheels for 3.14). Otherwise: exit 2 with the command that fixes it.
* An existing ``.venv`` is removed (and set-up makes a new one) when its Python is not supported,
  when it is broken, or — with ``--explicit``, i.e. ``make ... PYTHON=...`` was given — when it
  was made by another Python version than the one asked for.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

SUPPORTED = ((3, 11), (3, 12), (3, 13))


def version_text(version):
    return ".".join(str(part) for part in version)


def supported(version):
    return tuple(version[:2]) in SUPPORTED


def advice(found, where):
    names = ", ".join(version_text(v) for v in SUPPORTED[:-1]) + " or " + version_text(SUPPORTED[-1])
    return (
        "The course needs Python {names}; {where} is Python {found}.\n"
        "Install Python 3.11 (Debian/Ubuntu: `sudo apt install python3.11 python3.11-venv`; macOS: "
        "`brew install python@3.11`; or `pyenv install 3.11`), then run the same command with it, e.g.\n"
        "    make lab PYTHON=python3.11\n"
        "(the existing .venv, if any, is then rebuilt with that Python)."
    ).format(names=names, where=where, found=found)


def venv_version(venv):
    """``(major, minor)`` of the Python that made ``venv``, or ``None`` if it is broken."""
    python = os.path.join(venv, "bin", "python")
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            universal_newlines=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"^(\d+)\.(\d+)$", out.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", help="the virtual environment set-up will use")
    parser.add_argument("--explicit", action="store_true", help="PYTHON was chosen by the user")
    args = parser.parse_args(argv)
    mine = tuple(sys.version_info[:2])
    if not supported(mine):
        print("error: " + advice(version_text(mine), "`" + sys.executable + "`"), file=sys.stderr)
        return 2
    if args.venv and os.path.isdir(args.venv):
        theirs = venv_version(args.venv)
        reason = None
        if theirs is None:
            reason = "it is broken (its python does not run)"
        elif not supported(theirs):
            reason = "it was made by Python %s, which the course does not support" % version_text(theirs)
        elif args.explicit and theirs != mine:
            reason = "it was made by Python %s and you asked for %s" % (version_text(theirs), version_text(mine))
        if reason:
            print("Removing %s: %s. It is rebuilt with Python %s." % (args.venv, reason, version_text(mine)))
            shutil.rmtree(args.venv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
