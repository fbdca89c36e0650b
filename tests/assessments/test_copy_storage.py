"""
``vault_copy_storage``: a course's questions, attempts and responses copied between the ORM and MongoDB, verified,
resumable.
"""

from __future__ import annotations

import json
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from api_builders import COURSE, learner, make_assessment, right_answers
from django.core.management import CommandError, call_command
from storage_backends import mongodb_backend

from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.copy_storage import copy_course, digest
from ve_edu_vault.assessments.repositories import get_assessment_repository, get_repository
from ve_edu_vault.storage import mongodb

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def mongo(settings: Any) -> Any:
    with mongodb_backend(settings):
        yield


def take(make_user: Any, count: int) -> list[int]:
    """``count`` learners: each a graded attempt, and the last one also an attempt in progress."""
    assessment = make_assessment(attempt_limit=None)
    ids = []
    for index in range(count):
        student = learner(make_user, f"copied{index}")
        view = api.start_attempt(assessment.id, student)
        api.save_answers(view.id, user=student, answers=right_answers(view))
        api.submit_attempt(view.id, user=student)
        ids.append(view.id)
    ids.append(api.start_attempt(assessment.id, student).id)
    return ids


def test_a_course_copies_to_mongodb_and_back_verified(make_user: Any, mongo: None) -> None:
    ids = take(make_user, 3)
    report = copy_course(COURSE, source="django", target="mongodb", batch=2)
    assert report.verified and report.copied == 4 and report.resumed_after == 0
    assert (report.source_digest.attempts, report.source_digest.responses) == (4, 12)
    mongo_side, orm_side = get_repository("mongodb"), get_repository("django")
    assessment_ids = get_assessment_repository().assessment_ids(COURSE)
    assert [a.id for a in mongo_side.course_attempts(assessment_ids, after_id=0, limit=10)] == ids
    copied, original = mongo_side.get_attempt(ids[0]), orm_side.get_attempt(ids[0])
    assert (
        (copied.state, copied.score, copied.number)
        == (original.state, original.score, original.number)
        == (
            "graded",
            pytest.approx(1.0),
            1,
        )
    )
    assert [(r.id, r.answer, r.score) for r in copied.responses] == [
        (r.id, r.answer, r.score) for r in original.responses
    ]
    in_progress = get_repository("mongodb").get_in_progress(report_assessment(), make_user_id("copied2"))
    assert in_progress is not None and in_progress.id == ids[-1]  # the unique in-progress slot is copied too
    # New attempts in MongoDB get ids above the copied ones.
    assert mongodb.next_ids("attempts") > max(ids)
    # And back: a copy into the ORM of what MongoDB holds matches (ids kept, nothing changed).
    back = copy_course(COURSE, source="mongodb", target="django", restart=True)
    assert back.verified and back.copied == 4


def report_assessment() -> int:
    return get_assessment_repository().assessment_ids(COURSE)[0]


def make_user_id(username: str) -> int:
    from django.contrib.auth import get_user_model

    return int(get_user_model().objects.get(username=username).pk)


def test_an_interrupted_copy_resumes_after_the_last_attempt_copied(make_user: Any, mongo: None) -> None:
    take(make_user, 4)
    target = get_repository("mongodb")
    real_put = type(target).put_attempts
    calls = {"count": 0}

    def failing_second_batch(self: Any, attempts: Any) -> int:
        calls["count"] += 1
        if calls["count"] == 2:
            raise ConnectionError("the server went away")
        return real_put(self, attempts)

    with mock.patch.object(type(target), "put_attempts", failing_second_batch), pytest.raises(ConnectionError):
        copy_course(COURSE, source="django", target="mongodb", batch=2)
    assessment_ids = get_assessment_repository().assessment_ids(COURSE)
    assert digest(target, assessment_ids).attempts == 2  # the first batch only
    resumed = copy_course(COURSE, source="django", target="mongodb", batch=2)
    assert resumed.verified and resumed.copied == 3 and resumed.resumed_after > 0


def test_a_difference_is_reported_and_fails_the_command(make_user: Any, mongo: None) -> None:
    ids = take(make_user, 2)
    out = StringIO()
    call_command("vault_copy_storage", str(COURSE), "--from", "django", "--to", "mongodb", "--batch", "1", stdout=out)
    text = out.getvalue()
    assert "copied 1 attempt(s)" in text and "copied 3 attempt(s)" in text and "Verified" in text
    get_repository("mongodb").update_response(get_repository("mongodb").get_attempt(ids[0]).responses[0].id, score=0.0)
    with pytest.raises(CommandError, match="differs"):
        call_command("vault_copy_storage", str(COURSE), "--from", "django", "--to", "mongodb", "--json", stdout=out)
    report = json.loads(out.getvalue().strip().splitlines()[-1])
    assert report["verified"] is False and report["copied"] == 0  # nothing after the last attempt: a no-op resume
    assert report["source_digest"]["attempts"] == report["target_digest"]["attempts"] == 3
    assert report["source_digest"]["sha256"] != report["target_digest"]["sha256"]


