"""
Item analysis in the database against NumPy/SciPy on fixed score matrices, the attempt choices, edge cases,
distractors and flags; and once end to end through the learner's submit path.
"""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from tests.analytics.builders import add_attempt, assessment_with_questions, learners
from tests.analytics.reference import reference
from tests.assessments.api_builders import by_title, learner, right_answers
from ve_edu_vault.analytics import api
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.errors import NotFoundError, ValidationError
from ve_edu_vault.questions import api as questions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("storage")]

# 12 learners x 3 questions (1, 2 and 1 points), right/wrong: varied enough for every statistic.
DICHOTOMOUS = [
    [1, 1, 1],
    [1, 1, 0],
    [1, 0, 1],
    [0, 1, 1],
    [1, 0, 0],
    [0, 0, 1],
    [1, 1, 1],
    [0, 0, 0],
    [1, 1, 0],
    [1, 0, 1],
    [0, 1, 0],
    [1, 1, 1],
]
# Partial credit: KR-20 does not apply, alpha does.
PARTIAL = [[1, 0.5, 1], [0.5, 1, 0], [1, 0, 1], [0, 0.5, 0.5], [1, 1, 1], [0.25, 0, 0]]


def close(actual: float | None, expected: float | None) -> bool:
    if expected is None:
        return actual is None
    return actual is not None and abs(actual - expected) < 1e-9


def load(matrix: list[list[float]], make_user: Any, **kwargs: Any) -> tuple[Any, list[Any]]:
    created, versions = assessment_with_questions()
    for user, row in zip(learners(make_user, len(matrix)), matrix, strict=True):
        add_attempt(created.id, user, versions, [float(v) for v in row], **kwargs)
    return created, versions


def check_against_reference(result: api.ItemAnalysis, matrix: list[list[float]], versions: list[Any]) -> None:
    expected = reference(matrix, [v.points for v in versions])
    assert result.assessment.attempts == expected["n"]
    assert close(result.assessment.mean, expected["mean"])
    assert close(result.assessment.alpha, expected["alpha"])
    assert close(result.assessment.kr20, expected["kr20"])
    assert close(result.assessment.sem, expected["sem"])
    by_version = {item.version_id: item for item in result.items}
    for version, want in zip(versions, expected["items"], strict=True):
        item = by_version[version.id]
        assert item.attempts == expected["n"]
        assert close(item.facility, want["facility"]), (version.id, item.facility, want)
        assert close(item.discrimination, want["discrimination"]), (version.id, item.discrimination, want)
        assert close(item.point_biserial, want["point_biserial"]), (version.id, item.point_biserial, want)


def test_dichotomous_matrix_matches_numpy_and_scipy(make_user: Any) -> None:
    created, versions = load(DICHOTOMOUS, make_user, seconds=300)
    result = api.item_analysis(created.id)
    check_against_reference(result, DICHOTOMOUS, versions)
    assert result.assessment.kr20 is not None and result.assessment.alpha is not None
    assert result.assessment.mean_seconds == pytest.approx(300)
    assert result.items[0].mean_seconds == pytest.approx(300)
    fractions = np.array(DICHOTOMOUS, dtype=float) @ np.array([1, 2, 1]) / 4
    expected_bins = np.histogram(np.minimum(fractions, 0.999), bins=10, range=(0, 1))[0]
    assert list(result.assessment.distribution) == list(expected_bins)


def test_partial_credit_has_alpha_but_no_kr20(make_user: Any) -> None:
    created, versions = load(PARTIAL, make_user)
    result = api.item_analysis(created.id)
    check_against_reference(result, PARTIAL, versions)
    assert result.assessment.alpha is not None
    assert result.assessment.kr20 is None
    assert any("partial credit" in note for note in result.assessment.notes)


