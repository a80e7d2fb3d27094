#!/usr/bin/env bash
# `make demo`: what Slipway does today, on this repository, with the embedded
# PostgreSQL (no DATABASE_URL needed). The promotion engine is not built yet,
# so the demo validates and plans the release and shows the (empty) ledger.
set -euo pipefail
cd "$(dirname "$0")/.."
SLIPWAY=.build/debug/slipway

step() { printf '\n\033[1m$ slipway %s\033[0m\n' "$*"; "$SLIPWAY" "$@"; }

step validate
step plan
step db migrate
step db status
step history --limit 10
step audit verify
printf '\nThe embedded PostgreSQL keeps running for the next command; stop it with: %s db stop\n' "$SLIPWAY"
