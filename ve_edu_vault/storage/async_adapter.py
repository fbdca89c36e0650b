"""
An asyncio face over a synchronous PyMongo-style database: how the async paths run against the stand-in.

TLDR: ``mongomock`` has no asyncio client. The streaming and bulk paths are written against the subset of
PyMongo's ``AsyncMongoClient`` API they use (``find`` with ``sort``/``limit``/``async for``/``close``, ``find_one``,
``count_documents``, ``insert_many``, ``bulk_write``, ``delete_many``, ``replace_one``, ``aggregate``); this adapter
gives that subset over a synchronous database, so the same code is tested on the stand-in. On a real server
``storage.mongodb.async_database()`` returns PyMongo's own asyncio database instead. ``bulk_write`` hands the
stand-in each ``UpdateOne``/``UpdateMany`` as the update it is: mongomock 4.3's bulk API does not take PyMongo
4.9+'s operations (they pass ``sort``), and the caller's one round trip is what a server would see.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from pymongo import UpdateMany, UpdateOne

__all__ = ["AsyncCollectionAdapter", "AsyncDatabaseAdapter"]


class _AsyncCursor:
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def sort(self, *args: Any, **kwargs: Any) -> _AsyncCursor:
        self._cursor = self._cursor.sort(*args, **kwargs)
        return self

    def limit(self, count: int) -> _AsyncCursor:
        self._cursor = self._cursor.limit(count)
        return self

    def batch_size(self, count: int) -> _AsyncCursor:
        return self

    async def close(self) -> None:
        self._cursor.close()

    async def to_list(self, length: int | None = None) -> list[Any]:
        items = list(self._cursor)
        return items if length is None else items[:length]

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Any]:
        for item in self._cursor:
            yield item


@dataclass(frozen=True, slots=True)
class BulkResult:
    """The counts of a ``bulk_write`` (as PyMongo's ``BulkWriteResult`` names them)."""

    matched_count: int
    modified_count: int


class AsyncCollectionAdapter:
    def __init__(self, collection: Any) -> None:
        self._collection = collection

    def find(self, *args: Any, **kwargs: Any) -> _AsyncCursor:
        return _AsyncCursor(self._collection.find(*args, **kwargs))

    async def find_one(self, *args: Any, **kwargs: Any) -> Any:
        return self._collection.find_one(*args, **kwargs)

    async def count_documents(self, *args: Any, **kwargs: Any) -> int:
        return int(self._collection.count_documents(*args, **kwargs))

    async def insert_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._collection.insert_many(*args, **kwargs)

    async def bulk_write(self, requests: Sequence[Any], *, ordered: bool = True, **kwargs: Any) -> BulkResult:
        matched = modified = 0
        for request in requests:
            if isinstance(request, UpdateOne):
                result = self._collection.update_one(request._filter, request._doc, upsert=request._upsert)
            elif isinstance(request, UpdateMany):
                result = self._collection.update_many(request._filter, request._doc, upsert=request._upsert)
            else:
                raise TypeError(f"The stand-in's bulk_write takes UpdateOne and UpdateMany, not {request!r}.")
            matched += int(result.matched_count)
            modified += int(result.modified_count)
        return BulkResult(matched_count=matched, modified_count=modified)

    async def aggregate(self, pipeline: Sequence[Any], **kwargs: Any) -> _AsyncCursor:
        return _AsyncCursor(self._collection.aggregate(list(pipeline), **kwargs))

    async def replace_one(self, *args: Any, **kwargs: Any) -> Any:
        return self._collection.replace_one(*args, **kwargs)

    async def update_one(self, *args: Any, **kwargs: Any) -> Any:
        return self._collection.update_one(*args, **kwargs)

    async def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._collection.delete_many(*args, **kwargs)


class AsyncDatabaseAdapter:
    def __init__(self, database: Any) -> None:
        self._database = database

    def __getitem__(self, name: str) -> AsyncCollectionAdapter:
        return AsyncCollectionAdapter(self._database[name])
