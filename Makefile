# The verbs of the project. `make brief` and `make test` are the README's two commands.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
YEAR   ?= 2024
LOCK   := requirements.lock
UV     ?= uv==0.13.9

.PHONY: help install lock brief test coverage mutate targets registers lab bench clean

# `make` alone prints this list: every target with its `## ` line (tests/test_cli_make.py keeps it complete).
help: ## list the targets (this)
	@awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z-]*:.*## / { printf "make %-9s - %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
	@echo "variables: PYTHON=$(PYTHON) (3.11+), YEAR=$(YEAR), VENV=$(VENV); e.g. YEAR=2025 make brief"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "chainplan needs Python >= 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)

# Installs exactly what the lock pins (hashes checked, nothing resolved), then the project itself without its
# dependencies; `pip check` fails if pyproject.toml asks for something the lock lacks (run `make lock`).
$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

# Re-pin every dependency (runtime, dev and build) for Python 3.11+ on every platform, with hashes.
# Left out: rfc3987-syntax (and lark, which only it needs), which jupyter-events asks for through
# jsonschema[format-nongpl]. It checks the "iri" format, which none of the schemas read here uses, yet it builds
# ~35 Earley parsers whenever jsonschema is imported: 0.85 s of CPU in every process that imports nbformat
# (JupyterLab, each pytest worker). jsonschema leaves the "iri" format unchecked without it.
lock: | $(BIN)/python ## re-pin requirements.lock from pyproject.toml (needs PyPI; commit the result)
	$(BIN)/python -m pip install --quiet "$(UV)"
	$(BIN)/python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))' \
	  | $(BIN)/uv pip compile pyproject.toml - --extra dev --universal --python-version 3.11 --generate-hashes \
	    --no-emit-package rfc3987-syntax --no-emit-package lark \
	    --custom-compile-command "make lock" --quiet -o $(LOCK)

install: $(VENV)/.installed ## set up .venv from requirements.lock (hashes checked, offline once downloaded)

# Byte-compile the library (and the tests' helpers) up front: every process of a run — the batch, its workers,
# the kernels' templates, each command a test starts — otherwise compiles the modules it imports again when the
# environment forbids writing bytecode (PYTHONDONTWRITEBYTECODE, as on some CI machines). Only changed files are
# compiled; the __pycache__ folders are ignored by git.
COMPILE := $(BIN)/python -m compileall -q -j 0

brief: install ## set up .venv and run the yearly batch on the bundled data (YEAR) -> reports/YEAR/index.html
	@$(COMPILE) chainplan_lib
	@$(BIN)/chainplan brief --year $(YEAR)

test: install ## set up .venv and run the tests (ruff, then pytest)
	$(BIN)/ruff check chainplan_lib tests benchmarks notebooks
	@$(COMPILE) chainplan_lib tests
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

coverage: install ## the tests with coverage, notebook kernels and pool workers included; report per module
	rm -f .coverage .coverage.*
	COVERAGE_FILE=$(CURDIR)/.coverage $(BIN)/coverage run -m pytest -q -n 2 --dist loadfile
	$(BIN)/coverage combine -q
	$(BIN)/coverage report

mutate: install ## hand-listed mutations: how many the tests catch (calculations / presentation)
	$(BIN)/python benchmarks/mutate.py

targets: install ## clean the plan's annex table into data/processed/targets.csv
	$(BIN)/chainplan targets

registers: install ## clean the bundled registers (规上企业名录) into data/processed/register/
	$(BIN)/chainplan register clean data/raw/registers

# JupyterLab on a working copy: lab/NAME.ipynb made from the committed notebooks/NAME.py when missing (never
# overwritten, never paired back). The batch runs notebooks/*.py, so a lab save never reaches a report unseen; bring
# an edit back deliberately (copy the cells, or `jupytext --to py:percent -o notebooks/NAME.py lab/NAME.ipynb`).
lab: install ## open JupyterLab on a working copy of the notebooks (lab/) with the project's .venv
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (chainplan .venv)" >/dev/null
	@mkdir -p lab
	@for f in notebooks/*.py; do n=lab/$$(basename $$f .py).ipynb; [ -e $$n ] || \
	  $(BIN)/jupytext --quiet --update-metadata '{"jupytext": null}' --to ipynb -o $$n $$f; done
	$(BIN)/jupyter lab --notebook-dir=lab

bench: install ## run the speed/memory benchmarks in benchmarks/
	$(BIN)/python benchmarks/bench_register.py
	$(BIN)/python benchmarks/bench_pdf.py
	$(BIN)/python benchmarks/bench_brief.py
	$(BIN)/python benchmarks/bench_actuals.py --target-cpu 60

clean: ## remove generated tables and reports (data/processed/*, reports/*/), not .venv
	rm -rf data/processed/* reports/*/ .pytest_cache
