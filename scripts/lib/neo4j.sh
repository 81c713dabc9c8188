# Neo4j: a real Neo4j Community 5.26 server, run natively from its Maven Central jars
# (no Docker, no tarball). Everything it needs or writes lives under .data/neo4j:
#
#   .data/neo4j/lib/        the server's runtime classpath (scripts/neo4j/pom.xml), .version marks it complete
#   .data/neo4j/conf/       neo4j.conf, rewritten on every start
#   .data/neo4j/data/       the databases; kept across restarts
#   .data/neo4j/logs/       console.log (the JVM's output), neo4j.log, debug.log
#   .data/neo4j/run/        neo4j.pid
#   .data/neo4j/cds/        a class-data archive of the server's classes, written at the first stop:
#                           later starts load it instead of parsing ~200 jars (FLOWLAB_NEO4J_CDS=0: off)
#
# Authentication is off and only Bolt listens, on 127.0.0.1 (no HTTPS; HTTP only with FLOWLAB_NEO4J_HTTP_PORT).
# Needs java (17 or 21) and mvn; both are installed from Debian packages when missing.
#
# The memory settings come from stack/neo4j/memory.env, which docker-compose.yml reads too, so
# what the tests run against is what a laptop runs. A second Neo4j beside the first one, as the e2e tier's
# memory measurement starts it, takes its own home, ports and a read-only lib folder from:
#   FLOWLAB_NEO4J_HOME       home (default .data/neo4j)     FLOWLAB_NEO4J_LIB   jars (default <home>/lib; never
#   FLOWLAB_NEO4J_BOLT_PORT  Bolt port (7687)                                    downloaded into when set)
#   FLOWLAB_NEO4J_HTTP_PORT  HTTP port (unset: no HTTP)     FLOWLAB_NEO4J_PRETOUCH=1  -XX:+AlwaysPreTouch, as the image
#   FLOWLAB_NEO4J_HEAP, FLOWLAB_NEO4J_PAGECACHE              memory settings (default: stack/neo4j/memory.env's)

NEO4J_VERSION="${FLOWLAB_NEO4J_VERSION:-5.26.30}"
NEO4J_HOST=127.0.0.1
NEO4J_BOLT_PORT="${FLOWLAB_NEO4J_BOLT_PORT:-7687}"
NEO4J_URL="bolt://$NEO4J_HOST:$NEO4J_BOLT_PORT"
NEO4J_HTTP_PORT="${FLOWLAB_NEO4J_HTTP_PORT:-}"
# shellcheck source=stack/neo4j/memory.env
source "$(dirname "${BASH_SOURCE[0]}")/../../stack/neo4j/memory.env"
NEO4J_HEAP="${FLOWLAB_NEO4J_HEAP:-$NEO4J_server_memory_heap_max__size}"
NEO4J_PAGECACHE="${FLOWLAB_NEO4J_PAGECACHE:-$NEO4J_server_memory_pagecache_size}"
NEO4J_START_SECONDS=120
NEO4J_STOP_SECONDS=30

neo4j_scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NEO4J_POM="$neo4j_scripts/neo4j/pom.xml"
NEO4J_HOME="${FLOWLAB_NEO4J_HOME:-$(cd "$neo4j_scripts/.." && pwd)/.data/neo4j}"
NEO4J_LIB="${FLOWLAB_NEO4J_LIB:-$NEO4J_HOME/lib}"
NEO4J_CONF="$NEO4J_HOME/conf"
NEO4J_LOGS="$NEO4J_HOME/logs"
NEO4J_PID_FILE="$NEO4J_HOME/run/neo4j.pid"
NEO4J_CONSOLE_LOG="$NEO4J_LOGS/console.log"
NEO4J_CDS_DIR="$NEO4J_HOME/cds"

