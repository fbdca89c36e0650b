"""
The block's learner and author fragments.

TLDR: a learner gets the take markup (``assessments/_take_body.html``, ids prefixed per block) and ``take.js``
mounted on it by ``block.js``; the same REST API as the take page, with the LMS session, no iframe. A block
without a binding shows staff a clear "not configured" message and learners nothing at all (an empty,
hidden element): nothing broken. Staff also see the assessment's grade outbox (queued and failing
publications), so a grade that has not reached the gradebook is visible.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from web_fragments.fragment import Fragment

from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.errors import NotFoundError, VaultError
from ve_edu_vault.platform import api as platform

from .keys import dom_prefix, viewer_of

__all__ = ["author_fragment", "student_fragment"]

CSS = "ve_edu_vault/assessments/assessments.css"
BLOCK_CSS = "ve_edu_vault/xblock/block.css"


def _fragment(template: str, context: dict[str, Any]) -> Fragment:
    fragment = Fragment(render_to_string(template, context))
    fragment.add_css_url(static(CSS))
    fragment.add_css_url(static(BLOCK_CSS))
    return fragment


def _status(assessment_id: int) -> assessments.GradeReportStatus:
    return assessments.grade_report_status(assessment_id)


def student_fragment(block: Any) -> Fragment:
    """What a learner (or staff member) sees in the unit."""
    user = viewer_of(block)
    usage_key = block.usage_key
    try:
        course_key = assessments.course_of(usage_key)
    except VaultError as exc:
        return _fragment("ve_edu_vault/xblock/message.html", {"block": block, "message": exc.message, "staff": True})
    is_staff = user is not None and platform.is_course_staff(user, course_key)
    assessment_id = block.bound_assessment_id()
    if assessment_id is None:
        if not is_staff:
            return Fragment('<div class="vault-block vault-block-empty" hidden></div>')
        return _fragment(
            "ve_edu_vault/xblock/message.html",
            {
                "block": block,
                "staff": True,
                "message": _(
                    "This vault assessment is not configured yet: learners see nothing here. Edit the component "
                    "in Studio to pick one of the course's assessments or create one."
                ),
            },
        )
    if user is None:
        return _fragment(
            "ve_edu_vault/xblock/message.html",
            {"block": block, "message": _("Sign in to take this assessment."), "staff": False},
        )
    try:
        summary = assessments.learner_assessment(assessment_id, user)
        config = assessments.get_assessment(assessment_id).config
    except NotFoundError:
        return Fragment('<div class="vault-block vault-block-empty" hidden></div>')
    prefix = dom_prefix(block)
    fragment = _fragment(
        "ve_edu_vault/xblock/student.html",
        {
            "block": block,
            "summary": summary,
            "p": prefix,
            "staff": is_staff,
            "status": _status(assessment_id) if is_staff else None,
            "weight": block.weight,
            "points": block.max_score() if is_staff else None,
        },
    )
    fragment.add_javascript_url(static("ve_edu_vault/assessments/take.js"))
    fragment.add_javascript_url(static("ve_edu_vault/xblock/block.js"))
    fragment.initialize_js(
        "VaultAssessmentBlock",
        {
            "config": assessments.take_config(course_key, assessment_id, config),
            "strings": assessments.take_strings(),
            "prefix": prefix,
        },
    )
    return fragment


def author_fragment(block: Any) -> Fragment:
    """Studio's unit page: the bound assessment, its points and the block's weight; or "not configured"."""
    assessment_id = block.bound_assessment_id()
    assessment = None
    if assessment_id is not None:
        try:
            assessment = assessments.get_assessment(assessment_id)
        except NotFoundError:
            assessment_id = None
    return _fragment(
        "ve_edu_vault/xblock/author.html",
        {
            "block": block,
            "assessment": assessment,
            "points": block.max_score() if assessment is not None else None,
            "weight": block.weight,
            "status": _status(assessment.id) if assessment is not None else None,
            "edit_url": _edit_url(assessment) if assessment is not None else None,
        },
    )


def _edit_url(assessment: Any) -> str | None:
    """The vault's authoring page of the assessment, where Studio serves it (None elsewhere)."""
    try:
        return reverse("ve_edu_vault:assessment-edit-page", args=[str(assessment.course_key), assessment.id])
    except NoReverseMatch:
        return None
