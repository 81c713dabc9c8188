# The OpenTelemetry Collector: the lab's own distribution, otelcol-flowlab, built from the Go module
# proxy with the OpenTelemetry Collector Builder (ocb) and the manifest stack/collector/builder-config.yaml,
# then run natively on otel-collector.yaml, the same file Docker runs. Everything lives under .data:
#
#   .data/bin/otelcol-flowlab        the binary; .stamp beside it records the manifest's hash and the builder
#   .data/collector/tools/<version>/ the builder itself (go install)
#   .data/collector/src/             the sources the builder generates (kept for a look, rebuilt each build)
#   .data/collector/build.log        the builder's output
#   .data/collector/collector.log    the running collector's output; collector.pid its pid
#
# Ports (from otel-collector.yaml, which binds 0.0.0.0): OTLP 4317 (gRPC) and 4318 (HTTP), health 13133,
# span metrics for Prometheus 8889, the collector's own metrics 8888 (its default, on localhost).
# Traces go to the native Jaeger (scripts/lib/jaeger.sh) on 127.0.0.1:14317: JAEGER_OTLP_ENDPOINT;
# log records to the native VictoriaLogs (scripts/lib/victorialogs.sh) on :9428: VICTORIALOGS_OTLP_ENDPOINT.
# Needs Go 1.26 or newer (the contrib modules say go 1.26.0); the first build takes a few minutes.

COLLECTOR_HOST=127.0.0.1
COLLECTOR_HEALTH_URL="http://$COLLECTOR_HOST:13133/"
COLLECTOR_OTLP_HTTP_URL="http://$COLLECTOR_HOST:4318"
COLLECTOR_METRICS_URL="http://$COLLECTOR_HOST:8889/metrics"
COLLECTOR_PORTS=(4317 4318 13133 8889)
COLLECTOR_START_SECONDS=30
COLLECTOR_STOP_SECONDS=15
# The lock waits long: the first call may be building the collector.
COLLECTOR_LOCK_SECONDS=900

collector_root="${repo_root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
COLLECTOR_MANIFEST="$collector_root/stack/collector/builder-config.yaml"
COLLECTOR_CONFIG="$collector_root/otel-collector.yaml"
COLLECTOR_HOME="$collector_root/.data/collector"
COLLECTOR_BIN="$collector_root/.data/bin/otelcol-flowlab"
COLLECTOR_PID_FILE="$COLLECTOR_HOME/collector.pid"
COLLECTOR_LOG="$COLLECTOR_HOME/collector.log"
# Where the native Jaeger receives OTLP/gRPC; Docker's default (jaeger:4317) is in otel-collector.yaml.
COLLECTOR_JAEGER_ENDPOINT="${JAEGER_OTLP_ENDPOINT:-127.0.0.1:14317}"
COLLECTOR_VICTORIALOGS_ENDPOINT="${VICTORIALOGS_OTLP_ENDPOINT:-http://127.0.0.1:9428/insert/opentelemetry/v1/logs}"

# The builder's release is the manifest's core release: the builder writes
# `go.opentelemetry.io/collector/otelcol <its own version>` into the generated go.mod.
collector_builder_version() {
  awk '$1 == "-" && $2 == "gomod:" && $3 == "go.opentelemetry.io/collector/receiver/otlpreceiver" {print $4; exit}' \
    "$COLLECTOR_MANIFEST"
}

# What the binary was built from: the manifest's content and the builder's version.
collector_stamp() {
  echo "manifest-sha256=$(sha256sum "$COLLECTOR_MANIFEST" | cut -d' ' -f1) builder=$(collector_builder_version)"
}

collector_need_go() {
  if ! command -v go >/dev/null 2>&1; then
    log "the collector is built from source and needs Go 1.26 or newer: no 'go' on PATH"
    return 1
  fi
}

