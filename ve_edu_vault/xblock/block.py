"""
``VaultAssessmentBlock``: a vault assessment placed in a unit, scorable as Open edX defines it.

TLDR: the block holds no learner state and no assessment id: the binding is the vault's, by usage key
(``assessments.api.block_binding``), so a duplicated, imported or re-run block starts unbound instead of
pointing at another block's (or course's) assessment. Scoring follows ``xblock.scorable.ScorableXBlockMixin``
as xblock-drag-and-drop-v2 does (``drag_and_drop_v2/drag_and_drop_v2.py``: ``weight``, ``max_score()``, the
grade published as ``runtime.publish(self, "grade", {"value", "max_value"})``), with the vault as the source of
the score: ``calculate_score``/``get_score`` read the learner's grade over the assessment's attempts by its
scoring rule (``assessments.api.learner_grade``). ``publish_grade`` is what the platform adapter calls on
the block it loaded for the learner (``platform/backends``), from the grade outbox.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.utils.translation import gettext_lazy as _
from web_fragments.fragment import Fragment
from webob import Response
from xblock.core import XBlock
from xblock.fields import Float, Scope, String
from xblock.scorable import ScorableXBlockMixin, Score

from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.errors import NotFoundError, PermissionDeniedError, ValidationError, VaultError
from ve_edu_vault.platform import api as platform

from . import editor, rendering
from .keys import usage_key_of, viewer_of

log = logging.getLogger(__name__)

__all__ = ["VaultAssessmentBlock"]


@XBlock.needs("user")
@XBlock.wants("i18n")
class VaultAssessmentBlock(ScorableXBlockMixin, XBlock):  # type: ignore[misc]
    """A vault assessment taken inline in a unit; its grade counts in the course (Progress, grade reports)."""

    display_name = String(
        display_name=_("Display name"),
        help=_("The name learners see for this component."),
        scope=Scope.settings,
        default=_("Vault assessment"),
    )
    weight = Float(
        display_name=_("Problem weight"),
        help=_(
            "The points this component is worth in the course grade. Leave empty to count the assessment's own "
            "points (the learner's grade is scaled to this weight)."
        ),
        scope=Scope.settings,
        default=None,
        values={"min": 0, "step": 0.1},
    )

    has_score = True
    has_author_view = True
    icon_class = "problem"
    editable_fields = ("display_name", "weight")

    # ---------------------------------------------------------------------------------- binding

    @property
    def usage_key(self) -> Any:
        return usage_key_of(self)

    def bound_assessment_id(self) -> int | None:
        """The id of the vault assessment bound to this block, or None (not configured)."""
        try:
            binding = assessments.block_binding(self.usage_key)
        except VaultError:
            return None
        return binding.assessment_id if binding is not None else None

    # ---------------------------------------------------------------------------------- scoring

    def max_score(self) -> float:
        """The assessment's points (what an attempt is out of); 0 while the block is not configured."""
        assessment_id = self.bound_assessment_id()
        if assessment_id is None:
            return 0.0
        try:
            return assessments.assessment_points(assessment_id)
        except NotFoundError:
            return 0.0

    def _learner_score(self) -> Score | None:
        assessment_id = self.bound_assessment_id()
        user_id = self.scope_ids.user_id
        user = viewer_of(self) if user_id is not None else None
        if assessment_id is None or user is None:
            return None
        grade = assessments.learner_grade(assessment_id, user.pk)
        return Score(raw_earned=grade.value, raw_possible=grade.max_value) if grade is not None else None

    def has_submitted_answer(self) -> bool:
        """Whether the learner has a graded attempt that counts (of a graded assessment)."""
        return self._learner_score() is not None

    def get_score(self) -> Score:
        """The learner's current grade from the vault (0 out of the assessment's points before any attempt)."""
        score = self._learner_score()
        return score if score is not None else Score(raw_earned=0.0, raw_possible=self.max_score())

    def set_score(self, score: Score) -> None:
        """The grades app calls this after storing a published score; the vault already holds it."""

    def calculate_score(self) -> Score:
        """The same as ``get_score``: the vault recomputes grades itself (regrades), so nothing is stale here."""
        return self.get_score()

    def publish_grade(self, *, value: float, max_value: float) -> None:
        """Publish the learner's grade as the standard ``grade`` event (raw points, floats, unscaled)."""
        self.runtime.publish(self, "grade", {"value": float(value), "max_value": float(max_value)})

    # ---------------------------------------------------------------------------------- views

    def student_view(self, context: dict[str, Any] | None = None) -> Fragment:
        """The learner takes the assessment here; staff also see how it is configured and its grade outbox."""
        return rendering.student_fragment(self)

    def author_view(self, context: dict[str, Any] | None = None) -> Fragment:
        """Studio's unit page: what the block is bound to, its points and weight, or that it is not configured."""
        return rendering.author_fragment(self)

    def studio_view(self, context: dict[str, Any] | None = None) -> Fragment:
        """Studio's editor: name, weight, and the assessment (pick one of the course's or create one)."""
        return editor.studio_fragment(self)

    @XBlock.handler
    def studio_submit(self, request: Any, suffix: str = "") -> Response:
        """Save the editor: course staff only; errors are 4xx ``{"error_code", "message", "field"}``."""
        try:
            body = json.loads(request.body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _error(ValidationError(_("The request body must be JSON."), field=None))
        if not isinstance(body, dict):
            return _error(ValidationError(_("The request body must be a JSON object."), field=None))
        user = viewer_of(self)
        try:
            course_key = assessments.course_of(self.usage_key)
            if user is None or not platform.is_course_staff(user, course_key):
                raise PermissionDeniedError(_("Only the course's staff may configure this component."))
            result = editor.save(self, body, user=user)
        except VaultError as exc:
            return _error(exc)
        return Response(json_body={"result": "success", **result}, status=200, charset="utf-8")

    # ---------------------------------------------------------------------------------- workbench

    @staticmethod
    def workbench_scenarios() -> list[tuple[str, str]]:
        """The XBlock SDK workbench's scenarios (its id of the block is the stand-in course's block id)."""
        return [
            (
                "Vault assessment",
                """<vertical_demo><ve_vault_assessment display_name="Vault quiz"/></vertical_demo>""",
            ),
        ]


def _error(exc: VaultError) -> Response:
    return Response(json_body=exc.as_dict(), status=exc.http_status, charset="utf-8")
