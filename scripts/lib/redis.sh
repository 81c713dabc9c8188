# Redis: Debian's redis-server, started by hand (not as a system service) so that tests can
# stop it and start it again to simulate an outage. Nothing is persisted: it is a cache.

REDIS_HOST=127.0.0.1
REDIS_PORT="${FLOWLAB_REDIS_PORT:-6379}"
REDIS_URL="redis://$REDIS_HOST:$REDIS_PORT"
redis_dir="$repo_root/.data/redis"

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

redis_down() {
  command -v redis-cli >/dev/null 2>&1 || return 0
  if redis_ready; then
    log "stopping Redis"
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
}

redis_status() {
  if redis_ready; then status_line redis up "$REDIS_URL"; else status_line redis down "($REDIS_URL)"; fi
}
