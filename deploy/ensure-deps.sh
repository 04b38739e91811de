#!/usr/bin/env bash
# Installs node_modules with `npm ci` when it is missing or was installed from another
# package-lock.json (its checksum is kept in node_modules/.funnel-lock.sha256 after each install;
# file times are not used, since a checkout or merge touches the lock file without changing it).
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

[[ -f package-lock.json ]] || die "package-lock.json missing; run npm install once to create it"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ -d node_modules && "$(cat node_modules/.funnel-lock.sha256 2>/dev/null)" == "$want" ]]; then
  exit 0
fi
if [[ -d node_modules ]]; then
  log "deps: package-lock.json changed since the last install; running npm ci..."
else
  log "deps: node_modules missing; running npm ci..."
fi
t0="$(now_ms)"
npm ci --no-audit --no-fund || die "npm ci failed"
printf '%s\n' "$want" >node_modules/.funnel-lock.sha256
log "deps: installed ($(elapsed_since "$t0"))"
