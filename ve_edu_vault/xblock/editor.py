"""
The block's Studio editor: pick an assessment of the course, create one bound to the block, or unbind.

TLDR: ``studio_fragment`` renders the form (the course's assessments, those bound elsewhere disabled; the
course's questions for a new one); ``save`` applies what the form posts through ``assessments.api`` (bindings
are the vault's, audited there) and sets the block's own settings (display name, weight). The caller checks
that the user is course staff.
"""

from __future__ import annotations

import math
from typing import Any

from django.templatetags.static import static
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import UsageKey
from web_fragments.fragment import Fragment

from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.errors import NotFoundError, ValidationError, VaultError
from ve_edu_vault.questions import api as questions

from .keys import dom_prefix
from .rendering import _fragment

__all__ = ["save", "studio_fragment"]

MODES = ("existing", "new", "none")


def _choices(block: Any, course_key: Any, current: int | None) -> list[dict[str, Any]]:
    bound = assessments.bound_blocks(course_key)
    return [
        {
            "id": item.id,
            "title": item.title,
            "graded": item.config.graded,
            "selected": item.id == current,
            "used_elsewhere": item.id in bound and bound[item.id] != block.usage_key,
        }
        for item in assessments.list_assessments(course_key)
    ]


def _questions(course_key: Any) -> list[dict[str, Any]]:
    page = questions.list_questions(course_key, limit=1000)
    return [
        {
            "id": item.id,
            "title": (item.current_version.title if item.current_version else "") or f"#{item.id}",
            "type": item.current_version.type if item.current_version else "",
        }
        for item in page.items
    ]


def studio_fragment(block: Any) -> Fragment:
    prefix = dom_prefix(block)
    try:
        course_key = assessments.course_of(block.usage_key)
    except VaultError as exc:
        return _fragment("ve_edu_vault/xblock/message.html", {"block": block, "message": exc.message, "staff": True})
    current = block.bound_assessment_id()
    fragment = _fragment(
        "ve_edu_vault/xblock/studio.html",
        {
            "block": block,
            "p": prefix,
            "mode": "existing" if current is not None else "new",
            "choices": _choices(block, course_key, current),
            "questions": _questions(course_key),
        },
    )
    fragment.add_javascript_url(static("ve_edu_vault/xblock/studio.js"))
    fragment.initialize_js("VaultAssessmentStudio", {"prefix": prefix})
    return fragment


def _weight(raw: Any) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("The weight must be a number of points, or empty."), field="weight") from exc
    if not math.isfinite(value) or value < 0:
        raise ValidationError(_("The weight must be zero or more points."), field="weight")
    return value


def _parent_node(block: Any) -> UsageKey | None:
    """The unit the block sits in, when the vault's mirror has it (the new assessment's node)."""
    parent = getattr(block, "parent", None)
    if not isinstance(parent, UsageKey):
        return None
    try:
        course_sync.get_node(parent)
    except NotFoundError:
        return None
    return parent


def save(block: Any, body: dict[str, Any], *, user: Any) -> dict[str, Any]:
    """Apply the editor's form; returns ``{"assessment_id": ...}`` (None when unbound)."""
    mode = body.get("mode", "existing")
    if mode not in MODES:
        raise ValidationError(_("Choose how the assessment is set."), field="mode")
    weight = _weight(body.get("weight"))
    display_name = body.get("display_name")
    if display_name is not None and (not isinstance(display_name, str) or not display_name.strip()):
        raise ValidationError(_("A display name is required."), field="display_name")
    usage_key = block.usage_key
    if mode == "existing":
        raw_id = body.get("assessment_id")
        if raw_id in (None, ""):
            raise ValidationError(_("Choose an assessment."), field="assessment_id")
        try:
            assessment_id: int | None = int(raw_id)
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Choose an assessment."), field="assessment_id") from exc
        assessments.bind_block(usage_key, assessment_id=assessment_id, by=user)
    elif mode == "new":
        raw_ids = body.get("question_ids") or []
        if not isinstance(raw_ids, list) or not all(isinstance(item, int) for item in raw_ids):
            raise ValidationError(_("Questions are given by their ids."), field="question_ids")
        created = assessments.create_bound_assessment(
            usage_key,
            title=str(body.get("title") or display_name or ""),
            question_ids=raw_ids,
            node_usage_key=_parent_node(block),
            author=user,
        )
        assessment_id = created.id
    else:
        assessments.bind_block(usage_key, assessment_id=None, by=user)
        assessment_id = None
    block.weight = weight
    if display_name is not None:
        block.display_name = display_name.strip()[:255]
    block.save()
    return {"assessment_id": assessment_id}
