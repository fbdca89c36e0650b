"""
Summary tables kept up to date one graded attempt at a time, and a cache in front of the statistics made from them.

TLDR: the statistics are functions of sums (``statistics.py``), and sums can be added to. When an attempt is graded
(``ATTEMPT_GRADED``, after commit) its responses are added to its assessment's summaries for each choice of
attempts: always for ``all``; for ``first``, ``last`` and ``best`` only if it becomes the learner's counted
attempt, and then the attempt it replaces is taken away. That is a bounded number of rows per graded attempt
(the learner's few attempts, one row per question version), whatever the assessment's size: constant time. The
first read of an assessment builds its summaries with the aggregation queries (``store.item_sums`` ...), and so
does a regrade of one of its questions (``REGRADE_FINISHED``), since a regrade changes sums already added.
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
from ve_edu_vault.questions import api as questions

__all__ = ["analysis", "apply_graded_attempt", "rebuild"]

log = logging.getLogger(__name__)

CACHE_TIMEOUT = 24 * 3600
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
    """Recompute every summary of the assessment with the aggregation queries (first use, after a regrade)."""
    try:
        with transaction.atomic():
            for choice in AttemptChoice:
                result_sums = store.item_sums(assessment_id, choice)
                test = store.assessment_sums(assessment_id, choice)
                versions = questions.get_versions(i.version_id for i in result_sums if i.version_id is not None)
                choice_versions = [vid for vid, v in versions.items() if item_analysis.choice_parts(v)]
                tallies: dict[int, dict[str, list[float]]] = {}
                for vid, answer, count, total in store.choice_answer_counts(assessment_id, choice, choice_versions):
                    for key in _picks(versions[vid], answer):
                        tally = tallies.setdefault(vid, {}).setdefault(key, [0, 0.0])
                        tally[0] += count
                        tally[1] += total
                store.write_summaries(
                    assessment_id, str(choice), test, result_sums, tallies, store.count_partial(assessment_id, choice)
                )
            store.mark_all_summarised(assessment_id)
    except IntegrityError:  # another process built them at the same moment: theirs stand
        log.info("Summaries of assessment %s were built concurrently", assessment_id)


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


def _partial(facts: store.AttemptFacts) -> int:
    return sum(1 for response in facts.responses if response[2] not in (0.0, 1.0))


def _bin(facts: store.AttemptFacts) -> int:
    return min(9, max(0, int((facts.score + 1e-9) * 10)))


def apply_graded_attempt(attempt_id: int) -> bool:
    """Add a newly graded attempt to its assessment's summaries (constant time); False when nothing changed."""
    facts = store.attempt_facts(attempt_id)
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
        others = store.summarised_attempts(facts.assessment_id, facts.user_id, excluding=facts.id)
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
                previous = store.attempt_facts(before[0])
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
