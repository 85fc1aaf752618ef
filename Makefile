# Two commands do all the set-up: `make run` (every seed race that works, into out/) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test quick bench fuzz screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

# every seed race that works, each into its own folder under out/: the replays of the races with results, and the
# forecast of the race known only from its practice timesheet
run: $(STAMP)
	MPLBACKEND=Agg $(BIN)/race-replay run le-mans-1957 --draws 200 --out out/le-mans-1957
	MPLBACKEND=Agg $(BIN)/race-replay run mille-miglia-1957 --out out/mille-miglia-1957
	MPLBACKEND=Agg $(BIN)/race-replay forecast le-mans-1961 --out out/le-mans-1961

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

# the replay page at 9 pm on a laptop and a phone, into docs/ (the suite itself writes them to a temporary folder)
screenshots: $(TEST_STAMP)
	RACE_REPLAY_SCREENSHOTS=docs MPLBACKEND=Agg $(BIN)/python -m pytest tests/shared/test_browser.py -k screenshots

clean:
	rm -rf $(VENV) out
