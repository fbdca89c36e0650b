"""
SQLite for the demo and the SQLite test runs: concurrent requests wait for each other, never 500.

TLDR: ``configure_sqlite(DATABASES["default"])``. Three settings (issue 18, item 6; ADR 0015):

- ``BEGIN IMMEDIATE`` for every transaction. Django begins them ``DEFERRED``: two submits of one
  attempt both read it, then both ask for the write lock, and SQLite refuses one at once
  (``SQLITE_BUSY``: waiting could deadlock, so the busy timeout does not apply) and the request
  ended ``500 database is locked``. Taking the write lock first makes the second writer wait.
- A busy timeout of :data:`BUSY_TIMEOUT_SECONDS` (Python's default is 5 s) for that wait.
- WAL journal mode: readers never wait for the writer, nor the writer for readers.

Django 5.1 added ``OPTIONS["transaction_mode"]`` and ``OPTIONS["init_command"]`` for SQLite
(``django/db/backends/sqlite3/base.py``: ``get_connection_params`` pops both, ``get_new_connection``
runs the commands, ``_start_transaction_under_autocommit`` issues ``BEGIN {transaction_mode}``).
Django 4.2's backend passes every option to ``sqlite3.connect`` (which refuses both) and always
issues a bare ``BEGIN``, so on 4.2 the engine is :mod:`hosts.sqlite_immediate`, a subclass doing
the same two things. MariaDB and PostgreSQL are left alone: they lock rows.
"""

from __future__ import annotations

from typing import Any

import django

SQLITE_ENGINE = "django.db.backends.sqlite3"
#: How long a writer waits for another writer's transaction to end before giving up.
BUSY_TIMEOUT_SECONDS = 20
#: Run on every new connection.
INIT_COMMAND = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"


def configure_sqlite(database: dict[str, Any]) -> None:
    """Set ``database`` (one ``DATABASES`` entry) up for concurrent requests, if it is SQLite."""
    if database.get("ENGINE") != SQLITE_ENGINE:
        return
    options = database.setdefault("OPTIONS", {})
    options.setdefault("timeout", BUSY_TIMEOUT_SECONDS)
    if django.VERSION >= (5, 1):
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("init_command", INIT_COMMAND)
    else:
        database["ENGINE"] = "hosts.sqlite_immediate"
