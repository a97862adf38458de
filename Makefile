# Booster's vocabulary. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: help venv run test test-fast e2e check lint format messages compilemessages bench clean

help:
	@echo "make run     set up (venv, migrate, BOOSTER pack, demo data) and serve on http://127.0.0.1:8000"
	@echo "make test    set up the venv and run the whole test suite"
	@echo "make check   ruff, mypy, migrations check, message catalogues"
	@echo "make messages  extract and compile the sv, fi and en catalogues"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: venv
	$(BIN)/booster setup
	$(BIN)/booster serve

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: venv
	$(BIN)/python -m pytest -m "not e2e" $(PYTEST_ARGS)

e2e: venv
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: lint
	$(BIN)/mypy
	DJANGO_SETTINGS_MODULE=booster.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python scripts/check_messages.py

messages: venv
	cd src/booster && ../../$(BIN)/django-admin makemessages --settings=booster.settings.test \
		-l sv -l fi -l en --no-obsolete --no-location --ignore 'packs/*' --ignore 'static/vendor/*'
	$(MAKE) compilemessages

compilemessages: venv
	cd src/booster && ../../$(BIN)/django-admin compilemessages --settings=booster.settings.test

bench: venv
	$(BIN)/python bench/run.py
	$(BIN)/python bench/room.py
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
