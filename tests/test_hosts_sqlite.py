"""
``hosts.sqlite``: the demo's SQLite settings on each supported Django (issue 18, item 6).

The racing requests themselves are in ``tests/assessments/test_sqlite_concurrency.py``; these
check the two ways of getting there, so the one the running Django does not use is tested too.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import django
import pytest
from django.db.utils import ConnectionHandler

from hosts import sqlite as hosts_sqlite

pytestmark = [pytest.mark.both_hosts]


def test_django_5_1_and_later_get_options(monkeypatch: Any) -> None:
    monkeypatch.setattr(django, "VERSION", (5, 2, 0, "final", 0))
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": "x.sqlite3"}
    hosts_sqlite.configure_sqlite(database)
    assert database == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "x.sqlite3",
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": hosts_sqlite.INIT_COMMAND},
    }


def test_django_4_2_gets_the_immediate_engine(monkeypatch: Any) -> None:
    monkeypatch.setattr(django, "VERSION", (4, 2, 30, "final", 0))
    database: dict[str, Any] = {"ENGINE": "django.db.backends.sqlite3", "NAME": "x.sqlite3", "OPTIONS": {"timeout": 3}}
    hosts_sqlite.configure_sqlite(database)
    assert database == {"ENGINE": "hosts.sqlite_immediate", "NAME": "x.sqlite3", "OPTIONS": {"timeout": 3}}


def test_other_databases_are_left_alone() -> None:
    database = {"ENGINE": "django.db.backends.mysql", "NAME": "vault"}
    hosts_sqlite.configure_sqlite(database)
    assert database == {"ENGINE": "django.db.backends.mysql", "NAME": "vault"}


@pytest.mark.parametrize("engine", ["hosts.sqlite_immediate", "configured"])
def test_a_transaction_takes_the_write_lock_when_it_begins(tmp_path: Path, engine: str, django_db_blocker: Any) -> None:
    """A second writer is refused at its BEGIN IMMEDIATE while the first holds the lock: it would wait, not deadlock."""
    name = str(tmp_path / "demo.sqlite3")
    database: dict[str, Any] = {"ENGINE": "django.db.backends.sqlite3", "NAME": name}
    if engine == "configured":
        hosts_sqlite.configure_sqlite(database)  # whichever way this Django takes
    else:
        database = {"ENGINE": engine, "NAME": name}
    wrapper = ConnectionHandler({"default": database})["default"]
    with django_db_blocker.unblock():
        try:
            wrapper.ensure_connection()
            with wrapper.cursor() as cursor:
                cursor.execute("CREATE TABLE t (x integer)")
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
            wrapper._start_transaction_under_autocommit()
            other = sqlite3.connect(name, timeout=0)
            try:
                other.execute("SELECT count(*) FROM t").fetchone()  # WAL: reading while a writer holds the lock
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            finally:
                other.close()
            with wrapper.cursor() as cursor:
                cursor.execute("ROLLBACK")
        finally:
            wrapper.close()
