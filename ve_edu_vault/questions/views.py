"""
The Studio authoring page of the question bank: list and filter, create and edit, preview-grade.

TLDR: server-rendered so it works in Studio without a frontend build. Course staff only (the
platform adapter decides). Forms POST with CSRF to the same page; the views call only
``questions.api``. The content is still posted as JSON (``content``): a progressive-enhancement
script (``static/ve_edu_vault/questions/authoring.js``) turns it into a form per question type and
writes the JSON back on submit; without the script the JSON editor is the form. Invalid content
re-renders the form (status 400) with the message and the field it names, which the script shows
next to the matching control.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.errors import NotFoundError, VaultError
from ve_edu_vault.pages import staff_course_or_none
from ve_edu_vault.questions import api
from ve_edu_vault.questions.registry import get_registry

PAGE_SIZE = 100
# What the "New question" form starts from: the shape of a multiple-choice question with every text empty,
# so that nothing is created until the author writes it (the form shows examples as placeholders).
NEW_QUESTION_CONTENT = {
    "title": "",
    "prompt": "",
    "tags": [],
    "points": 1,
    "parts": [
        {
            "id": "part_0",
            "type": "multiple_choice",
            "config": {"choices": [{"id": "choice_0", "text": ""}, {"id": "choice_1", "text": ""}], "shuffle": False},
            "answer_key": {"correct": ""},
        }
    ],
}
# Preview-grade answers are asked with the learner's controls for these types; other types take JSON.
PREVIEW_TYPES = ("multiple_choice", "multi_select", "dropdown", "numeric", "fill_in_blank")


def _course_for_staff(request: HttpRequest, raw_key: str) -> CourseKey | None:
    return staff_course_or_none(request, raw_key, refusal=_("Only the course's staff may author its questions."))


def _parse_json(raw: str, field: str) -> Any:
    try:
        return json.loads(raw or "null")
    except json.JSONDecodeError as exc:
        raise VaultError(f"Not valid JSON: {exc}", field=field) from exc


def _error_text(exc: VaultError) -> str:
    return f"{exc.field}: {exc.message}" if exc.field else exc.message


def _error_data(exc: VaultError) -> dict[str, str]:
    """The error as the form script reads it (``field`` names the control, e.g. ``content.parts[0].prompt``)."""
    return {"field": exc.field or "", "message": str(exc.message), "text": _error_text(exc)}


# The types the form knows; any other registered type is edited in the JSON editor.
FORM_TYPES = ("multiple_choice", "multi_select", "dropdown", "numeric", "fill_in_blank")


def _type_choices() -> list[dict[str, str]]:
    registry = get_registry()
    names = sorted(registry.names())
    labels = {}
    for name in names:
        try:
            labels[name] = str(registry.get(name).label or name)
        except Exception:  # a plugin type without a usable label is still listed by name
            labels[name] = name
    return [{"name": name, "label": labels[name], "form": "1" if name in FORM_TYPES else ""} for name in names]


def _page_data(key: CourseKey, content_text: str) -> dict[str, Any]:
    """What the form script needs: the content to fill the form from, the types, the course's objectives."""
    try:
        content = json.loads(content_text or "null")
    except json.JSONDecodeError:
        content = None
    return {"content": content, "types": _type_choices(), "formTypes": list(FORM_TYPES)}


@login_required
@require_http_methods(["GET", "POST"])
def question_list(request: HttpRequest, course_key: str) -> HttpResponse:
    key = _course_for_staff(request, course_key)
    if key is None:
        return HttpResponseBadRequest(_("Not a valid course key."))
    form = {"content": json.dumps(NEW_QUESTION_CONTENT, indent=2), "node_usage_key": ""}
    error = error_data = None
    if request.method == "POST":
        form = {"content": request.POST.get("content", ""), "node_usage_key": request.POST.get("node_usage_key", "")}
        try:
            question = api.create_question(
                key,
                content=_parse_json(form["content"], "content"),
                node_usage_key=form["node_usage_key"].strip() or None,
                author=request.user,
            )
        except VaultError as exc:
            error, error_data = _error_text(exc), _error_data(exc)
        else:
            messages.success(request, _("Question {id} created.").format(id=question.id))
            return HttpResponseRedirect(reverse("ve_edu_vault:question-edit-page", args=[str(key), question.id]))
    filters = {name: request.GET.get(name, "") for name in ("type", "tag", "q")}
    include_archived = request.GET.get("include_archived") == "1"
    page = api.list_questions(
        key,
        type=filters["type"] or None,
        tag=filters["tag"] or None,
        text=filters["q"] or None,
        include_archived=include_archived,
        limit=PAGE_SIZE,
    )
    context = {
        "course_key": key,
        "page": page,
        "filters": filters,
        "include_archived": include_archived,
        "types": sorted(get_registry().names()),
        "form": form,
        "error": error,
        "error_data": error_data,
        "page_data": _page_data(key, form["content"]),
        "nodes": course_sync.outline_options(key),
    }
    return render(request, "ve_edu_vault/questions/list.html", context, status=400 if error else 200)


