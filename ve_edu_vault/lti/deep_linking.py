"""
Deep Linking (LTI Deep Linking 2.0): an instructor picks an assessment; the tool answers with a signed
``LtiResourceLink`` content item carrying a line item.

TLDR: the validated deep linking request is kept server-side (the Django cache, 30 minutes) under a random key
the picker page posts back (no cookie in the platform's iframe, so that key, single use, is the binding to
the request). The course comes from the ``vault_course`` custom parameter of the tool's placement (or from
the links already bound in the same platform context). The response JWT is pylti1p3's
(``DeepLink.get_response_jwt``: signed with the registration's tool key and kid); the content item's custom
parameter ``vault_link`` is a value the tool signed (Django signing), so that the first launch of the new
link binds it to the assessment it names, and no other value can. The instructor may instead create a new
assessment from a template (``assessment_templates``): a copy of one of the course's assessments, or
questions drawn from a section of the course with practice, quiz or exam settings; it is created in the
course (audited) and returned like a picked one.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core import signing
from django.core.cache import cache
from django.db import transaction
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.audit import api as audit_log_api
from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.errors import ValidationError

from . import assessment_templates, store
from .data import CONTEXT, DEEP_LINKING_SETTINGS, DEPLOYMENT_ID, LaunchRefused
from .launch import ValidatedLaunch, registration_of

SESSION_SECONDS = 1800
_SESSION_KEY = "ve_edu_vault.lti.deep-link."
_LINK_SALT = "ve_edu_vault.lti.deep-link-item"
CUSTOM_COURSE = "vault_course"
CUSTOM_LINK = "vault_link"


def start(message: ValidatedLaunch, *, role_is_staff: bool) -> tuple[str, CourseKey, list[Any]]:
    """Keep the request for the picker; ``(session key, course, assessments)``. Raises ``LaunchRefused``."""
    if not role_is_staff:
        raise LaunchRefused("role", "Only instructors and administrators pick the assessment of a link.", status=403)
    claims = message.claims()
    settings = claims.get(DEEP_LINKING_SETTINGS)
    if not isinstance(settings, dict) or not settings.get("deep_link_return_url"):
        raise LaunchRefused("claims", "The deep linking request has no deep linking settings.")
    accepted = settings.get("accept_types") or []
    if "ltiResourceLink" not in accepted:
        raise LaunchRefused("claims", "The platform does not accept LTI resource links here.")
    course_key = _course_of(claims, message.get_client_id())
    platform = store.find_platform(claims["iss"], message.get_client_id())
    assert platform is not None  # the launch validated the registration
    key = secrets.token_urlsafe(24)
    cache.set(
        _SESSION_KEY + key,
        {
            "platform_id": platform.id,
            "issuer": platform.issuer,
            "deployment_id": claims[DEPLOYMENT_ID],
            "settings": settings,
            "course_key": str(course_key),
            "sub": str(claims.get("sub", ""))[:255],  # the instructor who picks (for the audit log)
        },
        SESSION_SECONDS,
    )
    return key, course_key, assessments.list_assessments(course_key)


def pool_sections(course_key: CourseKey) -> list[tuple[str, str]]:
    """(usage key, label) of the course's sections and subsections, in outline order, for a drawn template."""
    sections: list[tuple[str, str]] = []
    for topic in course_sync.get_outline_tree(course_key):
        sections.append((str(topic.usage_key), topic.display_name))
        for subtopic in topic.children:
            sections.append((str(subtopic.usage_key), f"{topic.display_name} / {subtopic.display_name}"))
    return sections


def _take_session(session_key: str) -> dict[str, Any]:
    session = cache.get(_SESSION_KEY + session_key) if session_key else None
    if session is None or not cache.delete(_SESSION_KEY + session_key):
        raise LaunchRefused("state", "This choice has expired or was sent already; open the tool again.")
    return session  # type: ignore[no-any-return]


