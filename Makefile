# Two commands do all the set-up: `make run` (the 1957 replay) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out/le-mans-1957
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test quick bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

run: $(STAMP)
	MPLBACKEND=Agg $(BIN)/race-replay run le-mans-1957 --out $(OUT)

test: $(TEST_STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest

quick: $(TEST_STAMP)  # the suite without the slow tests (killed and concurrent runs as subprocesses)
	MPLBACKEND=Agg $(BIN)/python -m pytest -m "not slow"

bench: $(STAMP)
	$(BIN)/python benchmarks/replay.py

# 20,000 seeded mutants of the seed documents and 2,000 of the race-data and scenario TOML files;
# prints fuzz_documents=N unexpected=M and fuzz_toml=N unexpected=M (0 expected)
fuzz: $(STAMP)
	$(BIN)/python benchmarks/fuzz.py

clean:
	rm -rf $(VENV) out
