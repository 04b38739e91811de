#!/usr/bin/env bash
# Applies every schema change: Kafka topics, ClickHouse migrations, and each service's Prisma
# migrations (each owning service has its own database). Needs the infrastructure up and a build.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
connection_env
[ -f dist/tools/migrate.js ] || bash deploy/build.sh
node dist/tools/migrate.js
for svc in campaign-service conversion-service; do
  if [ -d "apps/$svc/prisma/migrations" ]; then
    echo "[funnel] migrate: prisma migrate deploy ($svc)" >&2
    (cd "apps/$svc" && npx prisma migrate deploy >/dev/null) || { echo "[funnel] migrate: prisma migrations failed for $svc" >&2; exit 1; }
  fi
done
echo "[funnel] migrate: done" >&2
