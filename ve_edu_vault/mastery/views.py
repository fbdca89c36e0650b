"""
Mastery pages (LMS): the staff view of a course's objectives, who mastered each, and one learner's explanation.

TLDR: server-rendered, course staff only (a plain "staff only" 403 for anyone else), part of the staff area.
Everything shown comes from ``mastery.api``; the learner's own progress is a section of the learner assessments page
(``{% vault_learner_progress %}``, templatetags/vault_mastery.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.errors import VaultError
from ve_edu_vault.mastery import api
from ve_edu_vault.platform import api as platform


@login_required
@require_GET
def staff_mastery(request: HttpRequest, course_key: str) -> HttpResponse:
    """Objectives with how many learners mastered each; ``?objective=`` lists them, ``&username=`` explains one."""
    try:
        key = CourseKey.from_string(course_key)
    except InvalidKeyError as exc:
        raise Http404(_("Not a valid course key.")) from exc
    if not platform.is_course_staff(request.user, key):
        # A plain refusal: the course exists, the page is for its staff (a 404 "No such course" misled learners).
        return render(request, "ve_edu_vault/analytics/forbidden.html", {"course_key": key}, status=403)
    context: dict[str, Any] = {"course_key": key, "objectives": [], "report": None, "explanation": None}
    try:
        objective = request.GET.get("objective")
        username = request.GET.get("username")
        if objective:
            context["report"] = api.get_objective_mastery(key, objective)
            if username:
                context["explanation"] = api.explain(key, api.user_by_username(username), objective)
        else:
            context["objectives"] = api.objective_summaries(key)
    except VaultError as exc:
        raise Http404(exc.message) from exc
    return render(request, "ve_edu_vault/mastery/staff.html", context)
