# The two commands of the README: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STORE ?= $(CURDIR)/.store
STAMP := $(VENV)/.installed

.PHONY: run test install bench soak clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

## set up, load the bundled samples into the embedded store if it is empty, serve on http://127.0.0.1:8000
run: $(STAMP)
	$(VENV)/bin/dutygraph serve --store $(STORE) --host 127.0.0.1 --port 8000 --load-samples-if-empty

## set up and run the whole test suite
test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider tests

bench: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider benchmarks

clean:
	rm -rf $(VENV) .store build *.egg-info test-artifacts
