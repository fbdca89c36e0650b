"""
The analytics tests' storage fixture: one fixed data set through both attempt backends.

TLDR: ``storage`` is parametrised by backend name (``tests/storage_backends.py``). On "mongodb" it selects the
MongoDB backend (the stand-in, or the server of ``VAULT_TEST_MONGODB_URL``) before the test writes its attempts, so
``builders.add_attempt`` and the learner's submit path store them there; afterwards it checks that no attempt reached
the SQL tables, so the statistics the test checked can only have come from MongoDB.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from storage_backends import BACKENDS, mongodb_backend


@pytest.fixture(params=BACKENDS)
def storage(request: pytest.FixtureRequest, db: None, settings: Any) -> Iterator[str]:
    if request.param != "mongodb":
        yield request.param
        return
    from ve_edu_vault.assessments.models import Attempt

    with mongodb_backend(settings, select=True):
        yield request.param
        assert not Attempt.objects.exists(), "an attempt was written to SQL on the MongoDB backend"
