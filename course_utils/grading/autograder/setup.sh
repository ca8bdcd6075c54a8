#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (the network is there).
# It installs the course's pinned runtime packages and the instructor's grader (this zip's course_utils,
# with the hidden checks) into /autograder/venv, compiles their bytecode, fetches the datasets, and
# refuses to finish when the grading sandbox cannot be made in this container.
set -euxo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT/source"

PY="$(command -v python3.11 || true)"
if [ -z "$PY" ]; then
    apt-get update
    apt-get install -y --no-install-recommends python3.11 python3.11-venv || true
    PY="$(command -v python3.11 || command -v python3)"
fi
"$PY" -m venv "$ROOT/venv"
VPY="$ROOT/venv/bin/python"
"$VPY" -m pip install --disable-pip-version-check -q --upgrade pip
if [ -f requirements/lab.txt ]; then
    # the course's lock: exact versions, hash-checked (what students and CI run)
    "$VPY" -m pip install --disable-pip-version-check --require-hashes --no-deps -r requirements/lab.txt
    "$VPY" -m pip install --disable-pip-version-check --no-deps -e .
else
    "$VPY" -m pip install --disable-pip-version-check -e .
fi
# Sandboxed kernels see the environment read-only and write no bytecode: compile it once, here,
# or every submission would compile TensorFlow's Python sources again.
"$VPY" -m compileall -q -j 0 "$ROOT/venv/lib" || true
"$VPY" -m course_utils.datasets fetch
"$VPY" -m course_utils.grading.gradescope check
