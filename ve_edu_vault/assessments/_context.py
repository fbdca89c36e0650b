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
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model
from django.utils.dateparse import parse_datetime
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync.data_api import CourseNodeData
from ve_edu_vault.errors import NotFoundError, ValidationError
from ve_edu_vault.prepared_queries import PreparedQuery
from ve_edu_vault.questions import api as questions
from ve_edu_vault.questions.data import QuestionContent
from ve_edu_vault.questions.data_api import QuestionVersionData

from . import timing
from .config_parsing import parse_accommodation, parse_config
from .data import Accommodation, AssessmentConfig, InvalidAssessmentConfig
from .models import Accommodation as AccommodationRow
from .models import Assessment, AssessmentBlock


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


_NODE_MODEL: type[Model] = Assessment._meta.get_field("node").related_model  # type: ignore[assignment]
_ASSESSMENT_FIELDS = tuple(item.attname for item in Assessment._meta.concrete_fields)
_NODE_FIELDS = tuple(item.attname for item in _NODE_MODEL._meta.concrete_fields)
#: The columns ``assessment_from_values`` takes: the assessment's, then its node's, then its XBlock's usage key.
ASSESSMENT_COLUMNS = (*_ASSESSMENT_FIELDS, *(f"node__{name}" for name in _NODE_FIELDS), "block__usage_key")
#: Set on a row read with ``ASSESSMENT_COLUMNS``: the usage key of the XBlock it is bound to, or None.
_BLOCK_KEY = "_vault_block_usage_key"
# The assessment and its mirror node in one read, compiled once per connection (every attempt request runs it).
_ASSESSMENT_WITH_NODE = PreparedQuery(
    lambda assessment_id: Assessment.objects.filter(pk=assessment_id).values_list(*ASSESSMENT_COLUMNS)
)


def assessment_from_values(values: tuple[Any, ...]) -> Assessment:
    """An assessment read as ``ASSESSMENT_COLUMNS`` values, with its node loaded."""
    split = len(_ASSESSMENT_FIELDS)
    node_end = split + len(_NODE_FIELDS)
    row = Assessment.from_db(DEFAULT_DB_ALIAS, _ASSESSMENT_FIELDS, values[:split])
    if row.node_id is not None:
        row.node = cast(Any, _NODE_MODEL.from_db(DEFAULT_DB_ALIAS, _NODE_FIELDS, values[split:node_end]))
    block_key = values[node_end]
    setattr(row, _BLOCK_KEY, str(block_key) if block_key is not None else None)
    return row


def block_key_of(row: Assessment) -> str | None:
    """The usage key of the XBlock ``row`` is bound to (read with the row when it came from ``assessment_row``)."""
    if hasattr(row, _BLOCK_KEY):
        value: str | None = getattr(row, _BLOCK_KEY)
        return value
    found = AssessmentBlock.objects.filter(assessment_id=row.pk).values_list("usage_key", flat=True).first()
    setattr(row, _BLOCK_KEY, str(found) if found is not None else None)
    return block_key_of(row)


def assessment_row(assessment_id: int, course_key: CourseKey | None = None) -> Assessment:
    """The assessment with its node loaded (as ``select_related("node")``); a 404 if absent or of another course."""
    found = _ASSESSMENT_WITH_NODE.first(assessment_id=assessment_id)
    row = assessment_from_values(found) if found is not None else None
    if row is None or (course_key is not None and row.course_key != course_key):
        raise NotFoundError(f"No assessment {assessment_id}" + (f" in {course_key}." if course_key else "."))
    return row


def _node_date(row: Assessment, name: str) -> datetime | None:
    value = getattr(row.node, name, None) if row.node is not None else None
    if isinstance(value, str):
        return parse_datetime(value)
    return value


@dataclass(frozen=True, kw_only=True, slots=True)
class AssessmentContext:
    row: Assessment
    config: AssessmentConfig
    opens_at: datetime | None
    closes_at: datetime | None

    @property
    def id(self) -> int:
        return self.row.pk

    @property
    def usage_key(self) -> str | None:
        """The usage key of the mirror node the assessment belongs to (a topic, subtopic or objective)."""
        return str(self.row.node.usage_key) if self.row.node is not None else None

    @property
    def block_usage_key(self) -> str | None:
        """The usage key of the vault XBlock the assessment is bound to: where its grades reach the LMS."""
        return block_key_of(self.row)

    @property
    def reports_grades(self) -> bool:
        """Whether a graded attempt queues a grade publication: graded, and bound to a scorable block."""
        return self.config.graded and self.block_usage_key is not None

    def accommodation(self, user_id: int) -> Accommodation:
        row = AccommodationRow.objects.filter(assessment_id=self.row.pk, user_id=user_id).first()
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


def context_of(row: Assessment) -> AssessmentContext:
    config = to_config(row.config)
    opens_at, closes_at = timing.effective_window(
        config, course_start=_node_date(row, "start"), course_due=_node_date(row, "due")
    )
    return AssessmentContext(row=row, config=config, opens_at=opens_at, closes_at=closes_at)


def load_context(assessment_id: int, course_key: CourseKey | None = None) -> AssessmentContext:
    return context_of(assessment_row(assessment_id, course_key))


def context_for(assessment_id: int, access: Any = None) -> AssessmentContext:
    """
    The assessment's context: the one ``access`` (the same request's ``attempt_access``) loaded, when it is
    this assessment's, or else a read. The views of ``attempts/<id>/`` pass it so a request reads it once.
    """
    context = getattr(access, "context", None)
    if isinstance(context, AssessmentContext) and context.row.pk == assessment_id:
        return context
    return load_context(assessment_id)


def versions_for(attempt_id: int, access: Any = None) -> VersionCache:
    """The versions ``access`` (the same request's ``attempt_access`` of this attempt) loaded, or an empty cache."""
    versions = getattr(access, "versions", None)
    if isinstance(versions, VersionCache) and getattr(access, "attempt_id", None) == attempt_id:
        return versions
    return VersionCache()


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
