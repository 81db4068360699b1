# Two commands for a fresh machine: `make book` and `make test`.
# Both create .venv (if missing) and install everything into it first, at the
# versions pinned in constraints.txt.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: setup book test release refresh bench bench-grade bench-fairness clean

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
