"""Builders for the assessments api, model and worker tests (a plain module on the test path)."""

from __future__ import annotations

from typing import Any

from opaque_keys.edx.keys import CourseKey

from hosts.standalone_platform.backend import enroll
from ve_edu_vault.course_sync.data import CourseOutline, NodeAttributes, NodeKind, OutlineNode

COURSE = CourseKey.from_string("course-v1:Vault+Exam101+2026")
SUBTOPIC = COURSE.make_usage_key("sequential", "quiz")
OBJECTIVE_A = COURSE.make_usage_key("vertical", "obj-a")
OBJECTIVE_B = COURSE.make_usage_key("vertical", "obj-b")
#: The vault assessment XBlock (a component of objective A's unit) a graded assessment is bound to.
BLOCK = COURSE.make_usage_key("ve_vault_assessment", "quiz-block")

# Markers that must never reach a learner before their release (answer keys: never at all).
KEY_BLANK = "ZEBRAKEYMARKER"
KEY_NUMBER = 31415.926
EXPLANATION = "EXPLANATIONMARKER"
HINTS = ("HINTMARKERONE", "HINTMARKERTWO")


def mc(title: str = "Capital") -> dict[str, Any]:
    return {
        "title": title,
        "prompt": "<p>Which city is the capital of France?</p>",
        "hints": [{"text": HINTS[0], "penalty": 0.25}, {"text": HINTS[1]}],
        "explanation": f"{EXPLANATION}-mc",
        "parts": [
            {
                "id": "p0",
                "type": "multiple_choice",
                "config": {
                    "choices": [
                        {"id": "a", "text": "Paris"},
                        {"id": "b", "text": "Lyon"},
                        {"id": "c", "text": "Marseille"},  # a third: some tests need another wrong answer
                    ],
                    "shuffle": False,
                },
                "answer_key": {"correct": "a"},
            }
        ],
    }


def fib(title: str = "Blank") -> dict[str, Any]:
    return {
        "title": title,
        "prompt": "<p>Type the secret word.</p>",
        "explanation": f"{EXPLANATION}-fib",
        "points": 2.0,
        "parts": [
            {
                "id": "p0",
                "type": "fill_in_blank",
                "config": {"blanks": [{"id": "blank_0"}]},
                "answer_key": {"blanks": {"blank_0": {"answers": [KEY_BLANK]}}},
            }
        ],
    }


def num(title: str = "Number") -> dict[str, Any]:
    return {
        "title": title,
        "prompt": "<p>What is the magic number?</p>",
        "explanation": f"{EXPLANATION}-num",
        "parts": [{"id": "p0", "type": "numeric", "config": {}, "answer_key": {"value": KEY_NUMBER}}],
    }


def outline() -> CourseOutline:
    chapter = COURSE.make_usage_key("chapter", "unit")
    return CourseOutline(
        course_key=COURSE,
        version="v1",
        nodes=(
            OutlineNode(usage_key=chapter, kind=NodeKind.TOPIC, display_name="Unit", parent_key=None, position=0),
            OutlineNode(
                usage_key=SUBTOPIC,
                kind=NodeKind.SUBTOPIC,
                display_name="Quiz",
                parent_key=chapter,
                position=0,
                attributes=NodeAttributes(graded=True, format="Exam"),
            ),
            OutlineNode(
                usage_key=OBJECTIVE_A, kind=NodeKind.OBJECTIVE, display_name="A", parent_key=SUBTOPIC, position=0
            ),
            OutlineNode(
                usage_key=OBJECTIVE_B, kind=NodeKind.OBJECTIVE, display_name="B", parent_key=SUBTOPIC, position=1
            ),
        ),
    )


def sync_course() -> None:
    from hosts.standalone_platform import backend as standalone
    from ve_edu_vault.course_sync import api as course_sync

    standalone.publish_outline(outline(), send_signal=False)
    course_sync.sync_course(COURSE, source="modulestore", trigger="test")


def make_questions() -> list[int]:
    from ve_edu_vault.questions import api as questions

    return [
        questions.create_question(COURSE, content=mc(), node_usage_key=OBJECTIVE_A).id,
        questions.create_question(COURSE, content=fib(), node_usage_key=OBJECTIVE_A).id,
        questions.create_question(COURSE, content=num(), node_usage_key=OBJECTIVE_B).id,
    ]


def config(question_ids: list[int], **overrides: Any) -> dict[str, Any]:
    return {
        "selection": {"mode": "fixed", "question_ids": list(question_ids)},
        "behaviour": "deferred",
        "feedback": "after_submission",
        **overrides,
    }


def make_assessment(*, node: Any = SUBTOPIC, title: str = "Quiz", block: Any = BLOCK, **overrides: Any) -> Any:
    """
    A synced course, three questions (mc 1 point, fib 2 points, numeric 1 point) and an assessment, bound to the
    vault XBlock ``block`` (``None``: bound to none, so its grades count in the vault only).
    """
    from ve_edu_vault.assessments import api

    sync_course()
    ids = make_questions()
    created = api.create_assessment(COURSE, node_usage_key=node, title=title, config=config(ids, **overrides))
    if block is not None:
        api.bind_block(block, assessment_id=created.id)
    return created


def learner(make_user: Any, name: str = "learner") -> Any:
    user = make_user(name)
    enroll(user, COURSE)
    return user


def by_title(view: Any) -> dict[str, Any]:
    """Question views of an AttemptView/AttemptResult keyed by question title."""
    return {item.question["title"]: item for item in view.questions}


def right_answers(view: Any) -> dict[str, Any]:
    questions = by_title(view)
    return {
        str(questions["Capital"].response_id): {"p0": "a"},
        str(questions["Blank"].response_id): {"p0": {"blank_0": KEY_BLANK.lower()}},
        str(questions["Number"].response_id): {"p0": str(KEY_NUMBER)},
    }
