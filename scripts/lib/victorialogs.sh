# VictoriaLogs: the lab's log store (Apache-2.0), built from the Go module proxy and run natively,
# like Jaeger. The collector sends it the API's log records over OTLP/HTTP (protobuf, its only
# format: a JSON body is a 400); the API's GET /debug/logs reads it with LogsQL. Everything generated
# lives under .data:
#
#   .data/bin/victoria-logs            the binary; .stamp beside it records the version it was built from
#   .data/victorialogs/build.log       the go build output
#   .data/victorialogs/data/           its storage (7 days kept; the same in docker-compose.yml)
#   .data/victorialogs/victorialogs.log  its output; victorialogs.pid its pid
#
# Listens on 127.0.0.1:9428 only: OTLP in at /insert/opentelemetry/v1/logs, LogsQL at
# /select/logsql/query, its own web UI at /select/vmui/, health at /health.
# Needs Go 1.26 or newer; the first build downloads its modules and takes about a minute.

VICTORIALOGS_VERSION=v1.52.2
VICTORIALOGS_MODULE=github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs
VICTORIALOGS_HOST=127.0.0.1
VICTORIALOGS_PORT=9428
VICTORIALOGS_URL_NATIVE="http://$VICTORIALOGS_HOST:$VICTORIALOGS_PORT"
VICTORIALOGS_START_SECONDS=30
VICTORIALOGS_STOP_SECONDS=15
# The lock waits long: the first call may be building it.
VICTORIALOGS_LOCK_SECONDS=600

victorialogs_root="${repo_root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
VICTORIALOGS_HOME="$victorialogs_root/.data/victorialogs"
VICTORIALOGS_BIN="$victorialogs_root/.data/bin/victoria-logs"
VICTORIALOGS_PID_FILE="$VICTORIALOGS_HOME/victorialogs.pid"
VICTORIALOGS_LOG="$VICTORIALOGS_HOME/victorialogs.log"

victorialogs_stamp() { echo "module=$VICTORIALOGS_MODULE@$VICTORIALOGS_VERSION"; }

# Builds .data/bin/victoria-logs unless it exists and was built from this version.
victorialogs_build() {
  local stamp
  stamp="$(victorialogs_stamp)"
  if [ -x "$VICTORIALOGS_BIN" ] && [ "$(cat "$VICTORIALOGS_BIN.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  if ! command -v go >/dev/null 2>&1; then
    log "VictoriaLogs is built from source and needs Go 1.26 or newer: no 'go' on PATH"
    return 1
  fi
  mkdir -p "$VICTORIALOGS_HOME" "$(dirname "$VICTORIALOGS_BIN")" || return 1
  log "building VictoriaLogs $VICTORIALOGS_VERSION (first time: about a minute)"
  local started=$SECONDS gobin="$VICTORIALOGS_HOME/gobin"
  # `go install module@version` resolves the module's own go.mod: no wrapper module is needed.
  if ! GOBIN="$gobin" go install -trimpath -ldflags="-s -w" "$VICTORIALOGS_MODULE@$VICTORIALOGS_VERSION" \
    >"$VICTORIALOGS_HOME/build.log" 2>&1; then
    log "VictoriaLogs did not build; the end of $VICTORIALOGS_HOME/build.log:"
    tail -n 30 "$VICTORIALOGS_HOME/build.log" >&2
    return 1
  fi
  mv -f "$gobin/victoria-logs" "$VICTORIALOGS_BIN" && echo "$stamp" >"$VICTORIALOGS_BIN.stamp" || return 1
  log "built $VICTORIALOGS_BIN in $((SECONDS - started))s"
}

victorialogs_ready() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' -m 2 "$VICTORIALOGS_URL_NATIVE/health" 2>/dev/null)" = 200 ]
}

victorialogs_prepare() { victorialogs_build; }

# The rest is daemon.sh's, the same for the four daemons: up, down, ensure, status.
VICTORIALOGS_LABEL=VictoriaLogs
VICTORIALOGS_WHERE="$VICTORIALOGS_URL_NATIVE"
VICTORIALOGS_PORTS=("$VICTORIALOGS_PORT")
VICTORIALOGS_STARTING="starting VictoriaLogs on $VICTORIALOGS_URL_NATIVE (UI $VICTORIALOGS_URL_NATIVE/select/vmui/)"
VICTORIALOGS_STATUS="$VICTORIALOGS_URL_NATIVE (UI /select/vmui/, LogsQL /select/logsql/query)  OTLP /insert/opentelemetry/v1/logs"
# The flags docker-compose.yml gives it too: 7 days kept, and stop taking logs before the disk is full.
VICTORIALOGS_COMMAND=("$VICTORIALOGS_BIN" -httpListenAddr="$VICTORIALOGS_HOST:$VICTORIALOGS_PORT"
  -storageDataPath="$VICTORIALOGS_HOME/data" -retentionPeriod=7d -storage.minFreeDiskSpaceBytes=1GB)
