# ModelCollapse — common tasks. Run `make help` for the list.
#
# WIKITEXT2_DIR names a WikiText-2 directory (train.txt/valid.txt/test.txt or the wiki.*.tokens
# files). When it is empty, `make corpus` downloads WikiText-2 instead. DIGITS_DIR names the
# 8×8 handwritten digits (a directory holding digits.csv.gz) for `make vae`.

SWIFT        ?= swift
WIKITEXT2_DIR ?=
DIGITS_DIR   ?=
CORPORA      ?= Corpora
COLLAPSE     := .build/release/collapse
APT_PACKAGES := libicu-dev libzstd-dev libopenblas-dev zlib1g-dev pkg-config curl

.PHONY: help setup packages build test bench bench-reference corpus wikitext2 generations report quick study theory vae clean

DEFAULT_RUN  := Runs/configs/wikitext2-ngram5-replace.json

help:
	@echo "make setup     install system packages (when root) and build the release binary"
	@echo "make test      run the test suite (release build, WIKITEXT2_DIR for full-corpus tests)"
	@echo "make bench     stage throughputs on WikiText-2 train: table + bench.json"
	@echo "make bench-reference  the transformer beside PyTorch (a virtual environment with the CPU torch wheel) and its GEMM ceiling"
	@echo "make corpus    import WikiText-2 into $(CORPORA)/wikitext-2 (from WIKITEXT2_DIR, else download)"
	@echo "make generations  the default run: order-5 n-gram, ICU, 10 generations, replace (resumes if interrupted)"
	@echo "make report   refresh Runs/<default run>/report.html"
	@echo "make study     both families × replace and real-fraction 0.1 × 3 seeds × 10 generations on 10% of WikiText-2: Runs/study-wikitext2/results.{md,html}"
	@echo "make theory    the paper's closed-form experiments (gaussian, discrete, gmm) with their reports in Runs/theory-*"
	@echo "make vae       the recursive VAE on handwritten digits (DIGITS_DIR), replace and real-fraction 0.1, 3 seeds: Runs/vae-3-seeds-*"
	@echo "make quick     a one-minute tour: 10% of WikiText-2, 3 seeds, 10 generations, report (REGIME=replace|gamma0.1|accumulate)"

setup: packages build

# Installs the system libraries when run as root; otherwise only checks that they are there.
packages:
	@if [ "$$(id -u)" = 0 ]; then \
		if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES); \
		fi; \
	else \
		dpkg -s $(APT_PACKAGES) >/dev/null 2>&1 || { echo "missing system packages; run as root or: sudo apt-get install $(APT_PACKAGES)"; exit 1; }; \
	fi

# The Swift runtime and Foundation linked in: a command then starts in a few milliseconds
# rather than spending ten or more binding symbols across dozens of shared libraries.
# Only the `collapse` product: the test helpers and the argument parser's plugins are not
# needed to run it (85 → 79 s for a first build on a 2-core Zen 4).
build: packages
	$(SWIFT) build -c release --static-swift-stdlib --product collapse

# The suite runs in release: tests that read the whole corpus are slow in a debug build.
test: packages
	WIKITEXT2_DIR="$(WIKITEXT2_DIR)" DIGITS_DIR="$(DIGITS_DIR)" $(SWIFT) test -c release -Xswiftc -enable-testing

theory: build
	$(COLLAPSE) theory gaussian
	$(COLLAPSE) theory discrete
	$(COLLAPSE) theory gmm

# The recursive VAE (paper §5.1), both regimes, 3 seeds each; resumes when interrupted.
vae: build
	@test -n "$(DIGITS_DIR)" || { echo "set DIGITS_DIR to the digits directory (digits.csv.gz)"; exit 1; }
	$(COLLAPSE) vae --digits "$(DIGITS_DIR)" --regime replace --seeds 1,2,3 --out Runs/vae-3-seeds-replace --resume
	$(COLLAPSE) vae --digits "$(DIGITS_DIR)" --regime real-fraction --real-fraction 0.1 --seeds 1,2,3 --out Runs/vae-3-seeds-real-fraction --resume

# KENLM_BIN names KenLM's binaries (lmplz, build_binary, query; here ../shared/tools/kenlm): the
# n-gram's training and scoring are then measured beside KenLM's in the same run. Every figure
# with a goal prints its verdict; CHECK=1 makes a missed goal fail the target.
KENLM_BIN    ?=
CHECK        ?=
bench: build
	$(COLLAPSE) bench $(if $(WIKITEXT2_DIR),--wikitext "$(WIKITEXT2_DIR)") $(if $(KENLM_BIN),--kenlm "$(KENLM_BIN)") \
		$(if $(wildcard Runs/$(basename $(notdir $(DEFAULT_RUN)))/manifest.json),--run Runs/$(basename $(notdir $(DEFAULT_RUN)))) \
		$(if $(CHECK),--check) --out bench.json

