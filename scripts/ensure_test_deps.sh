#!/usr/bin/env bash
# Installs what the tests need from Debian's packages when it is missing and we may install:
# Chromium for the browser tests (Playwright drives /usr/bin/chromium; it downloads no browser)
# and the PostgreSQL server for the database tests.
set -euo pipefail
need=()
[[ -x /usr/bin/chromium ]] || need+=(chromium fonts-noto-cjk)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if ((${#need[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "installing from Debian's packages: ${need[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "missing (install them to run every test): ${need[*]}" >&2
  fi
fi
