# Two entry points for a fresh clone: `make run` (dashboard on the demo database) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test install install-test browser lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Debian's Chromium for the real-browser tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }
	@# poppler's pdftoppm renders report pages to images, to check that nothing runs off a page.
	@command -v pdftoppm >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq poppler-utils >/dev/null; }

run: install
	$(BIN)/footprint serve --port $(PORT)

test: install-test browser
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

# The README's performance figures, at the sizes it states (about an hour on two cores; bench/out/ holds
# the generated files, some GB). Each script also runs alone, with --help for its sizes.
bench: install-test browser
	$(BIN)/python bench/ingest_cur.py --scaling
	$(BIN)/python bench/telemetry_ingest.py
	$(BIN)/python bench/dashboard_data.py
	$(BIN)/python bench/dashboard_pages.py
	$(BIN)/python bench/dashboard_browser.py

clean:
	rm -rf $(VENV) data/*.duckdb data/*.wal