# The transformer's training and scoring speed beside PyTorch's, on the same machine in one run:
# a virtual environment with the CPU-only torch wheel from pip's local wheel folder (never the
# CUDA build from the index), transformers, numpy and safetensors. An environment that is
# missing, broken or holds a CUDA torch is made again.
REFERENCE_VENV ?= .venv-reference
TORCH_WHEEL    ?= torch==2.13.0+cpu
TORCH_WHEELS   ?= $(or $(PIP_FIND_LINKS),$(shell pip config get global.find-links 2>/dev/null),/opt/wheels)
REFERENCE_OK   := import torch, transformers, numpy, safetensors; assert torch.version.cuda is None, "a CUDA build of torch"
bench-reference: wikitext2
	@if ! $(REFERENCE_VENV)/bin/python -c '$(REFERENCE_OK)' >/dev/null 2>&1; then \
		echo "making $(REFERENCE_VENV) (CPU torch from $(TORCH_WHEELS))"; \
		rm -rf $(REFERENCE_VENV) && python3 -m venv $(REFERENCE_VENV) \
		&& $(REFERENCE_VENV)/bin/pip install -q --find-links "$(TORCH_WHEELS)" "$(TORCH_WHEEL)" numpy safetensors transformers \
		&& $(REFERENCE_VENV)/bin/python -c '$(REFERENCE_OK)'; \
	fi
	$(COLLAPSE) bench --skip-ngram --gpt2 $(CORPORA)/wikitext-2 --reference $(REFERENCE_VENV)/bin/python $(if $(CHECK),--check) --out bench-reference.json

# Both tokenizations of WikiText-2: ICU (the default) and whitespace (the form KenLM figures use).
corpus: build
ifneq ($(strip $(WIKITEXT2_DIR)),)
	$(COLLAPSE) corpus import "$(WIKITEXT2_DIR)" --name wikitext-2 --corpora $(CORPORA) --force
	$(COLLAPSE) corpus import "$(WIKITEXT2_DIR)" --name wikitext-2-ws --tokenizer whitespace --corpora $(CORPORA) --force
else
	$(COLLAPSE) corpus fetch wikitext-2 --corpora $(CORPORA) --force
	$(COLLAPSE) corpus import $(CORPORA)/.downloads/wikitext-2/wikitext-2 --name wikitext-2-ws --tokenizer whitespace --corpora $(CORPORA) --force
endif

# WikiText-2 with ICU tokens in $(CORPORA)/wikitext-2, prepared once: an existing intact copy, else
# from WIKITEXT2_DIR, else downloaded.
wikitext2: build
	@if $(COLLAPSE) corpus stats $(CORPORA)/wikitext-2 >/dev/null 2>&1 && grep -q '"tokenizer" : "icu"' $(CORPORA)/wikitext-2/corpus.json; then \
		echo "using $(CORPORA)/wikitext-2"; \
	elif [ -n "$(WIKITEXT2_DIR)" ]; then \
		$(COLLAPSE) corpus import "$(WIKITEXT2_DIR)" --name wikitext-2 --corpora $(CORPORA) --force; \
	else \
		$(COLLAPSE) corpus fetch wikitext-2 --corpora $(CORPORA) --force; \
	fi

# The main job: the recursive pipeline of the default configuration, end to end.
generations: wikitext2
	$(COLLAPSE) run $(DEFAULT_RUN) --resume
	$(COLLAPSE) report Runs/$$(basename $(DEFAULT_RUN) .json)
	$(COLLAPSE) compare Runs/$$(basename $(DEFAULT_RUN) .json)

# A quick tour for people trying the tool: the first 10% of WikiText-2's lines, the default
# model and settings, 3 seeds; one regime per run (REGIME=replace, gamma0.1 or accumulate).
REGIME ?= replace
QUICK_RUN := Runs/configs/quick-$(REGIME).json

# A run on the first lines of each WikiText-2 split, imported once: $(call subset-run,CORPUS,FRACTION,CONFIG).
define subset-run
	@if $(COLLAPSE) corpus stats $(CORPORA)/$(1) >/dev/null 2>&1; then echo "using $(CORPORA)/$(1)"; \
	elif [ -n "$(WIKITEXT2_DIR)" ]; then $(COLLAPSE) corpus import "$(WIKITEXT2_DIR)" --name $(1) --fraction $(2) --corpora $(CORPORA) --force; \
	else $(COLLAPSE) corpus fetch wikitext-2 --name $(1) --fraction $(2) --corpora $(CORPORA) --force; fi
	$(COLLAPSE) run $(3) --resume
	$(COLLAPSE) report Runs/$$(basename $(3) .json)
	$(COLLAPSE) compare Runs/$$(basename $(3) .json)
endef

quick: build
	$(call subset-run,wikitext-2-quick,0.1,$(QUICK_RUN))

# The study: both families (order-5 n-gram; 2-layer 128-wide transformer, each generation
# fine-tuned from one base model) × replace and real-fraction 0.1 × 3 seeds × 10 generations, on
# 10 % of WikiText-2 with an 8,000-word vocabulary (Corpora/wikitext-2-10pct-8k): results in
# Runs/study-wikitext2/results.{md,html}. Resumes when interrupted; STUDY= names another study.
STUDY ?= Runs/configs/study-wikitext2.json
study: build
	@if $(COLLAPSE) corpus stats $(CORPORA)/wikitext-2-10pct-8k >/dev/null 2>&1; then echo "using $(CORPORA)/wikitext-2-10pct-8k"; \
	elif [ -n "$(WIKITEXT2_DIR)" ]; then $(COLLAPSE) corpus import "$(WIKITEXT2_DIR)" --name wikitext-2-10pct-8k --fraction 0.1 --max-size 8000 --corpora $(CORPORA) --force; \
	else $(COLLAPSE) corpus fetch wikitext-2 --name wikitext-2-10pct-8k --fraction 0.1 --max-size 8000 --corpora $(CORPORA) --force; fi
	$(COLLAPSE) study $(STUDY)

report: build
	$(COLLAPSE) report Runs/$$(basename $(DEFAULT_RUN) .json)

clean:
	rm -rf .build
