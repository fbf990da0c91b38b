#!/usr/bin/env bash
# Whole-stack benchmark on a fresh stack: a temporary data dir (SQLite app database and Rasa
# tracker store), the app and the Rasa server(s) on free loopback ports, then bench/conversation.py
# (20 concurrent citizens by default; extra arguments are passed on). Stops them afterwards.
# RASA_SERVERS=N runs N Rasa servers (default: as many as the settings' rasa_url lists).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export ASSISTANT_DATA_DIR=${ASSISTANT_DATA_DIR:-$(mktemp -d /tmp/zd-bench.XXXXXX)}
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export ASSISTANT_PORT=${ASSISTANT_PORT:-$(free_port)}
servers=${RASA_SERVERS:-$("$PY" -c 'from assistant.config import Settings; print(len(Settings().rasa_urls))')}
urls=()
for _ in $(seq 1 "$servers"); do urls+=("http://127.0.0.1:$(free_port)"); done
ASSISTANT_RASA_URL=$(IFS=,; echo "${urls[*]}")
export ASSISTANT_RASA_URL
export ASSISTANT_LOG_LEVEL=WARNING
pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

"$PY" -m assistant setup >/dev/null
PY=$PY scripts/rasa.sh prepare >/dev/null
"$PY" -m assistant serve --port "$ASSISTANT_PORT" >"$ASSISTANT_DATA_DIR/app.log" 2>&1 &
pids+=($!)
PY=$PY scripts/rasa.sh serve >"$ASSISTANT_DATA_DIR/rasa.out" 2>&1 &
pids+=($!)
started=$SECONDS
up() {
  for u in "${urls[@]}"; do curl -fsS "$u/" >/dev/null 2>&1 || return 1; done
  curl -fsS "http://127.0.0.1:$ASSISTANT_PORT/healthz" >/dev/null 2>&1
}
until up; do
  sleep 1
  if (( SECONDS - started > 600 )); then echo "stack did not come up" >&2; exit 1; fi
done
echo "stack up in $((SECONDS - started)) s (app :$ASSISTANT_PORT, Rasa ${ASSISTANT_RASA_URL//http:\/\/127.0.0.1/})"
# Each Rasa server's first answer pays for TensorFlow's graph tracing (make run warms them too).
for u in "${urls[@]}"; do
  curl -fsS -X POST "$u/webhooks/rest/webhook" -H 'Content-Type: application/json' \
    -d '{"sender": "warm-up", "message": "你好"}' >/dev/null
done
rasa_pids=$(pgrep -P "${pids[1]}" -f launch.py || echo "${pids[1]}")  # several servers: each one
measured=(--pid "${pids[0]}")
for p in $rasa_pids; do measured+=(--pid "$p"); done
"$PY" bench/conversation.py --url "http://127.0.0.1:$ASSISTANT_PORT" "${measured[@]}" "$@"
