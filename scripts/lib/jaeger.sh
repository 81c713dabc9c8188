# Jaeger v2: the real Jaeger backend (an OpenTelemetry Collector distribution), built from the Go
# module proxy and run natively with in-memory storage. stack/jaeger/go.mod pins it as a tool
# (`go install ...@version` refuses Jaeger's go.mod, which has a replace directive);
# stack/jaeger/jaeger.yaml is its configuration. Everything generated lives under .data:
#
#   .data/bin/jaeger              the binary; .stamp beside it records the hash of go.mod and go.sum
#   .data/jaeger/build.log        the go build output
#   .data/jaeger/jaeger.log       the running Jaeger's output; jaeger.pid its pid
#
# Ports, all on 127.0.0.1: UI and query API 16686 (gRPC 16685), OTLP 14317 (gRPC) and 14318 (HTTP)
# (not 4317/4318: those are the lab collector's), health 13134 (/status), own metrics 14269.
# Needs Go 1.26 or newer; the first build downloads about 300 modules and takes a few minutes.

JAEGER_HOST=127.0.0.1
JAEGER_UI_URL="http://$JAEGER_HOST:16686"
JAEGER_OTLP_GRPC_PORT=14317
JAEGER_HEALTH_URL="http://$JAEGER_HOST:13134/status"
JAEGER_PORTS=(16686 16685 14317 14318 13134 14269)
JAEGER_START_SECONDS=30
JAEGER_STOP_SECONDS=15
# The lock waits long: the first call may be building Jaeger.
JAEGER_LOCK_SECONDS=900

jaeger_root="${repo_root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
JAEGER_MODULE_DIR="$jaeger_root/stack/jaeger"
JAEGER_CONFIG="$JAEGER_MODULE_DIR/jaeger.yaml"
JAEGER_HOME="$jaeger_root/.data/jaeger"
JAEGER_BIN="$jaeger_root/.data/bin/jaeger"
JAEGER_PID_FILE="$JAEGER_HOME/jaeger.pid"
JAEGER_LOG="$JAEGER_HOME/jaeger.log"

# The Go module's version (v1.76.0) as go.mod pins it.
jaeger_module_version() {
  awk '$1 == "github.com/jaegertracing/jaeger" {print $2; exit}' "$JAEGER_MODULE_DIR/go.mod"
}

# Jaeger's release number: the Go module v1.N.P is Jaeger v2.(N-63).P (v1.76.0 is Jaeger 2.13.0);
# upstream stamps it with -ldflags, and `jaeger version` and the UI show it.
jaeger_release() {
  local v="${1#v}"
  local minor="${v#*.}"
  minor="${minor%%.*}"
  echo "v2.$((minor - 63)).${v##*.}"
}

jaeger_stamp() {
  echo "module-sha256=$(cat "$JAEGER_MODULE_DIR/go.mod" "$JAEGER_MODULE_DIR/go.sum" | sha256sum | cut -d' ' -f1)"
}

# Builds .data/bin/jaeger unless it exists and its stamp matches go.mod and go.sum.
jaeger_build() {
  local stamp version
  stamp="$(jaeger_stamp)" || return 1
  if [ -x "$JAEGER_BIN" ] && [ "$(cat "$JAEGER_BIN.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  if ! command -v go >/dev/null 2>&1; then
    log "Jaeger is built from source and needs Go 1.26 or newer: no 'go' on PATH"
    return 1
  fi
  version="$(jaeger_module_version)"
  mkdir -p "$JAEGER_HOME" "$(dirname "$JAEGER_BIN")" || return 1
  log "building Jaeger $(jaeger_release "$version") (Go module $version; first time: a few minutes)"
  local started=$SECONDS
  # Built from inside the wrapper module so that its go.mod and go.sum decide every version.
  if ! (cd "$JAEGER_MODULE_DIR" && go build -trimpath \
    -ldflags="-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=$(jaeger_release "$version")" \
    -o "$JAEGER_BIN.partial" github.com/jaegertracing/jaeger/cmd/jaeger) >"$JAEGER_HOME/build.log" 2>&1; then
    log "Jaeger did not build; the end of $JAEGER_HOME/build.log:"
    tail -n 30 "$JAEGER_HOME/build.log" >&2
    rm -f "$JAEGER_BIN.partial"
    return 1
  fi
  mv -f "$JAEGER_BIN.partial" "$JAEGER_BIN" && echo "$stamp" >"$JAEGER_BIN.stamp" || return 1
  log "built $JAEGER_BIN in $((SECONDS - started))s"
}

# Jaeger's own check of stack/jaeger/jaeger.yaml.
jaeger_validate() {
  jaeger_build || return 1
  "$JAEGER_BIN" validate --config="file:$JAEGER_CONFIG"
}

# Ready: the UI answers and the OTLP/gRPC receiver accepts connections.
jaeger_ready() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' -m 2 "$JAEGER_UI_URL/" 2>/dev/null)" = 200 ] &&
    port_open "$JAEGER_HOST" "$JAEGER_OTLP_GRPC_PORT"
}

jaeger_prepare() { jaeger_build; }

# The rest is daemon.sh's, the same for the four daemons: up, down, ensure, status.
JAEGER_LABEL=Jaeger
JAEGER_WHERE="$JAEGER_UI_URL"
JAEGER_STARTING="starting Jaeger (UI $JAEGER_UI_URL, OTLP on 127.0.0.1:14317/14318, in-memory storage)"
JAEGER_STATUS="$JAEGER_UI_URL (UI, /api/traces/<id>)  OTLP 127.0.0.1:14317 (gRPC) :14318 (HTTP)  health $JAEGER_HEALTH_URL"
# OTEL_EXPORTER_OTLP_ENDPOINT: where Jaeger sends the traces of its own query API (see jaeger.yaml):
# to itself, as in Docker, never to the lab's collector on :4317 (nor to a value inherited from a
# shell set up for the API).
JAEGER_COMMAND=(env OTEL_EXPORTER_OTLP_ENDPOINT="http://$JAEGER_HOST:$JAEGER_OTLP_GRPC_PORT"
  "$JAEGER_BIN" --config="file:$JAEGER_CONFIG")
