#!/usr/bin/env bash
# Installs node_modules with `npm ci` when it is missing or older than package-lock.json
# (npm writes node_modules/.package-lock.json on every install); does nothing otherwise.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

if [[ -d node_modules && ! package-lock.json -nt node_modules/.package-lock.json ]]; then
  exit 0
fi
[[ -f package-lock.json ]] || die "package-lock.json missing; run npm install once to create it"
if [[ -d node_modules ]]; then
  log "deps: package-lock.json changed since the last install; running npm ci..."
else
  log "deps: node_modules missing; running npm ci..."
fi
t0="$(now_ms)"
npm ci --no-audit --no-fund || die "npm ci failed"
log "deps: installed ($(elapsed_since "$t0"))"
