# repstats: two commands do all set-up on a fresh machine.
#   make report  -> venv, install, fetch, build, execute notebooks into reports/
#   make test    -> venv, install, pytest
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
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
	$(BIN)/repstats fetch --skip-manual

build: fetch
	$(BIN)/repstats build

report: build
	$(BIN)/repstats report

# Bytecode caching on even where PYTHONDONTWRITEBYTECODE is set: each pytest-xdist worker
# (and every subprocess) would otherwise recompile the package and re-rewrite the tests'
# assertions, ~5 CPU-s per process. The caches are __pycache__/ folders (gitignored).
test: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n 2 -q

benchmark: build
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) data/processed/* reports build *.egg-info
