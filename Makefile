# Archive Assistant — one command each. See README.md.
VENV ?= .venv
PY := $(VENV)/bin/python
export ANONYMIZED_TELEMETRY := False
export VENV

.PHONY: setup test test-fast lint format demo bench serve eval eval-gate
setup:
	bash scripts/setup.sh

test:
	$(PY) -m pytest -q

test-fast:
	$(PY) -m pytest -q -m "not slow and not e2e"

LINTED := assistant samples tests bench scripts app.py
lint:
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/mypy

format:
	$(VENV)/bin/ruff format $(LINTED)
	$(VENV)/bin/ruff check --fix $(LINTED)

demo:
	$(PY) scripts/demo.py

serve:
	$(VENV)/bin/assistant serve

# Each benchmark prints JSON figures (see README, "Tests and benchmarks").
bench:
	$(PY) bench/models.py
	$(PY) bench/ingest.py
	$(PY) bench/search.py
	$(PY) bench/music.py
	$(PY) bench/ask.py

eval:
	$(VENV)/bin/assistant eval eval/suites/sample --out eval/reports/sample

eval-gate:
	$(PY) scripts/eval_gate.py
