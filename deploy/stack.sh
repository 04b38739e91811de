#!/usr/bin/env bash
# Runs the five Funnel apps locally, on top of deploy/infra.sh.
#   deploy/stack.sh up          deps, infra, build, migrate; start the apps detached; wait for /health
#   deploy/stack.sh foreground  the same preparation; apps attached, output prefixed; Ctrl-C stops them
#   deploy/stack.sh down        stop the apps (only those this script started), then the infra
#   deploy/stack.sh stop-apps   stop the apps only, leave the infra running
# Logs: $FUNNEL_STATE_DIR/logs/<app>.log (default <repo>/.state).
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT" # the apps resolve relative paths (dist/, prisma/) from the repo root

APPS=(gateway redirect-service campaign-service conversion-service analytics-projector)
export GATEWAY_PORT="${GATEWAY_PORT:-3000}" REDIRECT_PORT="${REDIRECT_PORT:-3001}"
export CAMPAIGN_PORT="${CAMPAIGN_PORT:-3002}" CONVERSION_PORT="${CONVERSION_PORT:-3003}"
export PROJECTOR_PORT="${PROJECTOR_PORT:-3004}"
declare -A PORT=(
  [gateway]=$GATEWAY_PORT [redirect-service]=$REDIRECT_PORT [campaign-service]=$CAMPAIGN_PORT
  [conversion-service]=$CONVERSION_PORT [analytics-projector]=$PROJECTOR_PORT
)
HEALTH_TIMEOUT=120

usage() { echo "usage: $0 up|down|foreground|stop-apps" >&2; exit 2; }

app_main() { printf 'dist/apps/%s/src/main.js' "$1"; }
app_url() { printf 'http://127.0.0.1:%s' "${PORT[$1]}"; }
healthy() { [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$(app_url "$1")/health")" == 200 ]]; }

# Environment of the apps (and of migrate/build). Connection settings default to what
# infra.sh runs, following its port overrides; anything already set in the env wins.
app_env() {
  export NODE_ENV="${NODE_ENV:-development}"
  export WEBHOOK_ALLOW_PRIVATE=true # the local stack lets webhooks reach localhost
  connection_env
  export PUBLIC_REDIRECT_BASE_URL="${PUBLIC_REDIRECT_BASE_URL:-http://127.0.0.1:$REDIRECT_PORT}"
  if [[ -z ${JWT_SECRET:-} ]]; then
    # Generated once and kept, so tokens issued earlier stay valid across restarts.
    local secret_file="$STATE_DIR/jwt-secret"
    [[ -s $secret_file ]] || (umask 077 && openssl rand -hex 32 >"$secret_file")
    JWT_SECRET="$(<"$secret_file")"
  fi
  export JWT_SECRET
  # Encrypts webhook signing secrets. A FIXED, PUBLIC development key, for the local stack only:
  # production sets its own (docs/conversion-service.md, "Signing secrets at rest").
  export WEBHOOK_SECRET_KEYS="${WEBHOOK_SECRET_KEYS:-dev:ZnVubmVsLWxvY2FsLWRldmVsb3BtZW50LW9ubHktMzI=}"
}

run_step() { # <deploy script> [args...]: required when present; only a warning when not written yet
  local script="deploy/$1"
  shift
  if [[ ! -f $script ]]; then
    log "warning: $script does not exist yet; skipping"
    return 0
  fi
  bash "$script" "$@" 9>&- || die "$script $* failed" # 9>&-: see lock in lib.sh
}

prepare() {
  app_env
  # npm test has just done all of this; it sets FUNNEL_PREPARED=1 to skip a second round.
  if [[ ${FUNNEL_PREPARED:-0} != 1 ]]; then
    run_step ensure-deps.sh
    run_step infra.sh up
    run_step build.sh
    run_step migrate.sh
  fi
  local app
  for app in "${APPS[@]}"; do
    [[ -f "$(app_main "$app")" ]] || die "$app: $(app_main "$app") not found after the build"
  done
}

# Refuses to start an app on a port something else (not ours) already holds.
check_port_free() {
  ! port_open 127.0.0.1 "${PORT[$1]}" ||
    die "$1: port ${PORT[$1]} is already in use by a process this script did not start"
}

