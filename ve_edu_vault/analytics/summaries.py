"""
Summary tables kept up to date one graded attempt at a time, and a cache in front of the statistics made from them.

TLDR: the statistics are functions of sums (``statistics.py``), and sums can be added to. When an attempt is graded
(``ATTEMPT_GRADED``, after commit) its responses are added to its assessment's summaries for each choice of
attempts: always for ``all``; for ``first``, ``last`` and ``best`` only if it becomes the learner's counted
attempt, and then the attempt it replaces is taken away. That is a bounded number of rows per graded attempt
(the learner's few attempts, one row per question version), whatever the assessment's size: constant time. The
first read of an assessment builds its summaries with the attempt repository's aggregate reads
(``item_analysis.storage_sums``: SQL on the ORM, aggregation pipelines on MongoDB; ADR 0028), and so does a regrade
of one of its questions (``REGRADE_FINISHED``), since a regrade changes sums already added. The summary rows are
analytics' own tables (in SQL on both storage backends); a graded attempt is read through the repository.
Reads go through the cache, keyed by a stamp of the summary row (its id, modification time and count: one
indexed query), so a page view after a change recomputes the figures from the sums and any other is a cache hit.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction

from ve_edu_vault import caching
from ve_edu_vault.analytics import item_analysis, store
from ve_edu_vault.analytics.data import AttemptChoice, ItemAnalysis
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.errors import NotFoundError
from ve_edu_vault.questions import api as questions

__all__ = ["analysis", "apply_graded_attempt", "rebuild"]

log = logging.getLogger(__name__)

CACHE_TIMEOUT = 24 * 3600
#: How many times a rebuild sums again while attempts are graded during it (then it marks the latest graded ones).
REBUILD_TRIES = 3
_ANALYSIS = "ve_edu_vault:analytics:analysis:{assessment_id}:{choice}:{stamp}"
_ORDER = {
    AttemptChoice.FIRST: lambda attempt: (attempt[1],),
    AttemptChoice.LAST: lambda attempt: (-attempt[1],),
    AttemptChoice.BEST: lambda attempt: (-attempt[2], attempt[1]),
}


def analysis(assessment_id: int, choice: AttemptChoice) -> ItemAnalysis:
    """The item analysis from the summaries (built on first use), through the cache (one indexed query per read)."""
    stamp = store.summary_stamp(assessment_id, choice)
    if stamp is None:
        rebuild(assessment_id)
        stamp = store.summary_stamp(assessment_id, choice)
    key = _ANALYSIS.format(assessment_id=assessment_id, choice=choice, stamp=stamp)
    cached = caching.get(key)
    if isinstance(cached, ItemAnalysis):
        return cached
    stored = store.read_summaries(assessment_id, choice)
    assert stored is not None
    test, items, tallies = stored
    versions = questions.get_versions(item.version_id for item in items if item.version_id is not None)
    answers = [
        (version_id, {key.split("/", 1)[0]: key.split("/", 1)[1]}, int(count), float(total))
        for version_id, keys in tallies.items()
        for key, (count, total) in keys.items()
        if count
    ]
    result = item_analysis.analysis_from_sums(assessment_id, choice, test, items, versions, answers)
    caching.set(key, result, timeout=CACHE_TIMEOUT)  # a cache outage: computed again next time
    return result


def rebuild(assessment_id: int) -> None:
    """Recompute every summary of the assessment with the aggregation queries (first use, after a regrade).

    The attempts marked as summarised are exactly those the sums count: the graded attempts are read before and after
    the sums, and the sums computed again while an attempt was graded in between (else a refresh would add an attempt
    the sums already count, or skip one they miss). Graded attempts' updates wait on the summary rows' lock.
    """
    repository = assessments.get_repository()
    try:
        with transaction.atomic():
            store.lock_summaries(assessment_id)
            graded = repository.graded_attempt_users(assessment_id)
            for _ in range(REBUILD_TRIES):
                _write_sums(assessment_id)
                latest = repository.graded_attempt_users(assessment_id)
                if latest == graded:
                    break
                log.info("Attempts of assessment %s were graded during its rebuild: summed again", assessment_id)
                graded = latest
            else:
                log.warning("Attempts of assessment %s kept being graded during its rebuild", assessment_id)
            store.mark_all_summarised(assessment_id, graded)
    except IntegrityError:  # another process built them at the same moment: theirs stand
        log.info("Summaries of assessment %s were built concurrently", assessment_id)


def _write_sums(assessment_id: int) -> None:
    for choice in AttemptChoice:
        test, result_sums, partial = item_analysis.storage_sums(assessment_id, choice)
        versions = questions.get_versions(i.version_id for i in result_sums if i.version_id is not None)
        choice_versions = [vid for vid, v in versions.items() if item_analysis.choice_parts(v)]
        tallies: dict[int, dict[str, list[float]]] = {}
        for answer in item_analysis.answer_counts(assessment_id, choice, choice_versions):
            for key in _picks(versions[answer.version_id], answer.answer):
                tally = tallies.setdefault(answer.version_id, {}).setdefault(key, [0, 0.0])
                tally[0] += answer.count
                tally[1] += answer.total
        store.write_summaries(assessment_id, str(choice), test, result_sums, tallies, partial)


def _picks(version: Any, answer: Any) -> list[str]:
    """The ``part/choice`` keys an answer picks in the version's choice parts."""
    if not isinstance(answer, dict):
        return []
    keys = []
    for part in item_analysis.choice_parts(version):
        picked = answer.get(part.get("id"))
        for choice_id in picked if isinstance(picked, list) else [picked]:
            if isinstance(choice_id, str):
                keys.append(f"{part.get('id')}/{choice_id}")
    return keys


