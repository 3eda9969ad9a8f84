# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-multinode lint format bench bench-newsletter bench-search bench-imports bench-analytics bench-archive clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Broadsheet needs Python 3.11 or newer (found " + sys.version.split()[0] + "); run: make PYTHON=python3.12 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/broadsheet demo --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# docs/deployment.md followed on this machine: two web nodes, two workers,
# two schedulers, Redis, an S3 server, Varnish and nginx (tests/multinode)
test-multinode: $(VENV)/.installed-test
	$(BIN)/python -m pytest --multinode -p no:cacheprovider tests/multinode $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# make bench BENCH_ARGS='--seconds 3 --articles 300' for a quick check
bench: $(VENV)/.installed
	bash bench/run.sh $(BENCH_ARGS)

bench-newsletter: $(VENV)/.installed-test
	$(BIN)/python bench/newsletter.py

# 100,000 articles on the PostgreSQL at 127.0.0.1:5432 (its own database)
bench-search: $(VENV)/.installed-test
	$(BIN)/python bench/search.py $(BENCH_ARGS)

# The page cache's throughput with analytics off and on, beacon ingestion,
# then what each stage after the request costs a view
bench-analytics: $(VENV)/.installed-test
	$(BIN)/python bench/analytics.py $(BENCH_ARGS)
	$(BIN)/python bench/analytics_cost.py

# The same pages at 10,000, 100,000 and 1,000,000 articles on PostgreSQL,
# loaded in bulk with ten comments an article; admin pages too (issue 19)
bench-archive: $(VENV)/.installed-test
	$(BIN)/python bench/archive_scale.py $(BENCH_ARGS)

# A synthetic WordPress export of 2,000 and 20,000 posts, then a 500 MB dry run
bench-imports: $(VENV)/.installed-test
	$(BIN)/python bench/imports.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
