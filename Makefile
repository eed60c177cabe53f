# guankao: `make run` sets everything up and serves the demo; `make test` runs the full suite.
# The virtualenv's interpreter: Debian's python3.11 when there is one. Debian builds it with
# profile-guided and link-time optimisation; pyenv's default build has neither and runs the
# suite about a fifth slower (decision 0089). Any Python 3.11 serves: `make PYTHON=python3 setup`
# (after `make clean`, since an existing .venv is kept).
PYTHON ?= $(or $(wildcard /usr/bin/python3.11),python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast setup system-packages lint format benchmarks clean

# The local server speaks plain HTTP, so its cookies must not be marked Secure.
run: setup var/secret_key
	DEMO_ACCOUNTS_READY=true $(BIN)/guankao demo
	$(BIN)/guankao collectstatic --noinput --verbosity 0
	SECURE_COOKIES=false REQUIRE_2FA=false $(BIN)/guankao serve --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/pytest

# The quick loop while coding: everything but the browser, LibreOffice and other slow tests.
# It keeps compiled bytecode (compiling and rewriting every module again costs seconds a process)
# and a copy of the migrated, seeded test database in var/test-db, and does not load the
# schemathesis plugin, whose only module is slow (decision 0086).
test-fast: setup
	env -u PYTHONDONTWRITEBYTECODE GUANKAO_TEST_DB_CACHE=var/test-db \
		$(BIN)/pytest -q -n 2 --dist loadfile -p no:schemathesis \
		-m "not browser and not libreoffice and not slow and not postgres"

setup: system-packages $(VENV)/.installed

system-packages:
	@PYTHON=$(PYTHON) scripts/install-system-packages.sh

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

var/secret_key:
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	DATABASE_URL=sqlite://:memory: DJANGO_SETTINGS_MODULE=guankao.settings_test $(BIN)/guankao makemigrations --check --dry-run

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

benchmarks: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) var/static .pytest_cache .mypy_cache .ruff_cache
