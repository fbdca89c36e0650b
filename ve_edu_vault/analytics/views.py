"""
The staff area (LMS): one page per course linking every staff page of the vault, and the instructor dashboard.

TLDR: server-rendered, course staff only; anyone else gets a plain 403 "staff only" page (not a 404: the course
exists, the page is just not theirs). Figures come from ``analytics.api`` (summaries through the cache), charts
are server-rendered SVG with tables as their text equivalents (``charts.py``, ADR 0018). Sorting the question
table is a link (``?sort=facility``), so it works without script.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ve_edu_vault import conf
from ve_edu_vault.analytics import api, charts
from ve_edu_vault.analytics.exports import KINDS
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.audit import api as audit
from ve_edu_vault.errors import VaultError
from ve_edu_vault.pages import course_key_or_none
from ve_edu_vault.platform import api as platform
from ve_edu_vault.regrade import api as regrade
from ve_edu_vault.rest_api.etags import with_etag

__all__ = ["attempt_grade", "dashboard", "forbidden", "not_started", "regrades", "staff_area", "studio_links"]

#: Studio's vault pages the staff area links to (URL names of ``ve_edu_vault.urls.cms``, mounted at Studio's root).
STUDIO_PAGES = {"sync_history": "course-sync-history", "question_bank": "questions-page"}


def studio_links(course_key: Any) -> dict[str, str]:
    """Absolute URLs of Studio's sync history and question bank of the course; empty when Studio's URL is unknown."""
    root = conf.studio_root_url()
    if not root:
        return {}
    links = {}
    for name, url_name in STUDIO_PAGES.items():
        try:
            path = reverse(url_name, urlconf="ve_edu_vault.urls.cms", kwargs={"course_key": str(course_key)})
        except NoReverseMatch:  # pragma: no cover - the names are tested against the Studio URLs
            continue
        links[name] = root + path
    return links


SORTS = {
    "question": lambda item: (item.question_id, item.version or 0),
    "facility": lambda item: (item.facility is None, item.facility or 0.0),
    "discrimination": lambda item: (item.discrimination is None, item.discrimination or 0.0),
    "flags": lambda item: (-len(item.flags), item.question_id),
}


def forbidden(request: HttpRequest, course_key: Any) -> HttpResponse:
    """The plain refusal of a staff page to a learner (or anyone not the course's staff)."""
    return render(request, "ve_edu_vault/analytics/forbidden.html", {"course_key": course_key}, status=403)


def _staff_key(request: HttpRequest, raw: str) -> tuple[Any, HttpResponse | None]:
    key = course_key_or_none(raw)
    if key is None:
        return None, HttpResponseBadRequest(_("Not a valid course key."))
    if not platform.is_course_staff(request.user, key):
        return None, forbidden(request, key)
    return key, None


@login_required
@require_GET
def staff_area(request: HttpRequest, course_key: str) -> HttpResponse:
    """The course's staff area: assessments with their dashboards, mastery, exports, and the Studio pages."""
    key, refusal = _staff_key(request, course_key)
    if refusal is not None:
        return refusal
    items = assessments.list_assessments(key)
    context = {
        "course_key": key,
        "assessments": items,
        "outline": api.mastery_outline(key),
        "kinds": KINDS,
        "jobs": api.list_export_jobs(key)[:10],
        "studio": studio_links(key),
    }
    if api.not_started_available():  # read after the page, by its script (ADR 0031): the LMS may be slow or down
        context["not_started_url"] = reverse("ve_edu_vault:analytics-not-started", args=[str(key)])
    return render(request, "ve_edu_vault/analytics/staff_area.html", context)


@login_required
@require_GET
def not_started(request: HttpRequest, course_key: str) -> HttpResponse:
    """
    Enrolled learners who have not started each assessment, read from the LMS's Enrollment API: the staff area's
    script loads it as a fragment (``?fragment=1``) after the page; without script its link opens it as a page.
    """
    key, refusal = _staff_key(request, course_key)
    if refusal is not None:
        return refusal
    items = assessments.list_assessments(key)
    waiting = api.not_started(key, [item.id for item in items])
    if waiting is None:
        return render(
            request,
            "ve_edu_vault/analytics/forbidden.html",  # its message: what is missing
            {"course_key": key, "message": _("The LMS's Enrollment API is not configured.")},
            status=404,
        )
    context = {
        "course_key": key,
        "not_started": waiting,
        "not_started_rows": [(item, waiting.by_assessment.get(item.id, [])) for item in items],
    }
    fragment = request.GET.get("fragment") == "1"
    template = "_not_started.html" if fragment else "not_started.html"
    return render(request, f"ve_edu_vault/analytics/{template}", context)


@with_etag  # heavy: a revisit with the same figures is a 304 (rest_api/etags.py)
@login_required
@require_GET
def dashboard(request: HttpRequest, course_key: str, assessment_id: int) -> HttpResponse:
    """One assessment's statistics: score distribution, question table with flags, charts, export links."""
    key, refusal = _staff_key(request, course_key)
    if refusal is not None:
        return refusal
    try:
        assessment = assessments.get_assessment(assessment_id, course_key=key)
        result = api.item_analysis(assessment_id, attempts=request.GET.get("attempts"), course_key=key)
    except VaultError as exc:
        return render(
            request,
            "ve_edu_vault/analytics/forbidden.html",
            {"course_key": key, "message": exc.message},
            status=exc.http_status,
        )
    sort = request.GET.get("sort") or "question"
    items = sorted(result.items, key=SORTS.get(sort, SORTS["question"]))
    bins = [f"{10 * i}%" for i in range(10)]
    test = result.assessment
    distribution = charts.bar_chart(
        list(test.distribution),
        bins,
        title=_("Score distribution"),
        description=_("Attempts by score, in tenths of the points possible; the table below has the figures."),
    )
    facility = charts.bar_chart(
        [item.facility or 0.0 for item in items],
        [f"Q{item.question_id}v{item.version}" for item in items],
        title=_("Facility by question"),
        description=_("The share of the points learners earned on each question; the table below has the figures."),
        maximum=1.0,
    )
    context = {
        "course_key": key,
        "assessment": assessment,
        "result": result,
        "test": test,
        "items": items,
        "sort": sort,
        "attempts": str(test.attempts_choice),
        "choices": ["all", "first", "last", "best"],
        "bins": list(zip(bins, test.distribution, strict=True)),
        "distribution_svg": distribution,
        "facility_svg": facility,
        "kinds": KINDS,
    }
    return render(request, "ve_edu_vault/analytics/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def regrades(request: HttpRequest, course_key: str) -> HttpResponse:
    """
    Regrades of the course: plan one (a dry run: who would move from which score to which), read its preview, start
    it. Each step is the regrade applet's audited API; the page only shows and asks.
    """
    key, refusal = _staff_key(request, course_key)
    if refusal is not None:
        return refusal
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "start":
                run = regrade.start(_number(request.POST.get("run_id")), course_key=key, requested_by=request.user)
            else:
                run = regrade.plan(_number(request.POST.get("question_id")), course_key=key, requested_by=request.user)
            return redirect(f"{request.path}?run={run.id}")
        except (VaultError, ValueError) as exc:
            error = getattr(exc, "message", None) or _("Enter a question id.")
    shown = None
    if request.GET.get("run"):
        try:
            shown = regrade.get_run(_number(request.GET["run"]), course_key=key)
        except (VaultError, ValueError):
            shown = None
    context = {"course_key": key, "runs": regrade.list_runs(key)[:20], "run": shown, "error": error}
    return render(request, "ve_edu_vault/analytics/regrades.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def attempt_grade(request: HttpRequest, course_key: str) -> HttpResponse:
    """
    One attempt for staff (``?attempt=ID``): its learner, state and points, the grade changes made by hand, and the
    form to change its points with a reason (``assessments.api.change_attempt_grade``: audited, published again).
    An attempt of another course is "not found", as an unknown id.
    """
    key, refusal = _staff_key(request, course_key)
    if refusal is not None:
        return refusal
    raw = request.POST.get("attempt") if request.method == "POST" else request.GET.get("attempt")
    context: dict[str, Any] = {"course_key": key, "attempt": None, "changes": [], "error": "", "raw": raw or ""}
    if not raw and request.method == "GET":
        return render(request, "ve_edu_vault/analytics/attempt_grade.html", context)
    try:
        attempt_id = _number(raw)
        if assessments.attempt_access(attempt_id).course_key != key:
            raise ValueError(raw)
    except (ValueError, VaultError):
        context["error"] = _("No attempt {raw} in this course.").format(raw=str(raw)[:20])
        return render(request, "ve_edu_vault/analytics/attempt_grade.html", context, status=404)
    status = 200
    if request.method == "POST":
        try:
            assessments.change_attempt_grade(
                attempt_id,
                earned=_points(request.POST.get("earned")),
                reason=request.POST.get("reason"),
                staff=request.user,
            )
            return redirect(f"{request.path}?attempt={attempt_id}&changed=1")
        except VaultError as exc:
            context["error"], status = exc.message, exc.http_status
    attempt = assessments.get_repository().get_attempt(attempt_id)
    entries = audit.list_entries(key, action=audit.GRADE_CHANGED, learner_id=attempt.user_id)
    context.update(
        attempt=attempt,
        learner=platform_username(attempt.user_id),
        changes=[entry for entry in entries if entry.object_id == str(attempt.id)],
        changed=request.GET.get("changed") == "1",
    )
    return render(request, "ve_edu_vault/analytics/attempt_grade.html", context, status=status)


def platform_username(user_id: int) -> str:
    from django.contrib.auth import get_user_model

    return str(get_user_model().objects.filter(pk=user_id).values_list("username", flat=True).first() or user_id)


def _points(value: Any) -> Any:
    """The form's points as a number (the api refuses what is not one, naming ``earned``)."""
    try:
        return float(str(value or "").strip())
    except ValueError:
        return value


def _number(value: Any) -> int:
    number = int(str(value or "").strip())
    if not 0 < number < 2**63:
        raise ValueError(value)
    return number
