# The two commands a newcomer needs: `make build` (install + build the sample) and `make test`.
# Both create a virtual environment in .venv, so they work where the system Python refuses installs.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: build test lint clean

build: $(VENV)/.installed
	$(BIN)/magsite build

test: $(VENV)/.installed-test
	./scripts/test-deps
	$(BIN)/ruff check magsite tests bench
	$(BIN)/python -m pytest

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

lint: $(VENV)/.installed-test
	$(BIN)/ruff check magsite tests bench
	$(BIN)/ruff format --check magsite

clean:
	rm -rf output .magsite-cache $(VENV)
