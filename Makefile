# Two commands on a fresh machine: `make lab` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install lab test bench demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the project's metadata changed.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

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

bench: install
	@for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache

# A synthetic class through the nbgrader course: outputs in demo_output/.
demo: install
	$(BIN)/python -m sim.grading.demo
