"""
The world every row of the permission matrix runs in: two courses, one user per actor, and one object of
each kind the routes name (a plain module on the test path, like the other builders).

TLDR: the course (``api_builders.COURSE``) is synced, has three questions, an assessment bound to a
vault XBlock, a question import job and a planned regrade. The enrolled learner ("learner") has a
submitted attempt and one in progress; another learner of the same course ("peer") has an attempt in
progress. "outsider" is enrolled in another course only, "other_staff" is staff of that other course
only; "course_staff" is staff of the course, "global_staff" is Django staff (``is_staff``) with no
course role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opaque_keys.edx.keys import CourseKey

from hosts.standalone_platform.backend import enroll, grant_course_role
from tests.assessments.api_builders import COURSE, OBJECTIVE_A, learner, make_assessment, right_answers
from tests.regrade.regrade_builders import correct_the_key

OTHER_COURSE = CourseKey.from_string("course-v1:Vault+Elsewhere+2026")
ACTORS = (
    "anonymous",
    "outsider",
    "learner",
    "peer",
    "course_staff",
    "other_staff",
    "global_staff",
    "lti_learner",
    "lti_instructor",
)
#: Actors who call the API with an LTI launch token (``Authorization: VaultLTI ...``), as the learner page framed
#: by a platform does; framed, they carry no session cookie, so pages see them as signed out.
LTI_ACTORS = ("lti_learner", "lti_instructor")
AIKEN = b"Is this an easy question?\nA. Yes\nB. No\nANSWER: A\n"


@dataclass
class World:
    users: dict[str, Any]
    ids: dict[str, Any] = field(default_factory=dict)
    launch_tokens: dict[str, str] = field(default_factory=dict)

    def url_kwargs(self) -> dict[str, str]:
        """The value of each URL keyword the plugin's routes use, naming this world's objects."""
        return {name: str(value) for name, value in self.ids.items() if not isinstance(value, list | dict)}


def build(make_user: Any) -> World:
    from django.conf import settings
    from django.utils import timezone

    from ve_edu_vault.analytics import api as analytics
    from ve_edu_vault.assessments import api
    from ve_edu_vault.course_sync import api as course_sync
    from ve_edu_vault.webhooks import api as webhooks
    from ve_edu_vault.webhooks import store as webhook_store

    assert settings.VE_EDU_VAULT_WEBHOOKS_ENABLED, "the world's submission must give the subscription a delivery"
    from ve_edu_vault.questions import interchange_jobs
    from ve_edu_vault.regrade import api as regrade

    assessment = make_assessment(attempt_limit=None)
    question_ids = list(assessment.config.selection.question_ids)
    owner = learner(make_user, "owner_learner")
    peer = learner(make_user, "peer_learner")
    outsider = make_user("outsider_learner")
    enroll(outsider, OTHER_COURSE)
    course_staff = make_user("course_staff")
    grant_course_role(course_staff, COURSE)
    other_staff = make_user("other_staff")
    grant_course_role(other_staff, OTHER_COURSE)
    global_staff = make_user("global_staff", is_staff=True)
    lti_learner = learner(make_user, "lti_learner")
    lti_instructor = make_user("lti_instructor")
    grant_course_role(lti_instructor, COURSE)

    # A webhook subscription to the course, so the submission below gives it a delivery.
    subscription, _secret = webhooks.create_subscription(url="http://127.0.0.1:9/vault", course_key=COURSE)
    done = api.start_attempt(assessment.id, owner)
    api.save_answers(done.id, user=owner, answers=right_answers(done))
    api.submit_attempt(done.id, user=owner)
    current = api.start_attempt(assessment.id, owner)
    peer_attempt = api.start_attempt(assessment.id, peer)

    job = interchange_jobs.start_import_job(COURSE, AIKEN, "bank.txt", format="aiken", author=course_staff)
    correct_the_key(question_ids[0])  # a second version of the question, so a regrade can be planned
    run = regrade.plan(question_ids[0], course_key=COURSE, requested_by=course_staff)
    sync_id = course_sync.list_sync_records(COURSE)[0].id
    webhook_store.dispatch_events(now=timezone.now(), limit=100)
    delivery = webhooks.list_deliveries(subscription.id)[0]
    export = analytics.queue_export(analytics.export_request("attempts", COURSE, user=course_staff), user=course_staff)
    analytics.run_export_job(export.id)  # what the worker does: its file is there to download

    users = {
        "anonymous": None,
        "outsider": outsider,
        "learner": owner,
        "peer": peer,
        "course_staff": course_staff,
        "other_staff": other_staff,
        "global_staff": global_staff,
        "lti_learner": lti_learner,
        "lti_instructor": lti_instructor,
    }
    world = World(users=users)
    world.launch_tokens = {
        actor: launch_token(users[actor], assessment.id, staff=actor == "lti_instructor") for actor in LTI_ACTORS
    }
    world.ids = {
        "course_key": COURSE,
        "assessment_id": assessment.id,
        "attempt_id": current.id,
        "submitted_attempt_id": done.id,
        "peer_attempt_id": peer_attempt.id,
        "response_id": current.questions[0].response_id,
        "response_ids": {item.question["title"]: item.response_id for item in current.questions},
        "question_id": question_ids[0],
        "question_ids": question_ids,
        # job_id: a question import in Studio, an analytics export in the LMS (each host has one kind)
        "job_id": job.id if settings.VAULT_HOST == "cms" else export.id,
        "kind": "attempts",
        "subscription_id": subscription.id,
        "delivery_id": delivery.id,
        "sync_id": sync_id,
        "run_id": run.id,
        "objective_key": OBJECTIVE_A,
        "action": "resume",
    }
    return world


def launch_token(user: Any, assessment_id: int, *, staff: bool) -> str:
    """The token a launch of the assessment gives ``user`` (``lti.api.issue_launch_token``)."""
    from ve_edu_vault.lti import api as lti
    from ve_edu_vault.lti.data import LaunchResult, LtiRole

    role = LtiRole.INSTRUCTOR if staff else LtiRole.LEARNER
    result = LaunchResult(
        launch_id=f"matrix-{user.pk}",
        user_id=user.pk,
        role=role,
        assessment_id=assessment_id,
        course_key=str(COURSE),
        binding_id=0,  # not read by the token
        client_id="matrix",
        claims={},
    )
    return lti.issue_launch_token(result)
