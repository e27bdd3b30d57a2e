# The two commands of the README: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STORE ?= $(CURDIR)/.store
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint install bench bench-large soak clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

## set up, load the bundled samples into the embedded store if it is empty, serve on http://127.0.0.1:$(PORT)
## (`make run PORT=8080`); the /upload page loads documents without a token, from this machine only (loopback)
run: $(STAMP)
	DUTYGRAPH_LOCAL_UPLOADS=1 $(VENV)/bin/dutygraph serve --store $(STORE) --host 127.0.0.1 --port $(PORT) --load-samples-if-empty

## set up and run the whole test suite: lint and type checks first (make lint), then pytest
test: lint
	$(PY) -m pytest -q -p no:cacheprovider tests

## lint (ruff) and type checks (mypy, untyped bodies included; see .ci/typecheck.py), rules in pyproject.toml
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) .ci/typecheck.py

## scale benchmarks on S (samples) and M (50 generated plans), and with M /sparql beside `oxigraph serve-read-only`
## (benchmarks/bench_pool.py); writes docs/BENCHMARKS.md (~20 min, not part of test)
BENCH_SIZES ?= S M
## the long reliability runs (docs/RELIABILITY.md): 60 s of load, 60 s of hostile requests against `make run`'s server,
## thousands of bad documents, more kills
soak: $(STAMP)
	DUTYGRAPH_SOAK_SECONDS=60 DUTYGRAPH_FUZZ_EXAMPLES=1500 DUTYGRAPH_FUZZ_RANDOM=1 DUTYGRAPH_CRASH_PLANS=8 \
	DUTYGRAPH_CRASH_POINTS=8 DUTYGRAPH_API_EXAMPLES=100 \
	$(PY) -m pytest -q -p no:cacheprovider tests/test_reliability_serving.py tests/test_reliability_crash.py \
	  tests/test_fuzz_loaders.py tests/test_security_schemathesis.py tests/test_hostile_soak.py

bench: $(STAMP)
	BENCH_SIZES="$(BENCH_SIZES)" $(PY) benchmarks/bench_scale.py
	$(if $(filter M,$(BENCH_SIZES)),$(PY) benchmarks/bench_pool.py --plans 50 --docs docs/BENCHMARKS.md)

## the same with L (500 plans, ~150,000 duties) as well
bench-large: $(STAMP)
	BENCH_SIZES="L" $(PY) benchmarks/bench_scale.py

clean:
	rm -rf $(VENV) .store build *.egg-info test-artifacts
