# Two commands for a fresh machine:  make demo  (install, analyse the sample corpus, open the app)
#                                    make test  (install, run the whole test suite)
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEMO_PROJECT := demo/interviews.db
PORT ?= 8501

.PHONY: install demo demo-data app test lint bench clean

install: $(VENV)/.installed

# torch is pinned to the CPU build through constraints.txt; an unpinned torch pulls CUDA (GBs).
$(VENV)/.installed: pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON) (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --constraint constraints.txt --editable '.[dev]'
	touch $@

demo-data: install
	mkdir -p demo
	$(BIN)/interviews ingest transcripts --project $(DEMO_PROJECT)
	$(BIN)/interviews transcripts --project $(DEMO_PROJECT)

# Suggestions are refreshed on every start (cheap, idempotent); the topic model runs once.
demo: demo-data
	$(BIN)/interviews code --project $(DEMO_PROJECT)
	test -f demo/.topics || { $(BIN)/interviews topics --project $(DEMO_PROJECT) && touch demo/.topics; }
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
		--browser.gatherUsageStats false -- --project $(DEMO_PROJECT)

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check analysis tests app.py ui

clean:
	rm -rf demo .pytest_cache .ruff_cache
