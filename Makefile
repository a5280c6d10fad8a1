# Two commands for a newcomer: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.installed-docs
JAX_STAMP := $(VENV)/.installed-jax
export MPLBACKEND ?= Agg

.PHONY: install demo test test-slow test-examples test-jax bench bench-env bench-forecast bench-m4 bench-suite bench-suite-held-out bench-suite-coverage bench-suite-panels bench-suite-peers bench-classify bench-backend lint docs clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# RNN cells vs Ridge vs naive forecasts on the shipped airline series, then
# the next 12 months with a 90% interval
demo: $(STAMP)
	$(BIN)/skrnn compare --out skrnn-output
	$(BIN)/skrnn forecast --out skrnn-output/next-12-months

test: $(STAMP)
	$(BIN)/python -m pytest

# exit code 5 is pytest's "no test collected": no slow test is no failure
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow || test $$? -eq 5

# every gallery example end to end in quick mode (CI runs them at their real
# settings in `make docs` instead)
test-examples: $(STAMP)
	$(BIN)/python -m pytest -m examples

$(JAX_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[jax]"
	touch $(JAX_STAMP)

# the estimator, pipeline and data-path tests again on the JAX backend
test-jax: $(JAX_STAMP)
	KERAS_BACKEND=jax $(BIN)/python -m pytest tests/test_common.py \
		tests/test_estimators.py tests/test_feed.py tests/test_model_selection.py \
		tests/test_modes.py tests/test_seq2seq.py

# speed and memory against plain Keras and scikeras (benchmarks/results/speed.md);
# BENCH_ARGS=--quick for a short run
bench: $(JAX_STAMP)
	$(BIN)/python -m pip install --quiet --no-deps "scikeras==0.13.0"
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# The forecasting peers pin pandas < 3, so they live in their own environment,
# .venv-bench, with skrnn and jax.
# neuralforecast needs torch: the CPU wheel, installed first so that
# neuralforecast does not pull another build.
bench-env:
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet -e ".[jax]" statsforecast skforecast
	.venv-bench/bin/python -m pip install --quiet "torch==2.13.0"
	.venv-bench/bin/python -m pip install --quiet neuralforecast

# skrnn's forecasters against statsforecast and skforecast on the shipped series
# (benchmarks/results/forecast.md)
bench-forecast: bench-env
	.venv-bench/bin/python benchmarks/forecast.py $(BENCH_ARGS)

# the M4 Weekly panel against statsforecast and the published figures
# (benchmarks/results/m4.md); the data is not shipped: M4_DATA is its folder
M4_DATA ?= ../shared/data/m4_weekly
bench-m4: bench-env
	.venv-bench/bin/python benchmarks/m4.py --data $(M4_DATA) \
		--markdown benchmarks/results/m4.md $(BENCH_ARGS)

# the forecasters' defaults on half-hourly, hourly, daily, weekly and monthly
# series (ETTh1/ETTh2 from the shared data, series shipped in the statsmodels,
# vega_datasets and pmdarima wheels, the airline series) against Ridge, the
# seasonal naive forecast at each cycle found, statsforecast's AutoETS and MSTL
# and skforecast's ForecasterRnn
# (benchmarks/results/suite.md). In .venv-bench for the peers; the skrnn rows
# alone run in .venv too: `$(BIN)/python benchmarks/suite.py --no-peers`.
# neuralforecast's LSTM (8 to 16 minutes a series) has its own target below,
# and so has ForecasterRnn at 20 epochs on the half-hourly demand (400 lags,
# half an hour). Two series at a time, one core each (SUITE_JOBS).
SUITE_DATA ?= ../shared/data
SUITE_JOBS ?= 2
bench-suite: bench-env
	.venv-bench/bin/python -m pip install --quiet statsmodels vega_datasets pmdarima
	.venv-bench/bin/python benchmarks/suite.py --data $(SUITE_DATA) \
		--markdown benchmarks/results/suite.md --jobs $(SUITE_JOBS) \
		--skip "LSTM (neuralforecast)" \
		--skip "ForecasterRnn, epochs=20@taylor" $(BENCH_ARGS)

# the same defaults on series they were never chosen on (a 5-minute and a
# half-hourly series from the bokeh-sampledata wheel; results/suite_held_out.md)
bench-suite-held-out: bench-env
	.venv-bench/bin/python -m pip install --quiet bokeh-sampledata
	.venv-bench/bin/python benchmarks/suite.py --held-out --data $(SUITE_DATA) \
		--markdown benchmarks/results/suite_held_out.md --jobs $(SUITE_JOBS) \
		--skip "LSTM (neuralforecast)" --skip "ForecasterRnn, epochs=20" $(BENCH_ARGS)

# the suite's 90% intervals at 15 origins spread over the last third of each
# series (results/suite_coverage.md; the half-hourly demand left out, 45 min)
bench-suite-coverage: bench-env
	.venv-bench/bin/python -m pip install --quiet statsmodels vega_datasets pmdarima
	.venv-bench/bin/python benchmarks/suite.py --spread --origins 15 --data $(SUITE_DATA) \
		--markdown benchmarks/results/suite_coverage.md --jobs $(SUITE_JOBS) \
		--skip ForecasterRnn --skip neuralforecast --skip "@taylor" $(BENCH_ARGS)

# the same protocol on what the suite leaves out: ETTh1/ETTh2 with the six
# loads as past covariates, the 14 ETT columns as one panel and the shipped
# US employment panel (results/suite_panels.md; about 25 minutes)
bench-suite-panels: bench-env
	.venv-bench/bin/python benchmarks/suite_panels.py --data $(SUITE_DATA) \
		--markdown benchmarks/results/suite_panels.md --jobs $(SUITE_JOBS) $(BENCH_ARGS)

# the peers alone on the suite's series: statsforecast, skforecast's
# ForecasterRnn (defaults, and 20 epochs) and neuralforecast's LSTM
# (benchmarks/results/suite_peers.md), on one core (SUITE_PIN, empty for none).
# The LSTM is left out on ETTh2 and seattle-temps: about 15 minutes each.
SUITE_PIN ?= taskset -c 1
bench-suite-peers: bench-env
	.venv-bench/bin/python -m pip install --quiet statsmodels vega_datasets pmdarima
	KERAS_BACKEND=jax $(SUITE_PIN) .venv-bench/bin/python benchmarks/suite.py \
		--peers-only --data $(SUITE_DATA) \
		--markdown benchmarks/results/suite_peers.md \
		--skip "LSTM (neuralforecast)@ETTh2" \
		--skip "LSTM (neuralforecast)@seattle-temps" $(BENCH_ARGS)

# a fit's fixed and per-step cost on TensorFlow and JAX, and where they cross
# (the command line's JAX_MIN_STEPS; benchmarks/results/backend_steps.md)
bench-backend: $(JAX_STAMP)
	$(BIN)/python benchmarks/backend_steps.py \
		--markdown benchmarks/results/backend_steps.md $(BENCH_ARGS)

# RNNClassifier against 1-NN (Euclidean, DTW), logistic regression and
# MiniRocket on eight UCR/UEA sets (benchmarks/results/classify.md). aeon and
# tslearn ship the sets in their wheels; they live in .venv-classify only.
bench-classify:
	test -x .venv-classify/bin/python || $(PYTHON) -m venv .venv-classify
	.venv-classify/bin/python -m pip install --quiet -e ".[jax]" aeon tslearn
	KERAS_BACKEND=jax .venv-classify/bin/python benchmarks/classify.py \
		--out benchmarks/results/classify.md $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check skrnn tests examples docs benchmarks

$(DOCS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $(DOCS_STAMP)

# HTML documentation in docs/_build/html, warnings as errors. The gallery runs
# the examples at their real settings on the fastest installed backend (JAX,
# hence the [jax] extra); `SKRNN_QUICK=1 make docs` is a fast preview only.
docs: $(DOCS_STAMP) $(JAX_STAMP)
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .jax_cache
	rm -rf docs/_build docs/generated docs/auto_examples docs/sg_execution_times.rst