# Waits (one shared deadline) until every app answers /health with 200; on failure shows
# the failing app's log tail and returns 1 with FAILED_APP set.
FAILED_APP=""
wait_all_healthy() {
  local t0=$1 app left
  for app in "${APPS[@]}"; do
    left=$((HEALTH_TIMEOUT - ($(now_ms) - t0) / 1000))
    ((left >= 1)) || left=1
    if ! WAIT_PID="$(cat "$(pid_file "$app")" 2>/dev/null)" \
      wait_for "$app: waiting for $(app_url "$app")/health" "$left" healthy "$app"; then
      FAILED_APP=$app
      (fail_with_log "$app") || true
      return 1
    fi
  done
}

print_urls() {
  local app
  log "apps (logs in $LOG_DIR):"
  for app in "${APPS[@]}"; do
    printf '  %-20s %s\n' "$app" "$(app_url "$app")"
  done
}

stop_apps() {
  local app
  for app in "${APPS[@]}"; do stop_pidfile "$app"; done
}

cmd_up() {
  local app pid t0
  lock stack
  prepare
  local -a to_start=()
  for app in "${APPS[@]}"; do
    if pid="$(live_pid "$app")"; then
      # Already ours; a fresh build is picked up only after `down` (or stop-apps) + `up`.
      log "$app: already running (pid $pid)"
    else
      check_port_free "$app" # all checked before any is started
      to_start+=("$app")
    fi
  done
  t0="$(now_ms)"
  for app in "${to_start[@]}"; do
    start_detached "$app" node "$(app_main "$app")"
    log "$app: started (pid $(<"$(pid_file "$app")")), log $(log_file "$app")"
  done
  if ! wait_all_healthy "$t0"; then
    stop_pidfile "$FAILED_APP" # so the next `up` starts it afresh
    exit 1
  fi
  print_urls
  log "stack up (apps healthy in $(elapsed_since "$t0")); stop it with: npm run down"
}

# Foreground: each app in its own session (so terminal signals reach only this script, which
# then stops them in order); its output goes to its log file and, prefixed, to the terminal.
start_attached() {
  local app=$1 logf prefix
  logf="$(log_file "$app")"
  prefix="$(printf '%-19s |' "$app")"
  printf '\n===== %s starting %s (foreground)\n' "$(date -Is)" "$app" >>"$logf"
  # The output filter ignores INT/TERM so it keeps draining the app's output while it stops.
  setsid node "$(app_main "$app")" </dev/null 9>&- \
    > >(trap '' INT TERM; tee -a "$logf" | sed -u "s/^/$prefix /") 2>&1 &
  record_pid "$app" "$!"
}

fg_stop() {
  trap '' INT TERM
  echo >&2
  log "stopping the apps..."
  stop_apps
  wait 2>/dev/null || true # reap them
  log "apps stopped; the infrastructure is still running (npm run down stops it)"
}

cmd_foreground() {
  local app pid t0
  lock stack
  for app in "${APPS[@]}"; do
    if pid="$(live_pid "$app")"; then
      die "$app already runs detached (pid $pid); stop the apps first: bash deploy/stack.sh stop-apps"
    fi
  done
  prepare
  for app in "${APPS[@]}"; do check_port_free "$app"; done
  trap 'fg_stop; exit 0' INT TERM
  t0="$(now_ms)"
  for app in "${APPS[@]}"; do start_attached "$app"; done
  if ! wait_all_healthy "$t0"; then
    fg_stop
    exit 1
  fi
  exec 9>&- # started: let `stack.sh down` or `stop-apps` run from another terminal
  print_urls
  log "running in the foreground; Ctrl-C stops the apps"
  local -A reported=()
  local alive
  while true; do
    sleep 1 &
    wait $! || true # returns early when a trapped signal arrives
    alive=0
    for app in "${APPS[@]}"; do
      if pid_alive "$(pid_file "$app")"; then
        alive=$((alive + 1))
      elif [[ -z ${reported[$app]:-} ]]; then
        reported[$app]=1
        log "$app exited; see $(log_file "$app")"
      fi
    done
    if ((alive == 0)); then
      fg_stop
      exit 1
    fi
  done
}

[[ $# -eq 1 ]] || usage
case "$1" in
  up) cmd_up ;;
  foreground) cmd_foreground ;;
  down)
    lock stack
    stop_apps
    bash "$ROOT/deploy/infra.sh" down 9>&-
    ;;
  stop-apps)
    lock stack
    stop_apps
    ;;
  *) usage ;;
esac
