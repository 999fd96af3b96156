# Two commands do all set-up on a fresh machine: `make site` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NPM_STAMP := node_modules/.installed-stamp

.PHONY: help install hooks export site serve test bench outputs clean
help:
	@echo "make site    build the website into _docs/ (Quarto when installed, else the offline build)"
	@echo "make serve   preview the built site on http://127.0.0.1:8000"
	@echo "make test    every check, changing nothing: generated files, ruff, site build, nbdev_test + stored outputs, pytest"
	@echo "make bench   benchmarks, printed as ratios"
	@echo "make outputs NB=nbs/00_callbacks.ipynb   re-execute a notebook and store its outputs"

# The virtual environment, rebuilt when the pinned requirements change.
$(STAMP): settings.ini setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# Pyodide (the live cells' Python, pinned in package.json and package-lock.json), reinstalled when the pins change.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP) $(NPM_STAMP) hooks

# nbdev's merge driver for notebooks (as nbdev_install_hooks defines it, `.gitattributes` assigns it to *.ipynb),
# called by its path in this checkout's venv, so merges work without an activated venv. A linked worktree shares
# its repository's configuration: there the main checkout's `make install` sets it.
hooks:
	@if [ "$$(git rev-parse --git-dir)" != "$$(git rev-parse --git-common-dir)" ]; then \
		echo "make hooks: a linked git worktree; the merge driver is set by the main checkout's make install"; \
	else \
		git config --local merge.nbdev-merge.name "resolve conflicts with nbdev_fix" && \
		git config --local merge.nbdev-merge.driver "$(abspath $(BIN))/nbdev_merge %O %A %B %P"; \
	fi

export: install
	$(BIN)/nbdev_export

site: export
	@if command -v quarto >/dev/null 2>&1; then \
		echo "make site: Quarto found, building with nbdev_docs"; PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/nbdev_docs \
			&& $(BIN)/python -m tools.sitebuild live; \
	else \
		echo "make site: Quarto not found, using the offline build (tools/sitebuild)"; $(BIN)/python -m tools.sitebuild; \
	fi

serve: site
	$(BIN)/python -m http.server --directory _docs --bind 127.0.0.1 8000

test: install
	$(BIN)/python -m tools.checks

bench: install
	$(BIN)/python -m tools.bench

outputs: install
	$(BIN)/python -m tools.nbcheck --update $(NB)

clean:
	rm -rf _docs _proc tests/artifacts build *.egg-info
