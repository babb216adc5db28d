# The workbook's verbs. Only Python 3.11+ and make are needed: the first run builds .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8888
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test lessons grade lint format check-python clean mutation

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "error: this workbook needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "       Install Python 3.11+ and run again, or point at it: make PYTHON=python3.12 ..."; exit 2; }

## lab: open the workbook in JupyterLab on the embedded fakeredis (set REDIS_URL for a real server)
lab: $(STAMP)
	$(BIN)/python -m autograder workspace
	$(BIN)/jupyter lab --notebook-dir=my-work --port=$(PORT) $(ROOT_FLAG)

## test: lint, then the whole suite (real-redis tests skip with a reason where redis-server is not installed)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

## mutation: mutation-test the grading core (checks, tamper, feedback scrub) against its unit tests; prints the score and survivors
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'mutmut==3.8.1'
	$(BIN)/python tests/mutation/score.py

## lessons: build solutions/ from content/, then regenerate lessons/ with nbgrader
lessons: $(STAMP)
	$(BIN)/python -m autograder release

## grade: grade a class of submissions (a folder or zip): make grade SUBMISSIONS=path [OUT=graded]
OUT ?= graded
grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=path/to/folder-or-zip [OUT=graded]"; exit 2; }
	$(BIN)/python -m autograder grade "$(SUBMISSIONS)" --out "$(OUT)"

## lint: ruff, the one linter and formatter, as CI runs it
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
