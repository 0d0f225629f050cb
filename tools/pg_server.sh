#!/usr/bin/env bash
# A throwaway PostgreSQL server for relate's tests (ctest's `postgres` fixture,
# cmake/postgres_server.cmake, runs start and stop).
#
#   bash tools/pg_server.sh start DIR     # new cluster in DIR, started; writes DIR/conninfo
#   bash tools/pg_server.sh kill DIR      # pg_ctl stop -m immediate (a crash); DIR is kept
#   bash tools/pg_server.sh restart DIR   # start DIR's cluster again, same port and socket
#   bash tools/pg_server.sh stop DIR      # stop the server (if any) and remove DIR
#
# start removes a stale DIR first (stopping a server left running in it), runs
# initdb (trust authentication, --no-sync) and starts the server listening on a
# Unix socket only (listen_addresses = ''), on a port no other program uses.
# PostgreSQL refuses to run as root: run as root, the server runs as the
# `postgres` OS user (Debian's postgresql-15 package creates it); otherwise as
# the current user.
#
# DIR afterwards holds:
#   conninfo     one line, a libpq connection string:
#                host=<socket dir> port=<port> dbname=postgres user=<superuser>
#   server.env   shell assignments (sourceable by sh or bash): PGDATA, PG_BIN,
#                RUN_AS (postgres, or empty), PGHOST, PGPORT, PGUSER, PGDATABASE,
#                PG_LOG, PG_TMP_DIRS
#   data/, log   the cluster and the server's log, when the server's user can
#                write DIR; otherwise (DIR under a directory `postgres` cannot
#                enter, e.g. /root) they live in a mktemp directory under /tmp
#                that server.env names and stop removes.
# The socket is in DIR too, unless DIR's path is too long for a Unix socket
# (about 107 bytes): then it is in a short mktemp directory under /tmp.
#
# The port, socket directory and other settings are written to the cluster's
# postgresql.conf, so a plain `pg_ctl start -D "$PGDATA" -l "$PG_LOG"` (as
# $RUN_AS, if set) brings the server back exactly as restart does.
#
# Environment: PG_BIN (default /usr/lib/postgresql/15/bin) names the directory
# holding initdb, pg_ctl and postgres.
set -euo pipefail

default_pg_bin=/usr/lib/postgresql/15/bin
server_user=postgres # the OS user the server runs as when this script runs as root

usage() {
    echo "usage: $0 start|stop|restart|kill DIR" >&2
    exit 2
}

die() {
    echo "pg_server: $*" >&2
    exit 1
}

# The last lines of a log file, to stderr.
show_tail() {
    local file=$1
    if [[ -s $file ]]; then
        echo "pg_server: --- last lines of $file ---" >&2
        tail -n 30 "$file" >&2 || true
        echo "pg_server: --- end of $file ---" >&2
    fi
}

# Run a command as the server's OS user ($RUN_AS), or directly when RUN_AS is empty.
as_server() {
    if [[ -z $RUN_AS ]]; then
        "$@"
    elif [[ $(id -u) -ne 0 ]]; then
        die "the server in this directory runs as '$RUN_AS'; run this script as root to manage it"
    elif command -v runuser >/dev/null; then
        runuser -u "$RUN_AS" -- "$@"
    else
        su -s /bin/bash -c "$(printf '%q ' "$@")" "$RUN_AS"
    fi
}

# VALUE as a word for sh: unchanged if it is plain, otherwise in single quotes.
sh_word() {
    if [[ $1 =~ ^[A-Za-z0-9_./:@%+,=-]*$ ]]; then
        printf '%s' "$1"
    else
        printf "'%s'" "${1//\'/\'\\\'\'}"
    fi
}

