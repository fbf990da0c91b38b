#!/usr/bin/env bash
# Starts every process of the assistant and stops them all on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
host=$($PY -c 'from assistant.config import Settings; print(Settings().host)')
port=$($PY -c 'from assistant.config import Settings; print(Settings().port)')
pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT INT TERM
$PY -m assistant serve &
pids+=($!)
for _ in $(seq 1 100); do
  if curl -fsS "http://$host:$port/healthz" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
echo
echo "智导 is running:"
echo "  web:            http://$host:$port/"
echo "  API docs:       http://$host:$port/api/docs"
echo "  editor console: http://$host:$port/console"
echo "Press Ctrl-C to stop."
wait
