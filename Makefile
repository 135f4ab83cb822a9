# Two commands on a fresh machine: `make lab` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install lab test test-fast test-latest check lock bench demo clean

# uv installs exactly what uv.lock names (and removes anything else); uv itself is pinned in the
# lock's dev group, so the copy bootstrapped with pip is the locked one.
UV      := $(BIN)/uv
UV_PIN  = $(shell sed -n '/^name = "uv"$$/{n;s/^version = "\(.*\)"$$/\1/p;}' uv.lock)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_PIN)"

# Re-install only when the project's metadata or the lock changed. Bytecode is compiled at install
# (about 12 s once), so every command starts fast even where PYTHONDONTWRITEBYTECODE is set (as in
# many containers): otherwise each `sim`, kernel and grader process compiles pandas again (1.3 s).
$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --extra test --group dev --quiet --compile-bytecode
	touch $(STAMP)

# JupyterHub's proxy for the classroom, exactly as tools/proxy/package-lock.json pins it (needs npm).
PROXY := tools/proxy/node_modules/.package-lock.json
$(PROXY): tools/proxy/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error --prefix tools/proxy >/dev/null; \
	else \
		echo "npm not found: the classroom (sim classroom) and its tests need Node.js and npm (apt-get install nodejs npm)"; \
	fi

install: $(STAMP) $(PROXY)

# Root (as in a container) needs --allow-root; LAB_ARGS adds options, e.g. LAB_ARGS=--port=9999.
LAB_ROOT ?= notebooks
LAB_FLAGS = --ServerApp.root_dir=$(LAB_ROOT) $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_ARGS ?=

lab: install
	@if [ -n "$$CI" ] || { [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ] && [ "$$(uname)" != "Darwin" ]; }; then \
		echo "No display: starting JupyterLab without a browser; open the URL it prints."; \
		$(BIN)/jupyter lab --no-browser $(LAB_FLAGS) $(LAB_ARGS); \
	else \
		$(BIN)/jupyter lab $(LAB_FLAGS) $(LAB_ARGS); \
	fi

test: install
	$(BIN)/python -m pytest

# The edit-test loop: everything but the slow, nbgrader and browser tests.
test-fast: install
	$(BIN)/python -m pytest -m "not slow and not browser and not nbgrader"

# Lint, types and layers, as configured in pyproject.toml; `make test` runs them too (tests/test_gates.py).
check: install
	$(BIN)/ruff check src tests benchmarks assignments/tools
	$(BIN)/mypy
	$(BIN)/lint-imports

# Re-lock to the newest releases that pyproject.toml allows. Run `make test-latest` first.
lock: | $(UV)
	$(UV) lock --upgrade

# The newest releases, without the lock, on the fast tests (not the gates: their tools are pinned by the lock):
# shows a coming break before a re-lock.
LATEST := .venv-latest
test-latest:
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(LATEST)/bin/python -m pytest -m "not slow and not browser and not nbgrader and not lockfile and not gates"

bench: install
	@for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) $(LATEST) build src/*.egg-info .pytest_cache

# A synthetic class through the nbgrader course: outputs in demo_output/.
demo: install
	$(BIN)/python -m sim.grading.demo
