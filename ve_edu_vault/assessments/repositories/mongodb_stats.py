"""
The MongoDB backend's aggregate reads for item analysis: aggregation pipelines on PyMongo's asyncio client.

TLDR: the server computes the sums (``$match`` the counted attempts, ``$unwind`` their embedded responses,
``$group`` by question version), as the ORM's ``GROUP BY`` does (``django_orm_stats.py``); only one row per version
(or one per assessment) comes back. Which attempts count: "all" is one ``$match`` on (assessment, state); "first",
"last" and "best" are each learner's first attempt in the (user, number) or (user, score desc, number) order, chosen
by a ``$sort`` + ``$group`` ``$first`` pipeline streamed a page at a time (one integer per learner), then matched by
id in batches whose sums are added (every sum here can be added). The sums are exact wherever the ORM's are: float
additions in another order can differ in the last bit on other data (ADR 0028). The pipeline stages used are the
ones mongomock 4.3 runs (the contract suite runs the same code on the stand-in through the asyncio adapter).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from ve_edu_vault.storage import mongodb

from ..data_stats import AnswerTally, AttemptSums, VersionSums

__all__ = [
    "answer_tallies",
    "assessments_with_question",
    "attempt_sums",
    "chosen_attempt_ids",
    "graded_attempt_users",
    "users_with_attempts",
    "version_sums",
    "with_graded_attempts",
]

ATTEMPTS = "attempts"
GRADED = "graded"
#: Chosen attempt ids matched per pipeline (a ``$in`` of 5,000 integers is far below the 16 MB command limit).
ID_BATCH = 5000
# Float sums are not exact: a fraction of 0.7 may be stored as 0.69999...; bins start a hair lower (as the ORM's).
_BIN_SLACK = 1e-9
_SORTS = {
    "first": {"user_id": 1, "number": 1},
    "last": {"user_id": 1, "number": -1},
    "best": {"user_id": 1, "score": -1, "number": 1},
}
_ITEM_SUMS = ("sx", "sy", "syy", "syt", "st", "stt", "sc", "sct", "time_sum")
_TEST_SUMS = ("st", "stt", "su", "suu", "time_sum")


def _collection() -> Any:
    return mongodb.async_database()[ATTEMPTS]


def _aggregate(pipelines: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Every result document of these pipelines, run one after the other on one event loop's asyncio client."""

    async def run() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for pipeline in pipelines:
            cursor = await _collection().aggregate(pipeline, allowDiskUse=True)
            found.extend([doc async for doc in cursor])
        return found

    return mongodb.run_async(run)


def chosen_attempt_ids(assessment_id: int, choice: str) -> list[int]:
    """Each learner's counted graded attempt (first, last, or best then earliest), ids in order."""
    pipeline = [
        {"$match": {"assessment_id": assessment_id, "state": GRADED}},
        {"$sort": _SORTS[choice]},
        {"$group": {"_id": "$user_id", "attempt": {"$first": "$_id"}}},
    ]
    ids: list[int] = []
    for page in mongodb.stream_pages(lambda: _collection().aggregate(pipeline, allowDiskUse=True), ID_BATCH):
        ids.extend(doc["attempt"] for doc in page)
    return sorted(ids)


def _matches(assessment_id: int, choice: str) -> Iterator[dict[str, Any]]:
    """The ``$match`` stages of the counted attempts: one for "all", one per batch of chosen ids otherwise."""
    if choice == "all":
        yield {"$match": {"assessment_id": assessment_id, "state": GRADED}}
        return
    chosen = chosen_attempt_ids(assessment_id, choice)
    for start in range(0, len(chosen), ID_BATCH):
        yield {"$match": {"_id": {"$in": chosen[start : start + ID_BATCH]}}}


def _duration() -> dict[str, Any]:
    """An attempt's duration in milliseconds (a date difference), null until it is submitted."""
    return {
        "$cond": [
            {"$eq": [{"$ifNull": ["$submitted_at", None]}, None]},
            None,
            {"$subtract": ["$submitted_at", "$started_at"]},
        ]
    }


def _sum_product(a: str, b: str) -> dict[str, Any]:
    return {"$sum": {"$multiply": [a, b]}}


