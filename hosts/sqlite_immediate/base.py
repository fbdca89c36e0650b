"""
The SQLite engine for Django 4.2: ``BEGIN IMMEDIATE`` and :data:`hosts.sqlite.INIT_COMMAND`.

What Django 5.1+ do for ``OPTIONS={"transaction_mode": "IMMEDIATE", "init_command": ...}``, on
the two methods they changed in ``django/db/backends/sqlite3/base.py`` (4.2: ``get_new_connection``
only connects and registers functions; ``_start_transaction_under_autocommit`` runs ``BEGIN``).
"""

from __future__ import annotations

from typing import Any

from django.db.backends.sqlite3 import base

from hosts.sqlite import INIT_COMMAND


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        conn = super().get_new_connection(conn_params)
        for command in INIT_COMMAND.split(";"):
            if command := command.strip():
                conn.execute(command)
        return conn

    def _start_transaction_under_autocommit(self) -> None:
        self.cursor().execute("BEGIN IMMEDIATE")
