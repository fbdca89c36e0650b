"""
Item analysis of one assessment: the database's sums turned into statistics, choice counts and flags.

TLDR: three aggregate reads of the attempt repository (``storage_sums``: grouped queries on the ORM, aggregation
pipelines on MongoDB; ADR 0028), one read of the question versions, then pure arithmetic (``statistics``) and rules
(``flags``). Items are question versions (an attempt pins the version it showed);
``questions`` rolls each question up over its versions; alpha and KR-20 count each question as one item and
need every counted attempt to have had the same questions (a drawn assessment gets a note instead).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, replace
from typing import Any

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ve_edu_vault.analytics import flags as flag_rules
from ve_edu_vault.analytics import statistics as stats
from ve_edu_vault.analytics.data import (
    AssessmentStats,
    AssessmentSums,
    AttemptChoice,
    ChoiceCount,
    ItemAnalysis,
    ItemStats,
    ItemSums,
)
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.assessments.data_stats import AnswerTally
from ve_edu_vault.questions import api as questions
from ve_edu_vault.questions.data_api import QuestionVersionData

__all__ = ["CHOICE_TYPES", "analyse", "analysis_from_sums", "answer_counts", "choice_parts", "storage_sums"]

#: Part types whose answers are choice ids (``choices`` or ``options`` in the config, ``correct`` in the key).
CHOICE_TYPES = frozenset({"multiple_choice", "multi_select", "dropdown"})


def storage_sums(assessment_id: int, choice: AttemptChoice) -> tuple[AssessmentSums, list[ItemSums], int]:
    """The counted attempts' sums, each question version's, and how many responses had partial credit."""
    repository = assessments.get_repository()
    # ``VersionSums`` and ``AttemptSums`` carry the same sums under the same names as analytics' own values.
    items = [ItemSums(version=None, **asdict(row)) for row in repository.version_sums(assessment_id, str(choice))]
    values = asdict(repository.attempt_sums(assessment_id, str(choice)))
    partial = values.pop("partial")
    return AssessmentSums(dichotomous=partial == 0, **values), items, partial


def answer_counts(assessment_id: int, choice: AttemptChoice, version_ids: list[int]) -> list[AnswerTally]:
    """The distinct answers to these (choice) versions in the counted attempts, with counts and totals."""
    return assessments.get_repository().answer_tallies(assessment_id, str(choice), version_ids)


def analyse(assessment_id: int, choice: AttemptChoice) -> ItemAnalysis:
    """The item analysis of the counted attempts of an assessment (read from storage now)."""
    test, item_sums, _partial = storage_sums(assessment_id, choice)
    versions = questions.get_versions(item.version_id for item in item_sums if item.version_id is not None)
    choice_versions = [vid for vid, version in versions.items() if choice_parts(version)]
    answers = [
        (tally.version_id, tally.answer, tally.count, tally.total)
        for tally in answer_counts(assessment_id, choice, choice_versions)
    ]
    return analysis_from_sums(assessment_id, choice, test, item_sums, versions, answers)


def analysis_from_sums(
    assessment_id: int,
    choice: AttemptChoice,
    test: AssessmentSums,
    item_sums: Iterable[ItemSums],
    versions: Mapping[int, QuestionVersionData],
    answers: Iterable[tuple[int, Any, int, float]],
) -> ItemAnalysis:
    """Statistics and flags from sums (shared by the live reads and the summary tables)."""
    counts = _choice_counts(versions, answers)
    items: list[ItemStats] = []
    rollups: dict[int, ItemSums] = {}
    for sums in item_sums:
        version = versions.get(sums.version_id) if sums.version_id is not None else None
        sums = replace(sums, version=version.number if version else sums.version)
        items.append(_item(sums, version.title if version else "", counts.get(sums.version_id or 0, ())))
        previous = rollups.get(sums.question_id)
        rollups[sums.question_id] = previous + sums if previous else replace(sums, version_id=None, version=None)
    items.sort(key=lambda item: (item.question_id, item.version or 0))
    for index in range(1, len(items)):
        before, after = items[index - 1], items[index]
        if before.question_id == after.question_id:
            flag = flag_rules.version_change_flag(before, after)
            if flag:
                items[index] = replace(after, flags=(*after.flags, flag))
    titles = {item.question_id: item.title for item in items}
    questions_stats = tuple(_item(sums, titles.get(qid, ""), ()) for qid, sums in sorted(rollups.items()))
    return ItemAnalysis(
        assessment=_assessment(assessment_id, choice, test, list(rollups.values())),
        items=tuple(items),
        questions=questions_stats,
    )


def _item(sums: ItemSums, title: str, choices: tuple[ChoiceCount, ...]) -> ItemStats:
    facility = stats.facility(sums)
    discrimination = stats.corrected_item_total(sums)
    return ItemStats(
        question_id=sums.question_id,
        version_id=sums.version_id,
        version=sums.version,
        title=title,
        points=sums.points,
        attempts=sums.n,
        mean=sums.sy / sums.n if sums.n else None,
        facility=facility,
        discrimination=discrimination,
        point_biserial=stats.point_biserial(sums),
        mean_seconds=sums.time_sum / sums.time_n if sums.time_n else None,
        choices=choices,
        flags=tuple(
            flag_rules.item_flags(attempts=sums.n, facility=facility, discrimination=discrimination, choices=choices)
        ),
    )


def _assessment(
    assessment_id: int, choice: AttemptChoice, test: AssessmentSums, rollups: list[ItemSums]
) -> AssessmentStats:
    same = bool(test.n) and all(item.n == test.n for item in rollups)
    test = replace(test, same_items=same)
    alpha = stats.alpha(test, rollups)
    kr20 = stats.kr20(test, rollups)
    variance = stats.sample_variance(test.n, test.st, test.stt)
    notes: list[str] = []
    if test.n and not same:
        notes.append(_("Learners had different questions (a drawn set): alpha and KR-20 need the same questions."))
    elif test.n and not test.dichotomous:
        notes.append(_("Some questions give partial credit: KR-20 applies to right/wrong questions only."))
    if test.n == 1:
        notes.append(_("One attempt: spreads and correlations need at least two."))
    return AssessmentStats(
        assessment_id=assessment_id,
        attempts_choice=choice,
        attempts=test.n,
        mean=test.st / test.n if test.n else None,
        mean_fraction=(test.st / test.n / test.possible) if test.n and test.possible else None,
        sd=variance**0.5 if variance is not None else None,
        possible=test.possible,
        alpha=alpha,
        kr20=kr20,
        sem=stats.sem(test, alpha),
        mean_seconds=test.time_sum / test.time_n if test.time_n else None,
        distribution=test.bins,
        notes=tuple(notes),
    )


def choice_parts(version: QuestionVersionData) -> list[dict[str, Any]]:
    parts = (version.content or {}).get("parts") or []
    return [part for part in parts if isinstance(part, dict) and part.get("type") in CHOICE_TYPES]


def _choice_counts(
    versions: Mapping[int, QuestionVersionData], answers: Iterable[tuple[int, Any, int, float]]
) -> dict[int, tuple[ChoiceCount, ...]]:
    """Per version, every choice of every choice part with how many picked it and their mean total."""
    tallies: dict[tuple[int, str, str], list[float]] = {}
    for version_id, answer, count, total in answers:
        if not isinstance(answer, dict):
            continue
        for part in choice_parts(versions[version_id]):
            picked = answer.get(part.get("id"))
            for choice_id in picked if isinstance(picked, list) else [picked]:
                if isinstance(choice_id, str):
                    tally = tallies.setdefault((version_id, str(part.get("id")), choice_id), [0.0, 0.0])
                    tally[0] += count
                    tally[1] += total
    result: dict[int, tuple[ChoiceCount, ...]] = {}
    for version_id, version in versions.items():
        rows: list[ChoiceCount] = []
        for part in choice_parts(version):
            config = part.get("config") or {}
            key = (part.get("answer_key") or {}).get("correct")
            right = set(key) if isinstance(key, list) else {key}
            for item in config.get("choices") or config.get("options") or []:
                picks, picked_total = tallies.get((version_id, str(part.get("id")), item.get("id")), [0.0, 0.0])
                rows.append(
                    ChoiceCount(
                        part_id=str(part.get("id")),
                        choice_id=str(item.get("id")),
                        text=strip_tags(str(item.get("text", ""))).strip(),
                        correct=item.get("id") in right,
                        count=int(picks),
                        mean_total=picked_total / picks if picks else None,
                    )
                )
        if rows:
            result[version_id] = tuple(rows)
    return result
