#!/usr/bin/env bash
# The Rasa dialogue server's chores, in its own virtual environment (.venv-rasa).
#
#   scripts/rasa.sh install    create/refresh .venv-rasa from requirements/rasa.lock (stamp: no-op when done)
#   scripts/rasa.sh prepare    install + export the KB words + train when the training data changed
#   scripts/rasa.sh serve      prepare, then run the Rasa server(s) (REST channel, actions at the app's /webhook)
#   scripts/rasa.sh validate   `rasa data validate`, failing on any warning other than responses used by actions
#   scripts/rasa.sh test       the conversation tests (nlu_data/tests) with --fail-on-prediction-errors
#   scripts/rasa.sh check      validate + test (what `make test` runs after pytest)
#   scripts/rasa.sh bench-nlu  cross-validated intent/entity report into bench/rasa_nlu/
#
# Every rasa command runs in nlu_data/ (JiebaTokenizer's dictionary_path is relative to it).
# Training is skipped when the fingerprint of config, domain, data and dictionary equals the
# stamp next to the model (nlu_data/models/zhidao.fingerprint).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}          # the app's interpreter (exports, settings)
RASA_VENV=${RASA_VENV:-$ROOT/.venv-rasa}
RASA="$RASA_VENV/bin/rasa"
MODEL=models/zhidao.tar.gz
STAMP=models/zhidao.fingerprint
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore SQLALCHEMY_SILENCE_UBER_WARNING=1

install() {
  # The app's venv carries a pinned uv (see Makefile); appended to PATH so system tools still win.
  if ! command -v uv >/dev/null 2>&1 && [[ -x "$ROOT/.venv/bin/uv" ]]; then export PATH="$PATH:$ROOT/.venv/bin"; fi
  scripts/install_rasa.sh "$RASA_VENV" requirements/rasa.lock
}

export_kb() { "$PY" -m assistant rasa export; }

train() {
  local want have=""
  want=$("$PY" -m assistant rasa fingerprint)
  [[ -f nlu_data/$STAMP ]] && have=$(cat "nlu_data/$STAMP")
  if [[ -f nlu_data/$MODEL && "$want" == "$have" ]]; then
    echo "rasa: model up to date (training data unchanged)"
    return
  fi
  echo "rasa: training (training data changed)…"
  local started=$SECONDS
  # launch.py: the policies' rule-first wiring is part of the prediction graph stored in the model.
  (cd nlu_data && "$RASA_VENV/bin/python" launch.py train --domain domain --data data --config config.yml \
      --out models --fixed-model-name zhidao --augmentation 0 --quiet)
  echo "$want" > "nlu_data/$STAMP"
  echo "rasa: trained in $((SECONDS - started)) s"
}

prepare() { install; export_kb; train; }

