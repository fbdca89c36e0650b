"""
What every assessment operation loads first: the assessment, its parsed config, its window.

TLDR: private to the applet (``api.py`` and its helper modules). ``AssessmentContext`` bundles the
row, the validated ``AssessmentConfig`` and the effective open/close dates (config dates, else the
mirror node's start/due) so no code path computes them differently. ``VersionCache`` reads each
pinned question version once per call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync.data_api import CourseNodeData
from ve_edu_vault.errors import NotFoundError, ValidationError
from ve_edu_vault.questions import api as questions
from ve_edu_vault.questions.data import QuestionContent
from ve_edu_vault.questions.data_api import QuestionVersionData

from . import timing
from .config_parsing import parse_accommodation, parse_config
from .data import Accommodation, AssessmentConfig, InvalidAssessmentConfig
from .data_api import AttemptAccess
from .data_records import AssessmentRecord
from .repositories import get_assessment_repository


def to_config(config: dict[str, Any] | AssessmentConfig) -> AssessmentConfig:
    """Validate a config given as JSON or as a frozen value; errors name ``config.<field>``."""
    try:
        return parse_config(config.to_dict() if isinstance(config, AssessmentConfig) else config)
    except InvalidAssessmentConfig as error:
        field_name = f"config.{error.field}" if error.field else "config"
        raise ValidationError(error.message, field=field_name) from error


def to_accommodation(accommodation: dict[str, Any] | Accommodation) -> Accommodation:
    if isinstance(accommodation, Accommodation):
        accommodation = {
            "extra_minutes": accommodation.extra_minutes,
            "time_multiplier": accommodation.time_multiplier,
            "extra_attempts": accommodation.extra_attempts,
        }
    try:
        return parse_accommodation(accommodation)
    except InvalidAssessmentConfig as error:
        raise ValidationError(error.message, field=f"accommodation.{error.field}") from error


def assessment_row(assessment_id: int, course_key: CourseKey | None = None) -> AssessmentRecord:
    """The assessment with its node's key and dates and its block's key; a 404 if absent or of another course."""
    row = get_assessment_repository().get_assessment(assessment_id)
    if row is None or (course_key is not None and row.course_key != course_key):
        raise NotFoundError(f"No assessment {assessment_id}" + (f" in {course_key}." if course_key else "."))
    return row


def _date(value: datetime | str | None) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else value


@dataclass(frozen=True, kw_only=True, slots=True)
class AssessmentContext:
    row: AssessmentRecord
    config: AssessmentConfig
    opens_at: datetime | None
    closes_at: datetime | None

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def usage_key(self) -> str | None:
        """The usage key of the mirror node the assessment belongs to (a topic, subtopic or objective)."""
        return str(self.row.node_usage_key) if self.row.node_usage_key is not None else None

    @property
    def block_usage_key(self) -> str | None:
        """The usage key of the vault XBlock the assessment is bound to: where its grades reach the LMS."""
        return self.row.block_usage_key

    @property
    def reports_grades(self) -> bool:
        """
        Whether a graded attempt queues a grade publication: graded and bound to a scorable block, or wanted by a
        score sink (``score_sinks``: the LTI tool's AGS passback, for an assessment bound to a platform's link).
        """
        if self.config.graded and self.block_usage_key is not None:
            return True
        from . import score_sinks

        return score_sinks.wanted(self.row.id)

    def accommodation(self, user_id: int) -> Accommodation:
        row = get_assessment_repository().get_accommodation(self.row.id, user_id)
        if row is None:
            return Accommodation()
        return Accommodation(
            extra_minutes=row.extra_minutes, time_multiplier=row.time_multiplier, extra_attempts=row.extra_attempts
        )

    def deadline(self, started_at: datetime, accommodation: Accommodation) -> datetime | None:
        return timing.attempt_deadline(
            started_at=started_at,
            time_limit_minutes=self.config.time_limit_minutes,
            accommodation=accommodation,
            closes_at=self.closes_at,
            close_date_cuts_time=self.config.close_date_cuts_time,
        )

    def time_limit_minutes(self, accommodation: Accommodation) -> int | None:
        """The learner's time limit with the accommodation applied (rounded up to whole minutes)."""
        limit = self.config.time_limit_minutes
        if limit is None:
            return None
        return -(-round(limit * 60 * accommodation.time_multiplier) // 60) + accommodation.extra_minutes

    def attempts_allowed(self, accommodation: Accommodation) -> int | None:
        limit = self.config.attempt_limit
        return None if limit is None else limit + accommodation.extra_attempts


def context_of(row: AssessmentRecord) -> AssessmentContext:
    config = to_config(dict(row.config))
    opens_at, closes_at = timing.effective_window(
        config, course_start=_date(row.node_start), course_due=_date(row.node_due)
    )
    return AssessmentContext(row=row, config=config, opens_at=opens_at, closes_at=closes_at)


def load_context(assessment_id: int, course_key: CourseKey | None = None) -> AssessmentContext:
    return context_of(assessment_row(assessment_id, course_key))


def context_for(assessment_id: int, access: AttemptAccess | None = None) -> AssessmentContext:
    """
    The assessment's context: from the assessment ``access`` (the same request's ``attempt_access``) read, when it
    is this assessment's, or else a read. The views of ``attempts/<id>/`` pass it so a request reads it once.
    """
    if access is not None and access.assessment.id == assessment_id:
        return context_of(access.assessment)
    return load_context(assessment_id)


def versions_for(attempt_id: int, access: AttemptAccess | None = None) -> VersionCache:
    """The versions ``access`` (the same request's ``attempt_access`` of this attempt) read, or an empty cache."""
    cache = VersionCache()
    if access is not None and access.attempt_id == attempt_id:
        cache.fill(access.versions, dict(access.nodes))
    return cache


@dataclass(kw_only=True, slots=True)
class VersionCache:
    """Pinned question versions, read once per api call or request (versions are immutable)."""

    contents: dict[int, QuestionContent] = field(default_factory=dict)
    #: ``{question id: node}`` of the questions preloaded ``with_nodes`` (questions on no node absent).
    nodes: dict[int, CourseNodeData] | None = None
    #: The version ids whose questions' nodes are in ``nodes``.
    with_nodes: set[int] = field(default_factory=set)

    def fill(self, versions: Iterable[QuestionVersionData], nodes: dict[int, CourseNodeData]) -> None:
        """Take versions, and their questions' nodes, read by someone else (``attempt_access``'s joined read)."""
        for version in versions:
            self.contents.setdefault(version.id, version.to_content())
            self.with_nodes.add(version.id)
        self.nodes = {**(self.nodes or {}), **nodes}

    def preload(self, version_ids: Iterable[int], *, with_nodes: bool = False) -> None:
        """
        Read every missing version among ``version_ids`` in one go (an attempt's pinned versions);
        ``with_nodes`` also reads the nodes their questions are attached to now (for mastery), in the same read.
        Nothing is read when the cache holds them all already.
        """
        wanted = set(version_ids)
        missing = {version_id for version_id in wanted if version_id not in self.contents}
        if with_nodes and not wanted <= self.with_nodes:
            versions, nodes = questions.versions_with_nodes(wanted)
            self.nodes = {**(self.nodes or {}), **nodes}
            self.with_nodes |= set(versions)
            for version_id in missing & set(versions):
                self.contents[version_id] = versions[version_id].to_content()
        elif missing:
            for version_id, version in questions.get_versions(missing).items():
                self.contents[version_id] = version.to_content()

    def content(self, version_id: int) -> QuestionContent:
        if version_id not in self.contents:
            self.contents[version_id] = questions.get_version(version_id).to_content()
        return self.contents[version_id]
