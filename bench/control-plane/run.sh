#!/usr/bin/env bash
# npm run bench:control-plane [-- --rate=200 --seconds=25 --gateways=1,2 ...]: builds, brings up
# Kafka/ClickHouse/PostgreSQL when they are not running (and stops them again at the end), applies
# the migrations, then runs the bench (dist/bench/control-plane/run.js), which starts and stops
# its own campaign-service and gateway instances. See docs/benchmarks.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../deploy/lib.sh"
cd "$ROOT"
connection_env

infra_started=0
if ! bash deploy/infra.sh status >/dev/null 2>&1; then
  log "bench:control-plane: the infrastructure is not (all) running; starting it"
  bash deploy/infra.sh up
  infra_started=1
fi
stop_infra() {
  if ((infra_started)) && [[ ${BENCH_KEEP_INFRA:-0} != 1 ]]; then
    log "bench:control-plane: stopping the infrastructure it started (BENCH_KEEP_INFRA=1 keeps it)"
    bash deploy/infra.sh down
  fi
}
trap stop_infra EXIT

bash deploy/build.sh
bash deploy/migrate.sh
node dist/bench/control-plane/run.js "$@"
