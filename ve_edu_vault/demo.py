"""
Demo data: a small course, a course staff user and a learner, enough to show each capability.

TLDR: the demo course is an OLX export shipped in the package (``demo_course/``). The platform
imports it as it imports any course (Open edX: ``./manage.py cms import``, which the Tutor plugin's
init job runs when VE_EDU_VAULT_LOAD_DEMO_DATA is on; the hosts: ``./manage.py cms
host_import_course``); then ``./manage.py lms vault_init --demo`` creates the two users, enrolls
them and makes the staff user course staff through the platform adapter, syncs the course and adds
the demo questions and assessments. Safe to run again: it converges to the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync.data import CourseOutline
from ve_edu_vault.errors import NotFoundError

DEMO_COURSE = CourseKey.from_string("course-v1:VaultDemo+VE101+2026")
#: The demo course's OLX export (what the platform imports).
DEMO_COURSE_OLX = Path(__file__).resolve().parent / "demo_course"
DEMO_PASSWORD = "demo-password"  # noqa: S105  (a demo login, printed to the operator on purpose)


class DemoCourseMissing(NotFoundError):
    """The demo course is not in the platform yet: import its OLX first."""


@dataclass(frozen=True, kw_only=True, slots=True)
class DemoSummary:
    course_key: CourseKey
    staff_username: str
    learner_username: str
    sync_status: str
    assessment_ids: tuple[int, ...] = ()


def demo_outline() -> CourseOutline:
    """The demo course's outline, as the vault reads it from the OLX export."""
    from ve_edu_vault.course_sync import api as course_sync

    return course_sync.get_outline_source("olx", path=str(DEMO_COURSE_OLX)).read(DEMO_COURSE)


def _user(username: str, **fields: Any) -> Any:
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.com", **fields}
    )
    for name, value in fields.items():
        setattr(user, name, value)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def load_demo_data() -> DemoSummary:
    """Users, enrollment, course role, sync, questions and assessments of the demo (the course must exist)."""
    from ve_edu_vault.course_sync import api as course_sync
    from ve_edu_vault.platform import api as platform

    if not platform.course_exists(DEMO_COURSE):
        raise DemoCourseMissing(
            f"The demo course {DEMO_COURSE} is not in the platform: import {DEMO_COURSE_OLX} first "
            "(Open edX: ./manage.py cms import ../data <that folder>; the hosts: ./manage.py cms host_import_course)."
        )
    # Course staff, not global staff: the demo shows what a course team sees, on any site.
    staff = _user("demo_staff")
    learner = _user("demo_learner")
    platform.grant_course_staff(staff, DEMO_COURSE)
    platform.enroll(learner, DEMO_COURSE)
    result = course_sync.sync_course(DEMO_COURSE, source="modulestore", trigger="demo")
    return DemoSummary(
        course_key=DEMO_COURSE,
        staff_username=staff.username,
        learner_username=learner.username,
        sync_status=result.status,
        assessment_ids=_demo_assessments(staff),
    )


def _choice(title: str, prompt: str, choices: list[str], correct: int, hint: str, explanation: str) -> dict[str, Any]:
    return {
        "title": title,
        "prompt": f"<p>{prompt}</p>",
        "hints": [{"text": hint, "penalty": 0.1}],
        "explanation": explanation,
        "parts": [
            {
                "id": "p0",
                "type": "multiple_choice",
                "config": {
                    "choices": [{"id": f"c{i}", "text": text} for i, text in enumerate(choices)],
                    "shuffle": True,
                },
                "answer_key": {"correct": f"c{correct}"},
            }
        ],
    }


def _numeric(title: str, prompt: str, value: float, explanation: str) -> dict[str, Any]:
    return {
        "title": title,
        "prompt": f"<p>{prompt}</p>",
        "explanation": explanation,
        "parts": [
            {
                "id": "p0",
                "type": "numeric",
                "config": {},
                "answer_key": {"value": value, "tolerance": 0.01, "tolerance_mode": "absolute"},
            }
        ],
    }


# (objective, content) of the demo questions; titles are their identity when the demo is loaded again.
_QUESTIONS = [
    ("adding-fractions", _numeric("Half plus a quarter", "What is 1/2 + 1/4, as a decimal?", 0.75, "2/4 + 1/4 = 3/4.")),
    (
        "adding-fractions",
        _choice(
            "Same denominators", "1/5 + 2/5 = ?", ["3/5", "3/10", "2/25"], 0, "Add the numerators.", "1 + 2 = 3 fifths."
        ),
    ),
    (
        "comparing-fractions",
        _choice(
            "Larger fraction", "Which is larger?", ["2/3", "3/5"], 0, "Compare 10/15 and 9/15.", "2/3 = 10/15 > 9/15."
        ),
    ),
    (
        "right-angles",
        _numeric("Right angle", "How many degrees are in a right angle?", 90, "A right angle is a quarter turn: 90."),
    ),
    (
        "triangles",
        _numeric("Angle sum", "What is the sum of the angles of a triangle, in degrees?", 180, "Always 180."),
    ),
]


def _demo_assessments(staff: Any) -> tuple[int, ...]:
    """A timed (5 minutes) quiz on fractions and an untimed, interactive practice on angles."""
    from ve_edu_vault.assessments import api as assessments
    from ve_edu_vault.questions import api as questions

    existing = {
        item.current_version.title: item.id
        for item in questions.list_questions(DEMO_COURSE).items
        if item.current_version
    }
    ids: dict[str, int] = {}
    for objective, content in _QUESTIONS:
        if content["title"] not in existing:
            node = DEMO_COURSE.make_usage_key("vertical", objective)
            existing[content["title"]] = questions.create_question(
                DEMO_COURSE, content=content, node_usage_key=node, author=staff
            ).id
        ids[content["title"]] = existing[content["title"]]
    fractions = DEMO_COURSE.make_usage_key("sequential", "fractions")
    angles = DEMO_COURSE.make_usage_key("sequential", "angles")
    wanted = [
        (
            "Fractions quiz (5 minutes)",
            fractions,
            {
                "selection": {"mode": "random", "count": 3, "pool_node": str(fractions)},
                "time_limit_minutes": 5,
                "grace_seconds": 10,
                "attempt_limit": 3,
                "shuffle_questions": True,
                "feedback": "after_submission",
                "pass_threshold": 0.6,
            },
        ),
        (
            "Angles practice",
            angles,
            {
                "selection": {"mode": "fixed", "question_ids": [ids["Right angle"], ids["Angle sum"]]},
                "behaviour": "interactive",
                "max_tries": 3,
                "try_penalty": 0.25,
                "feedback": "immediately",
                "graded": False,
            },
        ),
    ]
    by_title = {item.title: item.id for item in assessments.list_assessments(DEMO_COURSE)}
    result = []
    for title, node, config in wanted:
        if title not in by_title:
            by_title[title] = assessments.create_assessment(
                DEMO_COURSE, node_usage_key=node, title=title, config=config, author=staff
            ).id
        result.append(by_title[title])
    return tuple(result)
