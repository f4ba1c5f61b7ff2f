# The two commands of the README:
#   make run    set up a virtual environment and start the app with demo data on http://127.0.0.1:8000
#   make test   install what the tests need (Python test tools, axe-core from package.json), then lint (ruff),
#               type-check (mypy) and run the whole pytest suite
# and the packaging one:
#   make binary build the packaged binary with PyInstaller: dist/sts-snapshots/ and dist/sts-snapshots-onefile
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=

.PHONY: run test binary clean

APP_STAMP := $(VENV)/.installed-app

# `make run` installs the app alone; `make test` adds the test tooling (pytest, selenium, ruff, mypy, ...) and axe-core
$(APP_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(APP_STAMP)

$(STAMP): $(APP_STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(APP_STAMP)
	$(BIN)/sts-snapshots serve $(ARGS)

test: $(STAMP)
	./scripts/system-deps.sh
	./scripts/node-deps.sh
	$(BIN)/ruff check sts_snapshots tests
	$(BIN)/mypy sts_snapshots bench
	$(BIN)/pytest $(ARGS)

binary: $(STAMP)
	VENV=$(VENV) ./scripts/build-binary.sh $(ARGS)

clean:
	rm -rf build dist .mypy_cache .ruff_cache test-output node_modules
