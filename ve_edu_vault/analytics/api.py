"""
Public Python API of analytics: item analysis now; exports, mastery reports and the dashboard build on it.

TLDR: views, commands and tasks call only these functions. ``item_analysis`` checks the assessment through
``assessments.api`` (a 404 for another course's), then reads the statistics (``item_analysis.analyse``).
``analysis_to_dict`` is the JSON shape of ``vault_item_analysis --json`` and of the REST endpoint
(docs/analytics_json.rst, a public contract).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.analytics import item_analysis as analysis
from ve_edu_vault.analytics.data import AttemptChoice, ItemAnalysis, ItemStats
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.errors import ValidationError

__all__ = ["AttemptChoice", "ItemAnalysis", "analysis_to_dict", "attempt_choice", "item_analysis"]


def attempt_choice(value: str | AttemptChoice | None) -> AttemptChoice:
    """``first``, ``last``, ``best`` or ``all`` (the default); anything else is a ValidationError."""
    if value is None or value == "":
        return AttemptChoice.ALL
    try:
        return AttemptChoice(value)
    except ValueError as exc:
        raise ValidationError("attempts must be one of first, last, best, all.", field="attempts") from exc


def item_analysis(
    assessment_id: int, *, attempts: str | AttemptChoice | None = None, course_key: CourseKey | None = None
) -> ItemAnalysis:
    """The item analysis of an assessment on the learners' first, last, best or all graded attempts."""
    choice = attempt_choice(attempts)
    assessments.get_assessment(assessment_id, course_key=course_key)
    return analysis.analyse(assessment_id, choice)


def _item_dict(item: ItemStats) -> dict[str, Any]:
    data = asdict(item)
    data["flags"] = [asdict(flag) for flag in item.flags]
    data["choices"] = [asdict(choice) for choice in item.choices]
    return data


def analysis_to_dict(result: ItemAnalysis) -> dict[str, Any]:
    """The public JSON shape (docs/analytics_json.rst): ``assessment``, ``items`` (versions), ``questions``."""
    test = asdict(result.assessment)
    test["attempts_choice"] = str(result.assessment.attempts_choice)
    test["distribution"] = list(result.assessment.distribution)
    test["notes"] = list(result.assessment.notes)
    return {
        "assessment": test,
        "items": [_item_dict(item) for item in result.items],
        "questions": [_item_dict(item) for item in result.questions],
    }
