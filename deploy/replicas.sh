#!/usr/bin/env bash
# Run several app replicas on one machine, one per port, all sharing the session database and the index server:
#
#   INTERVIEWER_DATABASE_URL=postgresql://... INTERVIEWER_CHROMA_URL=http://127.0.0.1:8000 \
#       deploy/replicas.sh start 7861 7862     # then nginx with deploy/nginx.conf in front
#   deploy/replicas.sh status
#   deploy/replicas.sh stop
#
# Each replica is `python app.py` with its own port; logs and pid files go to $INTERVIEWER_DATA_DIR/replicas/.
# For machines with systemd, deploy/interviewer@.service does the same (one unit per port).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
DATA=${INTERVIEWER_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/interviewer}
RUN="$DATA/replicas"

usage() { echo "usage: $0 start PORT [PORT...] | stop | status" >&2; exit 2; }

# A pid that answers kill -0 may be a dead replica nobody has reaped yet (a zombie: in a container whose first
# process does not reap, a killed replica stays one), so "running" also means "not in state Z".
running() {
    local pid=$1
    kill -0 "$pid" 2>/dev/null || return 1
    if [ -r "/proc/$pid/status" ]; then
        ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status"
    fi
}

case "${1:-}" in
start)
    shift
    [ "$#" -ge 1 ] || usage
    if [ "$#" -gt 1 ] && { [ -z "${INTERVIEWER_DATABASE_URL:-}" ] || [ -z "${INTERVIEWER_CHROMA_URL:-}" ]; }; then
        echo "error: several replicas need INTERVIEWER_DATABASE_URL (PostgreSQL) and INTERVIEWER_CHROMA_URL (a Chroma" \
             "server): a local index folder is not safe to share between processes" >&2
        exit 2
    fi
    mkdir -p "$RUN"
    for port in "$@"; do
        if [ -f "$RUN/$port.pid" ] && running "$(cat "$RUN/$port.pid")"; then
            echo "replica on port $port is already running (pid $(cat "$RUN/$port.pid"))"
            continue
        fi
        INTERVIEWER_PORT=$port INTERVIEWER_DATA_DIR=$DATA nohup "$PYTHON" app.py >"$RUN/$port.log" 2>&1 &
        echo $! >"$RUN/$port.pid"
        echo "replica on port $port: pid $!, log $RUN/$port.log"
    done
    ;;
stop)
    for pidfile in "$RUN"/*.pid; do
        [ -e "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        running "$pid" && kill "$pid" 2>/dev/null && echo "stopped the replica on port $(basename "$pidfile" .pid) (pid $pid)"
        rm -f "$pidfile"
    done
    ;;
status)
    for pidfile in "$RUN"/*.pid; do
        [ -e "$pidfile" ] || continue
        port=$(basename "$pidfile" .pid)
        if running "$(cat "$pidfile")"; then echo "$port running"; else echo "$port stopped"; fi
    done
    ;;
*)
    usage
    ;;
esac