def version_sums(assessment_id: int, choice: str) -> list[VersionSums]:
    pipelines = [
        [
            match,
            {"$unwind": "$responses"},
            {
                "$project": {
                    "q": "$responses.question_id",
                    "v": "$responses.question_version_id",
                    "p": "$responses.points",
                    "x": {"$ifNull": ["$responses.score", 0.0]},
                    "t": {"$ifNull": ["$earned", 0.0]},
                    "c": {"$cond": [{"$eq": ["$responses.correct", True]}, 1.0, 0.0]},
                    "d": _duration(),
                }
            },
            {"$addFields": {"y": {"$multiply": ["$x", "$p"]}}},
            {
                "$group": {
                    "_id": {"q": "$q", "v": "$v"},
                    "n": {"$sum": 1},
                    "points": {"$max": "$p"},
                    "sx": {"$sum": "$x"},
                    "sy": {"$sum": "$y"},
                    "syy": _sum_product("$y", "$y"),
                    "syt": _sum_product("$y", "$t"),
                    "st": {"$sum": "$t"},
                    "stt": _sum_product("$t", "$t"),
                    "sc": {"$sum": "$c"},
                    "sct": _sum_product("$c", "$t"),
                    "time_n": {"$sum": {"$cond": [{"$eq": ["$d", None]}, 0, 1]}},
                    "time_sum": {"$sum": "$d"},
                }
            },
        ]
        for match in _matches(assessment_id, choice)
    ]
    added: dict[tuple[int, int], dict[str, Any]] = {}
    for doc in _aggregate(pipelines):
        key = (int(doc["_id"]["q"]), int(doc["_id"]["v"]))
        previous = added.get(key)
        if previous is None:
            added[key] = dict(doc)
            continue
        previous["n"] += doc["n"]
        previous["time_n"] += doc["time_n"]
        previous["points"] = max(float(previous["points"] or 0.0), float(doc["points"] or 0.0))
        for name in _ITEM_SUMS:
            previous[name] = float(previous[name] or 0.0) + float(doc[name] or 0.0)
    return [
        VersionSums(
            question_id=qid,
            version_id=vid,
            points=float(doc["points"] or 0.0),
            n=int(doc["n"]),
            time_n=int(doc["time_n"]),
            **{name: float(doc[name] or 0.0) for name in _ITEM_SUMS if name != "time_sum"},
            time_sum=float(doc["time_sum"] or 0.0) / 1000,
        )
        for (qid, vid), doc in sorted(added.items())
    ]


def _bin() -> dict[str, Any]:
    """The attempt's score bin 0..9 (``floor((score + slack) * 10)``, none or below 0 in the first)."""
    scaled = {"$floor": {"$multiply": [{"$add": [{"$ifNull": ["$score", 0.0]}, _BIN_SLACK]}, 10]}}
    return {"$min": [9, {"$max": [0, scaled]}]}


def _partial_credits() -> dict[str, Any]:
    """How many of the attempt's responses were scored neither 0 nor 1 (unscored ones not counted)."""
    scored = {"$and": [{"$ne": ["$$r.score", None]}, {"$ne": ["$$r.score", 0.0]}, {"$ne": ["$$r.score", 1.0]}]}
    return {"$size": {"$filter": {"input": {"$ifNull": ["$responses", []]}, "as": "r", "cond": scored}}}


