# Redis: Debian's redis-server, started by hand (not as a system service) so that tests can
# stop it and start it again to simulate an outage. Nothing is persisted: it is a cache.

REDIS_HOST=127.0.0.1
REDIS_PORT="${FLOWLAB_REDIS_PORT:-6379}"
REDIS_URL="redis://$REDIS_HOST:$REDIS_PORT"
# One folder per port (6379 keeps the historical .data/redis): its pidfile says this script started it.
if [ "$REDIS_PORT" = 6379 ]; then redis_dir="$repo_root/.data/redis"; else redis_dir="$repo_root/.data/redis-$REDIS_PORT"; fi

redis_install() {
  if ! command -v redis-server >/dev/null 2>&1; then
    log "installing Redis (Debian package)"
    apt_install redis-server
  fi
}

redis_ready() {
  [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
}

redis_up() {
  redis_install
  if redis_ready; then
    log "Redis already answers at $REDIS_URL"
    return 0
  fi
  mkdir -p "$redis_dir"
  log "starting Redis on $REDIS_HOST:$REDIS_PORT"
  redis-server --bind "$REDIS_HOST" --port "$REDIS_PORT" --daemonize yes \
    --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log" --dir "$redis_dir" \
    --save '' --appendonly no --maxmemory 128mb --maxmemory-policy allkeys-lru
  local i
  for ((i = 0; i < 40; i++)); do
    redis_ready && { log "Redis ready: $REDIS_URL"; return 0; }
    sleep 0.25
  done
  log "Redis did not answer within 10s (see $redis_dir/redis.log)"
  return 1
}

redis_ensure() {
  redis_ready || redis_up
}

# Whether the Redis answering on REDIS_PORT is the one this script started (its pid is in our pidfile).
redis_started_here() {
  local pid running
  pid="$(cat "$redis_dir/redis.pid" 2>/dev/null || true)"
  [ -n "$pid" ] || return 1
  running="$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" info server 2>/dev/null | tr -d '\r' | awk -F: '$1 == "process_id" {print $2}')"
  [ "$running" = "$pid" ]
}

# Stops Redis only if this script started it: someone's own Redis on the same port is left alone.
redis_down() {
  command -v redis-cli >/dev/null 2>&1 || return 0
  redis_ready || return 0
  if ! redis_started_here; then
    log "Redis at $REDIS_URL was not started by this script: leaving it running (stop it yourself if you mean to)"
    return 0
  fi
  log "stopping Redis (pid $(cat "$redis_dir/redis.pid"), started by this script)"
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -f "$redis_dir/redis.pid"
}

redis_status() {
  if redis_ready; then status_line redis up "$REDIS_URL"; else status_line redis down "($REDIS_URL)"; fi
}
