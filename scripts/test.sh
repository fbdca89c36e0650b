#!/usr/bin/env bash
# Run the whole suite in the LMS host and in the Studio host, once per database named:
#   scripts/test.sh --parallel mariadb postgresql   (what `make test` and CI run: both at once)
#   scripts/test.sh mariadb postgresql              (one after the other)
#   scripts/test.sh sqlite                 (no server needed)
# Tests that use no database give the same result on every database: they run with the first database named only
# (the others get --without-database-free; ADR 0030), in both hosts.
# Celery tests use a real Redis broker (redis://127.0.0.1:6379/15) and a real worker.
# VAULT_TEST_DB names the server database (default vault; pytest-django tests in test_<name>),
# so two checkouts can run the suite on one machine at once; VAULT_TEST_PATHS narrows it (default tests).
set -uo pipefail
DBNAME="${VAULT_TEST_DB:-vault}"
cd "$(dirname "$0")/.."
BIN=.venv/bin
status=0

need() {  # name, probe command, how to start
  if ! eval "$2" >/dev/null 2>&1; then
    echo "ERROR: $1 is not reachable. Start it with:" >&2
    echo "    $3" >&2
    echo "(see ../shared/SERVICES.md, or .ci/run which starts every service the tests need)" >&2
    exit 2
  fi
}
need Redis "$BIN/python -c 'import redis; redis.Redis(socket_connect_timeout=2).ping()'" \
  'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no'

# One database's runs, both hosts, in order. With --parallel the databases run at the same time, each
# with its own Redis database (broker and cache) and data directory, output prefixed by its name.
run_db() {  # database name, Redis database number, first database named (1 or 0)
  local db=$1 redis_db=$2 first=$3 url rc=0 only_db=()
  if [ "$first" = 0 ]; then only_db=(--without-database-free); fi
  case "$db" in
    mariadb)
      need MariaDB "$BIN/python -c 'import MySQLdb; MySQLdb.connect(host=\"127.0.0.1\", user=\"root\")'" \
        'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd'
      url="mysql://root@127.0.0.1:3306/$DBNAME" ;;
    postgresql)
      need PostgreSQL "$BIN/python -c 'import psycopg; psycopg.connect(\"host=127.0.0.1 user=postgres dbname=postgres\")'" \
        'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'
      url="postgres://postgres@127.0.0.1:5432/$DBNAME" ;;
    sqlite) url="sqlite:///$(pwd)/.data/test-run-$DBNAME.sqlite3" ;;
    *) echo "unknown database $db" >&2; return 2 ;;
  esac
  if [ -n "$redis_db" ]; then
    export CELERY_BROKER_URL="redis://127.0.0.1:6379/$redis_db"
    if [ -n "${CACHE_REDIS_URL:-}" ]; then export CACHE_REDIS_URL="redis://127.0.0.1:6379/$redis_db"; fi
    export VAULT_DATA_DIR="${VAULT_DATA_DIR:-$(pwd)/.data}/test-$db"
  fi
  for host in lms cms; do
    echo "=== $db, $host host ==="
    if [ "$host" = lms ]; then marks=(); else marks=(-m "cms or both_hosts"); fi
    DATABASE_URL="$url" $BIN/python -m pytest -p no:cacheprovider --create-db --ds="hosts.$host.test_settings" \
      "${marks[@]}" "${only_db[@]}" -q --durations=15 ${VAULT_TEST_PATHS:-tests}
    case "$?:${only_db[*]}" in
      0:*) ;;
      5:--without-database-free) echo "(no test of these paths uses a database: they ran with the first database)" ;;
      *) rc=1 ;;
    esac
  done
  return $rc
}

parallel=0
if [ "${1:-}" = "--parallel" ]; then parallel=1; shift; fi
if [ $parallel = 1 ] && [ $# -gt 1 ]; then
  pids=() redis_db=15 first=1
  for db in "$@"; do
    ( run_db "$db" "$redis_db" "$first" 2>&1 | sed -u "s/^/[$db] /"; exit "${PIPESTATUS[0]}" ) &
    pids+=($!) redis_db=$((redis_db - 1)) first=0
  done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
else
  first=1
  for db in "$@"; do run_db "$db" "" "$first" || status=1; first=0; done
fi
exit $status
