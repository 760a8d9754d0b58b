# The verbs of the project. `make brief` and `make test` are the README's two commands.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
YEAR   ?= 2024

.PHONY: install brief test targets registers lab bench clean help

help:
	@echo "make brief   - set up .venv and run the yearly batch on the bundled data (YEAR=$(YEAR))"
	@echo "make test    - set up .venv and run the tests"
	@echo "make lab     - open JupyterLab on notebooks/ with the project's environment as kernel"
	@echo "make targets - clean Attachment 2 into data/processed/targets.csv"
	@echo "make bench   - run the speed/memory benchmarks in benchmarks/"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "chainplan needs Python >= 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

brief: install
	$(BIN)/chainplan brief --year $(YEAR)

test: install
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

targets: install
	$(BIN)/chainplan targets

registers: install
	$(BIN)/chainplan register clean data/raw/registers

lab: install
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (chainplan .venv)" >/dev/null
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: install
	$(BIN)/python benchmarks/bench_register.py
	$(BIN)/python benchmarks/bench_pdf.py
	$(BIN)/python benchmarks/bench_brief.py

clean:
	rm -rf data/processed/* reports/*/ .pytest_cache
