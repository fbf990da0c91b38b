#!/usr/bin/env bash
# Starts every process of the assistant and stops them all on Ctrl-C: the app (API, channels,
# consoles, Rasa's custom actions at /webhook) and the Rasa dialogue server (own venv, trained
# model: installed and trained on first run, retrained only when nlu_data/ or the KB changed).
# Until Rasa is up, the app answers guide questions directly (degraded mode).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
host=$($PY -c 'from assistant.config import Settings; print(Settings().host)')
port=$($PY -c 'from assistant.config import Settings; print(Settings().port)')
rasa_urls=$($PY -c 'from assistant.config import Settings; print(*Settings().rasa_urls)')
pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT INT TERM
$PY -m assistant serve &
pids+=($!)
PY=$PY scripts/rasa.sh serve &
pids+=($!)
for _ in $(seq 1 100); do
  if curl -fsS "http://$host:$port/healthz" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
# Rasa's first answer pays for TensorFlow's graph tracing: spend it on a warm-up message.
for rasa_url in $rasa_urls; do
  ( until curl -fsS "$rasa_url/" >/dev/null 2>&1; do sleep 2; done
    curl -fsS -X POST "$rasa_url/webhooks/rest/webhook" -H 'Content-Type: application/json' \
      -d '{"sender": "warm-up", "message": "你好"}' >/dev/null 2>&1 || true ) &
  pids+=($!)
done
echo
echo "智导 is running:"
echo "  web:            http://$host:$port/"
echo "  API docs:       http://$host:$port/api/docs"
echo "  editor console: http://$host:$port/console"
echo "  chat API:       POST http://$host:$port/api/v1/chat"
echo "  dialogue:       ${rasa_urls// /, } (Rasa; the first run installs and trains it, see data/rasa/)"
echo "Press Ctrl-C to stop."
wait
