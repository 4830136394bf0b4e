# Backprop Explorer: `make run` sets up and serves the app; `make test` sets up and runs every test.
# Works on a fresh Debian machine: Graphviz, libseccomp, Chromium and Redis come from apt when missing.

PYTHON ?= python3
VENV ?= .venv
HOST ?= $(or $(BACKPROP_HOST),127.0.0.1)
PORT ?= $(or $(BACKPROP_PORT),8000)
WORKERS ?= $(or $(BACKPROP_WORKERS),1)
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends

.PHONY: setup setup-test run test test-docker lint bench graphviz seccomp chromium redis image-tools clean

graphviz:
	@command -v dot >/dev/null || { $(SUDO) apt-get update -q && $(APT_INSTALL) graphviz fonts-dejavu-core; }

# The jail's system-call filter (pyseccomp loads Debian's libseccomp).
seccomp:
	@/sbin/ldconfig -p | grep -q 'libseccomp\.so\.2 ' || { $(SUDO) apt-get update -q && $(APT_INSTALL) libseccomp2; }

chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(APT_INSTALL) chromium fonts-dejavu-core; }

# Class mode's tests start a real Redis (several workers share classes through it).
redis:
	@command -v redis-server >/dev/null || { $(SUDO) apt-get update -q && $(APT_INSTALL) redis-server; }

image-tools:
	@command -v buildah >/dev/null && command -v debootstrap >/dev/null || \
		{ $(SUDO) apt-get update -q && $(APT_INSTALL) buildah debootstrap; }

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]' torch==2.13.0
	touch $@

setup: graphviz seccomp $(VENV)/.installed

setup-test: graphviz seccomp chromium redis $(VENV)/.installed-test

run: setup
	BACKPROP_HOST=$(HOST) BACKPROP_PORT=$(PORT) BACKPROP_WORKERS=$(WORKERS) $(BIN)/python -m app

lint: setup-test
	$(BIN)/ruff check engine app tests bench
	$(BIN)/ruff format --check engine app tests bench
	$(BIN)/mypy

test: setup-test lint
	$(BIN)/python -m pytest
	$(MAKE) test-docker

# The Dockerfile, linted and built with buildah on a debootstrapped Debian base (no Docker engine).
test-docker: setup-test image-tools
	$(BIN)/hadolint --failure-threshold error Dockerfile
	$(SUDO) env PYTHON=$(PYTHON) bash scripts/check-image.sh

bench: setup-test
	$(BIN)/python -m bench.engine
	$(BIN)/python -m bench.api
	$(BIN)/python -m bench.page
	$(BIN)/python -m bench.classroom

clean:
	rm -rf $(VENV) tests/artifacts .pytest_cache .hypothesis .mypy_cache .ruff_cache