# What bin/neo4j would pass to the JVM (its default server.jvm.additional), minus -XX:+AlwaysPreTouch,
# which would make the whole heap resident at start. Neo4j starts on Java 17 without the --add-opens,
# but then warns that its page cache falls back to a slower path for direct buffers.
NEO4J_JVM_OPTS=(
  "-Xms$NEO4J_HEAP" "-Xmx$NEO4J_HEAP"
  -XX:+UseG1GC
  -XX:-OmitStackTraceInFastThrow
  -XX:+UnlockExperimentalVMOptions
  -XX:+TrustFinalNonStaticFields
  -XX:+DisableExplicitGC
  -XX:+ExitOnOutOfMemoryError
  -Djdk.nio.maxCachedBufferSize=1024
  -Dio.netty.tryReflectionSetAccessible=true
  -Djdk.tls.ephemeralDHKeySize=2048
  -Djdk.tls.rejectClientInitiatedRenegotiation=true
  -Dlog4j2.disable.jmx=true
  -Dlog4j.layout.jsonTemplate.maxStringLength=32768
  -Dfile.encoding=UTF-8
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED
)
# The image's neo4j.conf has -XX:+AlwaysPreTouch: the whole heap resident from the start, which is what
# a memory limit has to hold.
[ "${FLOWLAB_NEO4J_PRETOUCH:-0}" != 1 ] || NEO4J_JVM_OPTS+=(-XX:+AlwaysPreTouch)

# The major version of a java binary: 17 for "17.0.15", 1 for "1.8.0".
java_major() {
  "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print v[1]; exit}'
}

# Sets NEO4J_JAVA to a java binary that can run Neo4j 5.26 (Java 17 or newer), installing one when there is none.
neo4j_java() {
  local candidate
  for candidate in "$(command -v java 2>/dev/null)" /usr/lib/jvm/java-17-openjdk-*/bin/java /usr/lib/jvm/java-21-openjdk-*/bin/java; do
    if [ -x "$candidate" ] && [ "$(java_major "$candidate")" -ge 17 ] 2>/dev/null; then
      NEO4J_JAVA="$candidate"
      return 0
    fi
  done
  log "installing Java 17 (Debian package)"
  # Debian 13 has no openjdk-17: its default JRE is 21, which Neo4j 5.26 supports as well.
  apt_install openjdk-17-jre-headless || apt_install default-jre-headless || return 1
  for candidate in /usr/lib/jvm/java-17-openjdk-*/bin/java /usr/lib/jvm/default-java/bin/java "$(command -v java 2>/dev/null)"; do
    if [ -x "$candidate" ] && [ "$(java_major "$candidate")" -ge 17 ] 2>/dev/null; then
      NEO4J_JAVA="$candidate"
      return 0
    fi
  done
  log "no Java 17 or newer found after installing it"
  return 1
}

# Downloads the server's jars into .data/neo4j/lib, once per version.
neo4j_install() {
  neo4j_java || return 1
  if [ -f "$NEO4J_LIB/.version" ] && [ "$(cat "$NEO4J_LIB/.version")" = "$NEO4J_VERSION" ]; then return 0; fi
  if [ -n "${FLOWLAB_NEO4J_LIB:-}" ]; then
    log "FLOWLAB_NEO4J_LIB=$FLOWLAB_NEO4J_LIB holds no complete Neo4j $NEO4J_VERSION (it is only read, never installed into)"
    return 1
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    log "installing Maven (Debian package)"
    apt_install maven || return 1
  fi
  log "resolving Neo4j $NEO4J_VERSION from Maven Central (once: about 125 MB, a minute or two)"
  local tmp="$NEO4J_HOME/lib.partial" maven_log="$NEO4J_LOGS/maven.log"
  rm -rf "$tmp"
  mkdir -p "$NEO4J_LOGS"
  # JAVA_HOME: the mvn script otherwise picks whatever java is first on PATH. The output goes to a
  # file: Maven reports its errors on stdout, and Debian's Maven 3.8 prints colour codes even with -q -B.
  if ! JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$NEO4J_JAVA")")")" \
    mvn -q -B -f "$NEO4J_POM" -Dneo4j.version="$NEO4J_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$tmp" -DincludeScope=runtime >"$maven_log" 2>&1; then
    log "could not resolve org.neo4j:neo4j:$NEO4J_VERSION (is Maven Central reachable?); the end of $maven_log:"
    tail -n 20 "$maven_log" | sed 's/\x1b\[[0-9;]*m//g' >&2
    rm -rf "$tmp"
    return 1
  fi
  if [ ! -f "$tmp/neo4j-$NEO4J_VERSION.jar" ]; then
    log "Maven finished but $tmp has no neo4j-$NEO4J_VERSION.jar"
    return 1
  fi
  echo "$NEO4J_VERSION" >"$tmp/.version"
  rm -rf "$NEO4J_LIB" "$NEO4J_CDS_DIR"
  mv "$tmp" "$NEO4J_LIB"
}

