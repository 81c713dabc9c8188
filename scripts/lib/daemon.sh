# The skeleton the lab's four native daemons share (Jaeger, VictoriaLogs, the collector, Prometheus):
# each one's script says only what is its own, as variables named after it and two functions, and
# services.sh runs `daemon_up NAME` (down, ensure, status), which do the rest the same way for all four.
#
#   NAME_LABEL                  how the log names it ("Jaeger", "the collector")
#   NAME_HOME NAME_PID_FILE NAME_LOG   its folder under .data, its pid file, its output
#   NAME_HOST NAME_PORTS (array)       where it listens: every port must be free before it starts
#   NAME_PORTS_HINT             (optional) who may hold a taken port; "a LABEL in Docker?" otherwise
#   NAME_WHERE                  the address the start's log lines and `status` name
#   NAME_COMMAND (array)        its command line
#   NAME_STARTING               what the log says as it starts
#   NAME_STATUS                 what `status` prints after "up"
#   NAME_START_SECONDS NAME_STOP_SECONDS NAME_LOCK_SECONDS  how long it may take to answer, to stop,
#                               and how long a second caller waits for the lock (the first may be building it)
#   NAME_PID_MARK               (optional) what its command line contains; "NAME_BIN " otherwise
#   name_prepare                installs or builds the binary, writes its configuration
#   name_ready                  true once it answers
#
# NAME is the service's name in capitals (PROMETHEUS_LOG for prometheus).

# The pid in NAME's pid file while that process is still the one it started.
daemon_service_pid() {
  local -n pid_file="${1^^}_PID_FILE" bin="${1^^}_BIN" mark="${1^^}_PID_MARK"
  daemon_pid "$pid_file" "${mark:-$bin }"
}

daemon_up() {
  local -n home="${1^^}_HOME" lock_seconds="${1^^}_LOCK_SECONDS"
  with_lock "$home/lock" "$lock_seconds" daemon_start "$1"
}

daemon_down() {
  local -n home="${1^^}_HOME" lock_seconds="${1^^}_LOCK_SECONDS"
  with_lock "$home/lock" "$lock_seconds" daemon_shutdown "$1"
}

# Some NAME answers already (ours, or Docker's): leave it alone.
daemon_ensure() { "${1}_ready" || daemon_up "$1"; }

# Under the lock: ours already runs (wait for it), or the ports are free, it is prepared, launched and waited for.
daemon_start() {
  local name="$1" pid started
  local -n home="${1^^}_HOME" host="${1^^}_HOST" ports="${1^^}_PORTS" hint="${1^^}_PORTS_HINT" \
    label="${1^^}_LABEL" pid_file="${1^^}_PID_FILE" log_file="${1^^}_LOG" command="${1^^}_COMMAND" \
    starting="${1^^}_STARTING"
  mkdir -p "$home" || return 1
  if pid="$(daemon_service_pid "$name")"; then
    daemon_ready_wait "$name" "$pid" "$(date +%s%N)"
    return
  fi
  ports_free "$host" "${hint:-a $label in Docker?}" "${ports[@]}" || return 1
  "${name}_prepare" || return 1
  log "$starting"
  started="$(date +%s%N)"
  pid="$(daemon_launch "$label" "$pid_file" "$log_file" "${command[@]}")" || return 1
  daemon_ready_wait "$name" "$pid" "$started"
}

daemon_ready_wait() {
  local -n label="${1^^}_LABEL" where="${1^^}_WHERE" pid_file="${1^^}_PID_FILE" log_file="${1^^}_LOG" \
    start_seconds="${1^^}_START_SECONDS"
  daemon_wait "$label" "$where" "$2" "$pid_file" "$log_file" "$start_seconds" "$3" "${1}_ready"
}

# Under the lock: stops the process it started, if it runs; a stale pid file goes either way.
daemon_shutdown() {
  local pid
  local -n label="${1^^}_LABEL" pid_file="${1^^}_PID_FILE" stop_seconds="${1^^}_STOP_SECONDS"
  if pid="$(daemon_service_pid "$1")"; then
    daemon_stop "$label" "$pid" "$pid_file" "$stop_seconds" || true
  fi
  rm -f "$pid_file"
}

daemon_status() {
  local -n status="${1^^}_STATUS" where="${1^^}_WHERE"
  if "${1}_ready"; then status_line "$1" up "$status"; else status_line "$1" down "($where)"; fi
}
