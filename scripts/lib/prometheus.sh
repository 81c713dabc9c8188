# Prometheus: Debian's prometheus (2.42, the same release as the Docker image), started by hand
# (not as Debian's system service) on a native copy of stack/prometheus/prometheus.yml, in which the
# Docker service names are replaced by 127.0.0.1. Everything lives under .data/prometheus:
#
#   .data/prometheus/prometheus.yml   the derived configuration, rewritten on every start
#   .data/prometheus/data/            the TSDB; kept across restarts
#   .data/prometheus/prometheus.log   its output; prometheus.pid its pid
#
# Listens on 127.0.0.1:9090 only. The other flags are docker-compose.yml's: 2 days of data, exemplar
# storage on (the metrics carry trace ids), the lifecycle API on (POST /-/reload re-reads the config),
# the remote-write receiver on (a native k6 run pushes its metrics to /api/v1/write).

PROMETHEUS_HOST=127.0.0.1
PROMETHEUS_PORT="${FLOWLAB_PROMETHEUS_PORT:-9090}"
PROMETHEUS_URL="http://$PROMETHEUS_HOST:$PROMETHEUS_PORT"
PROMETHEUS_START_SECONDS=30
PROMETHEUS_STOP_SECONDS=15
PROMETHEUS_LOCK_SECONDS=300

prometheus_root="${repo_root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# The Docker configuration the native copy derives from (FLOWLAB_PROMETHEUS_CONFIG: another one).
PROMETHEUS_SOURCE_CONFIG="${FLOWLAB_PROMETHEUS_CONFIG:-$prometheus_root/stack/prometheus/prometheus.yml}"
PROMETHEUS_HOME="$prometheus_root/.data/prometheus"
PROMETHEUS_CONFIG="$PROMETHEUS_HOME/prometheus.yml"
PROMETHEUS_PID_FILE="$PROMETHEUS_HOME/prometheus.pid"
PROMETHEUS_LOG="$PROMETHEUS_HOME/prometheus.log"
PROMETHEUS_BIN=/usr/bin/prometheus

prometheus_install() {
  if [ ! -x "$PROMETHEUS_BIN" ]; then
    log "installing Prometheus (Debian package)"
    apt_install prometheus || return 1
  fi
}

# Writes the native copy: the Docker service names become 127.0.0.1, then promtool checks it.
prometheus_write_config() {
  if [ ! -f "$PROMETHEUS_SOURCE_CONFIG" ]; then
    log "no $PROMETHEUS_SOURCE_CONFIG to derive the native configuration from"
    return 1
  fi
  mkdir -p "$PROMETHEUS_HOME/data" || return 1
  {
    echo "# Written by scripts/lib/prometheus.sh from $PROMETHEUS_SOURCE_CONFIG on every start: edit that file."
    sed -e 's/\bapi:8000\b/127.0.0.1:8000/g' -e 's/\botel-collector:8889\b/127.0.0.1:8889/g' "$PROMETHEUS_SOURCE_CONFIG"
  } >"$PROMETHEUS_CONFIG" || return 1
  if command -v promtool >/dev/null 2>&1 && ! promtool check config "$PROMETHEUS_CONFIG" >"$PROMETHEUS_HOME/check.log" 2>&1; then
    log "promtool finds $PROMETHEUS_CONFIG invalid:"
    cat "$PROMETHEUS_HOME/check.log" >&2
    return 1
  fi
}

prometheus_ready() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' -m 2 "$PROMETHEUS_URL/-/ready" 2>/dev/null)" = 200 ]
}

prometheus_prepare() { prometheus_install && prometheus_write_config; }

# The rest is daemon.sh's, the same for the four daemons: up, down, ensure, status.
PROMETHEUS_LABEL=Prometheus
PROMETHEUS_WHERE="$PROMETHEUS_URL"
PROMETHEUS_PORTS=("$PROMETHEUS_PORT")
PROMETHEUS_PORTS_HINT="Debian's own service: 'service prometheus stop'; Docker's?"
PROMETHEUS_PID_MARK="$PROMETHEUS_BIN --config.file=$PROMETHEUS_CONFIG "
PROMETHEUS_STARTING="starting Prometheus on $PROMETHEUS_URL"
PROMETHEUS_STATUS="$PROMETHEUS_URL"
PROMETHEUS_COMMAND=("$PROMETHEUS_BIN" --config.file="$PROMETHEUS_CONFIG"
  --storage.tsdb.path="$PROMETHEUS_HOME/data" --storage.tsdb.retention.time=2d
  --web.listen-address="$PROMETHEUS_HOST:$PROMETHEUS_PORT"
  --enable-feature=exemplar-storage --web.enable-lifecycle --web.enable-remote-write-receiver)
