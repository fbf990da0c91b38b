#!/usr/bin/env bash
# Whole-stack benchmark on a fresh stack: a temporary data dir (SQLite app database and Rasa
# tracker store), the app and the Rasa server on free loopback ports, then bench/conversation.py
# (20 concurrent citizens by default; extra arguments are passed on). Stops both afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export ASSISTANT_DATA_DIR=${ASSISTANT_DATA_DIR:-$(mktemp -d /tmp/zd-bench.XXXXXX)}
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export ASSISTANT_PORT=${ASSISTANT_PORT:-$(free_port)}
export ASSISTANT_RASA_URL=http://127.0.0.1:$(free_port)
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
until curl -fsS "$ASSISTANT_RASA_URL/" >/dev/null 2>&1 && \
      curl -fsS "http://127.0.0.1:$ASSISTANT_PORT/healthz" >/dev/null 2>&1; do
  sleep 1
  if (( SECONDS - started > 600 )); then echo "stack did not come up" >&2; exit 1; fi
done
echo "stack up in $((SECONDS - started)) s (app :$ASSISTANT_PORT, Rasa ${ASSISTANT_RASA_URL##*:})"
"$PY" bench/conversation.py --url "http://127.0.0.1:$ASSISTANT_PORT" \
  --pid "${pids[0]}" --pid "${pids[1]}" "$@"
