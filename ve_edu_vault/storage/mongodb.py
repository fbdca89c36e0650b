"""
The MongoDB client of the process: one ``MongoClient`` for request paths, ``AsyncMongoClient`` where data streams.

TLDR: ``database()`` is the vault's database on the server named by ``VE_EDU_VAULT_MONGODB_URL``
(``VE_EDU_VAULT_MONGODB_DATABASE``), from one client per process (a forked worker makes its own: PyMongo clients
are not fork-safe). Pool and timeout options come from ``VE_EDU_VAULT_MONGODB_OPTIONS`` (keyword arguments of
``MongoClient``). Writes are retryable (``retryWrites``), dates come back time-zone aware (UTC), and
:func:`with_retries` retries transient errors (a primary stepping down, a dropped connection) with exponential
backoff. ``async_database()`` gives the native asyncio client (PyMongo 4.9+; Motor is deprecated) for the
streaming and bulk paths, one per event loop.

The URL ``mongomock://`` selects the in-process stand-in (``mongomock``, a test dependency): what it does not
check is listed in the README ("MongoDB storage").
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable, Generator, Iterable
from typing import Any, TypeVar

from django.conf import settings
from pymongo import AsyncMongoClient, MongoClient, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.database import Database
from pymongo.errors import AutoReconnect, ConnectionFailure, OperationFailure, PyMongoError

__all__ = [
    "COUNTERS",
    "StorageUnavailable",
    "async_database",
    "client",
    "close_async_client",
    "database",
    "ids_past",
    "is_replica_set",
    "next_ids",
    "ping",
    "reset",
    "run_async",
    "stream_pages",
    "with_retries",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

STAND_IN_SCHEME = "mongomock://"
#: One document per id sequence (``{"_id": "attempts", "seq": 41}``): the API speaks integer ids on every backend.
COUNTERS = "counters"
#: Transient errors are tried this many times in all, waiting 50 ms, 100 ms, 200 ms... between tries.
RETRY_TRIES = 5
RETRY_BASE_SECONDS = 0.05

_EMPTY = 'VE_EDU_VAULT_MONGODB_URL is empty; it is required when VE_EDU_VAULT_STORAGE_BACKEND is "mongodb".'
_lock = threading.Lock()
_clients: dict[tuple[int, str], Any] = {}
_async_clients: dict[tuple[int, int], Any] = {}


class StorageUnavailable(PyMongoError):
    """The MongoDB server named by the settings cannot be reached (the message names the setting)."""


def url() -> str:
    return str(getattr(settings, "VE_EDU_VAULT_MONGODB_URL", "") or "")


def database_name() -> str:
    return str(getattr(settings, "VE_EDU_VAULT_MONGODB_DATABASE", "") or "ve_edu_vault")


def _options() -> dict[str, Any]:
    options: dict[str, Any] = {"serverSelectionTimeoutMS": 5000, "connectTimeoutMS": 5000, "maxPoolSize": 50}
    options.update(getattr(settings, "VE_EDU_VAULT_MONGODB_OPTIONS", None) or {})
    return {**options, "tz_aware": True, "retryWrites": True, "appname": "ve-edu-vault"}


class _Atomic:
    """
    The stand-in with each operation atomic, as a server makes each single-document operation: mongomock's
    ``find_one_and_update`` reads and writes in separate steps, so two threads could both take one lease. One
    process-wide lock around every call of a client, database or collection method (cursors iterate outside it).
    """

    _lock = threading.RLock()

    def __init__(self, target: Any) -> None:
        self._target = target

    def __getitem__(self, name: str) -> _Atomic:
        return _Atomic(self._target[name])

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            with _Atomic._lock:
                result = value(*args, **kwargs)
            module = type(result).__module__
            if module.startswith("mongomock.") and type(result).__name__ in ("Database", "Collection"):
                return _Atomic(result)
            return result

        return call


def _stand_in() -> Any:
    import mongomock  # a test dependency: only the mongomock:// URL needs it

    return _Atomic(mongomock.MongoClient(tz_aware=True))


def client() -> MongoClient[dict[str, Any]]:
    """The process's client (made on first use; a forked process makes its own)."""
    key = (os.getpid(), url())
    found = _clients.get(key)
    if found is None:
        with _lock:
            found = _clients.get(key)
            if found is None:
                if not key[1]:
                    raise StorageUnavailable(_EMPTY)
                found = _stand_in() if key[1].startswith(STAND_IN_SCHEME) else MongoClient(key[1], **_options())
                _clients[key] = found
    return found  # type: ignore[no-any-return]


def database() -> Database[dict[str, Any]]:
    return client()[database_name()]


def async_database() -> AsyncDatabase[dict[str, Any]] | Any:
    """
    The vault's database on the asyncio client of the running event loop (one client per loop). With the stand-in,
    an asyncio adapter over the same in-process data (``storage.async_adapter``).
    """
    if url().startswith(STAND_IN_SCHEME):
        from .async_adapter import AsyncDatabaseAdapter

        return AsyncDatabaseAdapter(database())
    loop = asyncio.get_running_loop()
    key = (os.getpid(), id(loop))
    found = _async_clients.get(key)
    if found is None:
        found = AsyncMongoClient(url(), **_options())
        _async_clients[key] = found
    return found[database_name()]


