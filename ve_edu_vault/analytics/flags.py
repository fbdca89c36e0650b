"""
Why an item deserves a second look, in plain words for teachers.

TLDR: rules over computed statistics, no database. Items answered fewer than ``MIN_ATTEMPTS`` times are never
flagged (too little evidence). The thresholds are the usual ones of classical test theory (discrimination under
0.1 is near zero; facility above 0.95 or below 0.05 tells almost nothing about who knows it).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ve_edu_vault.analytics.data import ChoiceCount, Flag, ItemStats

__all__ = ["MIN_ATTEMPTS", "item_flags", "version_change_flag"]

MIN_ATTEMPTS = 10
NEAR_ZERO_DISCRIMINATION = 0.1
EASY = 0.95
HARD = 0.05
FACILITY_SHIFT = 0.2


def item_flags(
    *, attempts: int, facility: float | None, discrimination: float | None, choices: tuple[ChoiceCount, ...]
) -> list[Flag]:
    """The flags of one item from its statistics (none under ``MIN_ATTEMPTS`` attempts)."""
    if attempts < MIN_ATTEMPTS:
        return []
    flags: list[Flag] = []
    if discrimination is not None and discrimination < 0:
        flags.append(
            Flag(
                code="negative_discrimination",
                message=_(
                    "Learners who did well on the rest of the test did worse on this question "
                    "(discrimination {value:.2f}): check the answer key and the wording."
                ).format(value=discrimination),
            )
        )
    elif discrimination is not None and discrimination < NEAR_ZERO_DISCRIMINATION:
        flags.append(
            Flag(
                code="low_discrimination",
                message=_(
                    "This question hardly tells stronger from weaker learners (discrimination {value:.2f})."
                ).format(value=discrimination),
            )
        )
    if facility is not None and facility >= EASY:
        flags.append(
            Flag(
                code="too_easy",
                message=_("Almost everyone gets this question right ({value:.0%} of the points).").format(
                    value=facility
                ),
            )
        )
    elif facility is not None and facility <= HARD:
        flags.append(
            Flag(
                code="too_hard",
                message=_("Almost nobody gets this question right ({value:.0%} of the points).").format(value=facility),
            )
        )
    flags.extend(_choice_flags(choices))
    return flags


def _choice_flags(choices: tuple[ChoiceCount, ...]) -> list[Flag]:
    flags: list[Flag] = []
    by_part: dict[str, list[ChoiceCount]] = {}
    for choice in choices:
        by_part.setdefault(choice.part_id, []).append(choice)
    for part in by_part.values():
        right = [c.mean_total for c in part if c.correct and c.count and c.mean_total is not None]
        best_right = max(right) if right else None
        for choice in part:
            if choice.correct:
                continue
            if choice.count == 0:
                flags.append(
                    Flag(
                        code="unused_distractor",
                        message=_("Nobody chose the wrong answer “{text}”: it distracts no one.").format(
                            text=choice.text
                        ),
                    )
                )
            elif best_right is not None and choice.mean_total is not None and choice.mean_total > best_right:
                flags.append(
                    Flag(
                        code="strong_distractor",
                        message=_(
                            "Learners who chose the wrong answer “{text}” scored higher on the whole test than "
                            "those who chose the right one: it may be right too, or the key may be wrong."
                        ).format(text=choice.text),
                    )
                )
    return flags


def version_change_flag(previous: ItemStats, current: ItemStats) -> Flag | None:
    """A flag when a question's facility moved by ``FACILITY_SHIFT`` or more from one version to the next."""
    if previous.attempts < MIN_ATTEMPTS or current.attempts < MIN_ATTEMPTS:
        return None
    if previous.facility is None or current.facility is None:
        return None
    if abs(current.facility - previous.facility) < FACILITY_SHIFT:
        return None
    return Flag(
        code="changed_after_edit",
        message=_(
            "After the edit to version {version}, learners earn {after:.0%} of the points instead of {before:.0%}: "
            "check that the edit did what was meant."
        ).format(version=current.version, after=current.facility, before=previous.facility),
    )
