# Two commands for a newcomer: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.installed-docs
export MPLBACKEND ?= Agg

.PHONY: install demo test test-slow lint docs clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# RNN cells vs Ridge vs naive forecasts on the shipped airline series
demo: $(STAMP)
	$(BIN)/skrnn compare --out skrnn-output

test: $(STAMP)
	$(BIN)/python -m pytest

# exit code 5 is pytest's "no test collected": no slow test is no failure
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow || test $$? -eq 5

lint: $(STAMP)
	$(BIN)/ruff check skrnn tests examples docs benchmarks

$(DOCS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $(DOCS_STAMP)

# HTML documentation in docs/_build/html, warnings as errors. docs/conf.py runs
# the gallery in quick mode; `SKRNN_FULL_GALLERY=1 make docs` for real settings.
docs: $(DOCS_STAMP)
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
	rm -rf docs/_build docs/generated docs/auto_examples docs/sg_execution_times.rst
