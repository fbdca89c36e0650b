"""
The Studio import and export page of the question bank, beside the authoring page.

TLDR: upload a file (Moodle XML, GIFT, Aiken, QTI 3.0/2.1 item or package, Canvas QTI 1.2 export), see the
preview of what will be created, updated, left unchanged and refused (file, line, reason), then confirm,
all or nothing or "import what can be imported". A large file is previewed and imported by a worker; the
page refreshes itself until it is done. Export: pick a format (and a node), download the file. Server
rendered, course staff only, calls only ``questions.api``.
"""

from __future__ import annotations

from typing import Any

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

IMPORT_FORMATS = (
    ("auto", _("Recognise it")),
    ("moodle-xml", _("Moodle XML")),
    ("gift", _("GIFT")),
    ("aiken", _("Aiken")),
    ("qti", _("QTI 3.0 / 2.1 item or package, Canvas QTI 1.2 export")),
)
EXPORT_FORMATS = (
    ("qti3", _("QTI 3.0 package (.zip)")),
    ("qti21", _("QTI 2.1 package (.zip)")),
    ("moodle-xml", _("Moodle XML")),
    ("gift", _("GIFT")),
    ("aiken", _("Aiken")),
)
MAX_ROWS = 500


def _course(request: HttpRequest, raw_key: str) -> CourseKey | None:
    return staff_course_or_none(request, raw_key, refusal=_("Only the course's staff may import and export questions."))


def _context(key: CourseKey, **extra: Any) -> dict[str, Any]:
    return {
        "course_key": key,
        "import_formats": IMPORT_FORMATS,
        "export_formats": EXPORT_FORMATS,
        "nodes": course_sync.outline_options(key),
        "max_rows": MAX_ROWS,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def interchange_page(request: HttpRequest, course_key: str) -> HttpResponse:
    key = _course(request, course_key)
    if key is None:
        return HttpResponseBadRequest(_("Not a valid course key."))
    error: Any = None
    form: dict[str, Any] = {"format": "auto", "node_usage_key": "", "partial": False}
    if request.method == "POST":
        upload = request.FILES.get("file")
        form = {
            "format": request.POST.get("format", "auto"),
            "node_usage_key": request.POST.get("node_usage_key", ""),
            "partial": request.POST.get("partial") == "1",
        }
        if upload is None:
            error = _("Choose a file to import.")
        else:
            try:
                api.check_upload_size(upload.size)
                job = api.start_import_job(
                    key,
                    upload.read(),
                    upload.name or "upload",
                    format=form["format"],
                    node_usage_key=form["node_usage_key"] or None,
                    partial=form["partial"],
                    author=request.user,
                )
            except VaultError as exc:
                error = exc.message
            else:
                return HttpResponseRedirect(reverse("ve_edu_vault:question-import-page", args=[str(key), job.id]))
    return render(
        request,
        "ve_edu_vault/questions/interchange.html",
        _context(key, form=form, error=error),
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_job_page(request: HttpRequest, course_key: str, job_id: int) -> HttpResponse:
    key = _course(request, course_key)
    if key is None:
        return HttpResponseBadRequest(_("Not a valid course key."))
    error: Any = None
    try:
        job = api.get_import_job(job_id, course_key=key)
        if request.method == "POST":
            try:
                api.confirm_import_job(job_id, course_key=key, partial=request.POST.get("partial") == "1")
            except VaultError as exc:
                error = exc.message
            else:
                return HttpResponseRedirect(request.path)
            job = api.get_import_job(job_id, course_key=key)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    report = job.report or job.preview
    context = _context(
        key,
        job=job,
        report=report,
        error=error,
        running=job.status in ("previewing", "importing"),
        can_confirm=job.status in ("previewed", "refused"),
    )
    return render(request, "ve_edu_vault/questions/import_job.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET"])
def export_download(request: HttpRequest, course_key: str) -> HttpResponse:
    key = _course(request, course_key)
    if key is None:
        return HttpResponseBadRequest(_("Not a valid course key."))
    try:
        result = api.export_questions(
            key, request.GET.get("format", ""), node_usage_key=request.GET.get("node") or None
        )
    except VaultError as exc:
        context = _context(key, form={"format": "auto", "node_usage_key": "", "partial": False}, error=exc.message)
        return render(request, "ve_edu_vault/questions/interchange.html", context, status=400)
    response = HttpResponse(result.data, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response
