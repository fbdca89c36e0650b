"""
Public Python API of the question bank: author, version, list, archive, preview-grade, import, export.

TLDR: views, commands, tasks and other applets call only these functions. Writes run in
``transaction.atomic``; storage goes through the repository chosen by ``VE_EDU_VAULT_STORAGE_BACKEND``.
Bad content raises ``ve_edu_vault.errors.ValidationError`` naming the field (``content.parts[0]...``).
Author HTML is cleaned on save (``sanitize.py``: typed, through the forms, or imported from OLX).
Call :func:`connect` once (``AppConfig.ready``) so course sync treats archiving a node that carries
questions as destructive.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault import conf
from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.course_sync.data_api import CourseNodeData
from ve_edu_vault.errors import AnswerTooLargeError, InvalidAnswerError, NotFoundError, ValidationError

from . import errors as question_errors
from .answers import check_answer
from .data import QuestionContent
from .data_api import (
    ImportJobData,
    ImportReport,
    InterchangeReport,
    NewVersion,
    QuestionData,
    QuestionFilters,
    QuestionPage,
    QuestionVersionData,
)
from .errors import QuestionError
from .grading import grade_question, validate_content
from .import_olx import import_olx_course
from .interchange_jobs import (
    check_upload_size,
    confirm_import_job,
    expire_uploads,
    get_import_job,
    preview_import_job,
    run_import_job,
    start_import_job,
)
from .interchange_service import export_questions, import_questions, vault_identifier
from .olx import export_problem
from .repositories import QuestionRepository, get_repository
from .repositories.django_orm import VERSION_WITH_NODE
from .sanitize import clean_html, sanitize_content

__all__ = [
    "VERSION_WITH_NODE",
    "ImportJobData",
    "ImportReport",
    "InterchangeReport",
    "QuestionData",
    "QuestionPage",
    "QuestionVersionData",
    "archive_question",
    "check_upload_size",
    "clean_html",
    "confirm_import_job",
    "connect",
    "create_question",
    "edit_question",
    "expire_uploads",
    "export_olx",
    "export_questions",
    "get_import_job",
    "get_question",
    "get_questions",
    "get_version",
    "get_versions",
    "import_olx_course",
    "import_questions",
    "list_questions",
    "list_versions",
    "node_ids",
    "parse_content",
    "preview_grade",
    "preview_import_job",
    "question_nodes",
    "question_repository",
    "restore_question",
    "run_import_job",
    "start_import_job",
    "validate_answer",
    "validate_answers",
    "vault_identifier",
    "versions_with_nodes",
]

_UNSET: Any = object()


@contextmanager
def _question_errors(prefix: str = "content") -> Iterator[None]:
    """Re-raise a pure ``QuestionError`` as the vault's ``ValidationError``, keeping its field."""
    try:
        yield
    except QuestionError as error:
        field = f"{prefix}.{error.field}" if prefix and error.field else (error.field or prefix or None)
        raise ValidationError(error.message, field=field) from error


def parse_content(content: Mapping[str, Any] | QuestionContent) -> QuestionContent:
    """
    Build, clean and validate content (structure, author HTML, then each part's type); errors name the field.

    Validation runs on the cleaned content: a choice that was nothing but a script is reported empty.
    """
    with _question_errors():
        parsed = content if isinstance(content, QuestionContent) else QuestionContent.from_dict(content)
        parsed = sanitize_content(parsed)
        validate_content(parsed)
    return parsed


def validate_answer(content: QuestionContent, answer: Any, *, field: str = "answer") -> int:
    """
    Check a learner's answer to one question before it is stored (``questions/answers.py``): the shape of each
    part's answer against its type's schema, and the per-part size limit (``VE_EDU_VAULT_ANSWER_MAX_PART_BYTES``).
    Returns its size in bytes; raises :class:`InvalidAnswerError` or :class:`AnswerTooLargeError` (400s) whose
    field starts with ``field`` and names the part (``answers.17.p0``). Pure: reads nothing, stores nothing.
    """
    try:
        return check_answer(content, answer, max_part_bytes=conf.answer_max_part_bytes())
    except question_errors.InvalidAnswerError as error:
        where = f"{field}.{error.field}" if error.field else field
        klass = AnswerTooLargeError if isinstance(error, question_errors.AnswerTooLargeError) else InvalidAnswerError
        raise klass(error.message, field=where) from None


