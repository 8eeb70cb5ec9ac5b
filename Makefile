# Exercise pipeline. `make` lists the targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

.PHONY: install
install: $(STAMP) ## Create .venv and install the package (done by every target that needs it)

.PHONY: extract
extract: $(STAMP) ## Run the pipeline on raw/ into extracted/, reports/ and schemas/
	$(PY) -m pipeline extract

CHROMIUM ?= chromium
SCREENSHOT := docs/review.png

.PHONY: review
review: extract ## Write reports/review.html (with every output) and its screenshot docs/review.png (needs chromium)
	@command -v $(CHROMIUM) >/dev/null || { echo "make review: $(CHROMIUM) not found (apt-get install -y chromium)"; exit 1; }
	@mkdir -p $(dir $(SCREENSHOT))
	@profile=$$(mktemp -d); \
	$(CHROMIUM) --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --hide-scrollbars --user-data-dir=$$profile \
		--window-size=1280,1400 --screenshot=$(SCREENSHOT) file://$(CURDIR)/reports/review.html 2>/dev/null; \
	status=$$?; rm -rf $$profile; test $$status -eq 0 && echo "wrote $(SCREENSHOT); open reports/review.html in a browser"

.PHONY: test
test: $(STAMP) ## Run the tests (unit, golden, determinism, schema drift, the review page in headless Chromium)
	$(PY) -m pytest

.PHONY: eval
eval: $(STAMP) ## Precision and recall on seeds, dev and holdout; the judging scorer and repair figures on ../shared/corpus/real
	$(PY) -m pipeline.evaluate

.PHONY: bench
bench: $(STAMP) ## Speed and memory benchmark, then the repair benchmark
	$(PY) -m pipeline.bench
	$(PY) -m pipeline.repair_bench

.PHONY: bench-repair
bench-repair: $(STAMP) ## Repair precision/recall on injected noise, and edits on clean text
	$(PY) -m pipeline.repair_bench

.PHONY: lexicon
lexicon: $(STAMP) ## Regenerate pipeline/data/exercises.jsonl from lexicon/ and ../shared/vocab/free-exercise-db
	$(PY) scripts/build_lexicon.py

.PHONY: schemas
schemas: $(STAMP) ## Regenerate schemas/ from pipeline/models.py
	$(PY) -m pipeline schemas

.PHONY: golden
golden: $(STAMP) ## Regenerate tests/golden/ from tests/fixtures/raw/ (review the diff!)
	$(PY) -m pipeline extract --raw tests/fixtures/raw --out tests/golden --no-cache --quiet
	rm -rf tests/golden/schemas

.PHONY: repair-edits
repair-edits: $(STAMP) ## Re-record the repair fingerprints after an intended repair change (review the diff!)
	$(PY) scripts/repair_edits.py

.PHONY: repair-speed
repair-speed: $(STAMP) ## Time the repair stage in microseconds per word (first call, cold, warm)
	$(PY) scripts/repair_speed.py

.PHONY: lint
lint: $(STAMP) ## Check style with ruff
	$(PY) -m ruff check pipeline tests scripts

.PHONY: clean
clean: ## Delete the cache (never touches raw/)
	rm -rf .cache tests/golden/.cache
