"""
The templates an instructor creates a new assessment from in the deep linking picker.

TLDR: what an Open edX author expects there (docs/decisions/0020-lti-tool.rst, "Deep linking"): Studio's
"Duplicate" (a copy of one of the course's assessments: its settings and its question selection, a new
title), or a problem bank's "N questions drawn from this section" with one of three settings everyone knows:
practice (unlimited attempts, check each answer, feedback at once), graded quiz (two attempts, feedback after
submitting) and timed exam (one attempt of an hour, feedback after the close date). Templates are settings
only: questions stay in the course's bank, authored in Studio. Pure data; ``deep_linking`` creates the
assessment through ``assessments.api.create_assessment``, which validates the result like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

#: The template that copies an assessment of the course (the form's value is ``copy:<assessment id>``).
COPY = "copy"
#: How many questions a drawn template may ask for.
MAX_COUNT = 100


@dataclass(frozen=True, kw_only=True, slots=True)
class AssessmentTemplate:
    key: str
    label: Any  # lazy translated
    description: Any
    config: dict[str, Any] = field(default_factory=dict)  # everything but the selection


PREDEFINED: tuple[AssessmentTemplate, ...] = (
    AssessmentTemplate(
        key="practice",
        label=_("Practice"),
        description=_("Unlimited attempts; each answer can be checked before submitting; the best score counts."),
        config={
            "attempt_limit": None,
            "behaviour": "immediate",
            "feedback": "immediately",
            "scoring": "highest",
            "shuffle_questions": True,
            "shuffle_choices": True,
        },
    ),
    AssessmentTemplate(
        key="quiz",
        label=_("Graded quiz"),
        description=_("Two attempts; answers graded on submitting, with feedback then; the best score counts."),
        config={
            "attempt_limit": 2,
            "behaviour": "deferred",
            "feedback": "after_submission",
            "scoring": "highest",
            "shuffle_choices": True,
        },
    ),
    AssessmentTemplate(
        key="exam",
        label=_("Timed exam"),
        description=_("One attempt of 60 minutes, submitted when time runs out; feedback after the close date."),
        config={
            "attempt_limit": 1,
            "time_limit_minutes": 60,
            "behaviour": "deferred",
            "feedback": "after_close",
            "scoring": "first",
            "hints_enabled": False,
            "shuffle_questions": True,
            "shuffle_choices": True,
        },
    ),
)
BY_KEY = {template.key: template for template in PREDEFINED}


def drawn_config(template_key: str, *, pool_node: str, count: int) -> dict[str, Any]:
    """A predefined template's config drawing ``count`` questions from the bank under ``pool_node``."""
    template = BY_KEY[template_key]
    return {**template.config, "selection": {"mode": "random", "pool_node": pool_node, "count": count}}
