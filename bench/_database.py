"""
The benchmarks' database setup, shared: a database on a loopback MariaDB (MySQL) or PostgreSQL server, created
(``fresh``: dropped and created again), then Django set up on it and migrated.

TLDR: ``create_database(url, bench="bench_x", fresh=True)`` then ``setup_django(url, data_dir=...)``; then
``contiguous_learners`` and ``insert_graded_attempts`` for the benchmarks that generate attempts with SQL (MariaDB).
A benchmark drops and recreates only a database of its own (its default URL names one); a URL off loopback is
refused, since a benchmark drops what it names. A SQLite URL needs no server: nothing is created (the file is
Django's).
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


def contiguous_learners(count: int) -> int:
    """``count`` learners (``bench0``, ...) with contiguous ids, so attempts name them by arithmetic; the first id."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    User.objects.bulk_create([User(username=f"bench{i}", email=f"bench{i}@example.com") for i in range(count)])
    ids = sorted(User.objects.filter(username__startswith="bench").values_list("id", flat=True))
    if ids[-1] - ids[0] != count - 1:
        raise SystemExit("learner ids are not contiguous; cannot generate attempts by arithmetic")
    return int(ids[0])


def insert_graded_attempts(assessment_id: int, first_user: int, count: int, *, learners: int) -> None:
    """
    ``count`` graded one-point attempts of an assessment in one INSERT ... SELECT over MariaDB's sequence engine:
    attempt ``seq`` is learner ``first_user + seq % learners``'s number ``1 + seq DIV learners`` with ``seed`` =
    ``seq``, and earned its point when ``seq % 3 = 0`` (the benchmarks' responses follow the seed the same way).
    """
    from django.db import connection

    from ve_edu_vault.assessments.models import Attempt

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Attempt._meta.db_table} (assessment_id, user_id, number, state, seed, started_at, deadline,
                submitted_at, graded_at, earned, possible, score, passed, submit_reason, in_progress, modified,
                report_tries, report_error)
            SELECT %s, %s + (seq %% {learners}), 1 + (seq DIV {learners}), 'graded', seq, NOW(6), NULL,
                NOW(6), NOW(6), IF(seq %% 3 = 0, 1, 0), 1, IF(seq %% 3 = 0, 1, 0), IF(seq %% 3 = 0, 1, 0),
                'learner', NULL, NOW(6), 0, ''
            FROM seq_0_to_{count - 1}
            """,
            [assessment_id, first_user],
        )
