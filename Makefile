# kzgraph: `make serve` builds the graph and serves it; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install lock serve build test lint format bench eval clean

UI     := src/kzgraph/web/static/yasgui

# Exactly the versions of requirements.lock (hash-checked), so that a fresh clone installs
# today what it installed yesterday; then kzgraph itself, whose dependencies the lock holds.
$(BIN)/kzgraph: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# After changing the dependencies in pyproject.toml: pin them again (uv, from PyPI).
lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
		--generate-hashes -o requirements.lock

# The query UI (YASGUI) comes from the npm registry at setup and is served by kzgraph itself.
$(UI)/yasgui.min.js: package.json
	@if command -v npm >/dev/null; then \
		npm install --silent --no-audit --no-fund --ignore-scripts && \
		mkdir -p $(UI) && \
		cp node_modules/@triply/yasgui/build/yasgui.min.js node_modules/@triply/yasgui/build/yasgui.min.css $(UI)/; \
	else echo "npm not found: the query UI falls back to a plain form"; fi

install: $(BIN)/kzgraph $(UI)/yasgui.min.js

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

# Extraction quality on the evaluation corpus beside the checkout (../shared/eval) and on
# evaluation/other-words, third-hand and fourth-hand (articles in other hands, scored by the
# same referees); fails below the floors, a little under this release's worst article
# (docs/extraction-quality.md), and on the shared corpus below issue 11's targets (the source
# 95%/85%, the six others 85%/90% on average). The figures are recorded in the package
# (src/kzgraph/quality-records, published with the dataset as DQV): commit them when they change.
EVAL    ?= ../shared/eval
QUALITY  = src/kzgraph/quality-records
eval: install
	rm -f $(QUALITY)/*.json  # a corpus no longer evaluated leaves no record behind
	$(BIN)/kzgraph evaluate $(EVAL) --min-recall 0.83 --min-precision 0.84 \
		--target parliament-of-kazakhstan=0.95/0.85 --min-mean-recall 0.85 --min-mean-precision 0.90 \
		--record $(QUALITY)/shared-eval.json
	$(BIN)/kzgraph evaluate evaluation/other-words --referee $(EVAL) --min-recall 0.74 --min-precision 0.86 \
		--record $(QUALITY)/other-words.json
	$(BIN)/kzgraph evaluate evaluation/third-hand --referee $(EVAL) --min-recall 0.78 --min-precision 0.87 \
		--record $(QUALITY)/third-hand.json
	$(BIN)/kzgraph evaluate evaluation/fourth-hand --referee $(EVAL) --min-recall 0.47 --min-precision 0.80 \
		--record $(QUALITY)/fourth-hand.json

bench: build
	$(BIN)/python benchmarks/serve_latency.py

clean:
	rm -rf var .pytest_cache test-artifacts
