#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `source .ci/postgres.sh; pg_throwaway_start` creates a
# cluster in a temporary folder (initdb, as an unprivileged user since initdb refuses root), starts it
# on a Unix socket in that folder (no TCP port to collide with) and exports CLAIMTRACE_TEST_POSTGRES;
# pg_throwaway_stop stops it and removes the folder. Uses PostgreSQL 15 from /usr/local/bin or Debian's
# /usr/lib/postgresql/*/bin, installing Debian's postgresql with apt-get when neither exists.

pg_bindir() {
    if [ -x /usr/local/bin/initdb ] && [ -x /usr/local/bin/pg_ctl ]; then echo /usr/local/bin; return; fi
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$found" ]; then
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        found=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    fi
    echo "$found"
}

_pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u "$PG_OWNER" -- "$@"; else "$@"; fi
}

pg_throwaway_start() {
    local bindir
    bindir=$(pg_bindir)
    PG_OWNER=${PG_OWNER:-claimtrace-pg}
    if [ "$(id -u)" = 0 ] && ! id "$PG_OWNER" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OWNER"
    fi
    PG_DIR=$(mktemp -d /tmp/claimtrace-pg.XXXXXX)
    chmod 755 "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown "$PG_OWNER" "$PG_DIR"
    _pg_as_owner "$bindir/initdb" -D "$PG_DIR/data" -U claimtrace -A trust --no-sync -E UTF8 >"$PG_DIR/initdb.log"
    _pg_as_owner "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c fsync=off" start >/dev/null
    export PG_DIR PG_OWNER PG_BINDIR="$bindir"
    export CLAIMTRACE_TEST_POSTGRES="postgresql://claimtrace@/postgres?host=$PG_DIR"
}

pg_throwaway_stop() {
    [ -n "${PG_DIR:-}" ] || return 0
    _pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}