def test_bad_arguments_are_refused(db: None) -> None:
    with pytest.raises(CommandError, match="Not a course key"):
        call_command("vault_copy_storage", "nope", "--from", "django", "--to", "mongodb")
    with pytest.raises(CommandError, match="same backend"):
        call_command("vault_copy_storage", str(COURSE), "--from", "django", "--to", "django")


def bank() -> list[int]:
    """The synced course's three questions, the first edited twice (three versions), the last archived."""
    from api_builders import fib, make_questions, mc, sync_course

    from ve_edu_vault.questions import api as questions

    sync_course()
    ids = make_questions()
    questions.edit_question(ids[0], content=mc("Edited once"))
    questions.edit_question(ids[0], content=fib())
    questions.archive_question(ids[2])
    return ids


def test_questions_copy_to_mongodb_with_every_version_and_back(mongo: None) -> None:
    from ve_edu_vault.questions import api as questions

    ids = bank()
    report = copy_course(COURSE, source="django", target="mongodb")
    assert report.verified and report.questions_copied == 3 and report.questions_resumed_after == 0
    assert (report.source_questions.questions, report.source_questions.versions) == (3, 5)
    orm_side, mongo_side = questions.question_repository("django"), questions.question_repository("mongodb")
    for question_id in ids:
        copied, original = mongo_side.get(question_id), orm_side.get(question_id)
        assert (copied.course_key, copied.node_id, copied.node_usage_key, copied.archived) == (
            original.course_key,
            original.node_id,
            original.node_usage_key,
            original.archived,
        )
        assert [(v.id, v.number, v.content, v.tags) for v in mongo_side.list_versions(question_id)] == [
            (v.id, v.number, v.content, v.tags) for v in orm_side.list_versions(question_id)
        ]
    current = lambda repository: repository.get(ids[0]).current_version  # noqa: E731
    assert (current(mongo_side).id, current(mongo_side).number) == (current(orm_side).id, 3)
    # New questions in MongoDB get ids above the copied ones; copied back, a new one lands in SQL with its id.
    made = mongo_side.create(course_key=COURSE, version=_new_version())
    assert made.id > max(ids)
    back = copy_course(COURSE, source="mongodb", target="django")
    assert back.verified and back.questions_copied == 1 and back.questions_resumed_after == max(ids)
    assert orm_side.get(made.id).current_version.title == "Copied back"
    # The SQL sequence continues above the copied id.
    assert questions.create_question(COURSE, content=_content("After")).id > made.id


def _content(title: str) -> dict[str, Any]:
    from api_builders import mc

    return mc(title)


def _new_version() -> Any:
    from ve_edu_vault.questions.data import QuestionContent
    from ve_edu_vault.questions.data_api import NewVersion

    return NewVersion.from_content(QuestionContent.from_dict(_content("Copied back")))


def test_an_interrupted_question_copy_resumes(mongo: None) -> None:
    from ve_edu_vault.questions import api as questions

    ids = bank()
    target = questions.question_repository("mongodb")
    real_put = type(target).put_questions
    calls = {"count": 0}

    def failing_second_batch(self: Any, records: Any) -> int:
        calls["count"] += 1
        if calls["count"] == 2:
            raise ConnectionError("the server went away")
        return real_put(self, records)

    with mock.patch.object(type(target), "put_questions", failing_second_batch), pytest.raises(ConnectionError):
        copy_course(COURSE, source="django", target="mongodb", batch=2)
    assert target.max_question_id(COURSE) == ids[1]  # the first batch only
    resumed = copy_course(COURSE, source="django", target="mongodb", batch=2)
    assert resumed.verified and resumed.questions_copied == 1 and resumed.questions_resumed_after == ids[1]


def test_the_command_shows_question_progress_and_catches_a_difference(mongo: None) -> None:
    from ve_edu_vault.questions import api as questions

    ids = bank()
    out = StringIO()
    call_command("vault_copy_storage", str(COURSE), "--from", "django", "--to", "mongodb", "--batch", "2", stdout=out)
    text = out.getvalue()
    assert "copied 2 question(s), up to question" in text and "copied 3 question(s)" in text
    assert "3 questions, 5 versions" in text and "Verified" in text
    questions.edit_question(ids[1], content=_content("Edited after the copy"))  # not copied again without --restart
    with pytest.raises(CommandError, match="differs"):
        call_command("vault_copy_storage", str(COURSE), "--from", "django", "--to", "mongodb", "--json", stdout=out)
    report = json.loads(out.getvalue().strip().splitlines()[-1])
    assert report["source_questions"]["versions"] == 6 and report["target_questions"]["versions"] == 5
    out = StringIO()
    call_command("vault_copy_storage", str(COURSE), "--from", "django", "--to", "mongodb", "--restart", stdout=out)
    assert "Verified" in out.getvalue()
