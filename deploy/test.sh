#!/usr/bin/env bash
# npm test: installs what is missing, brings the infrastructure up, builds, migrates, then runs
# lint, type-check, unit, integration and end-to-end tests. Every tier runs even if an earlier
# one failed, each under a time limit (FUNNEL_{UNIT,INT,E2E}_TIMEOUT_S), and the last line is a
# summary: "funnel: N passed, N failed".
set -uo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT" || exit 1
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
REPORTS="$STATE_DIR/test-reports"
t0=$(date +%s)
step() { echo; echo "[funnel] test: $* ($(( $(date +%s) - t0 ))s)"; }
# Runs one Jest tier under a hard limit: a tier that does not end (a leaked handle, a hung test) is
# killed with everything it started and counted as a failed step, never waited on. `timeout` runs
# the tier in a process group of its own (so the limit reaches Jest's workers and the brokers or
# services a test started); Ctrl-C is passed on to that group.
# jest_tier <name> <seconds> <jest args...>
jest_tier() {
  local name=$1 limit=$2 started rc pid
  shift 2
  started=$(date +%s)
  timeout --kill-after=20 "$limit" npx jest "$@" &
  pid=$!
  trap 'kill -TERM -- "-$pid" 2>/dev/null; wait "$pid"; exit 130' INT TERM
  wait "$pid"
  rc=$?
  trap - INT TERM
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "[funnel] test: $name tests did not finish within ${limit}s and were stopped (a test hung or left a handle open)" >&2
  fi
  tier_times+=("$name $(( $(date +%s) - started ))s")
  return "$rc"
}
tier_times=()

step "dependencies"
bash deploy/ensure-deps.sh || exit 1
step "infrastructure"
bash deploy/infra.sh up || exit 1
step "build"
bash deploy/build.sh || exit 1
step "migrations"
bash deploy/migrate.sh || exit 1

connection_env # tests reach the same Kafka, ClickHouse and PostgreSQL as the stack
mkdir -p "$REPORTS" && rm -f "$REPORTS"/*.json
rm -f "$REPORTS/issued-secrets.txt" # listed by this run's tests for the secret scan
failed_steps=()
step "lint (eslint + Nx module boundaries)"
npx nx show projects >/dev/null && npx eslint . || failed_steps+=(lint)
step "type-check"
npx tsc -p tsconfig.json --noEmit || failed_steps+=(typecheck)
step "unit tests"
jest_tier unit "${FUNNEL_UNIT_TIMEOUT_S:-600}" -c jest.unit.config.js --json --outputFile="$REPORTS/unit.json" || failed_steps+=(unit)
step "integration tests"
# Two files at a time (jest.int.config.js); a file that leaves a handle open fails on its own.
jest_tier integration "${FUNNEL_INT_TIMEOUT_S:-900}" -c jest.int.config.js --json --outputFile="$REPORTS/int.json" || failed_steps+=(integration)

step "end-to-end tests (stack started as by npm run up; the scale-out test adds a second instance of each app)"
stack_was_up=0
curl -fsS -o /dev/null "http://127.0.0.1:${GATEWAY_PORT:-3000}/health" 2>/dev/null && stack_was_up=1
if FUNNEL_PREPARED=1 bash deploy/stack.sh up; then
  jest_tier e2e "${FUNNEL_E2E_TIMEOUT_S:-1200}" -c jest.e2e.config.js --runInBand --json --outputFile="$REPORTS/e2e.json" || failed_steps+=(e2e)
else
  failed_steps+=(stack-up)
fi
# Leave a stack the developer had running; stop the one this run started.
[ "$stack_was_up" = 1 ] || bash deploy/stack.sh stop-apps >/dev/null 2>&1 || true

# ---- secret scan: no secret issued above is on any topic, in a log or in a table ----
step "secret scan (topics, logs, databases)"
jest_tier scan "${FUNNEL_SCAN_TIMEOUT_S:-600}" -c jest.scan.config.js --runInBand --json --outputFile="$REPORTS/scan.json" || failed_steps+=(secret-scan)
# ---- end of secret scan ----

node -e '
const fs = require("fs");
let passed = 0, failed = 0, skipped = 0;
for (const f of ["unit", "int", "e2e", "scan"]) {
  const p = process.argv[1] + "/" + f + ".json";
  if (!fs.existsSync(p)) continue;
  const r = JSON.parse(fs.readFileSync(p, "utf8"));
  passed += r.numPassedTests; failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0); skipped += r.numPendingTests;
}
const steps = process.argv[2] ? process.argv[2].split(" ").length : 0;
console.log("");
if (steps) console.log("[funnel] test: failed steps: " + process.argv[2]);
if (process.argv[4]) console.log("[funnel] test: tiers: " + process.argv[4].split(",").join(", "));
console.log("[funnel] test: finished in " + process.argv[3] + "s");
console.log("funnel: " + passed + " passed, " + (failed + steps) + " failed" + (skipped ? ", " + skipped + " skipped" : ""));
' "$REPORTS" "${failed_steps[*]:-}" "$(( $(date +%s) - t0 ))" "$(IFS=,; echo "${tier_times[*]:-}")"
[ ${#failed_steps[@]} -eq 0 ]