# JVM flags for the class-data archive: use it when there is one for this Neo4j and this JVM,
# otherwise have the JVM write one when it exits (neo4j_down keeps it only after a clean stop).
# An archive the JVM finds stale (say, after adding jars to plugins/) is ignored silently: the start is
# then just slower, until .data/neo4j/cds is deleted.
neo4j_cds_flags() {
  NEO4J_CDS_FLAGS=()
  [ "${FLOWLAB_NEO4J_CDS:-1}" != 0 ] || return 0
  local archive
  archive="$NEO4J_CDS_DIR/neo4j-$NEO4J_VERSION-java-$("$NEO4J_JAVA" -version 2>&1 | cksum | cut -d' ' -f1).jsa"
  if [ -f "$archive" ]; then
    NEO4J_CDS_FLAGS=("-XX:SharedArchiveFile=$archive")
  else
    rm -rf "$NEO4J_CDS_DIR"
    mkdir -p "$NEO4J_CDS_DIR" || return 1
    NEO4J_CDS_FLAGS=("-XX:ArchiveClassesAtExit=$archive.partial")
  fi
  # The dump warns about every class it skips (signed jars, old bytecode) on stdout.
  NEO4J_CDS_FLAGS+=("-Xlog:cds*=off")
}

neo4j_write_conf() {
  mkdir -p "$NEO4J_CONF" "$NEO4J_LOGS" "$NEO4J_HOME/data" "$NEO4J_HOME/run" \
    "$NEO4J_HOME/plugins" "$NEO4J_HOME/import" "$NEO4J_HOME/licenses" || return 1
  cat >"$NEO4J_CONF/neo4j.conf" <<CONF
# Written by scripts/lib/neo4j.sh on every start: edit that file, not this one.
server.directories.lib=$NEO4J_LIB
server.directories.data=$NEO4J_HOME/data
server.directories.logs=$NEO4J_LOGS
server.directories.run=$NEO4J_HOME/run
server.directories.plugins=$NEO4J_HOME/plugins
server.directories.import=$NEO4J_HOME/import
server.directories.licenses=$NEO4J_HOME/licenses

dbms.security.auth_enabled=false
dbms.usage_report.enabled=false

server.bolt.enabled=true
server.bolt.listen_address=$NEO4J_HOST:$NEO4J_BOLT_PORT
server.bolt.advertised_address=$NEO4J_HOST:$NEO4J_BOLT_PORT
server.bolt.tls_level=DISABLED
$(if [ -n "$NEO4J_HTTP_PORT" ]; then
    echo "server.http.enabled=true"
    echo "server.http.listen_address=$NEO4J_HOST:$NEO4J_HTTP_PORT"
  else
    echo "server.http.enabled=false"
  fi)
server.https.enabled=false

server.memory.heap.initial_size=$NEO4J_HEAP
server.memory.heap.max_size=$NEO4J_HEAP
server.memory.pagecache.size=$NEO4J_PAGECACHE

# A lab database: do not reserve 256 MB per transaction log file and database up front.
db.tx_log.preallocate=false
db.tx_log.rotation.retention_policy=1 days
# Stop in well under a second: by default Netty waits a 5 s quiet period twice (bolt, bolt-local)
# before the Bolt server is down, which makes every stop take 10 s.
internal.dbms.bolt.netty_server_shutdown_quiet_period=0
CONF
}

# The pid in the pid file, when that process is still a Neo4j started on our home directory.
neo4j_pid() { daemon_pid "$NEO4J_PID_FILE" "CommunityEntryPoint --home-dir=$NEO4J_HOME "; }

