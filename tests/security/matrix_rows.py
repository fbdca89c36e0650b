"""
The rows of the permission matrix: for every route and method of both hosts, what each actor gets.

TLDR: one ``Row`` per (URL name, method). ``expect`` maps each actor of ``matrix_world.ACTORS`` to the
status it must get. Routes that name an object by id alone (``attempts/<id>/``, ``syncs/<id>/``)
answer 404 to anyone who may not see the object, exactly as for an id that does not exist, so a
guessed id tells nothing. ``tests/security/test_permission_matrix.py`` fails when a route or a
method of a host has no row here: a new route needs its row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.security.matrix_world import ACTORS, AIKEN, LTI_ACTORS, World

API = "/api/ve-edu-vault/v1/"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Row:
    host: str  # "lms", "cms" or "both"
    name: str  # the URL name (without the ve_edu_vault namespace); a literal path for unnamed routes
    method: str
    expect: dict[str, int]
    kwargs: dict[str, Any] = field(default_factory=dict)  # URL keywords other than the world's
    query: dict[str, str] = field(default_factory=dict)
    body: Callable[[World], Any] | None = None  # JSON for the API, form data for pages
    multipart: bool = False
    setup: Callable[[World], dict[str, Any]] | None = None  # per actor, before the request: URL keywords
    note: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.method)

    def expected(self, actor: str) -> int:
        """What ``actor`` gets. Studio's own routes refuse LTI launch tokens: LTI actors fare as the anonymous do."""
        if self.host == "cms" and actor in LTI_ACTORS:
            return self.expect["anonymous"]
        return self.expect[actor]

    def runs_in(self, host: str) -> bool:
        return self.host in ("both", host)


def outcome(default: int, **by_actor: int) -> dict[str, int]:
    expected = dict.fromkeys(ACTORS, default)
    expected.update(by_actor)
    return expected


def public(status: int = 200) -> dict[str, int]:
    return outcome(status)


def signed_in(status: int = 200) -> dict[str, int]:
    return outcome(status, anonymous=401)


def enrolled(status: int = 200) -> dict[str, int]:
    """Learners of the course and its staff (global staff is every course's staff)."""
    return outcome(status, anonymous=401, outsider=403, other_staff=403)


def staff(status: int = 200, *, anonymous: int = 401, refused: int = 403) -> dict[str, int]:
    """The course's staff (an LTI instructor of the course is one) and global staff; anyone else refused."""
    return outcome(refused, anonymous=anonymous, course_staff=status, global_staff=status, lti_instructor=status)


def _page(expected: dict[str, int]) -> dict[str, int]:
    """A page: the signed-out, and LTI actors (no session cookie in a platform's frame), go to the login page."""
    return {**expected, "anonymous": 302, **dict.fromkeys(LTI_ACTORS, 302)}


def staff_page(status: int = 200, *, refused: int = 403) -> dict[str, int]:
    return _page(staff(status, refused=refused))


def learner_page(status: int = 200) -> dict[str, int]:
    return _page(enrolled(status))


def global_staff(status: int = 200) -> dict[str, int]:
    """Global staff only (the platform's webhooks are not any course's); an LTI launch never is global staff."""
    return outcome(403, anonymous=401, global_staff=status)


def owner(status: int = 200, **by_actor: int) -> dict[str, int]:
    """An attempt's routes: its learner only; everyone else signed in gets the 404 of an unknown id."""
    return outcome(404, anonymous=401, learner=status, **by_actor)


def sync_staff(status: int = 200) -> dict[str, int]:
    """``syncs/<id>/``: the record's course staff; anyone else signed in gets the 404 of an unknown id."""
    return staff(status, refused=404)


def _answers(world: World) -> dict[str, Any]:
    responses = world.ids["response_ids"]
    return {"answers": {str(responses["Capital"]): {"p0": "a"}}}


def _question(world: World) -> dict[str, Any]:
    from tests.assessments.api_builders import mc

    return {"content": mc("Matrix question")}


