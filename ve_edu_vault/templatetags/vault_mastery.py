"""
``{% vault_learner_progress course_key %}``: the learner's progress per objective, for the learner pages.

TLDR: an inclusion tag so any learner page can show it without its view changing: it reads the request's user
from the template context and renders ``ve_edu_vault/mastery/_progress.html`` from ``mastery.api``. A course
without objectives renders nothing.
"""

from __future__ import annotations

from typing import Any

from django import template

from ve_edu_vault.mastery import api

register = template.Library()


@register.inclusion_tag("ve_edu_vault/mastery/_progress.html", takes_context=True)
def vault_learner_progress(context: template.Context, course_key: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return {"objectives": []}
    return {"objectives": api.get_learner_mastery(course_key, user)}


@register.filter
def policy_name(policy: str) -> str:
    """``{{ item.policy|policy_name }}``: a mastery policy in plain words."""
    return api.policy_name(str(policy))
