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
    assessment_ids: tuple[int, ...] = ()


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
