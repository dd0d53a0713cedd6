# kzgraph: `make serve` builds the graph and serves it; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install serve build test lint format bench clean

$(BIN)/kzgraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/kzgraph

build: install
	$(BIN)/kzgraph build

serve: build
	$(BIN)/kzgraph serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: install
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: build
	$(BIN)/python benchmarks/serve_latency.py

clean:
	rm -rf var .pytest_cache test-artifacts