# Builds .data/bin/otelcol-flowlab unless it exists and its stamp matches the manifest.
collector_build() {
  local stamp builder_version builder
  stamp="$(collector_stamp)" || return 1
  if [ -x "$COLLECTOR_BIN" ] && [ "$(cat "$COLLECTOR_BIN.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  collector_need_go || return 1
  builder_version="$(collector_builder_version)"
  if [ -z "$builder_version" ]; then
    log "$COLLECTOR_MANIFEST names no go.opentelemetry.io/collector/receiver/otlpreceiver version"
    return 1
  fi
  mkdir -p "$COLLECTOR_HOME" "$(dirname "$COLLECTOR_BIN")" || return 1
  builder="$COLLECTOR_HOME/tools/$builder_version/builder"
  if [ ! -x "$builder" ]; then
    log "installing the OpenTelemetry Collector Builder $builder_version (go install)"
    if ! GOBIN="$(dirname "$builder")" go install "go.opentelemetry.io/collector/cmd/builder@$builder_version" \
      >"$COLLECTOR_HOME/build.log" 2>&1; then
      log "could not install the builder; the end of $COLLECTOR_HOME/build.log:"
      tail -n 20 "$COLLECTOR_HOME/build.log" >&2
      return 1
    fi
  fi
  log "building otelcol-flowlab from $COLLECTOR_MANIFEST (first time: a few minutes)"
  local started=$SECONDS
  rm -rf "$COLLECTOR_HOME/src"
  # The manifest's output_path (.data/collector/src) is relative to the repository root.
  if ! (cd "$collector_root" && "$builder" --config="$COLLECTOR_MANIFEST") >"$COLLECTOR_HOME/build.log" 2>&1; then
    log "the collector did not build; the end of $COLLECTOR_HOME/build.log:"
    tail -n 30 "$COLLECTOR_HOME/build.log" >&2
    return 1
  fi
  mv -f "$COLLECTOR_HOME/src/otelcol-flowlab" "$COLLECTOR_BIN.partial" &&
    mv -f "$COLLECTOR_BIN.partial" "$COLLECTOR_BIN" &&
    echo "$stamp" >"$COLLECTOR_BIN.stamp" || return 1
  log "built $COLLECTOR_BIN in $((SECONDS - started))s"
}

# The collector's own check of otel-collector.yaml (component names, keys, pipelines); non-zero when invalid.
collector_validate() {
  collector_build || return 1
  JAEGER_OTLP_ENDPOINT="$COLLECTOR_JAEGER_ENDPOINT" VICTORIALOGS_OTLP_ENDPOINT="$COLLECTOR_VICTORIALOGS_ENDPOINT" \
    "$COLLECTOR_BIN" validate --config="$COLLECTOR_CONFIG"
}

# Ready: the health check answers 200.
collector_ready() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' -m 2 "$COLLECTOR_HEALTH_URL" 2>/dev/null)" = 200 ]
}

collector_prepare() { collector_build; }

# The rest is daemon.sh's, the same for the four daemons: up, down, ensure, status.
COLLECTOR_LABEL="the collector"
COLLECTOR_WHERE="$COLLECTOR_OTLP_HTTP_URL"
COLLECTOR_STARTING="starting the collector (OTLP on :4317/:4318, span metrics on :8889, traces to $COLLECTOR_JAEGER_ENDPOINT, logs to $COLLECTOR_VICTORIALOGS_ENDPOINT)"
COLLECTOR_STATUS="$COLLECTOR_OTLP_HTTP_URL (OTLP/HTTP; gRPC :4317)  span metrics $COLLECTOR_METRICS_URL"
COLLECTOR_COMMAND=(env JAEGER_OTLP_ENDPOINT="$COLLECTOR_JAEGER_ENDPOINT" VICTORIALOGS_OTLP_ENDPOINT="$COLLECTOR_VICTORIALOGS_ENDPOINT"
  "$COLLECTOR_BIN" --config="$COLLECTOR_CONFIG")
