# One command builds the report, one tests it. Each installs what it needs on first use.
# `make help` lists the verbs.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PLAN ?=
EVAL_YEAR ?=
YEAR ?=
FILE ?=
DEADLINE ?=
JOBS ?=
OUT ?=
PLAN_ARG := $(if $(PLAN),--plan $(PLAN))
EDITION_ARGS := $(PLAN_ARG) $(if $(EVAL_YEAR),--eval-year $(EVAL_YEAR)) $(if $(OUT),--out $(OUT))
BUILD_ARGS := $(EDITION_ARGS) $(if $(JOBS),--jobs $(JOBS))

.DEFAULT_GOAL := help
.PHONY: help book rebuild review test test-unit template import requests status pdf bench toc clean system-test-deps

help: ## list every verb with one line each
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

$(BIN)/.installed-base: pyproject.toml
	@echo "▶ creating $(VENV) with the pinned packages (first run only, about a minute)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e . 2>&1 | { grep -v "^WARNING: Location" || true; }
	@touch $@

$(BIN)/.installed-test: $(BIN)/.installed-base pyproject.toml
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]" 2>&1 | { grep -v "^WARNING: Location" || true; }
	@touch $@

book: $(BIN)/.installed-base ## build the report: notebooks + HTML site (PLAN=<plan under data/ or a plan folder's path>, EVAL_YEAR=<year>, OUT=<folder>)
	@$(BIN)/python -m planeval.book.build $(BUILD_ARGS)

rebuild: $(BIN)/.installed-base ## re-execute every notebook and rebuild the whole site
	@$(BIN)/python -m planeval.book.build --force $(BUILD_ARGS)

review: $(BIN)/.installed-base ## check that every cell of the built notebooks is what the build produces (no kernel)
	@$(BIN)/python -m planeval.book.review $(EDITION_ARGS)

system-test-deps: ## install Debian's chromium, CJK fonts and poppler (browser test, PDF) if missing
	@bash tests/install_system_deps.sh

test: $(BIN)/.installed-test system-test-deps ## run every test: unit, data, engine, nbval on book/, browser check
	@$(BIN)/python -m pytest tests book --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:randomly $(PYTEST_ARGS)

test-unit: $(BIN)/.installed-test ## fast tests only (no notebooks, no browser)
	@$(BIN)/python -m pytest tests -m "not slow" $(PYTEST_ARGS)

template: $(BIN)/.installed-base ## write the fill-in file for a new year: make template YEAR=2025
	@test -n "$(YEAR)" || { echo "usage: make template YEAR=2025"; exit 2; }
	@$(BIN)/python -m planeval.intake template --year $(YEAR) $(PLAN_ARG)

import: $(BIN)/.installed-base ## validate and merge returned files into data/<plan>/, all or nothing: make import FILE="a.xlsx b.xlsx" (or FILE=folder)
	@test -n "$(FILE)" || { echo "usage: make import FILE=path/to/filled.xlsx (several files, or a folder of them)"; exit 2; }
	@$(BIN)/python -m planeval.intake import $(FILE) $(PLAN_ARG) $(if $(REVISE),--revise)

requests: $(BIN)/.installed-base ## one fill-in workbook per department: make requests YEAR=2025 [DEADLINE=2026-03-31] → _build/requests/<plan>/<year>/
	@test -n "$(YEAR)" || { echo "usage: make requests YEAR=2025"; exit 2; }
	@$(BIN)/python -m planeval.intake requests --year $(YEAR) $(PLAN_ARG) $(if $(DEADLINE),--deadline $(DEADLINE))

status: $(BIN)/.installed-base ## per department: what was requested, returned, still missing: make status YEAR=2025
	@test -n "$(YEAR)" || { echo "usage: make status YEAR=2025"; exit 2; }
	@$(BIN)/python -m planeval.intake status --year $(YEAR) $(PLAN_ARG)

pdf: $(BIN)/.installed-test system-test-deps ## build the PDF edition into _build/pdf/
	@$(BIN)/python -m planeval.book.pdf $(BUILD_ARGS)

bench: $(BIN)/.installed-base ## benchmark build speed (JSON + table); not a test
	@$(BIN)/python -m planeval.book.bench $(PLAN_ARG)

toc: $(BIN)/.installed-base ## regenerate _toc.yml and _config.yml from the plan and planeval/book/pages.yml
	@$(BIN)/python -m planeval.book.build --toc-only $(EDITION_ARGS)

clean: ## remove build outputs (keeps the committed notebooks in book/)
	rm -rf _build book/_extra
