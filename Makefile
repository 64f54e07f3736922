# Two commands on a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# The tests also run the Spark engine; the demo and a plain install need no pyspark.
SPARK_STAMP := $(VENV)/.spark-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,multilingual]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

$(SPARK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[spark]'
	rm -f $(VENV)/.spark-*
	touch $(SPARK_STAMP)

demo: $(STAMP)  ## install, then run the main job on the demo corpus
	rm -rf demo-out
	$(BIN)/storyline run demo/corpus --out demo-out
	@echo "Open demo-out/report.html in a browser (or read demo-out/report.md)."

test: $(STAMP) $(SPARK_STAMP) lint  ## install, lint, run the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

bench: $(STAMP)  ## run a benchmark, append it to bench/results.jsonl and update BENCHMARKS.md
	$(BIN)/python bench/cluster.py --record

clean:
	rm -rf $(VENV) demo-out .bench-cache .pytest_cache .ruff_cache
