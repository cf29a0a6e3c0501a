# dedup: every target is idempotent and works on a fresh machine with python3 and pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The optional benchmark-only libraries (rensa, gaoya), installed by `make bench`
# only: `make test` never needs them, and a failed install only skips their benchmarks.
BENCH_STAMP := $(VENV)/.installed-bench
# Debian packages the tests need (installed with apt when missing and root):
# chromium renders the HTML report in a headless browser test; redis-server backs
# the Redis index store tests (tests/redis_server.py starts one on a free port).
SYSTEM_PACKAGES := chromium redis-server

.PHONY: install demo test lint typecheck unit fuzz bench bench-scan bench-index bench-footer bench-embed bench-load bench-ledger bench-cluster eval system-packages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || $(MAKE) --no-print-directory system-packages SYSTEM_PACKAGES=python3-venv
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,cluster,parquet]'
	@touch $(STAMP)

system-packages:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "missing system packages:$$missing"; \
	    echo "install them with: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

demo: install
	$(BIN)/dedup scan seeds/

lint: install
	$(BIN)/ruff check dedup tests benchmarks
	$(BIN)/ruff format --check dedup tests benchmarks

typecheck: install
	$(BIN)/mypy

unit: install system-packages
	$(BIN)/pytest tests -q -p no:cacheprovider

test: lint typecheck unit

# The hypothesis fuzz tests (tests/test_fuzz.py) with new examples, FUZZ_SCALE times as
# many as make test's fixed set: about 8 minutes on 2 cores at the default 20.
FUZZ_SCALE ?= 20
fuzz: install
	DEDUP_FUZZ=1 DEDUP_FUZZ_SCALE=$(FUZZ_SCALE) $(BIN)/pytest tests -m fuzz -q -p no:cacheprovider --hypothesis-show-statistics

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,cluster,parquet,bench]' || \
	  echo "warning: the bench extra (rensa, gaoya) did not install: their benchmarks are skipped"
	@touch $(BENCH_STAMP)

bench: install $(BENCH_STAMP)
	$(BIN)/pytest benchmarks -q -p no:cacheprovider --benchmark-columns=median,ops,rounds --benchmark-sort=name

bench-scan: install
	$(BIN)/python -m benchmarks.scan_bench $(SCAN_BENCH_ARGS)

bench-index: install system-packages
	$(BIN)/python -m benchmarks.index_bench

bench-footer: install system-packages
	$(BIN)/python -m benchmarks.footer_bench

# The embedding matcher against the lexical one: speed on MSRP, alignments on the seeds.
bench-embed: install
	$(BIN)/python -m benchmarks.embed_bench

# 8 checker and 2 writer processes on one index for 60 s, SQLite then Redis (a
# redis-server of its own), then Redis restarted under running commands: checks/s,
# latency percentiles, adds/s, errors, and the index verified afterwards.
bench-load: install system-packages
	$(BIN)/python -m benchmarks.load_bench $(LOAD_BENCH_ARGS)

# Big stories: 100 and 1,000 near-identical copies, a 50,000-sentence article and an
# edited copy, 3,000 articles sharing a footer; each scanned with and without the ledger.
bench-ledger: install
	$(BIN)/python -m benchmarks.ledger_bench $(LEDGER_BENCH_ARGS)

# The Dask engine against the local one on the 100k synthetic corpus: --scheduler
# local:2 against --jobs 2, the same run (time, client and worker peaks, bytes moved per
# article per stage and per tier, the JSON compared byte for byte). About 20 minutes on 2 cores.
bench-cluster: install
	$(BIN)/python -m benchmarks.cluster_bench $(CLUSTER_BENCH_ARGS)

eval: install
	$(BIN)/python -m benchmarks.quality

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .benchmarks
