#!/usr/bin/env bash
# Start and stop the lab's services natively, without Docker.
# Used by .ci/run, by `npm test` (through `ensure`), and by anyone without a Docker engine.
#
#   scripts/services.sh up     [service...]   install what is missing, start, wait until ready
#   scripts/services.sh ensure [service...]   start only what is not already answering
#   scripts/services.sh down   [service...]   stop what this script started
#   scripts/services.sh status [service...]
#
# Services: postgres (Debian's PostgreSQL server, on 127.0.0.1:5432).
# The connection string the tests use by default is printed by `status`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$here/lib/common.sh"
# shellcheck source=scripts/lib/postgres.sh
source "$here/lib/postgres.sh"

all_services=(postgres)

main() {
  local action="${1:-}"
  shift || true
  local services=("$@")
  [ ${#services[@]} -gt 0 ] || services=("${all_services[@]}")
  case "$action" in
    up | ensure | down | status) ;;
    *)
      echo "usage: $0 up|ensure|down|status [${all_services[*]}]" >&2
      exit 2
      ;;
  esac
  for service in "${services[@]}"; do
    case "$service" in
      postgres) "postgres_$action" ;;
      *)
        echo "unknown service: $service (known: ${all_services[*]})" >&2
        exit 2
        ;;
    esac
  done
}

main "$@"
