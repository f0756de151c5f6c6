# whosaid: `make run` sets up and starts it, `make test` sets up and runs the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install run test test-heavy lint format bench bench-full clean

# torch 2.13.0 first: pip takes the CPU build from this machine's disk; left to
# sentence-transformers it could pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	@$(BIN)/whosaid run

lint: install
	$(BIN)/ruff check bot retrieval tests benchmarks
	$(BIN)/ruff format --check bot retrieval tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q -m "not heavy"

test-heavy: install
	$(BIN)/pytest -q -m heavy

format: install
	$(BIN)/ruff check --fix bot retrieval tests benchmarks
	$(BIN)/ruff format bot retrieval tests benchmarks

# the documented run, under 15 minutes on an idle 2-core machine; bench-full adds the 1M-chunk
# store, 1,000 ingested articles, 1 MB and 5 MB articles and the queue workers (hours)
bench: install
	$(BIN)/python -m benchmarks.run

bench-full: install
	$(BIN)/python -m benchmarks.run --full

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
