"""
Uploads that are never imported do not stay in the import storage: ``expire_question_uploads`` (beat, hourly)
deletes the files of jobs not imported within ``VE_EDU_VAULT_IMPORT_UPLOAD_TTL_HOURS`` and keeps each job as
the audit record, failed with the reason.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from interchange_files import data
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault import conf
from ve_edu_vault.errors import ConflictError
from ve_edu_vault.questions import api
from ve_edu_vault.questions.models import QuestionImportJob
from ve_edu_vault.questions.tasks import expire_question_uploads

pytestmark = [pytest.mark.both_hosts, pytest.mark.django_db]

COURSE = CourseKey.from_string("course-v1:TestX+Expiry+1")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def age(job_id: int, hours: float) -> None:
    QuestionImportJob.objects.filter(pk=job_id).update(modified=timezone.now() - timedelta(hours=hours))


def test_an_unconfirmed_upload_is_deleted_after_the_ttl_and_its_job_kept_with_the_reason():
    stale = api.start_import_job(COURSE, data("aiken.txt"), "stale.txt", partial=True)
    fresh = api.start_import_job(COURSE, data("aiken.txt"), "fresh.txt", partial=True)
    assert stale.status == fresh.status == "previewed"
    age(stale.id, 25)

    assert expire_question_uploads() == 1

    expired = api.get_import_job(stale.id)
    assert expired.status == "failed" and expired.storage_name == ""
    assert expired.error == "The upload was removed: it was not imported within 24 hours (it was previewed)."
    assert expired.file_name == "stale.txt" and expired.preview is not None  # the audit record stays
    assert not conf.import_storage().exists(stale.storage_name)
    assert conf.import_storage().exists(fresh.storage_name) and api.get_import_job(fresh.id) == fresh
    with pytest.raises(ConflictError, match="This import is failed"):
        api.confirm_import_job(stale.id)
    assert api.confirm_import_job(fresh.id).status == "imported"
    assert api.list_questions(COURSE).total == 3


def test_refused_failed_and_lost_jobs_expire_and_imported_ones_are_left_alone(settings: Any):
    settings.VE_EDU_VAULT_IMPORT_UPLOAD_TTL_HOURS = 2
    refused = api.start_import_job(COURSE, data("aiken.txt"), "refused.txt")
    api.confirm_import_job(refused.id)
    broken = api.start_import_job(COURSE, b"\x00\x01 not a question file", "broken.txt")
    lost = api.start_import_job(COURSE, data("aiken.txt"), "lost.txt", partial=True)
    QuestionImportJob.objects.filter(pk=lost.id).update(status="importing")  # its task never ran
    imported = api.confirm_import_job(api.start_import_job(COURSE, data("aiken.txt"), "ok.txt", partial=True).id)
    statuses = {job.id: api.get_import_job(job.id).status for job in (refused, broken, lost, imported)}
    for job_id in statuses:
        age(job_id, 3)

    assert api.expire_uploads() == 3

    for job in (refused, broken, lost):
        after = api.get_import_job(job.id)
        assert after.status == "failed" and after.storage_name == ""
        assert after.error == f"The upload was removed: it was not imported within 2 hours (it was {statuses[job.id]})."
        assert not conf.import_storage().exists(job.storage_name)
    assert api.get_import_job(imported.id).status == "imported"
    assert api.expire_uploads() == 0  # nothing left to do: a second run changes nothing


def test_a_task_delivered_after_its_upload_expired_does_nothing():
    job = api.start_import_job(COURSE, data("aiken.txt"), "late.txt", partial=True)
    QuestionImportJob.objects.filter(pk=job.id).update(status="importing")
    age(job.id, 48)
    api.expire_uploads()
    expired = api.get_import_job(job.id)

    assert api.run_import_job(job.id) == expired
    assert api.preview_import_job(job.id) == expired
    assert api.list_questions(COURSE).total == 0


class RefusesToDelete(FileSystemStorage):
    """A storage whose delete fails for one file (as S3 can): that job is kept for the next run."""

    def delete(self, name: str) -> None:
        if "stuck" in name:
            raise OSError("the storage is not reachable")
        super().delete(name)


def test_a_file_that_cannot_be_deleted_is_retried_on_the_next_run(settings: Any, tmp_path: Any):
    settings.VE_EDU_VAULT_IMPORT_STORAGE = f"{__name__}.RefusesToDelete"
    stuck = api.start_import_job(COURSE, data("aiken.txt"), "stuck.txt", partial=True)
    other = api.start_import_job(COURSE, data("aiken.txt"), "other.txt", partial=True)
    age(stuck.id, 30)
    age(other.id, 30)

    assert api.expire_uploads(batch=1) == 1

    assert api.get_import_job(stuck.id).status == "previewed" and conf.import_storage().exists(stuck.storage_name)
    assert api.get_import_job(other.id).status == "failed"
    settings.VE_EDU_VAULT_IMPORT_STORAGE = None
    assert api.expire_uploads() == 1 and api.get_import_job(stuck.id).status == "failed"
