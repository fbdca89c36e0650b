"""
Pages of assessments: the learner's list and take page (LMS), the authoring page (Studio).

TLDR: server-rendered shells. The learner pages render what the api returns for the learner and
leave taking the assessment to a small script (``static/ve_edu_vault/assessments/take.js``) that
calls the learner REST API with the session and the CSRF token; nothing secret is ever rendered.
The authoring page posts the configuration as JSON (``config``), like the question bank's page: a
script (``static/ve_edu_vault/assessments/authoring.js``) turns it into a form (selection, timing,
dates, scoring, behaviour, feedback) and writes the JSON back; errors name the field it shows them at.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.data import AssessmentConfig, InvalidAssessmentConfig
from ve_edu_vault.assessments.take_page import take_config, take_strings
from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.errors import NotFoundError, VaultError
from ve_edu_vault.pages import course_key_or_none, staff_course_or_none
from ve_edu_vault.platform import api as platform
from ve_edu_vault.questions import api as questions

EXAMPLE_CONFIG: dict[str, Any] = {
    "selection": {"mode": "fixed", "question_ids": []},
    "time_limit_minutes": None,
    "attempt_limit": 1,
    "behaviour": "deferred",
    "feedback": "after_submission",
    "pass_threshold": 0.5,
}


# ---------------------------------------------------------------------------------------------
# LMS: learner pages


def topic_groups(course_key: CourseKey, items: list[Any]) -> list[dict[str, Any]]:
    """
    Group learner assessment summaries by the mirror's topics, in outline order.

    An assessment attached to a topic, subtopic or objective goes under its topic; one attached to
    no node (or to a node the mirror no longer has) goes in a last group without a topic.
    """
    topic_of: dict[str, str] = {}
    groups: list[dict[str, Any]] = []
    for topic in course_sync.get_outline_tree(course_key):
        groups.append({"topic": topic.display_name, "usage_key": str(topic.usage_key), "assessments": []})
        stack = [topic]
        while stack:
            node = stack.pop()
            topic_of[str(node.usage_key)] = str(topic.usage_key)
            stack.extend(node.children)
    by_key = {group["usage_key"]: group for group in groups}
    other: dict[str, Any] = {"topic": None, "usage_key": None, "assessments": []}
    for item in items:
        topic_key = topic_of.get(str(item.node_usage_key)) if item.node_usage_key else None
        (by_key[topic_key] if topic_key else other)["assessments"].append(item)
    return [group for group in [*groups, other] if group["assessments"]]


def _learner_course(request: HttpRequest, raw_key: str) -> CourseKey | None:
    key = course_key_or_none(raw_key)
    if key is None:
        return None
    if not (platform.is_enrolled(request.user, key) or platform.is_course_staff(request.user, key)):
        raise PermissionDenied(_("You must be enrolled in this course."))
    return key


@login_required
@require_GET
def learner_list(request: HttpRequest, course_key: str) -> HttpResponse:
    """The course's assessments for the learner, grouped by topic, with attempts and scores."""
    key = _learner_course(request, course_key)
    if key is None:
        return HttpResponseBadRequest(_("Not a valid course key."))
    items = list(api.list_learner_assessments(key, request.user))
    context = {
        "course_key": key,
        "groups": topic_groups(key, items),
        "count": len(items),
        "is_staff": platform.is_course_staff(request.user, key),  # the course tab leads staff to the staff area
    }
    return render(request, "ve_edu_vault/assessments/learner_list.html", context)


@login_required
@require_GET
def learner_take(request: HttpRequest, course_key: str, assessment_id: int) -> HttpResponse:
    """The shell of the take page; ``take.js`` starts, autosaves, checks, submits and shows the result."""
    key = _learner_course(request, course_key)
    if key is None:
        return HttpResponseBadRequest(_("Not a valid course key."))
    summary = next((item for item in api.list_learner_assessments(key, request.user) if item.id == assessment_id), None)
    if summary is None:
        raise Http404(_("No such assessment in this course."))
    try:
        config = api.get_assessment(assessment_id, course_key=key).config
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    page_config = take_config(
        key, assessment_id, config, list_url=reverse("ve_edu_vault:assessments-learner-page", args=[str(key)])
    )
    context = {"course_key": key, "summary": summary, "page_config": page_config, "strings": take_strings()}
    return render(request, "ve_edu_vault/assessments/take.html", context)


# ---------------------------------------------------------------------------------------------
# Studio: authoring page


def _staff_course(request: HttpRequest, raw_key: str) -> CourseKey | None:
    return staff_course_or_none(request, raw_key, refusal=_("Only the course's staff may author its assessments."))


def _config_from_text(text: str) -> AssessmentConfig:
    try:
        raw = json.loads(text or "{}")
    except json.JSONDecodeError as exc:
        raise VaultError(f"Not valid JSON: {exc}", field="config") from exc
    if not isinstance(raw, dict):
        raise VaultError("The configuration must be a JSON object.", field="config")
    try:
        return AssessmentConfig.from_dict(raw)
    except InvalidAssessmentConfig as exc:
        raise VaultError(exc.message, field=f"config.{exc.field}") from exc


