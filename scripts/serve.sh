#!/usr/bin/env bash
# Serve the demo: LMS host on :8000, Studio host on :8001, and a Celery worker with beat on the
# filesystem broker under .data/ (no broker server needed). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DATABASE_URL="${DATABASE_URL:-sqlite:///$(pwd)/.data/demo.sqlite3}"
LMS_PORT="${LMS_PORT:-8000}"
CMS_PORT="${CMS_PORT:-8001}"
# The home page links each page on the host that serves it (learner pages: LMS; authoring: Studio).
export VAULT_LMS_ROOT="http://127.0.0.1:$LMS_PORT" VAULT_CMS_ROOT="http://127.0.0.1:$CMS_PORT"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
# DEBUG is off (hosts/base.py: no traceback pages); --insecure lets runserver serve the static files anyway.
$BIN/python manage.py lms runserver --insecure --noreload "127.0.0.1:$LMS_PORT" & pids+=($!)
$BIN/python manage.py cms runserver --insecure --noreload "127.0.0.1:$CMS_PORT" & pids+=($!)
DJANGO_SETTINGS_MODULE=hosts.cms.settings $BIN/celery -A hosts.celery worker --beat --pool=solo \
  --loglevel=WARNING --schedule=.data/celerybeat-schedule & pids+=($!)
cat <<MSG

  ve-edu-vault demo (sign in at /login/ on either host)
  LMS host:    http://127.0.0.1:$LMS_PORT/   learner pages: /ve-edu-vault/courses/course-v1:VaultDemo+VE101+2026/assessments/
  Studio host: http://127.0.0.1:$CMS_PORT/   authoring: /ve-edu-vault/courses/course-v1:VaultDemo+VE101+2026/questions/
  API schema:  http://127.0.0.1:$LMS_PORT/api/ve-edu-vault/v1/schema/
  Admin:       http://127.0.0.1:$LMS_PORT/admin/  (an account: .venv/bin/python manage.py lms createsuperuser)
  Logins:      demo_staff / demo-password (course staff)   demo_learner / demo-password (learner)
  Press Ctrl-C to stop.

MSG
wait