def test_one_attempt_has_no_spread_statistics(make_user: Any) -> None:
    created, _ = load([[1, 0, 1]], make_user)
    result = api.item_analysis(created.id)
    assert result.assessment.attempts == 1
    assert result.assessment.alpha is None and result.assessment.kr20 is None and result.assessment.sem is None
    assert result.assessment.sd is None
    assert [item.facility for item in result.items] == [1.0, 0.0, 1.0]
    assert all(item.discrimination is None and item.point_biserial is None for item in result.items)


def test_zero_variance_and_all_correct(make_user: Any) -> None:
    created, versions = load([[1, 1, 1]] * 10, make_user)
    result = api.item_analysis(created.id)
    check_against_reference(result, [[1, 1, 1]] * 10, versions)
    assert result.assessment.alpha is None and result.assessment.sd == 0.0
    for item in result.items:
        assert item.facility == 1.0 and item.discrimination is None
        too_easy = [flag for flag in item.flags if flag.code == "too_easy"]
        assert len(too_easy) == 1 and "Almost everyone" in too_easy[0].message
        assert not {flag.code for flag in item.flags} & {"low_discrimination", "negative_discrimination"}


def test_no_attempts(make_user: Any) -> None:
    created, _ = assessment_with_questions()
    result = api.item_analysis(created.id)
    assert result.assessment.attempts == 0 and result.items == ()
    assert result.assessment.mean is None and result.assessment.distribution == (0,) * 10


def test_first_last_best_and_all(make_user: Any) -> None:
    created, versions = assessment_with_questions()
    rows = {
        "a": [[0, 0, 1], [1, 1, 1], [1, 0, 0]],  # first, best, last differ
        "b": [[1, 1, 0], [0, 0, 0]],
        "c": [[0, 1, 0]],
        "d": [[1, 0, 1], [1, 0, 1], [0, 1, 1]],  # two best of equal score: the earlier counts
    }
    for name, attempts in rows.items():
        user = learner(make_user, name)
        for number, row in enumerate(attempts, start=1):
            add_attempt(created.id, user, versions, [float(v) for v in row], number=number)
    weights = np.array([1.0, 2.0, 1.0])

    def best(attempts: list[list[int]]) -> list[int]:
        scores = [float(np.dot(row, weights)) for row in attempts]
        return attempts[scores.index(max(scores))]

    expected = {
        "first": [a[0] for a in rows.values()],
        "last": [a[-1] for a in rows.values()],
        "best": [best(a) for a in rows.values()],
        "all": [row for a in rows.values() for row in a],
    }
    for choice, matrix in expected.items():
        check_against_reference(api.item_analysis(created.id, attempts=choice), matrix, versions)


def test_attempts_not_graded_do_not_count(make_user: Any) -> None:
    created, versions = assessment_with_questions()
    users = learners(make_user, 3)
    add_attempt(created.id, users[0], versions, [1.0, 1.0, 1.0])
    add_attempt(created.id, users[1], versions, [0.0, 0.0, 0.0])
    add_attempt(created.id, users[2], versions, [0.0, 0.0, 0.0], state="submitted")
    assert api.item_analysis(created.id).assessment.attempts == 2


def test_distractors_and_their_flags(make_user: Any) -> None:
    created, versions = assessment_with_questions()
    # "b" (Lyon) is picked by the strongest learners, "c" (Marseille) by nobody.
    for index, user in enumerate(learners(make_user, 12)):
        right = index < 4
        fractions = [1.0 if right else 0.0, 0.0 if right else 1.0, 0.0 if right else 1.0]
        answers = [{"p0": "a" if right else "b"}, {"p0": {"blank_0": "x"}}, {"p0": "1"}]
        add_attempt(created.id, user, versions, fractions, answers=answers)
    capital = next(item for item in api.item_analysis(created.id).items if item.version_id == versions[0].id)
    counts = {choice.choice_id: (choice.count, choice.mean_total, choice.correct) for choice in capital.choices}
    assert counts == {"a": (4, 1.0, True), "b": (8, 3.0, False), "c": (0, None, False)}
    codes = [flag.code for flag in capital.flags]
    assert "negative_discrimination" in codes
    assert "unused_distractor" in codes and "strong_distractor" in codes
    messages = " ".join(flag.message for flag in capital.flags)
    assert "Nobody chose the wrong answer “Marseille”" in messages
    assert "“Lyon” scored higher" in messages


