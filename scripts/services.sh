#!/usr/bin/env bash
# Start and stop the lab's services natively, without Docker.
# Used by .ci/run, by `npm test` (through `ensure`), and by anyone without a Docker engine.
#
#   scripts/services.sh up     [service...]   install what is missing, start, wait until ready
#   scripts/services.sh ensure [service...]   start only what is not already answering
#   scripts/services.sh down   [service...]   stop what this script started
#   scripts/services.sh status [service...]
#
# Services:
#   postgres  Debian's PostgreSQL server, on 127.0.0.1:5432
#   redis     Debian's redis-server, on 127.0.0.1:6379
#   neo4j     Neo4j Community 5.26 resolved from Maven Central, Bolt on 127.0.0.1:7687
#   tools     jq and promtool, which the tests use
#   schemathesis  Schemathesis in a Python virtual environment (.data/venv), for npm run test:contract
#   redocly   Redocly CLI, pinned in scripts/lib/redocly/, in .data/redocly, for npm run test:contract
#   The observability stack (not started by default; `npm run stack:up` starts everything):
#   jaeger     Jaeger v2 built from the Go module proxy; UI on 127.0.0.1:16686, OTLP in on 14317/14318
#   collector  an OpenTelemetry Collector built from stack/collector/builder-config.yaml, running ./otel-collector.yaml
#   prometheus Debian's Prometheus with stack/prometheus/prometheus.yml, on 127.0.0.1:9090
#   victorialogs  VictoriaLogs built from the Go module proxy, the log store; 127.0.0.1:9428
# `status` prints the URLs the tests use by default.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/.." && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$here/lib/common.sh"
# shellcheck source=scripts/lib/daemon.sh
source "$here/lib/daemon.sh"
# shellcheck source=scripts/lib/postgres.sh
source "$here/lib/postgres.sh"
# shellcheck source=scripts/lib/redis.sh
source "$here/lib/redis.sh"
# shellcheck source=scripts/lib/neo4j.sh
source "$here/lib/neo4j.sh"
# shellcheck source=scripts/lib/tools.sh
source "$here/lib/tools.sh"
# shellcheck source=scripts/lib/collector.sh
source "$here/lib/collector.sh"
# shellcheck source=scripts/lib/jaeger.sh
source "$here/lib/jaeger.sh"
# shellcheck source=scripts/lib/prometheus.sh
source "$here/lib/prometheus.sh"
# shellcheck source=scripts/lib/victorialogs.sh
source "$here/lib/victorialogs.sh"
# shellcheck source=scripts/lib/schemathesis.sh
source "$here/lib/schemathesis.sh"
# shellcheck source=scripts/lib/redocly.sh
source "$here/lib/redocly.sh"

# The default set: what `npm test` needs. The observability stack is named explicitly.
all_services=(tools postgres redis neo4j)
known_services=(tools postgres redis neo4j jaeger victorialogs collector prometheus schemathesis redocly)

main() {
  local action="${1:-}"
  shift || true
  local services=("$@")
  if [ ${#services[@]} -eq 0 ]; then
    case "$action" in
      # Stopping and reporting cover everything, the stack first.
      down) services=(prometheus collector victorialogs jaeger neo4j redis postgres) ;;
      status) services=("${known_services[@]}") ;;
      *) services=("${all_services[@]}") ;;
    esac
  fi
  case "$action" in
    up | ensure | down | status) ;;
    *)
      echo "usage: $0 up|ensure|down|status [${known_services[*]}]" >&2
      exit 2
      ;;
  esac
  for service in "${services[@]}"; do
    case "$service" in
      tools | postgres | redis | neo4j | schemathesis | redocly) "${service}_$action" ;;
      # The observability stack: one skeleton (lib/daemon.sh), each script giving its specifics.
      jaeger | victorialogs | collector | prometheus) "daemon_$action" "$service" ;;
      *)
        echo "unknown service: $service (known: ${known_services[*]})" >&2
        exit 2
        ;;
    esac
  done
}

main "$@"
