# shellcheck shell=bash
# Shared helpers for deploy/*.sh. Source it (after `set -euo pipefail`); do not run it.
#
# Every process we start gets a pid file ($PID_DIR/<svc>.pid) plus the kernel start time of
# that pid ($PID_DIR/<svc>.pid.start), so a pid recycled after a reboot or crash is never
# mistaken for ours: we only ever signal a pid whose start time still matches.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${FUNNEL_STATE_DIR:-$ROOT/.state}"
mkdir -p "$STATE_DIR/logs" "$STATE_DIR/pids"
STATE_DIR="$(cd "$STATE_DIR" && pwd)" # absolute, so it survives the cd of child processes
LOG_DIR="$STATE_DIR/logs"
PID_DIR="$STATE_DIR/pids"
export ROOT STATE_DIR LOG_DIR PID_DIR

log() { printf '[funnel] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

log_file() { printf '%s/%s.log' "$LOG_DIR" "$1"; }
pid_file() { printf '%s/%s.pid' "$PID_DIR" "$1"; }

now_ms() { date +%s%3N; }
# Seconds elapsed since a now_ms value, one decimal: "3.2s".
elapsed_since() { local d=$(($(now_ms) - $1)); printf '%d.%ds' $((d / 1000)) $((d % 1000 / 100)); }

# Kernel start time (clock ticks since boot) of a pid; empty if it does not exist.
proc_start() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
  stat="${stat##*) }" # drop "pid (comm) ", comm may contain spaces
  local -a f
  read -ra f <<<"$stat"
  printf '%s' "${f[19]}" # field 22 of stat(5); f[0] is field 3
}

record_pid() { # <svc> <pid>
  local pf
  pf="$(pid_file "$1")"
  printf '%s\n' "$2" >"$pf"
  proc_start "$2" >"$pf.start"
}

# pid_alive <pidfile>: the recorded process still runs (not a zombie, same start time).
pid_alive() {
  local pf=$1 pid state
  [[ -s $pf ]] || return 1
  pid="$(<"$pf")"
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  state="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  state="${state##*) }"
  [[ ${state:0:1} != Z ]] || return 1
  [[ -s $pf.start && "$(proc_start "$pid")" == "$(<"$pf.start")" ]]
}

# Pid of a service if it is alive; otherwise removes a stale pid file and fails.
live_pid() {
  local pf
  pf="$(pid_file "$1")"
  if pid_alive "$pf"; then
    cat "$pf"
  else
    [[ ! -e $pf ]] || log "$1: removing stale pid file"
    rm -f "$pf" "$pf.start"
    return 1
  fi
}

# lock <name>: serialises concurrent runs (e.g. `npm test` and `npm run up` in two terminals)
# on $STATE_DIR/<name>.lock, held on fd 9 until the script exits. Anything long-lived started
# meanwhile must get `9>&-`, or it would hold the lock forever.
lock() {
  exec 9>"$STATE_DIR/$1.lock"
  flock -n 9 || { log "waiting for another deploy/$1.sh to finish..."; flock 9; }
}

# start_detached <svc> <command...>: runs the command in its own session (so it survives
# this shell and can be stopped as a process group), output appended to its log file.
# fd 9 (see lock) is closed so the daemon does not hold the caller's lock.
start_detached() {
  local svc=$1 logf
  shift
  logf="$(log_file "$svc")"
  printf '\n===== %s starting %s: %s\n' "$(date -Is)" "$svc" "$*" >>"$logf"
  setsid "$@" </dev/null >>"$logf" 2>&1 9>&- &
  record_pid "$svc" "$!"
}

port_open() { # <host> <port>
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# wait_for <desc> <timeout-seconds> <command...>: polls the command every 0.5 s until it
# succeeds, printing a dot per second and the elapsed time. If WAIT_PID is set and that
# process exits meanwhile, gives up at once (no point waiting for a dead server).
wait_for() {
  local desc=$1 timeout=$2 start n=0
  shift 2
  start="$(now_ms)"
  printf '[funnel] %s ' "$desc" >&2
  while true; do
    if "$@" >/dev/null 2>&1; then
      printf ' ok (%s)\n' "$(elapsed_since "$start")" >&2
      return 0
    fi
    if [[ -n ${WAIT_PID:-} ]] && ! kill -0 "$WAIT_PID" 2>/dev/null; then
      printf ' process %s exited\n' "$WAIT_PID" >&2
      return 1
    fi
    if (($(now_ms) - start >= timeout * 1000)); then
      printf ' timed out after %ss\n' "$timeout" >&2
      return 1
    fi
    n=$((n + 1))
    ((n % 2)) || printf '.' >&2
    sleep 0.5
  done
}

# fail_with_log <svc>: shows why a service failed and exits.
fail_with_log() {
  local logf
  logf="$(log_file "$1")"
  log "$1 failed; last 40 lines of $logf:"
  tail -n 40 "$logf" >&2 2>/dev/null || true
  exit 1
}

# Any non-zombie member left in process group <pgid>?
group_alive() { ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'; }

# stop_pidfile <svc>: SIGTERM, up to 20 s grace, then SIGKILL. Only the recorded pid, and
# its process group when it leads one (we start everything with setsid); removes the file.
stop_pidfile() {
  local svc=$1 pf pid target i
  pf="$(pid_file "$svc")"
  if ! pid_alive "$pf"; then
    rm -f "$pf" "$pf.start"
    return 0
  fi
  pid="$(<"$pf")"
  target=$pid
  [[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" != "$pid" ]] || target="-$pid"
  log "$svc: stopping (pid $pid)"
  kill -TERM -- "$target" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    _stop_pending "$pf" "$target" || break
    sleep 0.1
  done
  if _stop_pending "$pf" "$target"; then
    log "$svc: still running after 20 s, sending SIGKILL"
    kill -KILL -- "$target" 2>/dev/null || true
  fi
  rm -f "$pf" "$pf.start"
}

_stop_pending() { # <pidfile> <pid | -pgid>
  if [[ $2 == -* ]]; then group_alive "${2#-}"; else pid_alive "$1"; fi
}

# Connection settings the apps, migrations and tests read (names from libs/config/src/env.ts),
# derived from the port variables so that overriding a port moves every client with it.
connection_env() {
  export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
  export CLICKHOUSE_URL="${CLICKHOUSE_URL:-http://127.0.0.1:${CLICKHOUSE_HTTP_PORT:-8123}}"
  local pg="postgresql://${PGUSER:-postgres}@${PGHOST:-127.0.0.1}:${PGPORT:-5432}"
  export CAMPAIGN_DATABASE_URL="${CAMPAIGN_DATABASE_URL:-$pg/funnel_campaign}"
  export CONVERSION_DATABASE_URL="${CONVERSION_DATABASE_URL:-$pg/funnel_conversion}"
  export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:${REDIS_PORT:-6379}}"
}
