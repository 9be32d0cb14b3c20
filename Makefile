# The course's two commands: `make lab` and `make test`. Both create .venv if it
# is missing and install requirements.txt plus course_utils into it first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB_PORT ?= 8888
# Test workers (pytest-xdist): 2 cut the suite's wall time by a third on 2 cores, as a
# notebook's kernel start, imports and tracing leave a core idle. Each notebook stays
# on one worker (--dist loadfile: its cells share one kernel). Unit tests are handed out
# one by one (--dist worksteal: 89 s instead of 104 s, measured on 2 idle cores, as the
# slow browser and exercise-copy tests no longer queue behind their file). WORKERS=0: one process.
WORKERS ?= 2
XDIST := $(if $(filter 0,$(WORKERS)),-p no:xdist,-n $(WORKERS) --dist loadfile)
XDIST_UNITS := $(if $(filter 0,$(WORKERS)),-p no:xdist,-n $(WORKERS) --dist worksteal)
# Jupyter refuses to start as root (containers, cloud shells) unless told it may.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

# ruff's version, read from requirements.txt so that both places agree.
RUFF_PIN := $(shell grep -E '^ruff==' requirements.txt)

.PHONY: install lab test test-units test-notebooks lint strip refresh bench site exercises exercises-check clean-venv help

help:
	@echo "make lab            - install (first time) and open the course in JupyterLab on localhost"
	@echo "make test           - install (first time) and run all tests (unit tests, then notebooks via nbval; WORKERS=2)"
	@echo "make test-units     - only the unit tests (tests/)"
	@echo "make test-notebooks - only the notebooks (nbval)"
	@echo "make lint           - ruff on the package, tests, tools and notebooks (installs only ruff)"
	@echo "make strip          - remove outputs and counts from unchecked cells of every notebook"
	@echo "make refresh NB=notebooks/01_convolution_basics.ipynb - re-run a notebook and store its checked outputs"
	@echo "make bench          - measure this machine: matmul peak, MobileNet, training, generative step (bench.json)"
	@echo "make site           - execute every notebook (COURSE_PROFILE, default quick here) and write the offline site to \$$SITE_DIR (site/)"
	@echo "make exercises      - write the students' exercise copies (model answers replaced by stubs) to exercises/"
	@echo "make install        - create $(VENV) and install requirements.txt and course_utils"
	@echo "make clean-venv     - delete $(VENV)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# JupyterLab's settings for a classroom (no news prompt, no update check), shipped
# with the environment: JupyterLab reads overrides.json from its settings folder.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

$(LAB_OVERRIDES): tools/jupyterlab-overrides.json $(STAMP)
	mkdir -p $(dir $@)
	cp tools/jupyterlab-overrides.json $@

# JupyterLab on 127.0.0.1 only, with its usual token; opens the course index (README).
# It first says which profile the notebooks will run (COURSE_PROFILE, default full).
lab: install $(LAB_OVERRIDES)
	@$(BIN)/python -c "from course_utils.config import get_profile; p = get_profile(); \
	print(f'Course profile: {p.name} (' + ('small slices, minutes per notebook' if p.quick else \
	'the lecture settings: minutes to hours per notebook on a laptop CPU, see the README; COURSE_PROFILE=quick make lab for the short run') + ')')"
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) $(ROOT_FLAG) \
		--ServerApp.root_dir="$(CURDIR)" README.md

# Unit tests, then notebooks: two runs, so that each prints its own wall time. Both with
# the presenter cache off (COURSE_REUSE=0): a test run trains everything for real.
test: test-units test-notebooks

test-units: install
	@start=$$(date +%s); COURSE_REUSE=0 $(BIN)/python -m pytest tests $(XDIST_UNITS) && \
	echo "make test: unit tests took $$(( $$(date +%s) - start )) s"

test-notebooks: install
	@start=$$(date +%s); COURSE_REUSE=0 $(BIN)/python -m pytest notebooks $(XDIST) && \
	echo "make test: notebooks took $$(( $$(date +%s) - start )) s"

# Lint needs ruff alone: no TensorFlow install just to read the code.
$(BIN)/ruff: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "$(RUFF_PIN)"

lint: $(BIN)/ruff
	$(BIN)/ruff check --no-cache course_utils tests tools conftest.py notebooks

strip: install
	$(BIN)/python tools/nbtool.py strip notebooks/*.ipynb

refresh: install
	$(BIN)/python tools/nbtool.py refresh $(NB)

bench: install
	$(BIN)/python tools/bench.py --json bench.json

# The course as static HTML pages with their outputs, readable offline. Quick unless
# COURSE_PROFILE says otherwise (an instructor builds it in full for the class).
SITE_DIR ?= site
site: install
	COURSE_PROFILE=$${COURSE_PROFILE:-quick} $(BIN)/python tools/site.py --out "$(SITE_DIR)"

exercises: install
	$(BIN)/python tools/exercises.py

# Every exercise copy executed (quick): each self-check must fail on its stub. CI runs
# only 01's and 02's copies; nbval runs the originals, where the model answers pass.
exercises-check: install
	COURSE_PROFILE=quick COURSE_EXERCISE_COPIES=all $(BIN)/python -m pytest tests/test_exercises.py -p no:xdist

clean-venv:
	rm -rf $(VENV)
