"""
The indexes of the vault's MongoDB collections: created by ``vault_mongodb_indexes`` (and ``vault_init``),
checked at start-up.

TLDR: the unique ones carry rules the ORM keeps with constraints: one attempt in progress per learner and
assessment (``in_progress_key``, sparse: set only while in progress), one attempt number per learner and
assessment, and response ids unique across attempts; a question version id once across questions, an OLX problem
once per course, an interchange source key once per course (a multikey index on the sources embedded in each
question). The others serve the reads of every request (a
learner's attempts, a response by id, a course's question list) and of the timer sweep, the grade outbox, bulk
regrades and the assessments a regraded question appears in.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

__all__ = ["INDEXES", "ensure_indexes", "missing_indexes", "require_indexes"]

_checked: set[tuple[int, str, str]] = set()

INDEXES: dict[str, list[IndexModel]] = {
    "attempts": [
        IndexModel([("in_progress_key", ASCENDING)], name="one_in_progress", unique=True, sparse=True),
        IndexModel(
            [("assessment_id", ASCENDING), ("user_id", ASCENDING), ("number", ASCENDING)],
            name="attempt_number",
            unique=True,
        ),
        IndexModel([("responses.id", ASCENDING)], name="response_id", unique=True, sparse=True),
        IndexModel([("state", ASCENDING), ("deadline", ASCENDING)], name="expired"),
        IndexModel([("report_due_at", ASCENDING)], name="grade_outbox", sparse=True),
        IndexModel([("responses.question_version_id", ASCENDING), ("state", ASCENDING)], name="regrade"),
        # ``assessments_with_question``: the graded attempts that answered a question (once per finished regrade).
        IndexModel([("responses.question_id", ASCENDING), ("state", ASCENDING)], name="response_question"),
        IndexModel([("user_id", ASCENDING), ("assessment_id", ASCENDING)], name="learner"),
    ],
    # The question bank (questions/repositories/mongodb.py): a question with its versions embedded.
    "questions": [
        IndexModel([("versions.id", ASCENDING)], name="version_id", unique=True, sparse=True),
        IndexModel([("source", ASCENDING)], name="olx_source", unique=True, sparse=True),
        # ``<course>|<source key>`` of each interchange source, embedded with its question (issue 13): multikey.
        IndexModel([("interchange_sources.key", ASCENDING)], name="interchange_source", unique=True, sparse=True),
        IndexModel(
            [("course_key", ASCENDING), ("archived", ASCENDING), ("created", DESCENDING), ("_id", DESCENDING)],
            name="course_list",
        ),
        IndexModel([("node_id", ASCENDING)], name="node", sparse=True),
    ],
    "question_import_jobs": [IndexModel([("modified", ASCENDING)], name="stale")],
}


def ensure_indexes(database: Any) -> list[str]:
    """Create the missing indexes (an existing one is left as it is); returns the names created."""
    created: list[str] = []
    for collection, models in INDEXES.items():
        missing = set(missing_indexes(database, only=collection))
        wanted = [model for model in models if model.document["name"] in missing]
        if wanted:
            created.extend(database[collection].create_indexes(wanted))
    return created


def require_indexes() -> None:
    """
    Refuse to work without the indexes (the unique ones are rules): ImproperlyConfigured naming the command that
    creates them. Checked once per process, server and database.
    """
    import os

    from django.core.exceptions import ImproperlyConfigured

    from . import mongodb

    key = (os.getpid(), mongodb.url(), mongodb.database_name())
    if key in _checked:
        return
    missing = missing_indexes(mongodb.database())
    if missing:
        raise ImproperlyConfigured(
            f"ve-edu-vault: the MongoDB database {mongodb.database_name()!r} (VE_EDU_VAULT_MONGODB_DATABASE) lacks "
            f"the indexes {', '.join(missing)}; create them with: ./manage.py lms vault_mongodb_indexes"
        )
    _checked.add(key)


def forget_checks() -> None:
    """Tests that drop the database check again."""
    _checked.clear()


def missing_indexes(database: Any, *, only: str | None = None) -> list[str]:
    """The names of the indexes not on the server yet (``collection.name``)."""
    missing: list[str] = []
    for collection, models in INDEXES.items():
        if only is not None and collection != only:
            continue
        present = set(database[collection].index_information())
        missing.extend(
            model.document["name"] if only else f"{collection}.{model.document['name']}"
            for model in models
            if model.document["name"] not in present
        )
    return missing
