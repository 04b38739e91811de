#!/usr/bin/env bash
# npm test: installs what is missing, brings the infrastructure up, builds, migrates, then runs
# lint, type-check, unit, integration and end-to-end tests. Every tier runs even if an earlier
# one failed, and the last line is a summary: "funnel: N passed, N failed".
set -uo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT" || exit 1
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
REPORTS="$STATE_DIR/test-reports"
t0=$(date +%s)
step() { echo; echo "[funnel] test: $* ($(( $(date +%s) - t0 ))s)"; }

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
npx jest -c jest.unit.config.js --json --outputFile="$REPORTS/unit.json" || failed_steps+=(unit)
step "integration tests"
npx jest -c jest.int.config.js --runInBand --json --outputFile="$REPORTS/int.json" || failed_steps+=(integration)

step "end-to-end tests (stack started as by npm run up)"
stack_was_up=0
curl -fsS -o /dev/null "http://127.0.0.1:${GATEWAY_PORT:-3000}/health" 2>/dev/null && stack_was_up=1
if FUNNEL_PREPARED=1 bash deploy/stack.sh up; then
  npx jest -c jest.e2e.config.js --runInBand --json --outputFile="$REPORTS/e2e.json" || failed_steps+=(e2e)
else
  failed_steps+=(stack-up)
fi
# Leave a stack the developer had running; stop the one this run started.
[ "$stack_was_up" = 1 ] || bash deploy/stack.sh stop-apps >/dev/null 2>&1 || true

# ---- secret scan: no secret issued above is on any topic, in a log or in a table ----
step "secret scan (topics, logs, databases)"
npx jest -c jest.scan.config.js --runInBand --json --outputFile="$REPORTS/scan.json" || failed_steps+=(secret-scan)
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
console.log("[funnel] test: finished in " + process.argv[3] + "s");
console.log("funnel: " + passed + " passed, " + (failed + steps) + " failed" + (skipped ? ", " + skipped + " skipped" : ""));
' "$REPORTS" "${failed_steps[*]:-}" "$(( $(date +%s) - t0 ))"
[ ${#failed_steps[@]} -eq 0 ]
