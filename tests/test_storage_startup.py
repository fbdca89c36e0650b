"""
Start-up with the mongodb storage backend: a clear error naming the setting when the server is missing or
unreachable, and the indexes created by a command and required before any attempt is stored.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from storage_backends import mongodb_backend, mongodb_url

from ve_edu_vault import conf
from ve_edu_vault.assessments.repositories import get_repository
from ve_edu_vault.questions.api import question_repository
from ve_edu_vault.storage import mongodb, mongodb_indexes

#: Nothing listens on port 1 of the loopback: connection refused at once.
UNREACHABLE = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300&connectTimeoutMS=300"


@pytest.fixture
def fresh(settings: Any) -> Any:
    mongodb.reset()
    mongodb_indexes.forget_checks()
    yield settings
    mongodb.reset()
    mongodb_indexes.forget_checks()


def test_an_unreachable_server_stops_start_up_naming_the_setting(fresh: Any) -> None:
    fresh.VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"
    fresh.VE_EDU_VAULT_MONGODB_URL = UNREACHABLE
    conf.validate_settings()  # the settings themselves are well formed
    with pytest.raises(ImproperlyConfigured) as error:
        apps.get_app_config("ve_edu_vault").ready()  # what the LMS and Studio run at start-up
    message = str(error.value)
    assert "VE_EDU_VAULT_MONGODB_URL" in message and "cannot be reached" in message
    assert "127.0.0.1:1" in message


def test_a_missing_url_stops_start_up_naming_the_setting(fresh: Any) -> None:
    fresh.VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"
    fresh.VE_EDU_VAULT_MONGODB_URL = ""
    with pytest.raises(ImproperlyConfigured, match="VE_EDU_VAULT_MONGODB_URL is required"):
        apps.get_app_config("ve_edu_vault").ready()


def test_the_password_is_not_shown(fresh: Any) -> None:
    fresh.VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"
    fresh.VE_EDU_VAULT_MONGODB_URL = "mongodb://vault:s3cret@127.0.0.1:1/?serverSelectionTimeoutMS=300"
    with pytest.raises(ImproperlyConfigured) as error:
        conf.validate_storage()
    assert "s3cret" not in str(error.value) and "vault:***@127.0.0.1:1" in str(error.value)


def test_bad_client_options_are_refused_naming_the_setting(fresh: Any) -> None:
    fresh.VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"
    fresh.VE_EDU_VAULT_MONGODB_URL = mongodb_url()
    fresh.VE_EDU_VAULT_MONGODB_OPTIONS = "maxPoolSize=5"
    with pytest.raises(ImproperlyConfigured, match="VE_EDU_VAULT_MONGODB_OPTIONS"):
        conf.validate_storage()


def test_a_reachable_server_starts(fresh: Any) -> None:
    fresh.VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"
    fresh.VE_EDU_VAULT_MONGODB_URL = mongodb_url()
    conf.validate_storage()


def test_the_backend_refuses_to_work_without_its_indexes_until_the_command_made_them(fresh: Any) -> None:
    fresh.VE_EDU_VAULT_MONGODB_URL = mongodb_url()
    fresh.VE_EDU_VAULT_MONGODB_DATABASE = f"vault_test_{uuid.uuid4().hex[:12]}"
    try:
        with pytest.raises(ImproperlyConfigured, match="vault_mongodb_indexes"):
            get_repository("mongodb")
        with pytest.raises(ImproperlyConfigured, match=r"questions\.version_id"):
            question_repository("mongodb")
        with pytest.raises(CommandError, match=r"Missing MongoDB indexes: attempts\.one_in_progress"):
            call_command("vault_mongodb_indexes", "--check")
        call_command("vault_mongodb_indexes")
        call_command("vault_mongodb_indexes", "--check")
        assert mongodb_indexes.missing_indexes(mongodb.database()) == []
        info = mongodb.database()["attempts"].index_information()
        assert info["one_in_progress"]["unique"] and info["one_in_progress"]["sparse"]
        assert info["attempt_number"]["unique"]
        questions = mongodb.database()["questions"].index_information()
        assert questions["version_id"]["unique"] and questions["olx_source"]["unique"]
        assert questions["interchange_source"]["unique"] and questions["interchange_source"]["sparse"]
        assert "question_sources" not in mongodb.database().list_collection_names()  # sources live in questions
        mongodb.database()["questions"].drop_index("interchange_source")  # a database from before issue 13
        with pytest.raises(CommandError, match=r"questions\.interchange_source"):
            call_command("vault_mongodb_indexes", "--check")
        call_command("vault_mongodb_indexes")
        get_repository("mongodb")  # now it serves
        question_repository("mongodb")
    finally:
        mongodb.client().drop_database(fresh.VE_EDU_VAULT_MONGODB_DATABASE)


def test_the_regrade_lookup_of_a_question_has_its_index_and_start_up_requires_it(fresh: Any) -> None:
    """
    ``assessments_with_question`` (once per finished regrade) matches graded attempts by ``responses.question_id``:
    the command creates its index and the start-up check refuses a database without it.
    """
    fresh.VE_EDU_VAULT_MONGODB_URL = mongodb_url()
    fresh.VE_EDU_VAULT_MONGODB_DATABASE = f"vault_test_{uuid.uuid4().hex[:12]}"
    try:
        call_command("vault_mongodb_indexes")
        info = mongodb.database()["attempts"].index_information()
        assert list(info["response_question"]["key"]) == [("responses.question_id", 1), ("state", 1)]
        get_repository("mongodb")  # serves with every index
        mongodb.database()["attempts"].drop_index("response_question")  # a database from before this index
        mongodb_indexes.forget_checks()  # as a new process would
        assert mongodb_indexes.missing_indexes(mongodb.database()) == ["attempts.response_question"]
        with pytest.raises(ImproperlyConfigured, match=r"attempts\.response_question.*vault_mongodb_indexes"):
            get_repository("mongodb")
        with pytest.raises(CommandError, match=r"Missing MongoDB indexes: attempts\.response_question$"):
            call_command("vault_mongodb_indexes", "--check")
        call_command("vault_mongodb_indexes")
        assert "response_question" in mongodb.database()["attempts"].index_information()
        get_repository("mongodb")
    finally:
        mongodb.client().drop_database(fresh.VE_EDU_VAULT_MONGODB_DATABASE)


def test_the_index_command_names_an_unreachable_server(fresh: Any) -> None:
    fresh.VE_EDU_VAULT_MONGODB_URL = UNREACHABLE
    with pytest.raises(CommandError, match="VE_EDU_VAULT_MONGODB_URL"):
        call_command("vault_mongodb_indexes")


def test_vault_init_creates_the_indexes(fresh: Any, db: None) -> None:
    with mongodb_backend(fresh, select=True):
        mongodb.database()["attempts"].drop_indexes()
        assert mongodb_indexes.missing_indexes(mongodb.database())
        call_command("vault_init")
        assert mongodb_indexes.missing_indexes(mongodb.database()) == []


class _FakeAsyncClient:
    """Stands in for ``AsyncMongoClient`` on a server URL: records whether it was closed."""

    made: list[_FakeAsyncClient] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.closed = False
        _FakeAsyncClient.made.append(self)

    def __getitem__(self, name: str) -> Any:
        import mongomock

        from ve_edu_vault.storage.async_adapter import AsyncDatabaseAdapter

        return AsyncDatabaseAdapter(mongomock.MongoClient()[name])

    async def close(self) -> None:
        self.closed = True


def test_each_event_loop_closes_its_asyncio_client(fresh: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """
    Regression: the copy command ran each batch on a new loop (``asyncio.run``) and left that loop's client open in
    the per-loop cache, where a later loop with the same id would find a client bound to a closed loop.
    """
    fresh.VE_EDU_VAULT_MONGODB_URL = "mongodb://127.0.0.1:1/"
    monkeypatch.setattr(mongodb, "AsyncMongoClient", _FakeAsyncClient)
    _FakeAsyncClient.made.clear()

    from ve_edu_vault.assessments.repositories.mongodb import MongoAttemptRepository

    repository = MongoAttemptRepository()
    assert repository.course_attempts([1], after_id=0, limit=10) == []
    assert repository.course_attempts([1], after_id=0, limit=10) == []
    assert list(repository.export_attempts([1])) == []
    assert len(_FakeAsyncClient.made) == 3 and all(client.closed for client in _FakeAsyncClient.made)
    assert not mongodb._async_clients


def test_id_sequences_are_shared_by_both_repositories(fresh: Any, db: None) -> None:
    """``next_ids`` reserves consecutive ids in one atomic step; ``ids_past`` moves a sequence past copied ids."""
    with mongodb_backend(fresh, select=True):
        assert mongodb.next_ids("attempts") == 1
        assert mongodb.next_ids("attempts", 3) == 2  # 2, 3 and 4 reserved
        assert mongodb.next_ids("attempts") == 5
        assert mongodb.next_ids("question_versions") == 1  # each sequence counts on its own
        mongodb.ids_past("attempts", [3, 40, 7])
        assert mongodb.next_ids("attempts") == 41
        mongodb.ids_past("attempts", [2])  # never backwards
        mongodb.ids_past("attempts", [])
        assert mongodb.next_ids("attempts") == 42
        doc = mongodb.database()[mongodb.COUNTERS].find_one({"_id": "attempts"})
        assert doc is not None and doc["seq"] == 42