def preview_parts(content: dict[str, Any], shown: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """
    The parts of a question as the preview-grade form asks for them, with the values last posted.

    Field names go by position (``answer-<part>``, ``answer-<part>-<blank>``, ``answer-<part>-json``), never
    by ids the author chose.
    """
    shown = shown or {}
    parts = []
    for index, part in enumerate(content.get("parts") or []):
        config = part.get("config") or {}
        name = f"answer-{index}"
        chosen = shown.get(name)
        chosen_ids = set(chosen) if isinstance(chosen, list) else {chosen}
        parts.append(
            {
                "index": index,
                "id": part.get("id", ""),
                "type": part.get("type", ""),
                "form": part.get("type") in PREVIEW_TYPES,
                "name": name,
                "value": chosen if isinstance(chosen, str) else "",
                "json_value": shown.get(f"{name}-json", ""),
                "choices": [
                    {"id": item.get("id"), "text": item.get("text", ""), "checked": item.get("id") in chosen_ids}
                    for item in (config.get("choices") or config.get("options") or [])
                ],
                "blanks": [
                    {"id": blank.get("id"), "name": f"{name}-{i}", "value": shown.get(f"{name}-{i}", "")}
                    for i, blank in enumerate(config.get("blanks") or [])
                ],
            }
        )
    return parts


def preview_answers(post: Any, parts: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """
    The answers (by part id) from the preview-grade form, and the posted values to show again in it.

    An empty control is an unanswered part (``None``), as a learner's blank answer is.
    """
    answers: dict[str, Any] = {}
    shown: dict[str, Any] = {}
    for part in parts:
        name = part["name"]
        value: Any
        if part["type"] == "multi_select":
            value = shown[name] = post.getlist(name)
        elif part["type"] == "fill_in_blank":
            value = {}
            for blank in part["blanks"]:
                value[blank["id"]] = shown[blank["name"]] = post.get(blank["name"], "")
        elif part["form"]:
            shown[name] = post.get(name, "")
            value = shown[name].strip() or None
        else:
            raw = shown[f"{name}-json"] = post.get(f"{name}-json", "")
            value = _parse_json(raw, f"answers.{part['id']}") if raw.strip() else None
        answers[part["id"]] = value
    return answers, shown


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, course_key: str, question_id: int) -> HttpResponse:
    key = _course_for_staff(request, course_key)
    if key is None:
        return HttpResponseBadRequest(_("Not a valid course key."))
    try:
        question = api.get_question(question_id, course_key=key)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    current = question.current_version
    form = {
        "content": json.dumps(current.content if current else {}, indent=2),
        "node_usage_key": str(question.node_usage_key or ""),
    }
    parts = preview_parts(current.content if current else {})
    shown: dict[str, Any] = {}
    error = error_data = grade = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "save":
                form["content"] = request.POST.get("content", "")
                changes: dict[str, Any] = {}
                if "node_usage_key" in request.POST:
                    form["node_usage_key"] = request.POST["node_usage_key"]
                    changes["node_usage_key"] = form["node_usage_key"].strip() or None
                question = api.edit_question(
                    question_id,
                    content=_parse_json(form["content"], "content"),
                    author=request.user,
                    course_key=key,
                    **changes,
                )
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(request.path)
            if action == "archive":
                api.archive_question(question_id, course_key=key)
                return HttpResponseRedirect(request.path)
            if action == "restore":
                api.restore_question(question_id, course_key=key)
                return HttpResponseRedirect(request.path)
            if action == "preview":
                answers, shown = preview_answers(request.POST, parts)
                parts = preview_parts(current.content if current else {}, shown)
                grade = api.preview_grade(question_id, answers, course_key=key)
        except VaultError as exc:
            error, error_data, status = _error_text(exc), _error_data(exc), 400
    context = {
        "course_key": key,
        "question": question,
        "versions": api.list_versions(question_id, course_key=key),
        "form": form,
        "error": error,
        "error_data": error_data,
        "page_data": _page_data(key, form["content"]),
        "nodes": course_sync.outline_options(key),
        "grade": grade,
        "grade_json": json.dumps(grade, indent=2) if grade is not None else "",
        "preview_parts": parts,
        "preview_values": shown,
    }
    return render(request, "ve_edu_vault/questions/edit.html", context, status=status)
