# repstats: two commands do all set-up on a fresh machine.
#   make report  -> venv, install, fetch, build, execute notebooks into reports/
#   make test    -> venv, install, pytest
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Bytecode caching on even where PYTHONDONTWRITEBYTECODE is set: every process (each pytest-xdist
# worker and subprocess, each notebook kernel) would otherwise recompile the package (and the
# tests' rewritten assertions), ~1-5 CPU-s per process. The caches are __pycache__/ folders
# (gitignored).
RUN    := env -u PYTHONDONTWRITEBYTECODE
STAMP  := $(VENV)/.installed

.PHONY: report test install fetch build notebooks clean benchmark

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

install: $(STAMP)

fetch: $(STAMP)
	$(RUN) $(BIN)/repstats fetch --skip-manual

build: fetch
	$(RUN) $(BIN)/repstats build

report: build
	$(RUN) $(BIN)/repstats report

test: $(STAMP)
	$(RUN) $(BIN)/python -m pytest -n 2 -q

benchmark: build
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) data/processed/* reports build *.egg-info
