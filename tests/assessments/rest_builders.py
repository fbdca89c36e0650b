"""Builders shared by the assessment REST, page and browser tests (a plain module on the test path)."""

from __future__ import annotations

from typing import Any

from opaque_keys.edx.keys import CourseKey

from hosts.standalone_platform.backend import enroll, grant_course_role

COURSE = CourseKey.from_string("course-v1:TestX+Assess+1")
OTHER_COURSE = CourseKey.from_string("course-v1:TestX+Other+1")
API = "/api/ve-edu-vault/v1/"

# Strings that must never reach a learner before they are released (answer keys always).
KEY_MARKERS = ("KEYMARKERBLANK", "27182.818")
EXPLANATION_MARKERS = ("EXPLMARKERQ1", "EXPLMARKERQ2", "EXPLMARKERQ3")
HINT_ONE = "HINTMARKERONE"
HINT_TWO = "HINTMARKERTWO"

MC = {
    "title": "Capital",
    "prompt": "<p>Which city is the capital of France?</p>",
    "hints": [{"text": HINT_ONE}, {"text": HINT_TWO}],
    "explanation": EXPLANATION_MARKERS[0],
    "parts": [
        {
            "id": "p0",
            "type": "multiple_choice",
            "config": {"choices": [{"id": "a", "text": "Paris"}, {"id": "b", "text": "Lyon"}], "shuffle": False},
            "answer_key": {"correct": "a"},
        }
    ],
}
FIB = {
    "title": "Blank",
    "prompt": "<p>Type the secret word.</p>",
    "explanation": EXPLANATION_MARKERS[1],
    "parts": [
        {
            "id": "p0",
            "type": "fill_in_blank",
            "config": {"blanks": [{"id": "blank_0"}]},
            "answer_key": {"blanks": {"blank_0": {"answers": [KEY_MARKERS[0]]}}},
        }
    ],
}
NUM = {
    "title": "Number",
    "prompt": "<p>What is the magic number?</p>",
    "explanation": EXPLANATION_MARKERS[2],
    "parts": [{"id": "p0", "type": "numeric", "config": {}, "answer_key": {"value": 27182.818}}],
}


def make_questions(author: Any, course_key: CourseKey = COURSE) -> list[int]:
    from ve_edu_vault.questions import api as questions

    return [questions.create_question(course_key, content=c, author=author).id for c in (MC, FIB, NUM)]


def config(question_ids: list[int], **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "selection": {"mode": "fixed", "question_ids": list(question_ids)},
        "behaviour": "deferred",
        "feedback": "after_submission",
        "attempt_limit": 3,
        "hints_enabled": True,
    }
    base.update(overrides)
    return base


def make_assessment(author: Any, *, course_key: CourseKey = COURSE, title: str = "Quiz", **overrides: Any) -> Any:
    from ve_edu_vault.assessments import api

    ids = make_questions(author, course_key)
    return api.create_assessment(
        course_key, node_usage_key=None, title=title, config=config(ids, **overrides), author=author
    )


def staff(make_user: Any, name: str = "author", course_key: CourseKey = COURSE) -> Any:
    user = make_user(name)
    grant_course_role(user, course_key)
    return user


def learner(make_user: Any, name: str = "learner", course_key: CourseKey = COURSE) -> Any:
    user = make_user(name)
    enroll(user, course_key)
    return user


def answers_for(attempt: dict[str, Any], *, right: bool = True) -> dict[str, Any]:
    """Answers per response id for an attempt body: MC right (or wrong), the blank and number always wrong."""
    out: dict[str, Any] = {}
    for q in attempt["questions"]:
        title = q["question"]["title"]
        if title == "Capital":
            out[str(q["response_id"])] = {"p0": "a" if right else "b"}
        elif title == "Blank":
            out[str(q["response_id"])] = {"p0": {"blank_0": "nope"}}
        else:
            out[str(q["response_id"])] = {"p0": "1"}
    return out


def response_of(attempt: dict[str, Any], title: str) -> int:
    return next(q["response_id"] for q in attempt["questions"] if q["question"]["title"] == title)
