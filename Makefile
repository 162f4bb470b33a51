# The whole set-up is `make run` and `make test`; both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test test-all test-deep eval bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# pip's build backend chatters on stderr: keep it in a log, show it only when the install fails
$(STAMP): pyproject.toml | $(BIN)/python
	@echo "installing edu-kg into $(VENV) ..."
	@$(BIN)/pip install --quiet -e . > $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	@echo "installing edu-kg[dev] into $(VENV) ..."
	@$(BIN)/pip install --quiet -e ".[dev]" > $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/kg build examples/reports -o output

test: $(DEV_STAMP)  # the fast suite: everything but the tests marked slow (notebooks, PDFs, parallel builds)
	$(BIN)/python -m pytest -q -m "not slow"

test-all: $(DEV_STAMP)  # every test: what CI runs
	$(BIN)/python -m pytest -q

test-deep: $(DEV_STAMP)  # the property tests with 20,000 examples each
	KG_PROPERTY_EXAMPLES=20000 $(BIN)/python -m pytest -q tests/test_properties.py

eval: $(STAMP)
	@if [ -d "$(SHARED)/corpus" ]; then \
		$(BIN)/kg build $(SHARED)/corpus -o output/eval --no-viewer > /dev/null && \
		$(BIN)/kg eval output/eval/facts.json $(SHARED)/gold; \
	else echo "no $(SHARED)/corpus here: nothing to evaluate"; fi

bench: $(DEV_STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check kg tests

clean:
	rm -rf output/eval output/*.ttl output/*.json output/*.html output/*.nt output/*.jsonld
