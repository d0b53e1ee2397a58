#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks: scripts/postgres.sh start|stop|status|env
#
#   start   install PostgreSQL from Debian if missing, create a fresh cluster and start it on
#           127.0.0.1:$PGTEST_PORT; when it already runs, leave it be. Prints the `export` line of `env`.
#   stop    stop it (the directory stays until the next start, which begins a fresh cluster).
#   status  say whether it runs; exit 0 when it does, 3 when it does not.
#   env     print: export SCIMBRIDGE_TEST_POSTGRES="Host=127.0.0.1;Port=...;..."
#
# Settings (environment): PGTEST_PORT (default 55432), PGTEST_DIR (default $REPO/.pgtest, or a directory
# under /tmp when the repository is not reachable by the `postgres` user or its path is too long for a socket).
# The cluster trades durability for speed (fsync, synchronous_commit and full_page_writes off): tests only.
# Progress goes to stderr; stdout carries only the `export` line, so `eval "$(scripts/postgres.sh start)"` works.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
PORT="${PGTEST_PORT:-55432}"
MARKER=".scimbridge-pgtest"
START_DEADLINE_SECONDS=60

say() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

usage() {
    echo "usage: scripts/postgres.sh start|stop|status|env" >&2
    exit 2
}

[[ "$PORT" =~ ^[0-9]+$ ]] && (( PORT > 0 && PORT < 65536 )) || die "PGTEST_PORT must be a port number, not '$PORT'."

# The server runs as `postgres` when we are root (initdb and pg_ctl refuse root), else as ourselves.
if [[ $EUID -eq 0 ]]; then
    SERVER_USER=postgres
else
    SERVER_USER="$(id -un)"
fi

as_server() {
    # cd / first: the caller's directory may not be readable by the server user.
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u "$SERVER_USER" -- "$@")
    else
        (cd / && "$@")
    fi
}

bin_dir() {
    local initdb
    initdb="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
    [[ -n "$initdb" ]] && dirname "$initdb"
}

install_postgres() {
    if [[ $EUID -ne 0 ]]; then
        say "PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) are missing. Install them as root:"
        say "  sudo env DEBIAN_FRONTEND=noninteractive sh -c 'apt-get update && apt-get install -y postgresql'"
        exit 1
    fi
    say "PostgreSQL server binaries are missing: installing the Debian package 'postgresql'..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q postgresql >&2
}

