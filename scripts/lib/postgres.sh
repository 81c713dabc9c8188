# PostgreSQL: Debian's server package, one cluster, a `flowlab` role and database.
# The role may create databases: every test file makes its own and drops it afterwards.

PG_HOST=127.0.0.1
PG_PORT="${FLOWLAB_PG_PORT:-5432}"
PG_USER=flowlab
PG_PASSWORD=flowlab
PG_DATABASE=flowlab
PG_URL="postgres://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/$PG_DATABASE"

# Written when this script starts a cluster; `down` stops only the cluster named in it.
pg_started_marker="${FLOWLAB_STATE_DIR:-$repo_root/.data}/postgres/started-cluster"

pg_cluster() {
  # The newest installed cluster: "15 main".
  pg_lsclusters --no-header 2>/dev/null | awk '{print $1, $2}' | sort -V | tail -n 1
}

postgres_install() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(pg_cluster)" ]; then
    log "installing PostgreSQL (Debian package)"
    apt_install postgresql
  fi
}

postgres_ready() {
  PGPASSWORD="$PG_PASSWORD" psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DATABASE" -Atqc 'select 1' >/dev/null 2>&1
}

postgres_up() {
  postgres_install
  local version cluster
  read -r version cluster <<<"$(pg_cluster)"
  if ! pg_lsclusters --no-header | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {print $4}' | grep -q online; then
    log "starting PostgreSQL $version/$cluster"
    as_root pg_ctlcluster "$version" "$cluster" start
    mkdir -p "$(dirname "$pg_started_marker")"
    echo "$version $cluster" >"$pg_started_marker"
  fi
  wait_for_port "$PG_HOST" "$PG_PORT" 30 PostgreSQL
  # Create the role and database once; both statements are safe to repeat.
  as_root su postgres -c "psql -p $PG_PORT -v ON_ERROR_STOP=1 -qAt" <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE $PG_DATABASE OWNER $PG_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DATABASE')\gexec
SQL
  postgres_ready || { log "PostgreSQL is up but $PG_URL does not answer"; return 1; }
  log "PostgreSQL ready: $PG_URL"
}

postgres_ensure() {
  if postgres_ready; then return 0; fi
  postgres_up
}

# Stops the cluster only if this script started it: a cluster that was already running (someone's
# own database, or a system service) is left alone, and `down` says so.
postgres_down() {
  local version cluster
  if [ ! -f "$pg_started_marker" ]; then
    read -r version cluster <<<"$(pg_cluster)"
    [ -n "${version:-}" ] || return 0
    log "PostgreSQL $version/$cluster was not started by this script: leaving it running (stop it yourself if you mean to)"
    return 0
  fi
  read -r version cluster <"$pg_started_marker"
  log "stopping PostgreSQL $version/$cluster (started by this script)"
  as_root pg_ctlcluster "$version" "$cluster" stop || true
  rm -f "$pg_started_marker"
}

postgres_status() {
  if postgres_ready; then status_line postgres up "$PG_URL"; else status_line postgres down "($PG_URL)"; fi
}
