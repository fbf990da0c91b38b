#!/usr/bin/env bash
# Install Rasa Open Source 3.6.21 (+ rasa-sdk 3.6.2) into its own virtualenv on CPython 3.11.
#
#   usage: scripts/install_rasa.sh VENV_DIR LOCKFILE
#     e.g. scripts/install_rasa.sh .venv-rasa requirements/rasa.lock
#
# Steps: create VENV_DIR with python3.11 if missing -> install LOCKFILE (exact pins; uv if on PATH, else pip)
#        -> install rasa/rasa-sdk with --no-deps (they declare Requires-Python <3.11)
#        -> smoke test -> write VENV_DIR/.installed (sha256 of the lock + rasa versions).
# A re-run with an unchanged lock (and unchanged rasa versions) exits at once.
# Env: PYTHON=python3.11 (interpreter to create the venv with), RASA_INSTALLER=uv|pip (default: uv if available).
# Note: installs are additive; a pin removed from the lock is not uninstalled. For an exact env, delete VENV_DIR first.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 VENV_DIR LOCKFILE" >&2
  exit 2
fi
VENV_DIR=$1
LOCK=$2
PYTHON=${PYTHON:-python3.11}
RASA_PKGS=(rasa==3.6.21 rasa-sdk==3.6.2)
STAMP="$VENV_DIR/.installed"

[[ -f "$LOCK" ]] || { echo "install_rasa: lock file not found: $LOCK" >&2; exit 2; }

if command -v sha256sum >/dev/null 2>&1; then
  LOCK_SHA=$(sha256sum "$LOCK" | cut -d' ' -f1)
else
  LOCK_SHA=$(shasum -a 256 "$LOCK" | cut -d' ' -f1)
fi
WANT="$LOCK_SHA ${RASA_PKGS[*]}"

# Fast path: nothing to do.
if [[ -x "$VENV_DIR/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
  echo "install_rasa: $VENV_DIR up to date (lock sha256 $LOCK_SHA)"
  exit 0
fi

INSTALLER=${RASA_INSTALLER:-}
if [[ -z "$INSTALLER" ]]; then
  if command -v uv >/dev/null 2>&1; then INSTALLER=uv; else INSTALLER=pip; fi
fi
[[ "$INSTALLER" == uv || "$INSTALLER" == pip ]] || { echo "install_rasa: RASA_INSTALLER must be uv or pip" >&2; exit 2; }

# 1. virtualenv
if [[ ! -x "$VENV_DIR/bin/python" ]]; then
  command -v "$PYTHON" >/dev/null 2>&1 || { echo "install_rasa: $PYTHON not found (set PYTHON=...)" >&2; exit 1; }
  echo "install_rasa: creating $VENV_DIR with $PYTHON"
  if ! "$PYTHON" -m venv "$VENV_DIR"; then
    # e.g. Debian without python3.11-venv (no ensurepip)
    rm -rf "$VENV_DIR"
    if command -v uv >/dev/null 2>&1; then
      uv venv --seed --python "$PYTHON" "$VENV_DIR"
    elif "$PYTHON" -m virtualenv --version >/dev/null 2>&1; then
      "$PYTHON" -m virtualenv "$VENV_DIR"
    else
      echo "install_rasa: cannot create a venv: install python3.11-venv (or uv / virtualenv)" >&2
      exit 1
    fi
  fi
fi
VPY="$VENV_DIR/bin/python"
"$VPY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' \
  || { echo "install_rasa: $VPY is not Python 3.11" >&2; exit 1; }

rm -f "$STAMP"   # an interrupted install must not look finished

# multidict==5.2.0 (required by sanic 21.12) has no cp311 wheel: its sdist needs a C compiler and Python.h.
# Without them, build its pure-Python variant instead of failing.
if ! command -v cc >/dev/null 2>&1 || \
   ! "$VPY" -c 'import os, sys, sysconfig; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)'; then
  echo "install_rasa: no C compiler or Python.h: building multidict without C extension (MULTIDICT_NO_EXTENSIONS=1)"
  export MULTIDICT_NO_EXTENSIONS=1
fi

# 2. locked dependencies, 3. rasa itself without dependency resolution
if [[ "$INSTALLER" == uv ]]; then
  echo "install_rasa: installing $LOCK with uv"
  uv pip install --python "$VPY" -r "$LOCK"
  # uv does not check Requires-Python of explicitly named packages under --no-deps.
  # --compile-bytecode (all of site-packages): Rasa and TensorFlow then load from .pyc files, even
  # where PYTHONDONTWRITEBYTECODE is set — `launch.py self-check` 23 s → 8 s, the server's start alike.
  uv pip install --python "$VPY" --no-deps --compile-bytecode "${RASA_PKGS[@]}"
else
  echo "install_rasa: installing $LOCK with pip"
  "$VPY" -m pip install --disable-pip-version-check -r "$LOCK"
  "$VPY" -m pip install --disable-pip-version-check --no-deps --ignore-requires-python "${RASA_PKGS[@]}"
  "$VPY" -m compileall -q -j 0 "$("$VPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" >/dev/null || true
fi

# 4. smoke test: rasa and its heavy imports load (import noise is shown only on failure)
if ! smoke=$(TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore "$VPY" - 2>&1 <<'PY'
import importlib.metadata as md
import rasa, rasa_sdk, tensorflow, jieba, sqlalchemy  # noqa: F401
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer  # noqa: F401
assert md.version("rasa") == "3.6.21", md.version("rasa")
assert md.version("rasa-sdk") == "3.6.2", md.version("rasa-sdk")
print("install_rasa: smoke test ok: rasa", md.version("rasa"), "tensorflow", tensorflow.__version__)
PY
); then
  echo "$smoke" >&2
  echo "install_rasa: smoke test FAILED" >&2
  exit 1
fi
echo "$smoke" | grep '^install_rasa:'

echo "$WANT" > "$STAMP"
echo "install_rasa: done ($VENV_DIR)"
