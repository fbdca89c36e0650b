"""
What the learner's take page and the vault assessment XBlock share: the script's configuration and strings.

TLDR: one source for both places a learner takes an assessment (the plugin's page, ``views.learner_take``,
and the XBlock's ``student_view``): the same markup (``templates/ve_edu_vault/assessments/_take_body.html``),
the same script (``static/ve_edu_vault/assessments/take.js``, mounted on a root element) fed by these.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.rest_api import API_PREFIX

from .data import AssessmentConfig

__all__ = ["take_config", "take_strings"]


def take_config(
    course_key: CourseKey, assessment_id: int, config: AssessmentConfig, *, list_url: str | None = None
) -> dict[str, Any]:
    """The configuration ``take.js`` is mounted with: where the REST API is and how the assessment behaves."""
    return {
        "apiRoot": f"/{API_PREFIX}",
        "courseKey": str(course_key),
        "assessmentId": assessment_id,
        "behaviour": config.behaviour.value,
        "hintsEnabled": config.hints_enabled,
        "listUrl": list_url,
        "csrfCookieName": settings.CSRF_COOKIE_NAME,
    }


def take_strings() -> dict[str, str]:
    """The script's user-facing strings, translated for the current language."""
    return {
        "question": _("Question"),
        "hint": _("Get a hint"),
        "hintsLeft": _("hints left"),
        "hintLeft": _("hint left"),
        "check": _("Check"),
        "triesLeft": _("tries left"),
        "saving": _("Saving…"),
        "saved": _("All answers saved."),
        "saveFailed": _("Could not save your answers. Retrying…"),
        "correct": _("Correct"),
        "incorrect": _("Not correct"),
        "score": _("Score"),
        "passed": _("Passed"),
        "notPassed": _("Not passed"),
        "withheld": _("Your answers were submitted. Your score will be shown when it is released."),
        "timeUp": _("Time is up. Your answers were submitted."),
        "minutesLeft": _("minutes left"),
        "secondsLeft": _("seconds left"),
        "blank": _("Blank"),
        "answer": _("Answer"),
        "choose": _("Choose…"),
        "explanation": _("Explanation"),
        "attempt": _("Attempt"),
        "submitted": _("submitted"),
        "inProgress": _("in progress"),
    }