def _error_text(exc: VaultError) -> str:
    return f"{exc.field}: {exc.message}" if exc.field else exc.message


def _error_data(exc: VaultError) -> dict[str, str]:
    return {"field": exc.field or "", "message": str(exc.message), "text": _error_text(exc)}


def _authoring_data(key: CourseKey, config_text: str) -> dict[str, Any]:
    """What the form script needs: the config to fill the form from, the course's nodes and questions."""
    try:
        config = json.loads(config_text or "null")
    except json.JSONDecodeError:
        config = None
    page = questions.list_questions(key, limit=1000)
    return {
        "config": config,
        "nodes": [asdict(option) for option in course_sync.outline_options(key)],
        "questions": [
            {
                "id": q.id,
                "title": (q.current_version.title if q.current_version else "") or f"#{q.id}",
                "type": q.current_version.type if q.current_version else "",
                "tags": list(q.current_version.tags) if q.current_version else [],
                "node": str(q.node_usage_key or ""),
            }
            for q in page.items
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def authoring_list(request: HttpRequest, course_key: str) -> HttpResponse:
    """Studio: the course's assessments and a form to create one."""
    key = _staff_course(request, course_key)
    if key is None:
        return HttpResponseBadRequest(_("Not a valid course key."))
    form = {"title": "", "node_usage_key": "", "config": json.dumps(EXAMPLE_CONFIG, indent=2)}
    error = error_data = None
    if request.method == "POST":
        form = {name: request.POST.get(name, "") for name in form}
        try:
            assessment = api.create_assessment(
                key,
                node_usage_key=form["node_usage_key"].strip() or None,
                title=form["title"].strip(),
                config=_config_from_text(form["config"]),
                author=request.user,
            )
        except VaultError as exc:
            error, error_data = _error_text(exc), _error_data(exc)
        else:
            messages.success(request, _("Assessment {id} created.").format(id=assessment.id))
            return HttpResponseRedirect(reverse("ve_edu_vault:assessment-edit-page", args=[str(key), assessment.id]))
    context = {
        "course_key": key,
        "assessments": api.list_assessments(key, include_archived=True),
        "form": form,
        "error": error,
        "error_data": error_data,
        "page_data": _authoring_data(key, form["config"]),
        "nodes": course_sync.outline_options(key),
    }
    return render(request, "ve_edu_vault/assessments/authoring_list.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def authoring_edit(request: HttpRequest, course_key: str, assessment_id: int) -> HttpResponse:
    """Studio: edit one assessment (title, JSON configuration), archive it, preview a draw, accommodations."""
    key = _staff_course(request, course_key)
    if key is None:
        return HttpResponseBadRequest(_("Not a valid course key."))
    try:
        assessment = api.get_assessment(assessment_id, course_key=key)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    form = {"title": assessment.title, "config": json.dumps(assessment.config.to_dict(), indent=2)}
    error = error_data = preview = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "save":
                form = {"title": request.POST.get("title", ""), "config": request.POST.get("config", "")}
                api.update_assessment(
                    assessment_id, course_key=key, title=form["title"].strip(), config=_config_from_text(form["config"])
                )
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(request.path)
            if action == "archive":
                api.archive_assessment(assessment_id, course_key=key)
                return HttpResponseRedirect(request.path)
            if action == "accommodation":
                user = platform.get_user(request.POST.get("username", "").strip())
                if user is None:
                    raise NotFoundError(_("No such user."), field="username")
                api.set_accommodation(
                    assessment_id,
                    user=user,
                    accommodation={
                        "extra_minutes": int(request.POST.get("extra_minutes") or 0),
                        "time_multiplier": float(request.POST.get("time_multiplier") or 1),
                        "extra_attempts": int(request.POST.get("extra_attempts") or 0),
                    },
                    set_by=request.user,
                )
                messages.success(request, _("Accommodation saved."))
                return HttpResponseRedirect(request.path)
            if action == "preview":
                preview = api.preview_assessment(assessment_id)
        except ValueError:
            error, status = str(_("Accommodation values must be numbers.")), 400
        except VaultError as exc:
            error, error_data, status = _error_text(exc), _error_data(exc), 400
    context = {
        "course_key": key,
        "assessment": assessment,
        "form": form,
        "error": error,
        "error_data": error_data,
        "page_data": _authoring_data(key, form["config"]),
        "node_name": next(
            (n.path for n in course_sync.outline_options(key) if n.usage_key == str(assessment.node_usage_key)), ""
        ),
        "preview": preview,
        "accommodations": api.list_accommodations(assessment_id),
        "block_key": api.bound_blocks(key).get(assessment_id),
        "outbox": api.grade_report_status(assessment_id),
    }
    return render(request, "ve_edu_vault/assessments/authoring_edit.html", context, status=status)