def validate_answers(answers: Iterable[tuple[str, QuestionContent, Any]], *, field: str = "answers") -> int:
    """
    :func:`validate_answer` for each ``(key, content, answer)`` of one request (fields ``answers.<key>...``),
    and their total against ``VE_EDU_VAULT_ANSWER_MAX_REQUEST_BYTES`` (field ``answers``). Returns the total.
    """
    limit = conf.answer_max_request_bytes()
    total = 0
    for key, content, answer in answers:
        total += validate_answer(content, answer, field=f"{field}.{key}")
        if total > limit:
            raise AnswerTooLargeError(f"These answers are too large together (at most {limit} bytes).", field=field)
    return total


def _author_id(author: Any) -> int | None:
    return getattr(author, "pk", None) if author is not None and getattr(author, "is_authenticated", False) else None


def _node_id(course_key: CourseKey, node_usage_key: UsageKey | str | None) -> int | None:
    if node_usage_key is None or node_usage_key == "":
        return None
    try:
        key = node_usage_key if isinstance(node_usage_key, UsageKey) else UsageKey.from_string(str(node_usage_key))
        node = course_sync.get_node(key)
    except (NotFoundError, ValueError) as exc:
        raise ValidationError(f"No node {node_usage_key} in the vault.", field="node_usage_key") from exc
    if node.course_key != course_key:
        raise ValidationError("The node belongs to another course.", field="node_usage_key")
    return node.id


def _question(question_id: int, course_key: CourseKey | None) -> QuestionData:
    question = get_repository().get(question_id)
    if course_key is not None and question.course_key != course_key:
        raise NotFoundError(f"No question {question_id} in {course_key}.")
    return question


def create_question(
    course_key: CourseKey,
    *,
    content: Mapping[str, Any] | QuestionContent,
    node_usage_key: UsageKey | str | None = None,
    author: Any = None,
) -> QuestionData:
    """A new question (version 1) in ``course_key``, optionally attached to a node of its mirror."""
    parsed = parse_content(content)
    with transaction.atomic():
        return get_repository().create(
            course_key=course_key,
            node_id=_node_id(course_key, node_usage_key),
            version=NewVersion.from_content(parsed, author_id=_author_id(author)),
        )


def edit_question(
    question_id: int,
    *,
    content: Mapping[str, Any] | QuestionContent,
    author: Any = None,
    node_usage_key: UsageKey | str | None = _UNSET,
    course_key: CourseKey | None = None,
) -> QuestionData:
    """A new current version; a no-op when the content is unchanged (same hash). Omitting the node keeps it."""
    parsed = parse_content(content)
    repository = get_repository()
    with transaction.atomic():
        question = _question(question_id, course_key)
        version = NewVersion.from_content(parsed, author_id=_author_id(author))
        if node_usage_key is not _UNSET:
            node_id = _node_id(question.course_key, node_usage_key)
            if node_id != question.node_id:
                repository.set_node(question_id, node_id)
        current = question.current_version
        if current is None or current.content_hash != version.content_hash:
            repository.add_version(question_id, version)
        return repository.get(question_id)


def get_question(question_id: int, *, course_key: CourseKey | None = None) -> QuestionData:
    """The question with its current version; ``course_key`` makes a question of another course a 404."""
    return _question(question_id, course_key)


def get_version(version_id: int) -> QuestionVersionData:
    return get_repository().get_version(version_id)


def question_repository(backend: str) -> QuestionRepository:
    """The question repository of the named backend ("django" or "mongodb"), for ``vault_copy_storage``."""
    return get_repository(backend)


def get_questions(question_ids: Iterable[int]) -> dict[int, QuestionData]:
    """The existing questions among ``question_ids``, by id, in one read (missing ids are left out)."""
    return get_repository().get_many(question_ids)


def versions_with_nodes(
    version_ids: Iterable[int],
) -> tuple[dict[int, QuestionVersionData], dict[int, CourseNodeData]]:
    """``(get_versions(version_ids), {question id: its node})`` in one read: the grading path's lookup."""
    return get_repository().versions_with_nodes(version_ids)


