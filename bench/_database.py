"""
The benchmarks' database setup, shared: a database on a loopback MariaDB (MySQL) or PostgreSQL server, created
(``fresh``: dropped and created again), then Django set up on it and migrated.

TLDR: ``create_database(url, bench="bench_x", fresh=True)`` then ``setup_django(url, data_dir=...)``. A benchmark
drops and recreates only a database of its own (its default URL names one); a URL off loopback is refused, since a
benchmark drops what it names. A SQLite URL needs no server: nothing is created (the file is Django's).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: The collation the benchmarks that generate rows with SQL create their MariaDB databases with.
UNICODE_CI = "utf8mb4_unicode_ci"


def create_database(database_url: str, *, bench: str, fresh: bool, collation: str | None = UNICODE_CI) -> None:
    """
    Create the database ``database_url`` names on its server unless it exists; ``fresh`` drops it first.

    ``collation`` (MariaDB): the database's collation with ``utf8mb4``; ``None`` for the server's default.
    """
    url = urlparse(database_url)
    if not url.scheme.startswith(("mysql", "postgres")):
        return
    if url.hostname not in LOOPBACK:
        raise SystemExit(f"{bench} runs on loopback only")
    name = url.path.lstrip("/")
    if url.scheme.startswith("postgres"):
        import psycopg

        with psycopg.connect(
            host=url.hostname,
            port=url.port or 5432,
            user=url.username or "postgres",
            dbname="postgres",
            autocommit=True,
        ) as conn:
            if fresh:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            if fresh or not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        return
    import MySQLdb

    conn = MySQLdb.connect(
        host=url.hostname, port=url.port or 3306, user=url.username or "root", passwd=url.password or ""
    )
    try:
        cursor = conn.cursor()
        if fresh:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(
            f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4"
            + (f" COLLATE {collation}" if collation else "")
        )
    finally:
        conn.close()


def setup_django(
    database_url: str, *, data_dir: str, settings: str = "hosts.lms.settings", migrate: bool = True
) -> None:
    """Django on ``database_url`` (production-like: no query log unless ``DJANGO_DEBUG``), migrated."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("VAULT_DATA_DIR", data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ.setdefault("DJANGO_DEBUG", "0")
    Path(os.environ["VAULT_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", "--noinput", verbosity=0)