# VALUE as a libpq connection string value: unchanged if it is plain, otherwise quoted.
conninfo_value() {
    if [[ -n $1 && $1 =~ ^[^[:space:]\'\\]*$ ]]; then
        printf '%s' "$1"
    else
        local value=${1//\\/\\\\}
        printf "'%s'" "${value//\'/\\\'}"
    fi
}

# Is anything listening on TCP port PORT (any address)?
port_in_use() {
    local port=$1
    if command -v ss >/dev/null; then
        [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
    fi
}

# A port in 20000..60000 that nothing listens on, starting from a random one.
pick_port() {
    local start=$(((RANDOM * 32768 + RANDOM) % 40001)) i port
    for ((i = 0; i < 40001; i++)); do
        port=$((20000 + (start + i) % 40001))
        if ! port_in_use "$port"; then
            echo "$port"
            return 0
        fi
    done
    die "no free TCP port in 20000-60000"
}

# Is the server of cluster $PGDATA running? (pg_ctl status: 0 running, 3 not running, 4 no cluster)
server_running() {
    [[ -f $PGDATA/postmaster.pid ]] || return 1
    as_server "$PG_BIN/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1
}

# Load DIR/server.env into this shell.
load_env() {
    local dir=$1
    [[ -f $dir/server.env ]] || die "$dir/server.env not found: no server was started in $dir"
    PGDATA='' PG_BIN='' RUN_AS='' PGHOST='' PGPORT='' PG_LOG='' PG_TMP_DIRS=''
    # shellcheck source=/dev/null
    . "$dir/server.env"
    [[ -n $PGDATA && -n $PG_BIN && -n $PGHOST && -n $PGPORT ]] || die "$dir/server.env is incomplete"
    if [[ -n $RUN_AS && $(id -u) -ne 0 ]]; then
        die "the server in $dir runs as '$RUN_AS'; run this script as root to manage it"
    fi
}

# Start the cluster described by the loaded server.env; wait until it accepts connections.
start_server() {
    # The socket directory may live under /tmp, which may have been cleaned since.
    if [[ ! -d $PGHOST ]]; then
        mkdir -p -- "$PGHOST"
        chmod 0700 "$PGHOST"
        if [[ -n $RUN_AS ]]; then chown "$RUN_AS:" "$PGHOST"; fi
    fi
    if ! as_server env LC_ALL=C "$PG_BIN/pg_ctl" start -w -t 120 -s -D "$PGDATA" -l "$PG_LOG"; then
        show_tail "$PG_LOG"
        die "pg_ctl start failed (cluster $PGDATA, socket $PGHOST, port $PGPORT, log $PG_LOG)"
    fi
}

# Stop the server of the loaded server.env if it runs: fast, or else immediate.
stop_server() {
    if ! server_running; then
        return 0
    fi
    if as_server "$PG_BIN/pg_ctl" stop -w -t 60 -s -m fast -D "$PGDATA"; then
        return 0
    fi
    echo "pg_server: pg_ctl stop -m fast failed for $PGDATA; trying -m immediate" >&2
    if as_server "$PG_BIN/pg_ctl" stop -w -t 60 -s -m immediate -D "$PGDATA"; then
        return 0
    fi
    show_tail "$PG_LOG"
    die "could not stop the server of $PGDATA; it may still be running"
}

# Stop whatever runs in DIR and remove DIR and the temporary directories it names.
cmd_stop() {
    local dir=$1
    if [[ -f $dir/server.env ]]; then
        load_env "$dir"
        stop_server
        local tmp
        for tmp in $PG_TMP_DIRS; do
            rm -rf -- "$tmp"
        done
    elif [[ -f $dir/data/postmaster.pid ]]; then
        # A start interrupted before it wrote server.env: the cluster's owner runs its server.
        PGDATA=$dir/data PG_BIN=${PG_BIN:-$default_pg_bin} PG_LOG=$dir/log RUN_AS=''
        if [[ $(id -u) -eq 0 ]]; then
            RUN_AS=$(stat -c %U "$PGDATA")
            if [[ $RUN_AS == root ]]; then RUN_AS=''; fi
        fi
        stop_server
    fi
    if [[ -e $dir ]]; then
        rm -rf -- "$dir" || die "could not remove $dir"
    fi
}

cmd_start() {
    local dir=$1
    PG_BIN=${PG_BIN:-$default_pg_bin}
    local tool
    for tool in initdb pg_ctl postgres; do
        [[ -x $PG_BIN/$tool ]] || die "$PG_BIN/$tool not found: install postgresql-15 (bash tools/quickstart.sh test installs it) or set PG_BIN to the directory holding initdb, pg_ctl and postgres"
    done

    if [[ -e $dir ]]; then
        echo "pg_server: removing the stale $dir" >&2
        (cmd_stop "$dir") || die "could not clean up the stale $dir"
    fi
    mkdir -p "$dir"

    RUN_AS=''
    if [[ $(id -u) -eq 0 ]]; then
        id "$server_user" >/dev/null 2>&1 ||
            die "run as root, but there is no '$server_user' OS user to run the server as (install postgresql-15, or run as an unprivileged user)"
        RUN_AS=$server_user
    fi
    local superuser
    superuser=${RUN_AS:-$(id -un)}

    # Where the cluster and its log go: DIR, if the server's user can use it.
    local base=$dir
    PG_TMP_DIRS=''
    if [[ -n $RUN_AS ]]; then
        chown "$RUN_AS:" "$dir"
        if ! as_server test -w "$dir" -a -x "$dir"; then
            base=$(mktemp -d /tmp/relate-pg.XXXXXX)
            chown "$RUN_AS:" "$base"
            PG_TMP_DIRS=$base
        fi
    fi
    PGDATA=$base/data
    PG_LOG=$base/log

    # The socket: <dir>/.s.PGSQL.<port> must fit sockaddr_un's 108 bytes with its NUL.
    PGHOST=$base
    if ((${#PGHOST} > 90)); then
        PGHOST=$(mktemp -d /tmp/relate-pg-sock.XXXXXX)
        if [[ -n $RUN_AS ]]; then chown "$RUN_AS:" "$PGHOST"; fi
        PG_TMP_DIRS="${PG_TMP_DIRS:+$PG_TMP_DIRS }$PGHOST"
    fi
    [[ $PGHOST != *\'* ]] || die "the socket directory $PGHOST contains a single quote"
    PGPORT=$(pick_port)

    # server.env first, so that stop can clean up after a start that fails from here on.
    {
        echo "# written by tools/pg_server.sh start; sourceable by sh and bash"
        echo "PGDATA=$(sh_word "$PGDATA")"
        echo "PG_BIN=$(sh_word "$PG_BIN")"
        echo "RUN_AS=$(sh_word "$RUN_AS")"
        echo "PGHOST=$(sh_word "$PGHOST")"
        echo "PGPORT=$PGPORT"
        echo "PGUSER=$(sh_word "$superuser")"
        echo "PGDATABASE=postgres"
        echo "PG_LOG=$(sh_word "$PG_LOG")"
        echo "PG_TMP_DIRS=$(sh_word "$PG_TMP_DIRS")"
    } >"$dir/server.env"

    if ! as_server env LC_ALL=C "$PG_BIN/initdb" -D "$PGDATA" -U "$superuser" -A trust \
        -E UTF8 --locale=C --no-sync --no-instructions >"$dir/initdb.log" 2>&1; then
        show_tail "$dir/initdb.log"
        die "initdb failed (cluster $PGDATA, as ${RUN_AS:-$superuser})"
    fi
    cat >>"$PGDATA/postgresql.conf" <<EOF

# --- tools/pg_server.sh: a throwaway server for tests ---
port = $PGPORT
unix_socket_directories = '$PGHOST'
listen_addresses = ''
fsync = off
max_connections = 100
EOF

    start_server

    # conninfo last: its presence means the server was up.
    printf 'host=%s port=%s dbname=postgres user=%s\n' \
        "$(conninfo_value "$PGHOST")" "$PGPORT" "$(conninfo_value "$superuser")" >"$dir/conninfo.tmp"
    mv -f "$dir/conninfo.tmp" "$dir/conninfo"
    echo "pg_server: PostgreSQL running as ${RUN_AS:-$superuser}: $(cat "$dir/conninfo")"
}

cmd_restart() {
    local dir=$1
    load_env "$dir"
    stop_server
    start_server
    echo "pg_server: PostgreSQL restarted: $(cat "$dir/conninfo" 2>/dev/null || echo "host=$PGHOST port=$PGPORT")"
}

cmd_kill() {
    local dir=$1
    load_env "$dir"
    if server_running; then
        as_server "$PG_BIN/pg_ctl" stop -w -t 60 -s -m immediate -D "$PGDATA" ||
            die "pg_ctl stop -m immediate failed for $PGDATA"
    fi
}

[[ $# -eq 2 && -n $2 ]] || usage
command=$1
dir=$(realpath -m -- "$2")
[[ $dir != / ]] || die "refusing to use / as the server directory"
# The server's user may not be allowed into the caller's working directory (initdb needs one).
cd /

case $command in
    start) cmd_start "$dir" ;;
    stop) cmd_stop "$dir" ;;
    restart) cmd_restart "$dir" ;;
    kill) cmd_kill "$dir" ;;
    *) usage ;;
esac