# Speaks Bolt 4.4 to the server and runs `RETURN 1 AS n`: true only when a Cypher query answers
# (without authentication). `neo4j_ready handshake` stops after the Bolt handshake instead.
# Needs nothing but bash, head and od. Each reply is read to its end (chunk headers give the lengths)
# before the next request goes out: a GOODBYE sent too early would interrupt the query.
neo4j_ready() {
  timeout -k 1 10 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    bytes() { head -c "$1" <&3 | od -An -v -tx1 | tr -d " \n"; }
    message() { # prints one message as hex: its chunks, up to the empty chunk that ends it
      local header body=""
      while :; do
        header="$(bytes 2)"
        [ ${#header} -eq 4 ] || return 1
        [ "$header" != 0000 ] || break
        body+="$(bytes $((16#$header)))"
      done
      echo "$body"
    }
    # handshake: the magic, then Bolt 4.4 and three empty slots; the server picks 4.4
    printf "\x60\x60\xb0\x17\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" >&3
    [ "$(bytes 4)" = 00000404 ] || exit 1
    [ "$2" != handshake ] || exit 0
    # HELLO {user_agent: "flowlab/1.0"} -> SUCCESS (b1 70)
    printf "\x00\x1a\xb1\x01\xa1\x8auser_agent\x8bflowlab/1.0\x00\x00" >&3
    [[ "$(message)" == b170* ]] || exit 1
    # RUN "RETURN 1 AS n" {} {} -> SUCCESS
    printf "\x00\x12\xb3\x10\x8dRETURN 1 AS n\xa0\xa0\x00\x00" >&3
    [[ "$(message)" == b170* ]] || exit 1
    # PULL {n: -1} -> RECORD [1] (b1 71 91 01), then SUCCESS
    printf "\x00\x06\xb1\x3f\xa1\x81n\xff\x00\x00" >&3
    [ "$(message)" = b1719101 ] || exit 1
    [[ "$(message)" == b170* ]] || exit 1
    printf "\x00\x02\xb0\x02\x00\x00" >&3 # GOODBYE
  ' "$NEO4J_HOST" "$NEO4J_BOLT_PORT" "${1:-query}" 2>/dev/null
}


# Ready: the log says it started and a Cypher query answers.
neo4j_started() {
  grep -q 'INFO  Started\.$' "$NEO4J_CONSOLE_LOG" && port_open "$NEO4J_HOST" "$NEO4J_BOLT_PORT" && neo4j_ready
}

neo4j_wait() {
  daemon_wait Neo4j "$NEO4J_URL" "$1" "$NEO4J_PID_FILE" "$NEO4J_CONSOLE_LOG" "$NEO4J_START_SECONDS" "$2" neo4j_started
}

neo4j_up() { with_lock "$NEO4J_HOME/run/lock" 600 neo4j_start; }
neo4j_down() { with_lock "$NEO4J_HOME/run/lock" 600 neo4j_stop; }

neo4j_start() {
  local pid
  if pid="$(neo4j_pid)"; then
    neo4j_wait "$pid" "$(date +%s%N)"
    return
  fi
  if port_open "$NEO4J_HOST" "$NEO4J_BOLT_PORT"; then
    log "$NEO4J_HOST:$NEO4J_BOLT_PORT is taken by another process; stop it or set FLOWLAB_NEO4J_BOLT_PORT"
    return 1
  fi
  neo4j_install || return 1
  neo4j_write_conf || return 1
  neo4j_cds_flags || return 1
  log "starting Neo4j $NEO4J_VERSION on $NEO4J_URL"
  local started
  started="$(date +%s%N)"
  pid="$(daemon_launch Neo4j "$NEO4J_PID_FILE" "$NEO4J_CONSOLE_LOG" \
    "$NEO4J_JAVA" "${NEO4J_JVM_OPTS[@]}" "${NEO4J_CDS_FLAGS[@]}" \
    -cp "$NEO4J_HOME/plugins/*:$NEO4J_LIB/*" \
    org.neo4j.server.CommunityEntryPoint \
    --home-dir="$NEO4J_HOME" --config-dir="$NEO4J_CONF" --console-mode)" || return 1
  neo4j_wait "$pid" "$started"
}

neo4j_ensure() {
  if neo4j_ready; then return 0; fi
  # Some other Bolt server (a Neo4j of your own, with a password): leave it alone.
  if ! neo4j_pid >/dev/null && neo4j_ready handshake; then
    log "a Bolt server that is not ours answers on $NEO4J_URL (not without a password): leaving it alone"
    return 0
  fi
  neo4j_up
}

neo4j_stop() {
  local pid
  if pid="$(neo4j_pid)" && ! daemon_stop Neo4j "$pid" "$NEO4J_PID_FILE" "$NEO4J_STOP_SECONDS"; then
    # Killed: the class-data archives it was writing are incomplete.
    rm -f "$NEO4J_CDS_DIR"/*.partial
  fi
  rm -f "$NEO4J_PID_FILE"
  # A class-data archive the JVM wrote on its way out is complete only after a clean exit.
  local archive
  for archive in "$NEO4J_CDS_DIR"/*.jsa.partial; do
    [ -f "$archive" ] && mv -f "$archive" "${archive%.partial}"
  done
  return 0
}

neo4j_status() {
  if neo4j_ready; then status_line neo4j up "$NEO4J_URL"; else status_line neo4j down "($NEO4J_URL)"; fi
}
