# Two entry points: `make run` (set up, then launch the app offline) and `make test` (set up, then test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test eval lint bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $(STAMP)

# The tests also hold the ONNX models to the PyTorch ones, so they install the train extra (never the app), and run
# the session store against PostgreSQL too (the postgres extra).
$(DEVSTAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,train,postgres]'
	touch $(DEVSTAMP)

run: $(STAMP)
	$(BIN)/interviewer index build
	$(BIN)/python app.py

test: $(DEVSTAMP)
	$(BIN)/ruff check interviewer tests app.py
	$(BIN)/ruff format --check interviewer tests app.py
	$(BIN)/mypy
	$(BIN)/pytest
	$(BIN)/interviewer eval all --check --out artifacts/eval

eval: $(DEVSTAMP)
	$(BIN)/interviewer eval all --check --out artifacts/eval

bench: $(STAMP)
	$(BIN)/interviewer bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
