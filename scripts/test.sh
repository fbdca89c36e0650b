#!/usr/bin/env bash
# Run the whole suite in the LMS host and in the Studio host, once per database named:
#   scripts/test.sh mariadb postgresql     (what `make test` and CI run)
#   scripts/test.sh sqlite                 (no server needed)
# Celery tests use a real Redis broker (redis://127.0.0.1:6379/15) and a real worker.
# VAULT_TEST_DB names the server database (default vault; pytest-django tests in test_<name>),
# so two checkouts can run the suite on one machine at once.
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

for db in "$@"; do
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
    *) echo "unknown database $db" >&2; exit 2 ;;
  esac
  for host in lms cms; do
    echo "=== $db, $host host ==="
    if [ "$host" = lms ]; then marks=(); else marks=(-m "cms or both_hosts"); fi
    DATABASE_URL="$url" $BIN/python -m pytest -p no:cacheprovider --create-db --ds="hosts.$host.test_settings" \
      "${marks[@]}" -q tests || status=1
  done
done
exit $status
