"""
A large upload on a real Celery worker (Redis broker, the test database): the worker previews it, then imports
it when the author confirms; progress and report land on the job; the stored upload is removed afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from interchange_files import zip_folder
from opaque_keys.edx.keys import CourseKey

from tests.celery_worker import celery_worker
from ve_edu_vault import conf
from ve_edu_vault.questions import api

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.slow,
    pytest.mark.both_hosts,
    pytest.mark.django_db(transaction=True),
]
COURSE = CourseKey.from_string("course-v1:TestX+Course+1")


def test_a_large_package_is_previewed_and_imported_by_the_worker(tmp_path: Path, settings: Any, make_user: Any):
    settings.VE_EDU_VAULT_IMPORT_INLINE_MAX_BYTES = 100  # every upload is "large" here
    author = make_user("worker_author")
    with celery_worker(tmp_path) as worker:
        job = api.start_import_job(COURSE, zip_folder("qti3_package"), "bank.zip", author=author)
        assert job.status == "previewing"
        assert worker.wait_for(lambda: api.get_import_job(job.id).status == "previewed", timeout=60), worker.log()
        preview = api.get_import_job(job.id).preview
        assert preview["counts"] == {"created": 6, "updated": 0, "unchanged": 0, "refused": 2}
        assert api.list_questions(COURSE).total == 0
        confirmed = api.confirm_import_job(job.id, partial=True)
        assert confirmed.status == "importing"
        assert worker.wait_for(lambda: api.get_import_job(job.id).status == "imported", timeout=60), worker.log()
        assert worker.wait_for(lambda: worker.succeeded("run_question_import") >= 1, timeout=10), worker.log()
    done = api.get_import_job(job.id)
    assert done.report["counts"]["created"] == 6 and done.done == done.total == 8
    assert api.list_questions(COURSE).total == 6
    assert all(api.get_version(q.current_version.id).author_id == author.pk for q in api.list_questions(COURSE).items)
    assert not conf.import_storage().exists(done.storage_name)