def attempt_sums(assessment_id: int, choice: str) -> AttemptSums:
    bins = {f"b{i}": {"$sum": {"$cond": [{"$eq": ["$b", i]}, 1, 0]}} for i in range(10)}
    pipelines = [
        [
            match,
            {
                "$project": {
                    "t": {"$ifNull": ["$earned", 0.0]},
                    "possible": 1,
                    "u": {"$sum": "$responses.score"},
                    "partial": _partial_credits(),
                    "d": _duration(),
                    "b": _bin(),
                }
            },
            {
                "$group": {
                    "_id": None,
                    "n": {"$sum": 1},
                    "st": {"$sum": "$t"},
                    "stt": _sum_product("$t", "$t"),
                    "su": {"$sum": "$u"},
                    "suu": _sum_product("$u", "$u"),
                    "possible": {"$max": "$possible"},
                    "time_n": {"$sum": {"$cond": [{"$eq": ["$d", None]}, 0, 1]}},
                    "time_sum": {"$sum": "$d"},
                    "partial": {"$sum": "$partial"},
                    **bins,
                }
            },
        ]
        for match in _matches(assessment_id, choice)
    ]
    n = time_n = partial = 0
    possible = 0.0
    sums = dict.fromkeys(_TEST_SUMS, 0.0)
    counted = [0] * 10
    for doc in _aggregate(pipelines):
        n += int(doc["n"])
        time_n += int(doc["time_n"])
        partial += int(doc["partial"])
        possible = max(possible, float(doc["possible"] or 0.0))
        for name in _TEST_SUMS:
            sums[name] += float(doc[name] or 0.0)
        for i in range(10):
            counted[i] += int(doc[f"b{i}"])
    return AttemptSums(
        n=n,
        st=sums["st"],
        stt=sums["stt"],
        su=sums["su"],
        suu=sums["suu"],
        possible=possible,
        time_n=time_n,
        time_sum=sums["time_sum"] / 1000,
        partial=partial,
        bins=tuple(counted),
    )


def answer_tallies(assessment_id: int, choice: str, version_ids: Sequence[int]) -> list[AnswerTally]:
    if not version_ids:
        return []
    wanted = {"responses.question_version_id": {"$in": list(version_ids)}}
    pipelines = [
        [
            {"$match": {**match["$match"], **wanted}},
            {"$unwind": "$responses"},
            {"$match": wanted},
            {
                "$group": {
                    "_id": {"v": "$responses.question_version_id", "a": "$responses.answer"},
                    "count": {"$sum": 1},
                    "total": {"$sum": {"$ifNull": ["$earned", 0.0]}},
                }
            },
        ]
        for match in _matches(assessment_id, choice)
    ]
    added: dict[tuple[int, str], AnswerTally] = {}
    for doc in _aggregate(pipelines):
        version_id, answer = int(doc["_id"]["v"]), doc["_id"].get("a")
        key = (version_id, json.dumps(answer, sort_keys=True, default=str))
        previous = added.get(key)
        count = int(doc["count"]) + (previous.count if previous else 0)
        total = float(doc["total"] or 0.0) + (previous.total if previous else 0.0)
        added[key] = AnswerTally(version_id=version_id, answer=answer, count=count, total=total)
    return list(added.values())


def graded_attempt_users(assessment_id: int) -> dict[int, int]:
    query = {"assessment_id": assessment_id, "state": GRADED}
    users: dict[int, int] = {}
    for page in mongodb.stream_pages(lambda: _collection().find(query, {"user_id": 1}), ID_BATCH):
        users.update((doc["_id"], doc["user_id"]) for doc in page)
    return users


def with_graded_attempts(assessment_ids: Sequence[int]) -> list[int]:
    attempts = mongodb.database()[ATTEMPTS]
    return [aid for aid in assessment_ids if attempts.find_one({"assessment_id": aid, "state": GRADED}, {"_id": 1})]


def assessments_with_question(question_id: int) -> list[int]:
    pipeline = [
        {"$match": {"state": GRADED, "responses.question_id": question_id}},
        {"$group": {"_id": "$assessment_id"}},
    ]
    return sorted(int(doc["_id"]) for doc in _aggregate([pipeline]))


def users_with_attempts(assessment_ids: Sequence[int], user_ids: Sequence[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {assessment_id: set() for assessment_id in assessment_ids}
    pipelines = [
        [
            {
                "$match": {
                    "assessment_id": {"$in": list(assessment_ids)},
                    "user_id": {"$in": list(user_ids[start : start + ID_BATCH])},
                }
            },
            {"$group": {"_id": {"a": "$assessment_id", "u": "$user_id"}}},
        ]
        for start in range(0, len(user_ids), ID_BATCH)
    ]
    for doc in _aggregate(pipelines):
        found.setdefault(int(doc["_id"]["a"]), set()).add(int(doc["_id"]["u"]))
    return found