def question_nodes(question_ids: Iterable[int]) -> dict[int, CourseNodeData]:
    """``{question id: its node}`` for the questions among ``question_ids`` attached to a node (one read)."""
    return get_repository().question_nodes(question_ids)


def node_ids(question_ids: Iterable[int]) -> dict[int, int]:
    """``{question id: node id}`` for the questions among ``question_ids`` attached to a node of the mirror."""
    return get_repository().node_ids(question_ids)


def get_versions(version_ids: Iterable[int]) -> dict[int, QuestionVersionData]:
    """The existing versions among ``version_ids``, by id, in one read (missing ids are left out)."""
    return get_repository().get_versions(version_ids)


def list_versions(question_id: int, *, course_key: CourseKey | None = None) -> list[QuestionVersionData]:
    _question(question_id, course_key)
    return get_repository().list_versions(question_id)


def list_questions(
    course_key: CourseKey,
    *,
    node: UsageKey | str | None = None,
    type: str | None = None,
    tag: str | None = None,
    text: str | None = None,
    include_archived: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> QuestionPage:
    """Questions of a course, newest first, filtered on their current version."""
    filters = QuestionFilters(
        course_key=course_key,
        node_id=_node_id(course_key, node) if node else None,
        type=type or None,
        tag=tag or None,
        text=text or None,
        include_archived=include_archived,
    )
    return get_repository().list(filters, offset=offset, limit=limit)


def archive_question(question_id: int, *, course_key: CourseKey | None = None) -> QuestionData:
    with transaction.atomic():
        _question(question_id, course_key)
        return get_repository().archive(question_id)


def restore_question(question_id: int, *, course_key: CourseKey | None = None) -> QuestionData:
    with transaction.atomic():
        _question(question_id, course_key)
        return get_repository().restore(question_id)


def preview_grade(
    question_id: int, answers: Any, *, version: int | None = None, course_key: CourseKey | None = None
) -> dict[str, Any]:
    """Grade ``answers`` (``{part_id: answer}``) against the current version, or version number ``version``."""
    question = _question(question_id, course_key)
    if version is None:
        if question.current_version is None:
            raise NotFoundError(f"Question {question_id} has no version.")
        stored: QuestionVersionData | None = question.current_version
    else:
        stored = next((item for item in get_repository().list_versions(question_id) if item.number == version), None)
        if stored is None:
            raise NotFoundError(f"Question {question_id} has no version {version}.")
    assert stored is not None  # both branches above raise otherwise
    content = stored.to_content()
    validate_answer(content, answers, field="answers")
    with _question_errors("answers"):
        return grade_question(content, answers).to_dict()


def export_olx(question_id: int | None = None, *, course_key: CourseKey | None = None) -> str:
    """
    Capa XML: one ``<problem>`` for a question, or for a course a ``<problems course="...">`` element
    holding one ``<problem>`` per active question (types capa cannot express are left out).
    """
    if question_id is not None:
        question = _question(question_id, course_key)
        if question.current_version is None:
            raise NotFoundError(f"Question {question_id} has no version.")
        try:
            return export_problem(question.current_version.to_content())
        except ValueError as exc:
            raise ValidationError(str(exc), field="type") from exc
    if course_key is None:
        raise ValidationError("Give a question id or a course key.", field="question_id")
    problems = []
    for question in list_questions(course_key).items:
        if question.current_version is None:
            continue
        try:
            problems.append(export_problem(question.current_version.to_content()))
        except ValueError:
            continue
    body = "\n".join(problems)
    return f'<problems course="{course_key}">\n{body}\n</problems>'


def _nodes_with_questions(course_key: CourseKey, usage_keys: set[UsageKey]) -> set[UsageKey]:
    """Course sync's node usage check: which of these nodes carry questions (archived ones included)."""
    ids: dict[int, UsageKey] = {}
    for key in usage_keys:
        try:
            ids[course_sync.get_node(key).id] = key
        except NotFoundError:
            continue
    return {ids[node_id] for node_id in get_repository().node_ids_in_use(ids)}


def connect() -> None:
    """Register the question bank with course sync; call from ``AppConfig.ready`` (idempotent)."""
    course_sync.register_node_usage_check(_nodes_with_questions)
