# The course's two commands: `make lab` and `make test`. Both create .venv if it
# is missing and install requirements.txt plus course_utils into it first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB_PORT ?= 8888
# Jupyter refuses to start as root (containers, cloud shells) unless told it may.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: install lab test test-units test-notebooks lint refresh clean-venv help

help:
	@echo "make lab    - install (first time) and open the course in JupyterLab on localhost"
	@echo "make test   - install (first time) and run all tests (unit tests + notebooks via nbval)"
	@echo "make lint   - ruff on course_utils, tests and tools"
	@echo "make refresh NB=notebooks/01_convolution_basics.ipynb - re-run a notebook and store its checked outputs"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# JupyterLab on 127.0.0.1 only, with its usual token; opens the course index (README).
lab: install
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) $(ROOT_FLAG) \
		--ServerApp.root_dir="$(CURDIR)" README.md

test: install
	$(BIN)/python -m pytest

test-units: install
	$(BIN)/python -m pytest tests

test-notebooks: install
	$(BIN)/python -m pytest notebooks

lint: install
	$(BIN)/ruff check course_utils tests tools conftest.py

refresh: install
	$(BIN)/python tools/nbtool.py refresh $(NB)

clean-venv:
	rm -rf $(VENV)
