# Shared helpers for scripts/: installing Debian packages and running a throwaway PostgreSQL.
# Sourced, not executed.

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }

# ensure_packages PKG... : installs the Debian packages that are missing (as root; otherwise says what to install).
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${missing[*]} — install them with: sudo apt-get install -y ${missing[*]}"
    return 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# free_port : prints a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# pg_start DIR : starts a throwaway cluster in DIR on a private port on 127.0.0.1, as a non-root user.
# Sets PG_PORT, PG_URL (database baton_test) and PG_DIR; pg_stop DIR stops it. DIR/cluster records the server
# binaries, port and options, so pg_crash / pg_resume (fault tests) can find it from another shell.
pg_start() {
  PG_DIR=$1
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] || { log "PostgreSQL server binaries not found under /usr/lib/postgresql"; return 1; }
  PG_BIN=$bin
  PG_PORT=$(free_port)
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root: the Debian package's postgres user owns the throwaway cluster.
    chown postgres: "$PG_DIR"
  fi
  pg_as "$bin/initdb" -D "$PG_DIR/data" -U baton -A trust --no-sync -E UTF8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  printf 'PG_BIN=%q\nPG_PORT=%q\nPG_OPTS=%q\n' "$bin" "$PG_PORT" \
    "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=400 ${PG_EXTRA_OPTS:-}" >"$PG_DIR/cluster"
  pg_resume "$PG_DIR" || return 1
  pg_as "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U baton -d postgres -qc "CREATE DATABASE baton_test" >/dev/null
  PG_URL="postgres://baton@127.0.0.1:$PG_PORT/baton_test"
  log "PostgreSQL running on 127.0.0.1:$PG_PORT (data in $PG_DIR)"
}

# pg_as CMD... : runs CMD as the cluster's owner (postgres when we are root, else ourselves).
pg_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_resume DIR : (re)starts the cluster pg_start made in DIR, on the same port, and waits until it accepts connections.
pg_resume() {
  local PG_BIN PG_PORT PG_OPTS
  . "$1/cluster"
  pg_as "$PG_BIN/pg_ctl" -D "$1/data" -l "$1/postgres.log" -w -t 60 -o "$PG_OPTS" start >/dev/null \
    || { cat "$1/postgres.log" >&2; return 1; }
}

# pg_crash DIR : stops the cluster at once, as a power cut would (no checkpoint, clients cut off); pg_resume recovers it.
pg_crash() {
  local PG_BIN PG_PORT PG_OPTS
  . "$1/cluster"
  pg_as "$PG_BIN/pg_ctl" -D "$1/data" -m immediate -w stop >/dev/null
}

pg_stop() {
  [ -f "$1/cluster" ] || return 0
  local PG_BIN PG_PORT PG_OPTS
  . "$1/cluster"
  pg_as "$PG_BIN/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null 2>&1 || true
}

# pgbouncer_start DIR PG_PORT : starts Debian's PgBouncer in transaction mode in DIR on a private port, in front of
# the throwaway PostgreSQL on PG_PORT (every database; users baton and baton_pooled, trusted as by PostgreSQL), as
# the cluster's owner. baton_pooled is made there with statement_timeout set on the role, as Baton needs behind a
# transaction-mode pooler. Sets PGBOUNCER_PORT and PGBOUNCER_URL (database baton_test, user baton_pooled);
# pgbouncer_stop DIR stops it.
pgbouncer_start() {
  local dir=$1 pg_port=$2
  PGBOUNCER_PORT=$(free_port)
  mkdir -p "$dir"
  pg_as psql -h 127.0.0.1 -p "$pg_port" -U baton -d postgres -qXc \
    "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'baton_pooled') THEN CREATE ROLE baton_pooled LOGIN SUPERUSER; END IF; END \$\$" \
    -c "ALTER ROLE baton_pooled SET statement_timeout = '5s'" >/dev/null
  printf '"baton" ""\n"baton_pooled" ""\n' >"$dir/userlist.txt"
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$pg_port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = ${PGBOUNCER_POOL_SIZE:-40}
max_db_connections = $(( ${PGBOUNCER_POOL_SIZE:-40} * 3 ))
server_reset_query =
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$dir"; fi
  # Each client and each server connection is a descriptor; the default soft limit of 1024 caps them below what
  # the pool sizes allow.
  pg_as sh -c 'ulimit -n 8192 && exec /usr/sbin/pgbouncer -d -q "$1"' sh "$dir/pgbouncer.ini" || { cat "$dir/pgbouncer.log" >&2; return 1; }
  local tries=0
  until pg_as psql -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U baton -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -lt 100 ] || { log "PgBouncer did not answer"; cat "$dir/pgbouncer.log" >&2; return 1; }
    sleep 0.1
  done
  PGBOUNCER_URL="postgres://baton_pooled@127.0.0.1:$PGBOUNCER_PORT/baton_test"
  log "PgBouncer (transaction mode) running on 127.0.0.1:$PGBOUNCER_PORT"
}

pgbouncer_stop() {
  [ -f "$1/pgbouncer.pid" ] || return 0
  kill "$(cat "$1/pgbouncer.pid")" 2>/dev/null || true
}
