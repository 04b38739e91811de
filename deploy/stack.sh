#!/usr/bin/env bash
# Runs the Funnel apps locally, on top of deploy/infra.sh.
#   deploy/stack.sh up          deps, infra, build, migrate; start the apps detached; wait for /health
#   deploy/stack.sh foreground  the same preparation; apps attached, output prefixed; Ctrl-C stops them
#   deploy/stack.sh down        stop the apps (only those this script started), then the infra
#   deploy/stack.sh stop-apps   stop the apps only (every instance), leave the infra running
#   deploy/stack.sh scale <N>   start what is missing of instances 1..N, stop instances above N
# FUNNEL_REPLICAS=N (default 1) runs N instances of every app (up, foreground). Instance k listens
# on its app's port + 100*(k-1): gateway 3000/3100, redirect 3001/3101, campaign 3002/3102,
# conversion 3003/3103, projector 3004/3104 (3005 dashboard and 3006 MCP server are reserved).
# Logs: $FUNNEL_STATE_DIR/logs/<instance>.log (default <repo>/.state); instance 1 is named after
# its app (gateway), instance k>=2 <app>-<k> (gateway-2).
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT" # the apps resolve relative paths (dist/, prisma/) from the repo root

APPS=(gateway redirect-service campaign-service conversion-service analytics-projector)
export GATEWAY_PORT="${GATEWAY_PORT:-3000}" REDIRECT_PORT="${REDIRECT_PORT:-3001}"
export CAMPAIGN_PORT="${CAMPAIGN_PORT:-3002}" CONVERSION_PORT="${CONVERSION_PORT:-3003}"
export PROJECTOR_PORT="${PROJECTOR_PORT:-3004}"
# Each app reads its own port from this variable (libs/config/src/env.ts).
declare -A PORT_VAR=(
  [gateway]=GATEWAY_PORT [redirect-service]=REDIRECT_PORT [campaign-service]=CAMPAIGN_PORT
  [conversion-service]=CONVERSION_PORT [analytics-projector]=PROJECTOR_PORT
)
INSTANCE_PORT_STEP=100
MAX_REPLICAS=9 # instance 10 would reach the next hundred's ports of another app
REPLICAS="${FUNNEL_REPLICAS:-1}"
HEALTH_TIMEOUT=120

# Filled by select_instances: INSTANCES (names, app order then instance order), APP_OF, PORT.
declare -a INSTANCES=()
declare -A APP_OF=() PORT=()
select_instances() { # <replicas>
  local n=$1 app k name base
  [[ $n =~ ^[1-9]$ ]] || die "the number of instances must be 1..$MAX_REPLICAS (got '$n')"
  INSTANCES=()
  for ((k = 1; k <= n; k++)); do
    for app in "${APPS[@]}"; do
      name="$(instance_name "$app" "$k")"
      base="${!PORT_VAR[$app]}"
      INSTANCES+=("$name")
      APP_OF[$name]=$app
      PORT[$name]=$((base + INSTANCE_PORT_STEP * (k - 1)))
    done
  done
}
instance_name() { if (($2 == 1)); then printf '%s' "$1"; else printf '%s-%s' "$1" "$2"; fi; }

usage() { echo "usage: $0 up|down|foreground|stop-apps|scale <N>" >&2; exit 2; }

app_main() { printf 'dist/apps/%s/src/main.js' "$1"; }
# Sets env_of (the instance's port variable) and main_of (its app's entry point) for the caller.
instance_cmd() { env_of=("${PORT_VAR[${APP_OF[$1]}]}=${PORT[$1]}"); main_of="$(app_main "${APP_OF[$1]}")"; }
app_url() { printf 'http://127.0.0.1:%s' "${PORT[$1]}"; }
healthy() { [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$(app_url "$1")/health")" == 200 ]]; }

