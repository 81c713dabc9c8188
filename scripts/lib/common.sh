# Helpers shared by the service scripts.

log() { printf '[services] %s\n' "$*" >&2; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=""
# Installs Debian packages that are missing; `apt-get update` runs at most once per invocation.
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    log "apt-get is not available: install $* yourself, or use 'docker compose up -d'"
    return 1
  fi
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Waits until a TCP port accepts connections. usage: wait_for_port host port seconds name
wait_for_port() {
  local host="$1" port="$2" seconds="$3" name="$4" i
  for ((i = 0; i < seconds * 4; i++)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
    sleep 0.25
  done
  log "$name did not open $host:$port within ${seconds}s"
  return 1
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# True while the process runs. A zombie counts as gone: it has exited and freed its ports;
# only its parent (init, once the service is detached) has not collected it yet.
process_alive() {
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# The pid in PID_FILE while that process is still ours: its command line must contain MARK,
# which guards against a pid the system has since given to another program.
daemon_pid() {
  local pid_file="$1" mark="$2" pid
  pid="$(cat "$pid_file" 2>/dev/null)" || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *"$mark"* ]] || return 1
  echo "$pid"
}

# Runs a command holding LOCK_FILE, so that parallel up/ensure/down calls (parallel test files,
# a test stopping a service while another starts it) take turns instead of racing for the pid
# file, and a build happens once. While it runs, SERVICES_LOCK_FD is the lock's descriptor: a
# daemon started under it must close it ({SERVICES_LOCK_FD}>&-), or it would hold the lock for life.
with_lock() {
  local lock_file="$1" wait_seconds="$2" fd rc=0 outer="${SERVICES_LOCK_FD:-}"
  shift 2
  mkdir -p "$(dirname "$lock_file")" || return 1
  exec {fd}>>"$lock_file"
  if ! flock -w "$wait_seconds" "$fd"; then
    log "another scripts/services.sh held $lock_file for ${wait_seconds}s"
    exec {fd}>&-
    return 1
  fi
  SERVICES_LOCK_FD="$fd"
  "$@" || rc=$?
  SERVICES_LOCK_FD="$outer"
  exec {fd}>&-
  return "$rc"
}

# Stops NAME's process PID: TERM, then KILL after STOP_SECONDS; then removes PID_FILE.
# Returns 1 when it had to kill (a service may then clean up what a clean exit would have).
daemon_stop() {
  local name="$1" pid="$2" pid_file="$3" stop_seconds="$4" i rc=0
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < stop_seconds * 10; i++)); do
    process_alive "$pid" || break
    sleep 0.1
  done
  if process_alive "$pid"; then
    log "$name did not stop within ${stop_seconds}s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
    while process_alive "$pid"; do sleep 0.1; done
    rc=1
  fi
  rm -f "$pid_file"
  return "$rc"
}

# Starts a daemon detached from this shell: NAME, PID_FILE, LOG_FILE, then its command; prints
# its pid. nohup and setsid: it outlives this shell, and a Ctrl-C or a test runner signalling our
# process group does not reach it. The pid is written by the process that then execs the command:
# $! would name setsid's parent when setsid has to fork (as it does under job control).
daemon_launch() {
  local name="$1" pid_file="$2" log_file="$3" pid i
  shift 3
  [ -f "$log_file" ] && mv -f "$log_file" "$log_file.1"
  rm -f "$pid_file"
  nohup setsid bash -c 'echo $$ >"$0" && exec "$@"' "$pid_file" "$@" \
    </dev/null >"$log_file" 2>&1 {SERVICES_LOCK_FD}>&- &
  for ((i = 0; i < 40; i++)); do
    pid="$(cat "$pid_file" 2>/dev/null)" && [ -n "$pid" ] && { echo "$pid"; return 0; }
    sleep 0.05
  done
  log "$name did not start: see $log_file"
  return 1
}

# Waits up to START_SECONDS for READY (a command) to succeed, and says how long it took; fails at
# once, showing the end of LOG_FILE, when the process dies.
#   daemon_wait NAME WHERE PID PID_FILE LOG_FILE START_SECONDS STARTED_NS READY...
daemon_wait() {
  local name="$1" where="$2" pid="$3" pid_file="$4" log_file="$5" start_seconds="$6" started="$7" i
  shift 7
  for ((i = 0; i < start_seconds * 10; i++)); do
    if ! process_alive "$pid"; then
      log "$name exited during start; the end of $log_file:"
      tail -n 30 "$log_file" >&2
      rm -f "$pid_file"
      return 1
    fi
    if "$@"; then
      log "$name ready: $where (pid $pid, $((($(date +%s%N) - started) / 1000000)) ms)"
      return 0
    fi
    sleep 0.1
  done
  log "$name did not answer within ${start_seconds}s ($where); see $log_file"
  return 1
}

# One line of `services.sh status`, aligned: NAME STATE DETAIL.
status_line() { printf '%-11s %-7s %s\n' "$1:" "$2" "$3"; }

# True when none of PORTS is open on HOST; otherwise says which one is taken, and WHO may hold it.
ports_free() {
  local host="$1" who="$2" port
  shift 2
  for port in "$@"; do
    if port_open "$host" "$port"; then
      log "port $port is taken by another process ($who); stop it first"
      return 1
    fi
  done
}
