# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck pytest bench-smoke fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## run: install, migrate, create the default setup, load the demo into an empty database, serve
run: install
	$(BIN)/liaison init
	$(BIN)/liaison demo
	PORT=$(PORT) $(BIN)/liaison serve --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy liaison tests

pytest: install
	$(BIN)/pytest

bench-smoke: install
	$(BIN)/liaison bench --quick --json var/bench/quick.json

## test: install, lint, type-check, run the test suite and a benchmark smoke run
test: lint typecheck pytest bench-smoke

## fuzz: random exploration with many more examples than `make test` (minutes, not seconds)
fuzz: install
	LIAISON_FUZZ=1 LIAISON_HYPOTHESIS_EXAMPLES=2000 LIAISON_SCHEMATHESIS_EXAMPLES=200 \
		$(BIN)/pytest tests/test_properties.py tests/test_api_schema.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