serve() {
  prepare
  local endpoints ports port logs
  endpoints=$("$PY" -m assistant rasa endpoints)
  # One Rasa server per URL in ASSISTANT_RASA_URL (each runs on one core; the app's gateway sends
  # each conversation to the same one). Only the ports are used: the servers listen on 127.0.0.1.
  ports=$("$PY" -c 'from urllib.parse import urlparse; from assistant.config import Settings; print(*(urlparse(u).port or 5005 for u in Settings().rasa_urls))')
  logs=$(dirname "$endpoints")
  mkdir -p "$logs"
  cd nlu_data
  # launch.py: Rasa's command line with zhidao_rasa/'s performance fixes installed (see there).
  local run=("$RASA_VENV/bin/python" launch.py run --model "$MODEL" --endpoints "$endpoints"
             --credentials credentials.yml --interface 127.0.0.1)
  if [[ $ports != *" "* ]]; then
    exec "${run[@]}" --port "$ports" --log-file "$logs/rasa.log"
  fi
  local pids=()
  trap 'kill "${pids[@]}" 2>/dev/null || true; wait' EXIT INT TERM
  for port in $ports; do
    "${run[@]}" --port "$port" --log-file "$logs/rasa-$port.log" &
    pids+=($!)
  done
  # A server that stops leaves the others serving (its conversations are answered in degraded
  # mode); this returns when none is left.
  local left=${#pids[@]}
  while (( left > 0 )); do
    wait -n || echo "rasa: a Rasa server stopped (exit $?); see $logs/rasa-*.log" >&2
    left=$((left - 1))
  done
}

validate() {
  install; export_kb
  local log; log=$(mktemp)
  (cd nlu_data && "$RASA" data validate --domain domain --data data --config config.yml) >"$log" 2>&1 \
    || { cat "$log"; echo "rasa data validate FAILED" >&2; exit 1; }
  # Responses sent by custom actions, asked by forms (utter_ask_<form>_<slot>) or by Rasa's
  # fallback actions (utter_ask_rephrase, utter_default) are not in stories; any other warning fails.
  local used bad
  used=$( (grep -rhoE 'utter_[a-z_]+' actions assistant/conversation; \
           grep -hoE '^  utter_ask_[a-z_]+' nlu_data/domain/*.yml | tr -d ' '; \
           printf 'utter_default\nutter_ask_rephrase\n') | sort -u)
  bad=$(grep -aE "UserWarning|WARNING" "$log" | grep -avE "DeprecationWarning|MovedIn20Warning|constrain_similarities" \
        | while IFS= read -r line; do
            u=$(grep -oE "utterance 'utter_[a-z_]+' is not used" <<<"$line" | grep -oE "utter_[a-z_]+" || true)
            if [[ -n "$u" ]] && grep -qx "$u" <<<"$used"; then continue; fi
            echo "$line"
          done)
  if [[ -n "$bad" ]]; then echo "$bad"; echo "rasa data validate: warnings above" >&2; exit 1; fi
  echo "rasa data validate: clean ($(grep -ac "is not used in any story" "$log") responses sent by actions, forms or fallbacks)"
}

run_tests() {
  prepare
  rm -rf nlu_data/results/tests
  (cd nlu_data && "$RASA_VENV/bin/python" launch.py test core --model "$MODEL" --stories tests --e2e --fail-on-prediction-errors \
      --out results/tests --no-plot) || { cat nlu_data/results/tests/failed_test_stories.yml 2>/dev/null; exit 1; }
  echo "rasa test: every conversation test passed ($(grep -ch "^  - story:" nlu_data/tests/*.yml | paste -sd+ | bc) stories)"
}

bench_nlu() {
  install; export_kb
  local out=$ROOT/bench/rasa_nlu folds=${FOLDS:-3}
  mkdir -p "$out"; find "$out" -mindepth 1 ! -name README.md -delete  # the README is kept
  local started=$SECONDS
  (cd nlu_data && "$RASA_VENV/bin/python" launch.py test nlu --nlu data --config config.yml --cross-validation --folds "$folds" \
      --out "$out" --no-plot >"$out/log.txt" 2>&1)
  "$PY" - "$out" <<'PYEOF'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
def f1(name):
    p = out / name
    if not p.exists():
        return None
    r = json.loads(p.read_text())
    return r.get("weighted avg", {}).get("f1-score"), r.get("macro avg", {}).get("f1-score")
for label, name in (("intent", "intent_report.json"), ("entity (DIET)", "DIETClassifier_report.json")):
    w = f1(name)
    if w:
        print(f"{label:14s} weighted F1 {w[0]:.3f}  macro F1 {w[1]:.3f}")
PYEOF
  echo "cross-validation: $folds folds in $((SECONDS - started)) s; reports in bench/rasa_nlu/"
}

case "${1:-}" in
  install) install ;;
  prepare) prepare ;;
  serve) serve ;;
  validate) validate ;;
  test) run_tests ;;
  check) validate; (cd nlu_data && "$RASA_VENV/bin/python" launch.py self-check 2>/dev/null); run_tests ;;
  bench-nlu) bench_nlu ;;
  *) sed -n '2,13p' "$0"; exit 2 ;;
esac
