# The front door. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PYTHON  := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
AXE     := tests/browser/node_modules/axe-core/axe.min.js
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# What is typed after `make` (ID, NAME, SUMMARY, VERSION) reaches the program byte for byte.
# Make keeps each one's raw text ($(value ...): a `$(shell ...)` in it is never expanded, not
# even by `make -n`) and passes it in the environment; recipes read it as "$$NAME", so the
# shell does not expand backticks, $(...), $VAR or quotes in it either. Never write $(NAME).
override ID := $(value ID)
override NAME := $(value NAME)
override SUMMARY := $(value SUMMARY)
override VERSION := $(value VERSION)
export ID NAME SUMMARY VERSION

.PHONY: help book test check validate audit quote-share lint format serve lock clean status watch benchmark mutants browser-deps release site pdf new-system

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The environment is rebuilt whenever the pinned requirements or the package metadata change.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

book: $(STAMP) ## Build the book from the shipped data into _build/html
	$(PYTHON) -m ics_evidence build

test: $(STAMP) browser-deps ## Run the tests (installs Chromium and axe-core for the browser tests)
	$(PYTHON) -m ics_evidence quote-share
	$(PYTHON) -m pytest -n 2 --dist loadfile --no-loadscope-reorder

check: $(STAMP) ## While developing: lint, spelling and the fast tests (no notebooks, kernels, page builds or whole commands)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/codespell
	$(PYTHON) -m pytest -q -m "not slow" -n 2

# The browser tests drive Debian's chromium (never a downloaded browser) and audit pages with
# axe-core from the npm registry, pinned by tests/browser/package-lock.json.
browser-deps: $(AXE)
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null || { $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core poppler-utils; }

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $@

status: $(STAMP) ## Say which notebooks would rerun, and why
	$(PYTHON) -m ics_evidence status

watch: $(STAMP) ## Rebuild the book whenever a file in data/ changes
	$(PYTHON) -m ics_evidence watch

validate: $(STAMP) ## Check the data package and list every problem
	$(PYTHON) -m ics_evidence validate

new-system: $(STAMP) ## Add the rows a new system needs: make new-system ID=north-somerset NAME="North Somerset"
	@test -n "$$ID" -a -n "$$NAME" || { echo 'usage: make new-system ID=slug NAME="..."'; exit 2; }
	$(PYTHON) -m ics_evidence new-system --name="$$NAME" -- "$$ID"

audit: $(STAMP) ## Apply the catalogue of careless edits to copies of the data; every one must be refused
	$(PYTHON) -m ics_evidence audit

mutants: $(STAMP) ## Break each core protection on purpose in a copy; its tests must fail (minutes; not in CI)
	$(PYTHON) -m tests.mutants

quote-share: $(STAMP) ## Share of each source the package quotes (limits: report 15%, others 30%)
	$(PYTHON) -m ics_evidence quote-share

lint: $(STAMP) ## Lint, check formatting (ruff) and spelling (codespell, with .codespell-words)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/codespell

format: $(STAMP) ## Format the code (ruff)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

serve: ## Serve the built book on http://localhost:8000
	python3 -m http.server --directory _build/html 8000

# requirements.txt: what builds the book; requirements-dev.txt: the test and lint tools, resolved
# against those same pins (pyproject.toml names both sets).
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links
lock: $(STAMP) ## Re-pin requirements.txt and requirements-dev.txt from pyproject.toml
	$(PIP_COMPILE) -o requirements.txt pyproject.toml
	$(PIP_COMPILE) --extra test --extra lint -c requirements.txt -o requirements-dev.txt pyproject.toml

clean: ## Remove build products (keeps the environment)
	rm -rf _build book/generated

release: $(STAMP) browser-deps ## Release an edition: make release VERSION=1.1.0 SUMMARY="..."
	@test -n "$$VERSION" -a -n "$$SUMMARY" || { echo 'usage: make release VERSION=x.y.z SUMMARY="..."'; exit 2; }
	$(PYTHON) -m ics_evidence release --summary="$$SUMMARY" -- "$$VERSION"

pdf: $(STAMP) browser-deps ## The print edition: _build/pdf/<name>-<version>.pdf (A4, cover, page numbers)
	$(PYTHON) -m ics_evidence pdf

site: $(STAMP) ## Every recorded edition side by side in _build/site (each built from its release commit)
	$(PYTHON) -m ics_evidence site

benchmark: $(STAMP) ## Time the rerun pipeline (8 and 42 systems, serial/parallel, vs Jupyter Book cache)
	$(PYTHON) -m ics_evidence benchmark
