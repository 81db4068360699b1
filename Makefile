# Two commands for a fresh machine: `make book` and `make test`.
# Both create .venv (if missing) and install everything into it first, at the
# versions pinned in constraints.txt.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: setup book test test-fast release refresh bench bench-grade bench-fairness clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

book: setup
	$(VENV)/bin/jupyter-book build . --warningiserror --nitpick --keep-going

test: setup
	$(PY) -m pytest

# The tests that need no TensorFlow, in seconds; tests/no_tensorflow.py makes any
# TensorFlow/Keras import in them fail. A first step of the tiers (issue 22).
FAST_TESTS := $(addprefix tests/test_,dependencies isolation_guard nbgrader_format probe_values \
	property_audit release report seed_and_outputs submission_reading verdicts weights wire)
test-fast: setup
	$(PY) -m pytest -p tests.no_tensorflow $(addsuffix .py,$(FAST_TESTS))

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
