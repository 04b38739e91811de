#!/usr/bin/env bash
# Generates the Prisma clients and compiles every app, lib and tool into dist/ (one tsc
# program, incremental), then rewrites @funnel/* path aliases into relative requires.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
start=$(date +%s)
for svc in campaign-service conversion-service; do
  if [ -f "apps/$svc/prisma/schema.prisma" ]; then
    (cd "apps/$svc" && npx prisma generate >/dev/null 2>&1) || { echo "[funnel] build: prisma generate failed for $svc" >&2; exit 1; }
  fi
done
npx tsc -p tsconfig.build.json
node deploy/rewrite-aliases.js
echo "[funnel] build: done in $(( $(date +%s) - start ))s" >&2