async def close_async_client() -> None:
    """Close the running loop's asyncio client (a loop's client is of no use once the loop is closed)."""
    found = _async_clients.pop((os.getpid(), id(asyncio.get_running_loop())), None)
    if found is not None:
        await found.close()  # pymongo/asynchronous/mongo_client.py: ``async def close``


def run_async(work: Callable[[], Awaitable[T]]) -> T:
    """
    Run ``work()`` on a fresh event loop from synchronous code (a command, a Celery task), then close that loop's
    asyncio client: clients are cached per loop, and a loop's id can be reused by the next loop once it is gone.
    """

    async def run() -> T:
        try:
            return await work()
        finally:
            await close_async_client()

    return asyncio.run(run())


def stream_pages(find: Callable[[], Any], size: int) -> Generator[list[dict[str, Any]], None, None]:
    """
    Pages of ``size`` documents of one asyncio cursor (``find()`` makes it, on the running loop's client: a ``find``,
    or an ``aggregate``, awaited), driven
    from synchronous code such as a streaming HTTP response: one event loop and one cursor for the whole stream (the
    server sends its batches as they are asked for), so memory holds one page. The cursor, the loop's client and the
    loop are closed at the end, or when the consumer stops early.
    """
    loop = asyncio.new_event_loop()

    async def start() -> Any:
        cursor = find()
        return await cursor if inspect.isawaitable(cursor) else cursor  # ``aggregate`` is a coroutine

    async def take(iterator: Any) -> list[dict[str, Any]]:
        page: list[dict[str, Any]] = []
        while len(page) < size:
            try:
                page.append(await iterator.__anext__())
            except StopAsyncIteration:
                break
        return page

    async def finish(cursor: Any) -> None:
        try:
            if cursor is not None:
                await cursor.close()  # pymongo/asynchronous/cursor_base.py: ``async def close``
        finally:
            await close_async_client()

    cursor: Any = None
    try:
        cursor = loop.run_until_complete(start())
        iterator = cursor.__aiter__()
        while True:
            page = loop.run_until_complete(take(iterator))
            if page:
                yield page
            if len(page) < size:
                return
    finally:
        loop.run_until_complete(finish(cursor))
        loop.close()


def reset() -> None:
    """Forget the clients (tests that change the URL; a stand-in's data goes with its client)."""
    with _lock:
        for item in _clients.values():
            item.close()
        _clients.clear()
        _async_clients.clear()


def ping(timeout_ms: int = 3000) -> None:
    """Reach the server or raise :class:`StorageUnavailable` naming ``VE_EDU_VAULT_MONGODB_URL``."""
    target = url()
    if not target:
        raise StorageUnavailable(_EMPTY)
    if target.startswith(STAND_IN_SCHEME):
        client().admin.command("ping")
        return
    probe: MongoClient[dict[str, Any]] | None = None
    try:
        probe = MongoClient(target, **{**_options(), "serverSelectionTimeoutMS": timeout_ms})
        probe.admin.command("ping")
    except (PyMongoError, ValueError) as error:
        raise StorageUnavailable(
            f"The MongoDB server of VE_EDU_VAULT_MONGODB_URL cannot be reached ({_redacted(target)}): "
            f"{type(error).__name__}: {error}"
        ) from error
    finally:
        if probe is not None:
            probe.close()


def _redacted(target: str) -> str:
    """The URL without its password."""
    scheme, _, rest = target.partition("://")
    if "@" not in rest:
        return target
    credentials, _, hosts = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{hosts}"


def is_replica_set() -> bool:
    """Whether the server takes multi-document transactions (a replica set or a sharded cluster; not the stand-in)."""
    if url().startswith(STAND_IN_SCHEME):
        return False
    hello = client().admin.command("hello")
    return bool(hello.get("setName") or hello.get("msg") == "isdbgrid")


def _transient(error: PyMongoError) -> bool:
    if isinstance(error, (AutoReconnect, ConnectionFailure)):
        return True
    return isinstance(error, OperationFailure) and error.has_error_label("TransientTransactionError")


def with_retries(operation: Callable[[], T], *, tries: int = RETRY_TRIES) -> T:
    """Run ``operation``, again after a transient error (backoff doubling from 50 ms); other errors at once."""
    for attempt in range(1, tries + 1):
        try:
            return operation()
        except PyMongoError as error:
            if attempt == tries or not _transient(error):
                raise
            delay = RETRY_BASE_SECONDS * 2 ** (attempt - 1)
            log.warning("MongoDB: %s; try %s of %s in %.2f s", error, attempt + 1, tries, delay)
            time.sleep(delay)
    raise AssertionError("unreachable")


def next_ids(name: str, count: int = 1) -> int:
    """Reserve ``count`` consecutive ids of the sequence ``name`` (one atomic ``$inc``); returns the first."""
    counters = database()[COUNTERS]
    doc = with_retries(
        lambda: counters.find_one_and_update(
            {"_id": name}, {"$inc": {"seq": count}}, upsert=True, return_document=ReturnDocument.AFTER
        )
    )
    assert doc is not None  # an upsert returning the document after the change
    return int(doc["seq"]) - count + 1


def ids_past(name: str, ids: Iterable[int]) -> None:
    """Move the sequence ``name`` past ``ids`` (copied documents keep their ids; new ones continue above them)."""
    highest = max(ids, default=None)
    if highest is not None:
        database()[COUNTERS].update_one({"_id": name}, {"$max": {"seq": highest}}, upsert=True)