# The directory must be reachable (traversable) by the server user and short enough for a Unix socket path.
choose_dir() {
    if [[ -n "${PGTEST_DIR:-}" ]]; then
        DIR="$(realpath -m -- "$PGTEST_DIR")"
        return
    fi
    DIR="$REPO/.pgtest"
    local reason=""
    if [[ $EUID -eq 0 ]] && getent passwd "$SERVER_USER" >/dev/null && ! as_server test -x "$REPO"; then
        reason="$REPO is not traversable by the '$SERVER_USER' user"
    elif (( ${#DIR} + 16 > 100 )); then
        reason="the socket path under $DIR would be too long"
    fi
    if [[ -n "$reason" ]]; then
        local hash
        hash="$(printf '%s' "$REPO" | sha256sum | cut -c1-12)"
        DIR="/tmp/scimbridge-pgtest-$EUID-$hash"
        FALLBACK_REASON="$reason"
    fi
}

FALLBACK_REASON=""
DIR=""

connection_string() {
    local port="$PORT"
    if [[ -f "$DIR/$MARKER" ]]; then
        port="$(sed -n 's/^port=//p' "$DIR/$MARKER")"
    fi
    printf 'Host=127.0.0.1;Port=%s;Username=postgres;Database=postgres;Pooling=true' "$port"
}

print_env() {
    printf 'export SCIMBRIDGE_TEST_POSTGRES="%s"\n' "$(connection_string)"
}

is_running() {
    local bin
    bin="$(bin_dir)" || return 1
    [[ -f "$DIR/PG_VERSION" && -f "$DIR/postmaster.pid" ]] || return 1
    as_server "$bin/pg_ctl" status -D "$DIR" >/dev/null 2>&1
}

running_port() {
    sed -n 's/^port=//p' "$DIR/$MARKER" 2>/dev/null || true
}

start() {
    local bin
    bin="$(bin_dir)" || { install_postgres; bin="$(bin_dir)" || die "installing 'postgresql' did not provide /usr/lib/postgresql/*/bin/initdb."; }
    getent passwd "$SERVER_USER" >/dev/null || die "there is no '$SERVER_USER' user (the Debian package creates it)."
    choose_dir
    if [[ -n "$FALLBACK_REASON" ]]; then
        say "$FALLBACK_REASON: using $DIR"
    fi

    if is_running; then
        local running
        running="$(running_port)"
        running="${running:-$PORT}"
        if [[ "$running" != "$PORT" ]]; then
            say "already running in $DIR on port $running (not $PORT); stop it first to change the port."
        fi
        wait_ready "$bin" "$running"
        say "already running in $DIR on 127.0.0.1:$running."
        print_env
        return
    fi

    # pg_isready: 0 = accepting, 1 = rejecting; either means something else already listens there.
    local probe=0
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 2 || probe=$?
    if (( probe == 0 || probe == 1 )); then
        die "something else already listens on 127.0.0.1:$PORT; choose another port with PGTEST_PORT."
    fi

    # A fresh cluster each start: with fsync off, one left by a crash or a reboot may be corrupt.
    if [[ -e "$DIR" ]]; then
        if [[ -f "$DIR/$MARKER" || -f "$DIR/PG_VERSION" || -z "$(ls -A "$DIR" 2>/dev/null)" ]]; then
            rm -rf -- "$DIR"
        else
            die "$DIR exists and is not a cluster made by this script; remove it or set PGTEST_DIR."
        fi
    fi
    mkdir -p -- "$DIR"
    chmod 700 -- "$DIR"
    if [[ $EUID -eq 0 ]]; then
        chown "$SERVER_USER:" -- "$DIR"
    fi
    as_server test -w "$DIR" || die "$DIR is not writable by the '$SERVER_USER' user."

    local locale=C
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
        locale=C.UTF-8
    fi
    say "initdb ($("$bin/postgres" --version)) in $DIR..."
    local initdb_output
    if ! initdb_output="$(as_server "$bin/initdb" -D "$DIR" -A trust -U postgres -E UTF8 --locale="$locale" 2>&1)"; then
        printf '%s\n' "$initdb_output" >&2
        die "initdb failed."
    fi

    # Test-only settings: no durability, many connections (each test host keeps its own pool).
    as_server tee -a "$DIR/postgresql.conf" >/dev/null <<EOF

# --- scripts/postgres.sh: a throwaway test cluster ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    printf 'port=%s\n' "$PORT" | as_server tee "$DIR/$MARKER" >/dev/null

    say "starting on 127.0.0.1:$PORT..."
    as_server "$bin/pg_ctl" start -D "$DIR" -l "$DIR/server.log" -W >/dev/null \
        || { cat "$DIR/server.log" >&2 2>/dev/null || true; die "pg_ctl start failed."; }

    wait_ready "$bin" "$PORT"
    say "ready on 127.0.0.1:$PORT (data and log in $DIR)."
    print_env
}

# Waits, with a deadline, until this cluster accepts connections on its own socket and on TCP.
wait_ready() {
    local bin="$1" port="$2"
    local deadline=$((SECONDS + START_DEADLINE_SECONDS))
    until "$bin/pg_isready" -q -h "$DIR" -p "$port" -U postgres -d postgres -t 2 \
        && "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 2; do
        if (( SECONDS >= deadline )); then
            tail -n 30 "$DIR/server.log" >&2 || true
            die "PostgreSQL did not accept connections on 127.0.0.1:$port within ${START_DEADLINE_SECONDS}s (log: $DIR/server.log)."
        fi
        if ! as_server "$bin/pg_ctl" status -D "$DIR" >/dev/null 2>&1 && grep -qs 'FATAL' "$DIR/server.log"; then
            tail -n 30 "$DIR/server.log" >&2 || true
            die "PostgreSQL exited while starting (log: $DIR/server.log)."
        fi
        sleep 0.1
    done
}

stop() {
    local bin
    choose_dir
    if ! bin="$(bin_dir)" || ! is_running; then
        say "not running ($DIR)."
        return
    fi
    as_server "$bin/pg_ctl" stop -D "$DIR" -m fast -t 60 >/dev/null
    say "stopped ($DIR)."
}

status() {
    choose_dir
    if is_running; then
        say "running in $DIR on 127.0.0.1:$(running_port)."
        print_env
    else
        say "not running ($DIR)."
        exit 3
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    env) choose_dir; print_env ;;
    *) usage ;;
esac
