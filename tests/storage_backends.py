"""
The storage backends the contract suites run against: the ORM (the test run's database) and MongoDB.

MongoDB is the in-process stand-in (``mongomock://``) unless ``VAULT_TEST_MONGODB_URL`` names a real server (then
each test gets a database of its own there, dropped afterwards). What the stand-in does not check is listed in
the README ("MongoDB storage").
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

BACKENDS = ["django", "mongodb"]


def mongodb_url() -> str:
    return os.environ.get("VAULT_TEST_MONGODB_URL") or "mongomock://"


@contextmanager
def mongodb_backend(settings: Any, *, select: bool = False) -> Iterator[None]:
    """A fresh MongoDB database with its indexes; ``select`` also makes it the configured storage backend."""
    from ve_edu_vault.storage import mongodb, mongodb_indexes

    settings.VE_EDU_VAULT_MONGODB_URL = mongodb_url()
    settings.VE_EDU_VAULT_MONGODB_DATABASE = f"vault_test_{uuid.uuid4().hex[:12]}"
    if select:
        settings.VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"
    mongodb.reset()
    mongodb_indexes.forget_checks()
    mongodb_indexes.ensure_indexes(mongodb.database())
    try:
        yield
    finally:
        mongodb.client().drop_database(settings.VE_EDU_VAULT_MONGODB_DATABASE)
        mongodb.reset()
        mongodb_indexes.forget_checks()


@pytest.fixture(params=BACKENDS)
def storage(request: pytest.FixtureRequest, db: None, settings: Any) -> Iterator[str]:
    """
    One data set through both attempt backends (a conftest imports this fixture where its tests want it). On
    "mongodb" the MongoDB backend is selected before the test writes its attempts, so the test's builders and the
    learner's submit path store them there; afterwards no attempt may have reached the SQL tables, so what the test
    checked can only have come from MongoDB.
    """
    if request.param != "mongodb":
        yield request.param
        return
    from ve_edu_vault.assessments.models import Attempt

    with mongodb_backend(settings, select=True):
        yield request.param
        assert not Attempt.objects.exists(), "an attempt was written to SQL on the MongoDB backend"
