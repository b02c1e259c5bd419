# SIPELKOP: two commands on a fresh machine (Python 3.11, Java 17, Maven): `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run demo test test-unit test-integration test-deploy bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Run the whole system: local Kafka broker + identity, registration, training, reporting (SQLite stores). Ctrl-C stops all.
run: $(STAMP)
	SIPELKOP_ENV=development $(VENV)/bin/sipelkop up $(if $(DEMO),--demo,)

## The same, with a demo province loaded (a DAK programme, eight batches over the year, 223 cooperatives in ten districts).
demo: $(STAMP)
	$(VENV)/bin/sipelkop up --demo

## Every test: unit, integration (real Kafka + PostgreSQL started by the suite), end-to-end, browser. First installs
## from Debian what the suite needs and the machine lacks (PostgreSQL, Chromium, kcat, poppler-utils, prometheus).
test: $(STAMP)
	bash .ci/install-deps
	$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test-unit: $(STAMP)
	$(PY) -m pytest -q tests/unit

## The compose stack under podman, as root, with no Docker engine and no registry (deploy/podman/): builds the images
## from Debian (cached), brings the stack up, runs the seed scenario through the front door, checks reporting's
## figures, tears everything down. First installs podman, runc, debootstrap and podman-compose when missing.
test-deploy: $(STAMP)
	bash deploy/podman/install-deps
	$(PY) -m pytest -q -s -p no:cacheprovider deploy/podman/test_deploy.py

bench: $(STAMP)
	$(VENV)/bin/sipelkop bench

clean:
	rm -rf $(VENV) .data
