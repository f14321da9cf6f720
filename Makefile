# The README's two commands are `make run` and `make test`; both set up
# everything they need on a machine with only Python 3.11, pip, Node and npm.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
PY := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

.PHONY: help install browser run test lint typecheck unit bench eval-parser screenshots clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: .venv/.synced ## Create .venv with every dependency (uv, from uv.lock)

# The careers page's browser tests drive Debian's Chromium with Playwright (a
# browser download of Playwright's own is not possible everywhere); installed
# from the system's packages when missing (as root, or with sudo).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "Install Chromium at $(CHROMIUM) (Debian: chromium, chromium-driver)"; exit 1; }
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver >/dev/null

browser: $(CHROMIUM) ## Install Debian's Chromium and ChromeDriver for the browser tests

run: install ## Run the whole system locally on an embedded moto server (PORT=3000)
	$(PY) -m recruiting_local

lint: install ## ruff lint and format check; the careers page's script must parse
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	node --experimental-default-type=module --check careers/careers.js

typecheck: install ## mypy over the shared package, functions and infra
	$(PY) -m mypy

test: install browser lint typecheck layers ## Lint, type-check and run every test (unit, integration, infra, e2e, browser)
	$(PY) -m pytest

unit: install ## Only the fast tests (no stack synthesis, no subprocess server)
	$(PY) -m pytest -m "not infra and not e2e"

bench: install ## Benchmarks beside same-run baselines; writes docs/benchmarks.md
	$(PY) -m benchmarks

eval-parser: install ## Score the resume parser field by field against labelled resumes
	$(PY) -m benchmarks.parser_eval

screenshots: install browser ## Take docs/images/careers-*.png from the careers page's browser test
	SCREENSHOTS_DIR=docs/images $(PY) -m pytest tests/e2e/test_careers_page.py -q

clean: ## Remove build output and environments
	rm -rf .venv $(TOOLS) build cdk.out .mypy_cache .ruff_cache .pytest_cache

-include infra/infra.mk

# The infrastructure targets need the environment first.
layers synth deploy cdk-diff cdk-bootstrap: install
