# Two commands do all set-up on a fresh machine: `make site` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NPM_STAMP := node_modules/.installed-stamp
PORT ?= 8000

.PHONY: help install hooks export site quarto serve live test check bench screenshots outputs lock clean
help:
	@echo "make site    build the website into _docs/ with the offline build (tools/sitebuild): the site that is published"
	@echo "make serve   build, serve on http://127.0.0.1:$(PORT), and on each save rebuild and reload the open pages (make serve PORT=8080)"
	@echo "make live    as make serve, and every code cell runs in a Jupyter kernel of .venv's Python: open the printed address (with its token)"
	@echo "make test    every check, changing nothing: generated files, ruff, site build, the notebooks and their stored outputs, pytest"
	@echo "make check NB=nbs/03_stats.ipynb   one notebook's tests and stored outputs, in seconds"
	@echo "make outputs NB=nbs/03_stats.ipynb   re-execute a notebook and store its outputs"
	@echo "make install   .venv (pinned by tools/requirements.lock), Pyodide and the merge driver; site and test run it"
	@echo "make lock    re-pin tools/requirements.lock from settings.ini in a fresh venv"
	@echo "make quarto  build _docs/ with Quarto instead (nbdev_docs), for contributors who have it"
	@echo "make bench   benchmarks, printed as ratios"
	@echo "make screenshots   every page at 1280, 1024 and 390 px, light and dark, in tests/artifacts/ for review"
	@echo "make chromium   Playwright's Chromium for the browser tests, where the machine has none (prints CHROMIUM_PATH=...)"
	@echo "make deploy-check   deploy.yaml's build job here: its run: steps in a fresh clone, and what it would upload"

# The virtual environment, rebuilt when the requirements or their pins change.
LOCK := tools/requirements.lock
$(STAMP): settings.ini setup.py $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
		|| { echo "make install: needs Python 3.11 or newer as $(PYTHON) (or run make PYTHON=python3.12 ...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(LOCK) -e '.[dev]'
	touch $@

# Pyodide (the live cells' Python, pinned in package.json and package-lock.json), reinstalled when the pins change.
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 \
		|| { echo "make install: npm not found: install Node.js with npm (Debian: apt-get install npm), which fetches Pyodide for the live cells"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP) $(NPM_STAMP) hooks

# nbdev's merge driver for notebooks (as nbdev_install_hooks defines it, `.gitattributes` assigns it to *.ipynb),
# called by its path in this checkout's venv, so merges work without an activated venv. A linked worktree shares
# its repository's configuration: there the main checkout's `make install` sets it.
hooks:
	@if ! git rev-parse --git-dir >/dev/null 2>&1; then \
		echo "make hooks: not a git checkout, so no merge driver to set"; \
	elif [ "$$(git rev-parse --git-dir)" != "$$(git rev-parse --git-common-dir)" ]; then \
		echo "make hooks: a linked git worktree; the merge driver is set by the main checkout's make install"; \
	else \
		git config --local merge.nbdev-merge.name "resolve conflicts with nbdev_fix" && \
		git config --local merge.nbdev-merge.driver "$(abspath $(BIN))/nbdev_merge %O %A %B %P"; \
	fi

export: install
	$(BIN)/nbdev_export

# The published site: the offline build, the one `make test` checks (CONTRIBUTING.md, "Building the site").
site: export
	$(BIN)/python -m tools.sitebuild

# Quarto's build of the same `_quarto.yml`, plus the live cells' runtime; then every notebook must have its page.
quarto: export
	@command -v quarto >/dev/null 2>&1 || { echo "make quarto: quarto not found: install it from https://quarto.org (make site needs no Quarto)"; exit 1; }
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/nbdev_docs
	$(BIN)/python -m tools.sitebuild live
	$(BIN)/python -m tools.sitebuild pages

# Preview as you write (tools/preview): the offline build into _docs/, served on 127.0.0.1; each save in nbs/, _quarto.yml
# or the build's assets rebuilds what it changed in this one process and reloads the pages open on it.
serve: export
	$(BIN)/python -m tools.preview --port $(PORT)

# Every cell live (tools/live): what make serve does (build, rebuild and reload on each save), and Jupyter kernels of
# .venv's Python for every code cell of every page, from one jupyter_server on 127.0.0.1. Prints the address to open.
live: export
	$(BIN)/python -m tools.live --port $(PORT)

test: install
	$(BIN)/python -m tools.checks

bench: install
	$(BIN)/python -m tools.bench

screenshots: export
	$(BIN)/python -m tools.screenshots

outputs: install
	$(BIN)/python -m tools.nbcheck --update $(NB)

# One notebook's full check (its tests and stored outputs), as make test runs it; every notebook without NB=.
check: install
	$(BIN)/python -m tools.nbcheck $(if $(NB),--path $(NB))

# Re-pin tools/requirements.lock: settings.ini's requirements installed without pins in a fresh venv, then frozen (the
# CPU build's `+cpu` dropped: pip takes either build for `torch==X`). The lock's own comment lines are kept.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	{ grep '^#' $(LOCK); .venv-lock/bin/python -m pip freeze --exclude-editable | sed 's/+[a-z0-9.]*$$//'; } > $(LOCK).new
	mv $(LOCK).new $(LOCK) && rm -rf .venv-lock

# Playwright's build of Chromium, for a machine with no Chromium of its own (a Mac; an ARM Linux runner, whose image
# has no Google Chrome): downloaded into Playwright's cache, its path printed last as CHROMIUM_PATH=..., the variable
# tools/sitetest.py reads. `.ci/run` runs this when it finds no other Chromium. On Linux, WITH_DEPS=1 also installs the
# system libraries it needs (Playwright runs apt-get, with sudo when not root: Debian and Ubuntu only).
.PHONY: chromium deploy-check
chromium: install
	$(BIN)/playwright install $(if $(WITH_DEPS),--with-deps )chromium
	@$(BIN)/python -c 'from playwright.sync_api import sync_playwright as s; p = s().start(); print(f"CHROMIUM_PATH={p.chromium.executable_path}"); p.stop()'

# The build job of .github/workflows/deploy.yaml run here, as GitHub runs it: its `run:` steps in order in a fresh clone
# of the last commit, with the job's environment, then its upload checked (tools/deploysteps.py). Slow: make test inside.
deploy-check: install
	$(BIN)/python -m tools.deploysteps

clean:
	rm -rf _docs _proc tests/artifacts build *.egg-info
