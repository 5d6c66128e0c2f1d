# mentorkit: `make demo` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DB     ?= data/mentorkit.db
PORT   ?= 8866
BUILD  := build
TEST_DB := $(BUILD)/test/demo.db
EXTRAS := dashboards,reports,postgres,fast,hub,test,bench,lint

.PHONY: help env demo db serve summary test lint browser postgres lab data reports clean

help:
	@echo "make demo    create the environment, load the demo data into $(DB), serve the dashboards"
	@echo "make test    create the environment and run the whole test suite"
	@echo "make lint    ruff and mypy (also part of make test)"
	@echo "make lab     open JupyterLab on the research notebooks"
	@echo "make data    regenerate data/*.csv and the data dictionary from mentorkit.synth"
	@echo "make reports run every notebook for every programme into reports/ (HTML)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

env: $(STAMP)

$(DB): | $(STAMP)
	$(BIN)/mentorkit demo --db $(DB)

db: $(DB)
	$(BIN)/mentorkit db upgrade --db $(DB)

summary: db
	$(BIN)/mentorkit summary --db $(DB)

demo: summary serve

serve: db
	@echo ""
	@echo "Dashboards: http://127.0.0.1:$(PORT)/  (stop with Ctrl-C)"
	MENTORKIT_DB=$(abspath $(DB)) $(BIN)/voila dashboards/ --no-browser --port=$(PORT) \
		--Voila.ip=127.0.0.1 --Voila.port_retries=0

lab: db
	MENTORKIT_DB=$(abspath $(DB)) $(BIN)/jupyter lab notebooks/

reports: db
	$(BIN)/mentorkit report --all --db $(DB) --out reports/

data: env
	$(BIN)/python -m mentorkit.synth.demo_data data

# Debian's chromium for the browser tests (Playwright's own download cannot work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "chromium is missing: sudo apt-get install chromium"; exit 1; fi; }

# Debian's PostgreSQL server binaries: the tests start their own throw-away cluster on
# 127.0.0.1 (tests/postgres_server.py); no system service is used.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
		else echo "PostgreSQL is missing: sudo apt-get install postgresql"; exit 1; fi; }

$(TEST_DB): $(STAMP) $(wildcard mentorkit/*.py mentorkit/*/*.py)
	@mkdir -p $(dir $@)
	rm -f $@ $@-wal $@-shm
	$(BIN)/mentorkit demo --db $@ > /dev/null

# Lint and types: zero findings, with the project's configuration in pyproject.toml.
lint: env
	$(BIN)/ruff check mentorkit tests benchmarks conftest.py voila.py
	$(BIN)/mypy

test: env browser postgres $(TEST_DB)
	MENTORKIT_DB=$(abspath $(TEST_DB)) $(BIN)/python -m pytest -q tests mentorkit \
		--doctest-modules -p no:cacheprovider
	MENTORKIT_DB=$(abspath $(TEST_DB)) MPLBACKEND=Agg $(BIN)/python -m pytest -q \
		--nbval-lax --nbval-current-env -p no:cacheprovider notebooks dashboards
	mkdir -p $(BUILD)/test/logs
	$(BIN)/mentorkit report --all --db $(TEST_DB) --out $(BUILD)/reports \
		2> $(BUILD)/test/logs/reports.log || { tail -n 40 $(BUILD)/test/logs/reports.log; exit 1; }
	$(BIN)/mentorkit scan $(BUILD)/reports $(BUILD)/test/logs --db $(TEST_DB)
	$(MAKE) --no-print-directory lint

clean:
	rm -rf $(BUILD) reports .pytest_cache
