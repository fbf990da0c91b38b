#!/usr/bin/env bash
# Runs a command with TEST_POSTGRES_URL pointing at a PostgreSQL server on loopback.
# Uses TEST_POSTGRES_URL when it is already set; otherwise starts a throwaway cluster from
# Debian's PostgreSQL packages (initdb in a temporary folder, stopped and removed afterwards).
# Without PostgreSQL installed, the command runs without it (its PostgreSQL tests are skipped,
# or fail when REQUIRE_POSTGRES=1).
set -euo pipefail

if [[ -n "${TEST_POSTGRES_URL:-}" ]]; then exec "$@"; fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
  echo "with_postgres: PostgreSQL server not installed; running without it" >&2
  exec "$@"
fi

pgdir=$(mktemp -d /tmp/zd-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres "$pgdir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
trap cleanup EXIT
"${as_pg[@]}" "$bindir/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$pgdir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
export TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
echo "with_postgres: PostgreSQL on 127.0.0.1:$port" >&2
set +e
"$@"
status=$?
exit $status
