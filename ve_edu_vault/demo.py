"""
Demo data: a small course, a course staff user and a learner, enough to show each capability.

Loaded by ``./manage.py lms vault_init --demo`` (the hosts' ``make demo`` and Tutor's init task
when VE_EDU_VAULT_LOAD_DEMO_DATA is on). Safe to run again: it converges to the same data.
Needs the standalone platform backend for enrollments and roles; in Open edX, enroll users in
the platform instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync.data import CourseOutline, NodeAttributes, NodeKind, OutlineNode

DEMO_COURSE = CourseKey.from_string("course-v1:VaultDemo+VE101+2026")
DEMO_PASSWORD = "demo-password"  # noqa: S105  (a demo login, printed to the operator on purpose)

_OUTLINE = [
    (
        "chapter",
        "numbers",
        "Numbers and units",
        [
            (
                "sequential",
                "fractions",
                "Fractions",
                True,
                [
                    ("vertical", "adding-fractions", "Adding fractions"),
                    ("vertical", "comparing-fractions", "Comparing fractions"),
                ],
            ),
            ("sequential", "measurement", "Measurement", False, [("vertical", "metric-units", "Metric units")]),
        ],
    ),
    (
        "chapter",
        "geometry",
        "Shapes and space",
        [
            (
                "sequential",
                "angles",
                "Angles",
                True,
                [("vertical", "right-angles", "Right angles"), ("vertical", "triangles", "Triangles")],
            ),
        ],
    ),
]


@dataclass(frozen=True, kw_only=True, slots=True)
class DemoSummary:
    course_key: CourseKey
    staff_username: str
    learner_username: str
    sync_status: str


def demo_outline() -> CourseOutline:
    nodes: list[OutlineNode] = []
    for t_pos, (_, t_name, t_title, subtopics) in enumerate(_OUTLINE):
        t_key = DEMO_COURSE.make_usage_key("chapter", t_name)
        nodes.append(
            OutlineNode(usage_key=t_key, kind=NodeKind.TOPIC, display_name=t_title, parent_key=None, position=t_pos)
        )
        for s_pos, (_, s_name, s_title, graded, objectives) in enumerate(subtopics):
            s_key = DEMO_COURSE.make_usage_key("sequential", s_name)
            attributes = NodeAttributes(graded=graded, format="Homework" if graded else "")
            nodes.append(
                OutlineNode(
                    usage_key=s_key,
                    kind=NodeKind.SUBTOPIC,
                    display_name=s_title,
                    parent_key=t_key,
                    position=s_pos,
                    attributes=attributes,
                )
            )
            for o_pos, (_, o_name, o_title) in enumerate(objectives):
                nodes.append(
                    OutlineNode(
                        usage_key=DEMO_COURSE.make_usage_key("vertical", o_name),
                        kind=NodeKind.OBJECTIVE,
                        display_name=o_title,
                        parent_key=s_key,
                        position=o_pos,
                    )
                )
    return CourseOutline(
        course_key=DEMO_COURSE, version="demo-1", published_at=datetime(2026, 11, 1, tzinfo=UTC), nodes=tuple(nodes)
    )


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
    from ve_edu_vault.course_sync import api as course_sync
    from ve_edu_vault.platform.backends import standalone

    staff = _user("demo_staff", is_staff=True, is_superuser=True)
    learner = _user("demo_learner")
    outline = demo_outline()
    standalone.publish_outline(outline, send_signal=False)
    standalone.grant_course_role(staff, DEMO_COURSE)
    standalone.enroll(learner, DEMO_COURSE)
    result = course_sync.sync_course(DEMO_COURSE, source="modulestore", trigger="demo")
    return DemoSummary(
        course_key=DEMO_COURSE,
        staff_username=staff.username,
        learner_username=learner.username,
        sync_status=result.status,
    )