def test_versions_roll_up_and_a_changed_version_is_flagged(make_user: Any) -> None:
    created, versions = assessment_with_questions()
    capital = questions.get_question(versions[0].question_id)
    content = dict(capital.current_version.content)
    content["prompt"] = "<p>Which city is the capital of France, really?</p>"
    second = questions.edit_question(capital.id, content=content).current_version
    assert second.number == 2
    users = learners(make_user, 20)
    for index, user in enumerate(users):
        first_version = index < 10
        pinned = [versions[0] if first_version else second, versions[1], versions[2]]
        easy = 1.0 if first_version or index % 5 == 0 else 0.0  # 100% before the edit, 20% after
        add_attempt(created.id, user, pinned, [easy, float(index % 2), float(index % 3 == 0)])
    result = api.item_analysis(created.id)
    items = [item for item in result.items if item.question_id == capital.id]
    assert [(item.version, item.attempts, item.facility) for item in items] == [(1, 10, 1.0), (2, 10, 0.2)]
    assert "changed_after_edit" in [flag.code for flag in items[1].flags]
    rolled = next(item for item in result.questions if item.question_id == capital.id)
    assert rolled.version_id is None and rolled.attempts == 20 and rolled.facility == pytest.approx(0.6)
    # Alpha counts questions, so the two versions are one item answered in every attempt.
    assert result.assessment.alpha is not None


def test_end_to_end_through_the_submit_path(make_user: Any) -> None:
    created, _ = assessment_with_questions()
    for index in range(3):
        student = learner(make_user, f"e2e{index}")
        view = assessments.start_attempt(created.id, student)
        answers = right_answers(view)
        if index == 0:  # the first learner gets the capital wrong
            answers[str(by_title(view)["Capital"].response_id)] = {"p0": "b"}
        assessments.save_answers(view.id, user=student, answers=answers)
        assessments.submit_attempt(view.id, user=student)
    result = api.item_analysis(created.id)
    assert result.assessment.attempts == 3
    capital = next(item for item in result.items if item.title == "Capital")
    assert capital.facility == pytest.approx(2 / 3)
    assert {c.choice_id: c.count for c in capital.choices} == {"a": 2, "b": 1, "c": 0}


def test_bad_choice_and_unknown_or_foreign_assessment(make_user: Any) -> None:
    created, _ = assessment_with_questions()
    with pytest.raises(ValidationError):
        api.item_analysis(created.id, attempts="median")
    with pytest.raises(NotFoundError):
        api.item_analysis(created.id + 1000)
    from opaque_keys.edx.keys import CourseKey

    with pytest.raises(NotFoundError):
        api.item_analysis(created.id, course_key=CourseKey.from_string("course-v1:Other+X+1"))


def test_command_json_contract(make_user: Any) -> None:
    created, versions = load(DICHOTOMOUS, make_user)
    out = StringIO()
    call_command("vault_item_analysis", str(created.id), "--attempts", "first", "--json", stdout=out)
    data = json.loads(out.getvalue())
    expected = reference(DICHOTOMOUS, [v.points for v in versions])
    assert {"attempts", "mean", "alpha", "kr20", "sem"} <= set(data["assessment"])
    assert data["assessment"]["attempts"] == 12
    assert data["assessment"]["alpha"] == pytest.approx(expected["alpha"])
    assert len(data["items"]) == 3
    for item in data["items"]:
        assert {"question_id", "version", "attempts", "facility", "discrimination", "point_biserial"} <= set(item)
        assert item["version"] == 1 and item["attempts"] == 12
    text = StringIO()
    call_command("vault_item_analysis", str(created.id), stdout=text)
    assert "alpha" in text.getvalue() and "facility" in text.getvalue()
    with pytest.raises(CommandError, match="No assessment"):
        call_command("vault_item_analysis", str(created.id + 1000), "--json", stdout=StringIO())
