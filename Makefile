# Two commands for a fresh machine: `make book` and `make test`.
# Both create .venv (if missing) and install everything into it first, at the
# versions pinned in constraints.txt.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: setup book test test-fast test-checks release refresh bench bench-grade bench-fairness clean

# axe-core (the website's accessibility test), pinned in package-lock.json, into node_modules/,
# when npm is there; without it that test is skipped locally (CI installs npm: .ci/run).
NPM := $(shell command -v npm 2>/dev/null)
AXE := node_modules/axe-core/axe.min.js

setup: $(STAMP) $(if $(NPM),$(AXE))

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(AXE)

# The chapters are executed first (tests/chapter_runs.py, two at a time), into the cache
# the book build reads: the build itself then executes nothing.
book: setup
	$(PY) tests/chapter_runs.py
	$(VENV)/bin/jupyter-book build . --warningiserror --nitpick --keep-going

# The tiers are the folders of tests/ (tests/conftest.py says what each holds).
# `make test` runs them all, as CI does: the TensorFlow-free tier first, in its own
# process (any TensorFlow/Keras/JAX import there fails), then the rest on both cores.
test: setup
	$(PY) -m pytest -p tests.no_tensorflow tests/unit
	$(PY) -m pytest -n 2 --dist loadscope --durations=20 tests/checks tests/e2e tests/notebooks

# Seconds, for every edit: release, registry, wire, seeds, reports, CSVs, isolation logic.
test-fast: setup
	$(PY) -m pytest -p tests.no_tensorflow tests/unit

# The checks against the answer key and the corpus, in this process (one TensorFlow import).
test-checks: setup
	$(PY) -m pytest tests/checks

release: setup
	$(PY) -m autograder release

refresh: setup
	$(PY) -m autograder refresh $(NOTEBOOKS)

bench: setup
	$(PY) bench/chapters.py

bench-grade: setup
	$(PY) bench/grade.py

bench-fairness: setup
	$(PY) bench/fairness.py

clean:
	rm -rf _build