def attempt_facts(attempt_id: int) -> store.AttemptFacts | None:
    """What a graded attempt adds to the summaries (read through the attempt repository); None if not graded."""
    try:
        record = assessments.get_repository().get_attempt(attempt_id)
    except NotFoundError:
        return None
    if record.state != "graded":
        return None
    submitted, started = record.submitted_at, record.started_at
    return store.AttemptFacts(
        id=record.id,
        assessment_id=record.assessment_id,
        user_id=record.user_id,
        number=record.number,
        score=float(record.score or 0.0),
        earned=float(record.earned or 0.0),
        possible=float(record.possible or 0.0),
        seconds=(submitted - started).total_seconds() if submitted and started else None,
        responses=tuple(
            (r.question_id, r.question_version_id, float(r.score or 0.0), float(r.points or 0.0), bool(r.correct),
             r.answer)
            for r in record.responses
        ),
    )  # fmt: skip


def _summarised_attempts(facts: store.AttemptFacts) -> list[tuple[int, int, float]]:
    """``(attempt id, number, score)`` of the learner's other graded attempts already in the summaries."""
    ids = store.summarised_ids(facts.assessment_id, facts.user_id, excluding=facts.id)
    if not ids:
        return []
    return [
        (attempt.id, attempt.number, float(attempt.score or 0.0))
        for attempt in assessments.get_repository().list_attempts(facts.assessment_id, facts.user_id)
        if attempt.id in ids and attempt.state == "graded"
    ]


def _partial(facts: store.AttemptFacts) -> int:
    return sum(1 for response in facts.responses if response[2] not in (0.0, 1.0))


def _bin(facts: store.AttemptFacts) -> int:
    return min(9, max(0, int((facts.score + 1e-9) * 10)))


def apply_graded_attempt(attempt_id: int) -> bool:
    """Add a newly graded attempt to its assessment's summaries (constant time); False when nothing changed."""
    facts = attempt_facts(attempt_id)
    if facts is None:
        return False
    with transaction.atomic():
        rows = store.lock_summaries(facts.assessment_id)
        if not rows:
            return False  # not built yet: the first read builds them, this attempt included
        if not store.mark_summarised(facts):
            return False  # already added
        versions = questions.get_versions({response[1] for response in facts.responses})
        picks = {vid: _picks(versions[vid], a) for _q, vid, _x, _p, _c, a in facts.responses if vid in versions}
        others = _summarised_attempts(facts)
        mine = (facts.id, facts.number, facts.score)
        for choice in AttemptChoice:
            row = rows.get(str(choice))
            if row is None:
                continue
            if choice is AttemptChoice.ALL:
                _add(row, facts, picks, 1)
                continue
            before = min(others, key=_ORDER[choice]) if others else None
            after = min([*others, mine], key=_ORDER[choice])
            if after[0] != facts.id:
                continue
            if before is not None:
                previous = attempt_facts(before[0])
                if previous is not None:
                    old_versions = questions.get_versions({r[1] for r in previous.responses})
                    old_picks = {
                        vid: _picks(old_versions[vid], a)
                        for _q, vid, _x, _p, _c, a in previous.responses
                        if vid in old_versions
                    }
                    _add(row, previous, old_picks, -1)
            _add(row, facts, picks, 1)
    return True


def _add(row: Any, facts: store.AttemptFacts, picks: dict[int, list[str]], sign: int) -> None:
    store.apply_to_summary(row, facts, sign, _bin(facts), _partial(facts))
    store.apply_to_items(facts.assessment_id, row.choice, facts, sign, picks)