def create_and_respond(
    session_key: str, *, template: str, title: str, pool_node: str = "", count: str = ""
) -> tuple[str, str, dict[str, Any]]:
    """
    Create an assessment in the session's course from ``template`` (``copy:<id>`` or a predefined key drawing
    ``count`` questions under ``pool_node``) and answer with it as ``respond`` does. Audited; nothing is created
    when the response cannot be built. Raises ``LaunchRefused`` (bad input: 400 naming it).
    """
    session = cache.get(_SESSION_KEY + session_key) if session_key else None  # taken once the input is valid
    if session is None:
        raise LaunchRefused("state", "This choice has expired or was sent already; open the tool again.")
    course_key = CourseKey.from_string(session["course_key"])
    if not title.strip():
        raise LaunchRefused("title", "Give the new assessment a title.")
    if template.startswith(assessment_templates.COPY + ":"):
        try:
            source_id = int(template.split(":", 1)[1])
        except ValueError:
            raise LaunchRefused("template", "Pick a template.") from None
        source = next((item for item in assessments.list_assessments(course_key) if item.id == source_id), None)
        if source is None:
            raise LaunchRefused("template", "That assessment is not one of this course's.", status=404)
        config: dict[str, Any] = source.config.to_dict()
        node = source.node_usage_key
    elif template in assessment_templates.BY_KEY:
        if pool_node not in {key for key, _label in pool_sections(course_key)}:
            raise LaunchRefused("pool_node", "Pick a section of this course to draw the questions from.")
        try:
            number = int(count)
        except ValueError:
            raise LaunchRefused("count", "The number of questions must be a whole number.") from None
        if not 1 <= number <= assessment_templates.MAX_COUNT:
            raise LaunchRefused("count", f"The number of questions must be 1 to {assessment_templates.MAX_COUNT}.")
        config = assessment_templates.drawn_config(template, pool_node=pool_node, count=number)
        node = pool_node
    else:
        raise LaunchRefused("template", "Pick a template.")
    session = _take_session(session_key)
    with transaction.atomic():
        try:
            created = assessments.create_assessment(course_key, node_usage_key=node, title=title, config=config)
        except ValidationError as exc:
            raise LaunchRefused(exc.field or "template", exc.message) from exc
        audit_log_api.record(
            audit_log_api.LTI_ASSESSMENT_CREATED,
            object_type="assessment",
            object_id=created.id,
            course_key=course_key,
            details={
                "template": template,
                "issuer": session["issuer"],
                "deployment_id": session["deployment_id"],
                "sub": session.get("sub", ""),
            },
        )
        return _response(session, created)


def _course_of(claims: dict[str, Any], client_id: str) -> CourseKey:
    raw = str((claims.get("https://purl.imsglobal.org/spec/lti/claim/custom") or {}).get(CUSTOM_COURSE) or "")
    if raw:
        try:
            return CourseKey.from_string(raw)
        except InvalidKeyError as exc:
            raise LaunchRefused("claims", f"The custom parameter {CUSTOM_COURSE} is not a course key.") from exc
    context_id = str((claims.get(CONTEXT) or {}).get("id", ""))
    bound = store.assessments_bound_in_context(claims["iss"], client_id, claims[DEPLOYMENT_ID], context_id)
    known = {assessments.get_assessment(pk).course_key for pk in bound}
    if len(known) == 1:
        return known.pop()
    raise LaunchRefused(
        "course",
        f"The tool does not know which course this platform course is: set the custom parameter {CUSTOM_COURSE}"
        " to the vault course's key in the tool's placement.",
    )


def respond(session_key: str, assessment_id: int) -> tuple[str, str, dict[str, Any]]:
    """
    The signed deep linking response for the picked assessment: ``(return URL, JWT, session)``. The session is
    used once. Raises ``LaunchRefused`` for an unknown or used session or an assessment of another course.
    """
    session = _take_session(session_key)
    assessment = next(
        (
            item
            for item in assessments.list_assessments(CourseKey.from_string(session["course_key"]))
            if item.id == assessment_id
        ),
        None,
    )
    if assessment is None:
        raise LaunchRefused("assessment", "That assessment is not one of this course's.", status=404)
    return _response(session, assessment)


def _response(session: dict[str, Any], assessment: Any) -> tuple[str, str, dict[str, Any]]:
    """(return URL, the signed deep linking response JWT with the assessment's resource link, session)."""
    platform = store.get_platform(session["platform_id"])
    if platform is None:
        raise LaunchRefused("iss", "The platform registration is gone.")
    points = assessments.assessment_points(assessment.id) or 1.0
    from .api import tool_urls

    link = signing.dumps(
        {"a": assessment.id, "i": session["issuer"], "d": session["deployment_id"]}, salt=_LINK_SALT, compress=True
    )
    resource = (
        DeepLinkResource()
        .set_url(tool_urls().launch)
        .set_title(assessment.title)
        .set_custom_params({CUSTOM_LINK: link})
        .set_lineitem(
            LineItem()
            .set_score_maximum(points)
            .set_label(assessment.title)
            .set_resource_id(f"ve-edu-vault-assessment-{assessment.id}")
        )
    )
    deep_link = DeepLink(registration_of(platform), session["deployment_id"], session["settings"])
    token = deep_link.get_response_jwt([resource])
    return str(session["settings"]["deep_link_return_url"]), token, {**session, "assessment_id": assessment.id}


def linked_assessment(claims: dict[str, Any], *, issuer: str, deployment_id: str) -> int | None:
    """The assessment a deep-linked link names in its ``vault_link`` custom parameter (signed by this tool), or None."""
    value = (claims.get("https://purl.imsglobal.org/spec/lti/claim/custom") or {}).get(CUSTOM_LINK)
    if not value:
        return None
    try:
        payload = signing.loads(str(value), salt=_LINK_SALT)
    except signing.BadSignature:
        return None
    if payload.get("i") != issuer or payload.get("d") != deployment_id:
        return None
    return int(payload["a"])