def _assessment(world: World) -> dict[str, Any]:
    from tests.assessments.api_builders import config

    return {"title": "Matrix quiz", "config": config(world.ids["question_ids"])}


def _aiken_upload(world: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("bank.txt", AIKEN, "text/plain"), "format": "aiken"}


def _fresh_import_job(world: World) -> dict[str, Any]:
    """A job of its own per actor: confirming one removes its stored upload, which no rollback restores."""
    from ve_edu_vault.questions import interchange_jobs

    job = interchange_jobs.start_import_job(world.ids["course_key"], AIKEN, "bank.txt", format="aiken")
    return {"job_id": job.id}


ROWS: list[Row] = [
    # The hosts' own pages (stand-ins for the LMS and Studio shells).
    Row("both", "home", "GET", public()),
    Row("both", "/favicon.ico", "GET", public(204)),
    Row("both", "login", "GET", public()),
    Row("both", "login", "POST", public(), note="the form again, with its error"),
    Row("both", "login", "PUT", public(), note="Django's LoginView takes PUT as POST"),
    Row("both", "logout", "POST", public()),
    # Django's admin: staff users (is_staff) only; its index answers every method; its other pages are Django's.
    *(Row("both", "admin:index", method, outcome(302, global_staff=200)) for method in METHODS),
    # Served in both processes.
    Row("both", "health", "GET", public()),
    Row("both", "schema", "GET", public()),
    Row("both", "course-access", "GET", signed_in(), note="says what the user may do; tells nothing else"),
    Row("both", "api-not-found", "GET", public(404), kwargs={"rest": "no-such-thing/"}),
    Row("both", "api-not-found", "POST", public(404), kwargs={"rest": "no-such-thing/"}),
    Row("both", "api-not-found", "PUT", public(404), kwargs={"rest": "no-such-thing/"}),
    Row("both", "api-not-found", "PATCH", public(404), kwargs={"rest": "no-such-thing/"}),
    Row("both", "api-not-found", "DELETE", public(404), kwargs={"rest": "no-such-thing/"}),
    # LMS: learners.
    Row("lms", "learner-assessments", "GET", enrolled()),
    Row("lms", "learner-attempts", "GET", enrolled()),
    Row("lms", "learner-attempts", "POST", enrolled(201)),
    Row("lms", "learner-current", "GET", enrolled()),
    Row("lms", "attempt-detail", "GET", owner()),
    Row(
        "lms",
        "attempt-detail",
        "GET",
        owner(course_staff=200, global_staff=200, lti_instructor=200),
        query={"username": "owner_learner"},
        note="staff acting for the learner; to anyone else the same 404 as without ?username=",
    ),
    Row("lms", "attempt-answers", "PUT", owner(), body=_answers),
    Row("lms", "attempt-answers", "PATCH", owner(), body=_answers),
    Row(
        "lms",
        "attempt-check",
        "POST",
        owner(409),
        body=lambda world: {"answer": {"p0": "a"}},
        note="the assessment defers feedback: checking is a 409 for its learner",
    ),
    Row("lms", "attempt-hint", "POST", owner()),
    Row("lms", "attempt-submit", "POST", owner()),
    Row("lms", "attempt-result", "GET", owner(), kwargs={"attempt_id": "submitted_attempt_id"}),
    Row(
        "lms",
        "attempt-grade-change",
        "POST",
        owner(403, course_staff=200, global_staff=200, lti_instructor=200),
        kwargs={"attempt_id": "submitted_attempt_id"},
        body=lambda world: {"earned": 1, "reason": "matrix"},
        note="course staff only; the attempt's own learner is told so (403), anyone else gets the unknown id's 404",
    ),
    Row("lms", "assessments-learner-page", "GET", learner_page()),
    Row("lms", "assessment-take-page", "GET", learner_page()),
    Row("lms", "mastery-learner", "GET", enrolled()),
    Row("lms", "mastery-objective", "GET", staff()),
    Row("lms", "mastery-explanation", "GET", enrolled()),
    Row("lms", "mastery-staff-page", "GET", staff_page()),
    # LMS: the LTI 1.3 tool (on in the matrix's world). Cross-site by design: anyone reaches them, and what
    # protects them is the platform's signed id_token, the state and the nonce (tests/lti/): without them a
    # login or launch is refused naming the check, to everyone alike.
    Row("lms", "lti-login", "GET", public(400), note="no iss, login_hint or target_link_uri"),
    Row("lms", "lti-login", "POST", public(400)),
    Row("lms", "lti-launch", "POST", public(400), note="no id_token"),
    Row("lms", "lti-launch-verify", "POST", public(400), note="no pending launch (platform storage)"),
    Row("lms", "lti-deep-linking", "POST", public(400), note="no id_token"),
    Row("lms", "lti-deep-linking-respond", "POST", public(400), note="no deep linking launch in the session"),
    Row("lms", "lti-jwks", "GET", public(), note="the tool's public keys, for platforms"),
    # Dynamic registration: a platform admin's browser opens it; global staff confirm (no openid_configuration: 400).
    Row("lms", "lti-register", "GET", _page(outcome(403, global_staff=400))),
    Row("lms", "lti-register", "POST", _page(outcome(403, global_staff=400))),
    Row("lms", "lti-config", "GET", public(), note="the tool's URLs and keys, for a platform admin to copy"),
    # LMS: analytics (course staff): the staff area's pages and the REST API.
    Row("lms", "analytics-staff-area", "GET", staff_page()),
    Row("lms", "analytics-not-started", "GET", staff_page(404), note="the LMS's Enrollment API is not configured here"),
    Row("lms", "analytics-regrades", "GET", staff_page()),
    Row("lms", "analytics-regrades", "POST", staff_page(400), note="an empty form: the page with its error"),
    Row("lms", "analytics-attempt-grade", "GET", staff_page(), note="the lookup form"),
    Row(
        "lms",
        "analytics-attempt-grade",
        "POST",
        staff_page(302),
        body=lambda world: {"attempt": world.ids["submitted_attempt_id"], "earned": "1", "reason": "matrix"},
        note="the grade changed, back to the attempt's page",
    ),
    Row("lms", "analytics-dashboard", "GET", staff_page()),
    Row("lms", "analytics-item-analysis", "GET", staff()),
    Row("lms", "analytics-mastery-outline", "GET", staff()),
    Row("lms", "analytics-export", "GET", staff()),
    Row("lms", "analytics-export-jobs", "GET", staff()),
    Row("lms", "analytics-export-jobs", "POST", staff(202), body=lambda world: {"kind": "responses"}),
    Row("lms", "analytics-export-job", "GET", staff()),
    Row("lms", "analytics-export-file", "GET", staff()),
    # Both hosts: webhooks. Subscriptions are the platform's (global staff); the inbound receiver answers to a
    # signature made with the shared secret, not to a user (tests/webhooks/).
    Row("both", "webhook-inbound", "POST", public(401), note="no webhook signature"),
    Row("both", "webhook-subscriptions", "GET", global_staff()),
    Row("both", "webhook-subscriptions", "POST", global_staff(201), body=lambda world: {"url": "http://127.0.0.1:9/b"}),
    Row("both", "webhook-subscription", "GET", global_staff()),
    Row("both", "webhook-subscription", "PATCH", global_staff(), body=lambda world: {"description": "matrix"}),
    Row("both", "webhook-subscription-rotate-secret", "POST", global_staff()),
    Row("both", "webhook-deliveries", "GET", global_staff()),
    Row("both", "webhook-delivery", "GET", global_staff()),
    Row("both", "webhook-delivery-replay", "POST", global_staff(202)),
    # Studio: course sync.
    Row("cms", "course-sync-outline", "GET", staff()),
    Row("cms", "course-syncs", "GET", staff()),
    Row("cms", "course-syncs", "POST", staff()),
    Row("cms", "course-sync-preview", "POST", staff()),
    Row("cms", "course-sync-settings", "GET", staff()),
    Row("cms", "course-sync-settings", "PATCH", staff(), body=lambda world: {"auto_sync_enabled": False}),
    Row("cms", "sync-detail", "GET", sync_staff()),
    Row("cms", "sync-undo", "POST", sync_staff()),
    Row("cms", "sync-approve", "POST", sync_staff(409), note="the record is applied, not held"),
    Row("cms", "sync-reject", "POST", sync_staff(409), note="the record is applied, not held"),
    Row("cms", "course-sync-history", "GET", staff_page()),
    Row("cms", "course-sync-action", "POST", staff_page(302), note="resume: then back to the history page"),
    # Studio: questions.
    Row("cms", "questions", "GET", staff()),
    Row("cms", "questions", "POST", staff(201), body=_question),
    Row("cms", "questions-import-olx", "POST", staff(415), note="a tar.gz upload: an empty body is a 415"),
    Row("cms", "questions-export", "GET", staff(), query={"file_format": "gift"}),
    Row("cms", "question-imports", "POST", staff(201), body=_aiken_upload, multipart=True),
    Row("cms", "question-import", "GET", staff()),
    Row("cms", "question-import-confirm", "POST", staff(), setup=_fresh_import_job),
    Row("cms", "question-detail", "GET", staff()),
    Row("cms", "question-detail", "PUT", staff(), body=_question),
    Row("cms", "question-archive", "POST", staff()),
    Row("cms", "question-restore", "POST", staff()),
    Row("cms", "question-versions", "GET", staff()),
    Row("cms", "question-preview", "POST", staff(), body=lambda world: {"answers": {"p0": "a"}}),
    Row("cms", "question-export-olx", "GET", staff()),
    Row("cms", "questions-page", "GET", staff_page()),
    Row("cms", "questions-page", "POST", staff_page(400), note="an empty form: the page again with its error"),
    Row("cms", "questions-interchange-page", "GET", staff_page()),
    Row("cms", "questions-interchange-page", "POST", staff_page(400), note="no file: the page with its error"),
    Row("cms", "question-import-page", "GET", staff_page()),
    Row("cms", "question-import-page", "POST", staff_page(302), setup=_fresh_import_job),
    Row("cms", "questions-export-download", "GET", staff_page(), query={"format": "gift"}),
    Row("cms", "question-edit-page", "GET", staff_page()),
    Row("cms", "question-edit-page", "POST", staff_page(400), note="an empty form: the page again with its error"),
    # Studio: assessments.
    Row("cms", "assessments", "GET", staff()),
    Row("cms", "assessments", "POST", staff(201), body=_assessment),
    Row("cms", "assessment-detail", "GET", staff()),
    Row("cms", "assessment-detail", "PATCH", staff(), body=lambda world: {"title": "Renamed"}),
    Row("cms", "assessment-archive", "POST", staff()),
    Row("cms", "assessment-preview", "GET", staff()),
    Row("cms", "assessment-accommodations", "GET", staff()),
    Row(
        "cms",
        "assessment-accommodations",
        "PUT",
        staff(),
        body=lambda world: {"username": "owner_learner", "extra_minutes": 10},
    ),
    Row("cms", "assessments-authoring-page", "GET", staff_page()),
    Row("cms", "assessments-authoring-page", "POST", staff_page(400), note="an empty form: the page with its error"),
    Row("cms", "assessment-edit-page", "GET", staff_page()),
    Row("cms", "assessment-edit-page", "POST", staff_page(400), note="an empty form: the page with its error"),
    # Studio: the audit log of staff actions.
    Row("cms", "course-audit", "GET", staff()),
    # Studio: regrades.
    Row("cms", "regrades", "GET", staff()),
    Row("cms", "regrades", "POST", staff(201), body=lambda world: {"question_id": world.ids["question_id"]}),
    Row("cms", "regrade-detail", "GET", staff()),
    Row("cms", "regrade-start", "POST", staff(202)),
]
