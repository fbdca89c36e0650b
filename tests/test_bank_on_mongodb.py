"""
The configured question bank on MongoDB, end to end (ADR 0027): with ``VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"``
questions, versions, sources and import jobs are documents in MongoDB (the stand-in, or the server named by
``VAULT_TEST_MONGODB_URL``) and the SQL question tables stay empty, through course sync, authoring, the draw, a
learner's attempt, a bulk regrade, the exports, ``vault_copy_storage`` both ways and the demo.

Everything runs in this process: the stand-in is in-process, so paths a Celery worker would run (a regrade's
batches, an import job) are run here through the same api functions the tasks call.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from opaque_keys.edx.keys import CourseKey
from pymongo.errors import BulkWriteError, DuplicateKeyError
from storage_backends import mongodb_backend

from tests.assessments.api_builders import (
    BLOCK,
    COURSE,
    OBJECTIVE_A,
    OBJECTIVE_B,
    SUBTOPIC,
    by_title,
    fib,
    learner,
    make_assessment,
    make_questions,
    mc,
    num,
    outline,
    right_answers,
    sync_course,
)
from ve_edu_vault.analytics import api as analytics
from ve_edu_vault.analytics.exports import ExportRequest
from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.copy_storage import copy_course, question_digest
from ve_edu_vault.assessments.data import AttemptState
from ve_edu_vault.assessments.repositories import get_repository as attempt_repository
from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.course_sync.data import CourseOutline
from ve_edu_vault.questions import api as questions
from ve_edu_vault.questions.data import QuestionContent
from ve_edu_vault.questions.data_api import NewQuestionSource, NewSource, NewVersion, source_key
from ve_edu_vault.questions.models import Question, QuestionImportJob, QuestionSource, QuestionVersion
from ve_edu_vault.questions.repositories import NewQuestion, get_repository
from ve_edu_vault.questions.repositories.mongodb import MongoQuestionRepository
from ve_edu_vault.regrade import api as regrade
from ve_edu_vault.regrade.models import RegradeRun
from ve_edu_vault.storage import mongodb, mongodb_indexes

pytestmark = [pytest.mark.django_db]

OLX_COURSE = CourseKey.from_string("course-v1:TestX+Course+1")  # the course of the shared test OLX export
AIKEN = Path(__file__).resolve().parent / "questions" / "interchange" / "files" / "aiken.txt"
GIFT = AIKEN.with_name("questions.gift")


@pytest.fixture
def mongo(settings: Any) -> Iterator[None]:
    """MongoDB (the stand-in) as the configured storage backend, with its indexes."""
    with mongodb_backend(settings, select=True):
        yield


def sql_bank_is_empty() -> bool:
    """Nothing of the bank went to the SQL tables."""
    return not any(model.objects.exists() for model in (Question, QuestionVersion, QuestionSource, QuestionImportJob))


def documents(course_key: Any = COURSE) -> dict[int, dict[str, Any]]:
    return {doc["_id"]: doc for doc in mongodb.database()["questions"].find({"course_key": str(course_key)})}


def test_authoring_creates_edits_versions_archives_and_filters_in_mongodb(mongo: None, make_user: Any) -> None:
    assert isinstance(get_repository(), MongoQuestionRepository)
    sync_course()
    author = make_user("author")
    capital = questions.create_question(COURSE, content=mc(), node_usage_key=OBJECTIVE_A, author=author)
    assert capital.node_usage_key == OBJECTIVE_A and capital.current_version is not None
    edited = questions.edit_question(capital.id, content=mc("Capital, edited"))
    assert edited.current_version is not None and edited.current_version.number == 2
    unchanged = questions.edit_question(capital.id, content=mc("Capital, edited"))  # same content: no version
    assert unchanged.current_version == edited.current_version
    blank = questions.create_question(COURSE, content=fib(), node_usage_key=OBJECTIVE_B)

    doc = documents()[capital.id]
    assert [v["number"] for v in doc["versions"]] == [1, 2] and doc["versions"][0]["author_id"] == author.pk
    assert doc["current"]["id"] == edited.current_version.id
    assert [v.number for v in questions.list_versions(capital.id)] == [2, 1]
    assert questions.get_version(doc["versions"][0]["id"]).title == "Capital"

    assert [q.id for q in questions.list_questions(COURSE, node=OBJECTIVE_B).items] == [blank.id]
    assert [q.id for q in questions.list_questions(COURSE, text="edited").items] == [capital.id]
    questions.archive_question(blank.id)
    assert [q.id for q in questions.list_questions(COURSE).items] == [capital.id]
    assert questions.restore_question(blank.id).archived is False
    assert questions.list_questions(COURSE).total == 2
    assert sql_bank_is_empty()


def test_imports_write_the_bank_in_mongodb(mongo: None, test_course_dir: Path) -> None:
    olx_course = OLX_COURSE
    first = questions.import_olx_course(olx_course, test_course_dir)
    again = questions.import_olx_course(olx_course, test_course_dir)  # a re-import matches on the OLX source
    assert first.imported > 0 and again.imported == 0 and again.unchanged == first.imported
    assert len(documents(olx_course)) == first.imported
    assert all(doc.get("source", "").startswith(f"{olx_course}|") for doc in documents(olx_course).values())

    report = questions.import_questions(COURSE, AIKEN.read_bytes(), "aiken.txt", partial=True)
    assert len(report.created) == 3 and len(report.refused) == 1 and questions.list_questions(COURSE).total == 3
    repeated = questions.import_questions(COURSE, AIKEN.read_bytes(), "aiken.txt", partial=True)
    assert repeated.created == [] and questions.list_questions(COURSE).total == 3  # matched on their sources
    embedded = [doc.get("interchange_sources", []) for doc in documents().values()]
    assert [len(entries) for entries in embedded] == [1, 1, 1]  # each question carries its source
    assert all(entries[0]["key"].startswith(f"{COURSE}|") for entries in embedded)

    job = questions.start_import_job(COURSE, AIKEN.read_bytes(), "again.txt", partial=True)
    assert job.status == "previewed" and mongodb.database()["question_import_jobs"].count_documents({}) == 1
    assert questions.confirm_import_job(job.id).status == "imported"
    assert sql_bank_is_empty()


def new_version(title: str) -> NewVersion:
    return NewVersion.from_content(QuestionContent.from_dict({"title": title, "parts": [
        {"id": "p0", "type": "numeric", "config": {}, "answer_key": {"value": 1}}]}))  # fmt: skip


def imported(source_id: str) -> NewQuestionSource:
    return NewQuestionSource(source_key=source_key(source_id), source_id=source_id, format="gift")


class _Crash(Exception):
    """The process dying at the injected point (nothing after it runs)."""


class _DiesAfterFirstDocument:
    """The ``questions`` collection of a process that dies once one document of an ``insert_many`` is written."""

    def __init__(self, collection: Any) -> None:
        self.collection = collection

    def __getattr__(self, name: str) -> Any:
        return getattr(self.collection, name)

    def insert_many(self, documents: Any, *args: Any, **kwargs: Any) -> Any:
        self.collection.insert_one(next(iter(documents)))
        raise _Crash


@pytest.mark.parametrize("crash", ["after the questions' write", "within it, after one question"])
def test_an_interchange_import_that_dies_mid_write_leaves_no_question_without_its_source(
    mongo: None, monkeypatch: pytest.MonkeyPatch, crash: str
) -> None:
    """
    A standalone server has no multi-document transaction: an import that dies after writing questions must not
    leave any without its source, or importing the same file again creates duplicates (issue 13, ADR 0027).
    """
    data = GIFT.read_bytes()
    with monkeypatch.context() as patch:
        if crash == "after the questions' write":
            create_many = MongoQuestionRepository.create_many

            def dies_after(self: MongoQuestionRepository, items: Any) -> list[int]:
                create_many(self, items)
                raise _Crash

            patch.setattr(MongoQuestionRepository, "create_many", dies_after)
        else:
            questions_of = MongoQuestionRepository.questions.fget
            patch.setattr(
                MongoQuestionRepository, "questions", property(lambda self: _DiesAfterFirstDocument(questions_of(self)))
            )
        with pytest.raises(_Crash):
            questions.import_questions(COURSE, data, "questions.gift", partial=True)
    assert documents(), "the injected crash came after some questions were written"

    report = questions.import_questions(COURSE, data, "questions.gift", partial=True)
    again = questions.import_questions(COURSE, data, "questions.gift", partial=True)
    assert again.created == [] and len(again.unchanged) == len(report.created) + len(report.unchanged)
    stored = questions.list_questions(COURSE, include_archived=True).items
    assert len(stored) == len(report.created) + len(report.unchanged)  # no duplicate
    sources = get_repository().sources_of(q.id for q in stored)
    assert set(sources) == {q.id for q in stored}  # every question has its source
    assert sum(len(ids) for ids in sources.values()) == len({sid for ids in sources.values() for sid in ids})


class _RacedInsert:
    """
    The ``questions`` collection as a server answers two races: an ``insert_many`` that fails after writing its first
    document (a write retried after a lost reply), and a concurrent import that records a source key between the
    repository's read of the recorded keys and its insert (the unique index refuses the insert).
    """

    def __init__(self, collection: Any, competitor: dict[str, Any]) -> None:
        self.collection = collection
        self.competitor = competitor

    def __getattr__(self, name: str) -> Any:
        return getattr(self.collection, name)

    def insert_many(self, documents: Any, *args: Any, **kwargs: Any) -> Any:
        self.collection.insert_one(next(iter(documents)))
        raise BulkWriteError({"writeErrors": [{"index": 1, "code": 11000, "errmsg": "E11000 duplicate key"}]})

    def insert_one(self, document: Any, *args: Any, **kwargs: Any) -> Any:
        keys = {entry["key"] for entry in document.get("interchange_sources", ())}
        if self.competitor["interchange_sources"][0]["key"] in keys and not self.collection.find_one(
            {"_id": self.competitor["_id"]}
        ):
            self.collection.insert_one(self.competitor)
            raise DuplicateKeyError("E11000 duplicate key error index: interchange_source")
        return self.collection.insert_one(document, *args, **kwargs)


def test_create_many_after_a_partial_write_and_a_concurrent_import(
    mongo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = MongoQuestionRepository()
    key = f"{COURSE}|{source_key('gift:b')}"
    competitor = {"_id": 999, "course_key": str(COURSE), "versions": [], "current": None}
    competitor["interchange_sources"] = [{"key": key, "source_key": source_key("gift:b"), "source_id": "gift:b",
                                         "format": "gift"}]  # fmt: skip
    questions_of = MongoQuestionRepository.questions.fget
    monkeypatch.setattr(
        MongoQuestionRepository, "questions", property(lambda self: _RacedInsert(questions_of(self), competitor))
    )
    a, b, c = repository.create_many(
        [
            NewQuestion(course_key=COURSE, version=new_version("A"), sources=[imported("gift:a")]),
            NewQuestion(course_key=COURSE, version=new_version("B"), sources=[imported("gift:b")]),
            NewQuestion(course_key=COURSE, version=new_version("C"), sources=[imported("gift:c")]),
        ]
    )
    monkeypatch.undo()
    assert sorted(documents()) == [a, b, c, 999]  # each question written once, b although its key was taken
    assert repository.sources_of([a, b, c, 999]) == {a: ("gift:a",), c: ("gift:c",), 999: ("gift:b",)}


def test_course_sync_holds_then_archives_a_node_whose_questions_are_in_mongodb(mongo: None) -> None:
    sync_course()
    ids = make_questions()  # two on objective A, one on objective B
    course_sync.set_sync_policy(COURSE, "hold_destructive")
    full = outline()
    without_b = CourseOutline(
        course_key=COURSE, version="v2", nodes=tuple(n for n in full.nodes if n.usage_key != OBJECTIVE_B)
    )
    from hosts.standalone_platform import backend as standalone

    standalone.publish_outline(without_b, send_signal=False)
    held = course_sync.sync_course(COURSE, source="modulestore", trigger="test")
    assert held.status == "held"  # objective B carries a question (found in MongoDB)
    approved = course_sync.approve_held_sync(held.sync_id)  # type: ignore[arg-type]
    assert approved.status == "applied"
    assert course_sync.get_node(OBJECTIVE_B).archived and not course_sync.get_node(OBJECTIVE_A).archived
    number = questions.get_question(ids[2])
    assert number.node_usage_key == OBJECTIVE_B  # the question keeps its (archived) objective
    assert questions.question_nodes([ids[2]])[ids[2]].usage_key == OBJECTIVE_B
    assert sql_bank_is_empty()


def test_fixed_and_drawn_assessments_graded_on_mongodb(mongo: None, make_user: Any) -> None:
    fixed = make_assessment()
    student = learner(make_user)
    view = api.start_attempt(fixed.id, student)
    assert sorted(q.question["title"] for q in view.questions) == ["Blank", "Capital", "Number"]
    answers = right_answers(view)
    api.save_answers(view.id, user=student, answers=dict(list(answers.items())[:1]))
    api.save_answers(view.id, user=student, answers=answers)
    result = api.submit_attempt(view.id, user=student)
    assert result.state is AttemptState.GRADED and result.score == pytest.approx(1.0)
    stored = attempt_repository().get_attempt(view.id)
    versions = {doc["current"]["id"] for doc in documents().values()}
    assert {item.question_version_id for item in stored.responses} == versions  # pinned to the MongoDB versions

    drawn = api.create_assessment(
        COURSE,
        node_usage_key=SUBTOPIC,
        title="Drawn",
        config={
            "selection": {"mode": "random", "count": 2, "pool_node": str(SUBTOPIC)},
            "feedback": "after_submission",
            "attempt_limit": None,
        },
    )
    other = learner(make_user, "other")
    seen: set[int] = set()
    for _ in range(4):
        attempt = api.start_attempt(drawn.id, other)
        assert len(attempt.questions) == 2
        seen |= {item.question_version_id for item in attempt_repository().get_attempt(attempt.id).responses}
        api.submit_attempt(attempt.id, user=other)
    assert seen <= versions and len(seen) >= 2
    assert sql_bank_is_empty()


def test_a_bulk_regrade_to_a_new_mongodb_version(mongo: None, make_user: Any) -> None:
    assessment = make_assessment(block=BLOCK)
    question_id = int(assessment.config.selection.question_ids[0])
    students = [learner(make_user, f"regraded{index}") for index in range(3)]
    views = []
    for student, capital in zip(students, ["a", "b", "a"], strict=True):
        view = api.start_attempt(assessment.id, student)
        answers = right_answers(view)
        answers[str(by_title(view)["Capital"].response_id)] = {"p0": capital}
        api.save_answers(view.id, user=student, answers=answers)
        api.submit_attempt(view.id, user=student)
        views.append(view)
    old_version = documents()[question_id]["current"]["id"]
    content = mc()
    content["parts"][0]["answer_key"] = {"correct": "b"}
    corrected = questions.edit_question(question_id, content=content).current_version
    assert corrected is not None and corrected.id != old_version

    planned = regrade.plan(question_id, batch_size=2)
    assert planned.to_version_id == corrected.id and planned.total == 3 and planned.report["changed"] == 3
    done = regrade.run_batches(planned.id)
    assert done.status == RegradeRun.SUCCEEDED and done.changed == 3
    assert RegradeRun.objects.get(pk=done.id).to_version_id == corrected.id  # a plain id: the version is in MongoDB
    for view, capital in zip(views, ["a", "b", "a"], strict=True):
        response = next(r for r in attempt_repository().get_attempt(view.id).responses if r.question_id == question_id)
        assert response.correct is (capital == "b") and response.question_version_id == old_version
    assert regrade.list_runs(COURSE, question_id=question_id)[0].id == done.id
    assert sql_bank_is_empty()


def test_exports_read_question_data_from_mongodb(mongo: None, make_user: Any, tmp_path: Path) -> None:
    assessment = make_assessment()
    student = learner(make_user)
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    api.submit_attempt(view.id, user=student)
    capital = int(assessment.config.selection.question_ids[0])
    questions.edit_question(capital, content=mc("Capital, second version"))

    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(analytics.stream_export(ExportRequest(kind="responses", course_key=COURSE))).decode())
        )
    )
    assert len(rows) == 3 and {row["version"] for row in rows} == {"1"}  # the answered (pinned) versions' numbers
    olx = questions.export_olx(course_key=COURSE)
    assert "Capital, second version" in olx and olx.count("<problem display_name=") == 3
    aiken = questions.export_questions(COURSE, "gift")
    assert aiken.written == 3 and b"Capital, second version" in aiken.data
    target = tmp_path / "bank.gift.txt"
    call_command(
        "vault_export_questions", str(COURSE), "--format", "gift", "--output", str(target), stdout=io.StringIO()
    )
    assert "Capital, second version" in target.read_text()


def source(question_id: int, source_id: str) -> NewSource:
    return NewSource(question_id=question_id, source_key=source_key(source_id), source_id=source_id, format="gift")


def test_vault_copy_storage_moves_the_bank_both_ways(mongo: None, make_user: Any) -> None:
    assessment = make_assessment(attempt_limit=None)
    ids = [int(i) for i in assessment.config.selection.question_ids]
    student = learner(make_user)
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    api.submit_attempt(view.id, user=student)
    questions.edit_question(ids[0], content=mc("Edited"))
    questions.archive_question(ids[2])
    get_repository().add_sources(COURSE, [source(ids[0], "gift:a"), source(ids[0], "gift:b")])
    on_mongo = question_digest(get_repository(), COURSE)

    to_sql = copy_course(COURSE, source="mongodb", target="django")
    assert to_sql.verified and to_sql.questions_copied == 3 and to_sql.copied == 1
    assert question_digest(get_repository("django"), COURSE) == on_mongo
    assert set(Question.objects.values_list("pk", flat=True)) == set(ids)  # ids kept
    assert QuestionVersion.objects.count() == 4
    assert get_repository("django").sources_of(ids) == {ids[0]: ("gift:a", "gift:b")}  # the interchange sources too

    # An empty MongoDB database, and back: the same bank, the attempt pinned to the same versions.
    database = mongodb.database()
    for name in database.list_collection_names():
        database.drop_collection(name)
    mongodb_indexes.forget_checks()
    mongodb_indexes.ensure_indexes(database)
    back = copy_course(COURSE, source="django", target="mongodb")
    assert back.verified and back.questions_copied == 3 and back.copied == 1
    assert question_digest(get_repository(), COURSE) == on_mongo
    assert get_repository().sources_of(ids) == {ids[0]: ("gift:a", "gift:b")}
    assert questions.get_question(ids[2]).archived is True
    # A copy again over the questions (``--restart``) replaces their fields, adds no source twice and keeps the ones
    # the target has (which the digests then tell apart from the origin's).
    get_repository().add_sources(COURSE, [source(ids[1], "gift:x")])
    assert not copy_course(COURSE, source="django", target="mongodb", restart=True).verified
    assert get_repository().sources_of(ids) == {ids[0]: ("gift:a", "gift:b"), ids[1]: ("gift:x",)}
    result = api.get_attempt_result(view.id, user=student)
    assert result.score == pytest.approx(1.0)
    # New questions and versions continue above the copied ids.
    created = questions.create_question(COURSE, content=num("After"), node_usage_key=OBJECTIVE_B)
    assert created.id > max(ids) and created.current_version is not None
    assert created.current_version.id > max(QuestionVersion.objects.values_list("pk", flat=True))


def test_the_demo_loads_onto_mongodb(mongo: None) -> None:
    from django.contrib.auth import get_user_model

    from ve_edu_vault.demo import DEMO_COURSE

    call_command("host_import_course")
    out = io.StringIO()
    call_command("vault_init", "--demo", stdout=out)
    call_command("vault_init", "--demo", stdout=out)  # idempotent
    assert len(documents(DEMO_COURSE)) == 5 and sql_bank_is_empty()
    demo_learner = get_user_model().objects.get(username="demo_learner")
    untimed = next(a for a in api.list_assessments(DEMO_COURSE) if a.title == "Angles practice")
    view = api.start_attempt(untimed.id, demo_learner)
    right = {q.question["title"]: q for q in view.questions}["Right angle"]
    checked = api.check_answer(view.id, user=demo_learner, response_id=right.response_id, answer={"p0": "90"})
    assert checked.correct is True


@pytest.mark.slow
def test_make_demos_loading_steps_run_with_a_mongodb_url(tmp_path: Path) -> None:
    """
    ``make demo``'s steps before serving (Makefile ``demo``: storage check, migrate, import, ``vault_init --demo``),
    each a process of its own as make runs them, with the MongoDB settings in the environment. The URL names the
    stand-in (no server can be installed here), so each process has its own empty MongoDB: the last one creates the
    indexes and loads the whole demo bank and its assessments into it.
    """
    import os
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    env = {
        key: value for key, value in os.environ.items() if key not in ("DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL")
    }
    env.update(
        VAULT_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        VE_EDU_VAULT_STORAGE_BACKEND="mongodb",
        VE_EDU_VAULT_MONGODB_URL="mongomock://",
    )
    steps = [
        ["make", "-s", "demo-storage"],
        [sys.executable, "manage.py", "lms", "migrate", "-v0"],
        [sys.executable, "manage.py", "cms", "host_import_course"],
        [sys.executable, "manage.py", "lms", "vault_init", "--demo"],
    ]
    outputs = []
    for step in steps:
        done = subprocess.run(step, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
        outputs.append(done.stdout)
    assert "storage mongodb" in outputs[-1] and "version_id" in outputs[-1]  # the bank's indexes were made
    assert "Demo course course-v1:VaultDemo+VE101+2026 (applied)" in outputs[-1]
    with sqlite3.connect(tmp_path / "demo.sqlite3") as database:
        counted = {
            table: database.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("ve_edu_vault_question", "ve_edu_vault_questionversion", "ve_edu_vault_assessment")
        }
    assert counted == {"ve_edu_vault_question": 0, "ve_edu_vault_questionversion": 0, "ve_edu_vault_assessment": 2}


def test_the_demo_without_a_mongodb_url_says_what_is_missing(tmp_path: Path) -> None:
    import os
    import subprocess

    from tests.conftest import REPO_ROOT

    env = {**os.environ, "VE_EDU_VAULT_STORAGE_BACKEND": "mongodb", "VE_EDU_VAULT_MONGODB_URL": ""}
    missing = subprocess.run(
        ["make", "-s", "demo-storage"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert missing.returncode == 2
    assert "needs VE_EDU_VAULT_MONGODB_URL" in missing.stdout and "mongodb://" in missing.stdout
    given = {**env, "VE_EDU_VAULT_MONGODB_URL": "mongodb://127.0.0.1:27017"}
    assert subprocess.run(["make", "-s", "demo-storage"], cwd=REPO_ROOT, env=given, check=False).returncode == 0


def test_an_upgrade_moves_a_sql_bank_under_attempts_already_on_mongodb(settings: Any, make_user: Any) -> None:
    """
    Before ADR 0027 the bank stayed in SQL with attempts on MongoDB: ``--questions-only`` moves the bank alone
    (the attempts, which already live in MongoDB and no longer in SQL, are neither copied nor compared).
    """
    assessment = make_assessment()  # the ORM backend: bank and attempts in SQL
    student = learner(make_user)
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    api.submit_attempt(view.id, user=student)
    with mongodb_backend(settings):
        assert copy_course(COURSE, source="django", target="mongodb").verified
        mongodb.database()["questions"].delete_many({})  # the state before ADR 0027: attempts only
        # The attempts went on in MongoDB (a regrade there), so the two sides' attempts differ.
        mongo_side = attempt_repository("mongodb")
        mongo_side.update_response(mongo_side.get_attempt(view.id).responses[0].id, score=0.5)
        out = io.StringIO()
        with pytest.raises(CommandError, match="differs"):
            call_command("vault_copy_storage", str(COURSE), "--from", "django", "--to", "mongodb", stdout=out)
        mongodb.database()["questions"].delete_many({})
        out = io.StringIO()
        call_command(
            "vault_copy_storage", str(COURSE), "--from", "django", "--to", "mongodb", "--questions-only", stdout=out
        )
        assert "Verified" in out.getvalue() and "attempts" not in out.getvalue()
        settings.VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"
        assert len(documents()) == 3
        result = api.get_attempt_result(view.id, user=student)
        assert {item.question["title"] for item in result.questions} == {"Capital", "Blank", "Number"}
