# Alliance: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SOURCES := app core handlers screens services storage flows
LANGS := en ar uk fr

.PHONY: demo test lint types i18n i18n-extract i18n-update i18n-compile install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed i18n-compile

demo: install  ## Chat with the real bot in this terminal, no token needed
	$(BIN)/python bot.py demo

test: install  ## Lint, types, catalogs, then the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

types: install
	$(BIN)/mypy .

i18n-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F locales/babel.cfg -k N_ -k label --add-comments=TRANSLATORS: \
		--project=Alliance --copyright-holder="Alliance contributors" \
		--msgid-bugs-address="" -o locales/messages.pot $(SOURCES)

i18n-update: i18n-extract  ## Bring every catalog in line with the sources
	for lang in $(LANGS); do \
		if [ -f locales/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update --no-fuzzy-matching -i locales/messages.pot -d locales -l $$lang; \
		else \
			$(BIN)/pybabel init -i locales/messages.pot -d locales -l $$lang; \
		fi; \
	done

i18n-compile: $(VENV)/.installed
	$(BIN)/pybabel compile -d locales

clean:
	rm -rf $(VENV) build *.egg-info locales/messages.pot locales/*/LC_MESSAGES/*.mo