# Environment of the apps (and of migrate/build). Connection settings default to what
# infra.sh runs, following its port overrides; anything already set in the env wins.
app_env() {
  export NODE_ENV="${NODE_ENV:-development}"
  export WEBHOOK_ALLOW_PRIVATE=true # the local stack lets webhooks reach localhost
  # The local stack trusts X-Forwarded-For from loopback peers only (a local reverse proxy, or a
  # test standing in for many visitors); production sets TRUSTED_PROXIES to its own proxies.
  export TRUSTED_PROXIES="${TRUSTED_PROXIES-127.0.0.1,::1}"
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

# Refuses to start an instance on a port something else (not ours) already holds.
check_port_free() {
  ! port_open 127.0.0.1 "${PORT[$1]}" ||
    die "$1: port ${PORT[$1]} is already in use by a process this script did not start"
}

# Waits (one shared deadline) until every given instance answers /health with 200; on failure
# shows the failing instance's log tail and returns 1 with FAILED_APP set.
FAILED_APP=""
wait_all_healthy() { # <t0> <instance...>
  local t0=$1 name left
  shift
  for name in "$@"; do
    left=$((HEALTH_TIMEOUT - ($(now_ms) - t0) / 1000))
    ((left >= 1)) || left=1
    if ! WAIT_PID="$(cat "$(pid_file "$name")" 2>/dev/null)" \
      wait_for "$name: waiting for $(app_url "$name")/health" "$left" healthy "$name"; then
      FAILED_APP=$name
      (fail_with_log "$name") || true
      return 1
    fi
  done
}

print_urls() {
  local name
  log "apps (logs in $LOG_DIR):"
  for name in "${INSTANCES[@]}"; do
    printf '  %-22s %s\n' "$name" "$(app_url "$name")"
  done
}

# Every instance of every app that has a pid file, whatever FUNNEL_REPLICAS says now.
recorded_instances() {
  local app f name
  for app in "${APPS[@]}"; do
    for f in "$PID_DIR/$app.pid" "$PID_DIR/$app"-[0-9]*.pid; do
      [[ -e $f ]] || continue
      name="$(basename "$f" .pid)"
      if [[ $name == "$app" || $name =~ ^$app-[0-9]+$ ]]; then printf '%s\n' "$name"; fi
    done
  done
}

# stop_apps [keep]: stops every recorded instance except instances 1..keep, all at once (each
# gets its own 20 s grace), and returns when they are all gone.
stop_apps() {
  local keep=${1:-0} name k
  local -a stopping=()
  while read -r name; do
    [[ -n $name ]] || continue
    k=1 # no app name ends in -<digits>, so a suffix is an instance number
    [[ $name =~ -([0-9]+)$ ]] && k=${BASH_REMATCH[1]}
    if ((k > keep)); then
      stop_pidfile "$name" &
      stopping+=("$!")
    fi
  done < <(recorded_instances)
  ((${#stopping[@]} == 0)) || wait "${stopping[@]}" || true
}

cmd_up() { # (holding the stack lock)
  local name pid t0
  prepare
  local -a to_start=()
  for name in "${INSTANCES[@]}"; do
    if pid="$(live_pid "$name")"; then
      # Already ours; a fresh build is picked up only after `down` (or stop-apps) + `up`.
      log "$name: already running (pid $pid)"
    else
      check_port_free "$name" # all checked before any is started
      to_start+=("$name")
    fi
  done
  t0="$(now_ms)"
  local -a env_of
  local main_of
  for name in "${to_start[@]}"; do
    instance_cmd "$name"
    start_detached "$name" env "${env_of[@]}" node "$main_of"
    log "$name: started (pid $(<"$(pid_file "$name")")), log $(log_file "$name")"
  done
  if ! wait_all_healthy "$t0" "${INSTANCES[@]}"; then
    stop_pidfile "$FAILED_APP" # so the next `up` starts it afresh
    exit 1
  fi
  print_urls
  log "stack up, ${#INSTANCES[@]} instances (healthy in $(elapsed_since "$t0")); stop it with: npm run down"
}

# Foreground: each instance in its own session (so terminal signals reach only this script, which
# then stops them in order); its output goes to its log file and, prefixed, to the terminal.
start_attached() {
  local name=$1 logf prefix
  local -a env_of
  local main_of
  instance_cmd "$name"
  logf="$(log_file "$name")"
  prefix="$(printf '%-21s |' "$name")"
  printf '\n===== %s starting %s (foreground)\n' "$(date -Is)" "$name" >>"$logf"
  # The output filter ignores INT/TERM so it keeps draining the app's output while it stops.
  setsid env "${env_of[@]}" node "$main_of" </dev/null 9>&- \
    > >(trap '' INT TERM; tee -a "$logf" | sed -u "s/^/$prefix /") 2>&1 &
  record_pid "$name" "$!"
}

fg_stop() {
  trap '' INT TERM
  echo >&2
  log "stopping the apps..."
  stop_apps
  wait 2>/dev/null || true # reap them
  log "apps stopped; the infrastructure is still running (npm run down stops it)"
}

cmd_foreground() { # (holding the stack lock)
  local name pid t0
  while read -r name; do
    [[ -n $name ]] || continue
    if pid="$(live_pid "$name")"; then
      die "$name already runs detached (pid $pid); stop the apps first: bash deploy/stack.sh stop-apps"
    fi
  done < <(recorded_instances)
  prepare
  for name in "${INSTANCES[@]}"; do check_port_free "$name"; done
  trap 'fg_stop; exit 0' INT TERM
  t0="$(now_ms)"
  for name in "${INSTANCES[@]}"; do start_attached "$name"; done
  if ! wait_all_healthy "$t0" "${INSTANCES[@]}"; then
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
    for name in "${INSTANCES[@]}"; do
      if pid_alive "$(pid_file "$name")"; then
        alive=$((alive + 1))
      elif [[ -z ${reported[$name]:-} ]]; then
        reported[$name]=1
        log "$name exited; see $(log_file "$name")"
      fi
    done
    if ((alive == 0)); then
      fg_stop
      exit 1
    fi
  done
}

case "${1:-}" in
  up | foreground | down | stop-apps) [[ $# -eq 1 ]] || usage ;;
  scale) [[ $# -eq 2 ]] || usage; REPLICAS=$2 ;;
  *) usage ;;
esac
select_instances "$REPLICAS"
lock stack
case "$1" in
  up) cmd_up ;;
  foreground) cmd_foreground ;;
  scale)
    # Stops the instances above N, then `up` for instances 1..N (which also restarts one of
    # them that died or was killed).
    stop_apps "$REPLICAS"
    cmd_up
    ;;
  down)
    stop_apps
    bash "$ROOT/deploy/infra.sh" down 9>&-
    ;;
  stop-apps) stop_apps ;;
esac
