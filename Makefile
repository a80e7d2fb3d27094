# Two commands: `make demo` and `make test`. Both install what is missing first.
SHELL := /bin/bash
SWIFT ?= swift
# Warnings are errors in every target of ours (Package.swift's shared swiftSettings).
SWIFT_TEST_FLAGS ?=
APT_PACKAGES := libgit2-dev postgresql git pkg-config python3 haproxy

.PHONY: demo demo-down test build deps clean-state

deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" != 0 ]; then echo "run as root (or install:$$missing)"; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build --product slipway
	$(SWIFT) build --product ollama-sim
	$(SWIFT) build --product model-serve

test: deps
	scripts/with-test-postgres.sh $(SWIFT) test $(SWIFT_TEST_FLAGS)

demo: build
	scripts/demo.sh

demo-down:
	scripts/demo.sh down

clean-state:
	-.build/debug/slipway db stop
	rm -rf .slipway
