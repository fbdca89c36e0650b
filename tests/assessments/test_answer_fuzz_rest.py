"""
Fuzzed answers through the learner REST API, over a question of every registered type (issue 18, hostile
input): autosave answers 200 for a valid answer and stores exactly what was sent, or 400 for any other and
stores nothing; never a 500. What is valid is written out independently in ``tests/answer_fuzz.py``.

The bodies are raw JSON (lone surrogates travel as ``\\ud800`` escapes). A body nested deeper than
the vault's JSON parser allows (64 levels) is refused before the vault sees it, as
``malformed_request`` (issue 18 item 5; ``tests/rest_api/test_hostile_ids.py`` sends 50,000 levels).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_builders import API, COURSE, learner, staff

from tests.answer_fuzz import SAMPLES, answer_is_valid, question_answers
from ve_edu_vault.assessments import api
from ve_edu_vault.questions import api as questions

pytestmark = [pytest.mark.django_db]
TYPES = sorted(SAMPLES)
PARSER_MAX_DEPTH = 64
UNTHROTTLED = {"vault_user": "100000/minute", "vault_staff": "100000/minute"}


@pytest.fixture
def setup(make_user: Any, jwt_client: Any) -> tuple[Any, Any, dict[str, Any], dict[str, int]]:
    author, student = staff(make_user), learner(make_user)
    ids = [
        questions.create_question(COURSE, content={"title": name, "parts": [SAMPLES[name][0]]}, author=author).id
        for name in TYPES
    ]
    assessment = api.create_assessment(
        COURSE,
        node_usage_key=None,
        title="Every type",
        config={"selection": {"mode": "fixed", "question_ids": ids}, "feedback": "after_submission"},
        author=author,
    )
    client = jwt_client(student)
    attempt = client.post(f"{API}courses/{COURSE}/assessments/{assessment.id}/attempts/").json()
    response_ids = {q["question"]["title"]: q["response_id"] for q in attempt["questions"]}
    assert set(response_ids) == set(TYPES)
    return student, client, attempt, response_ids


def depth_of(value: Any) -> int:
    """Levels of arrays and objects in a JSON value (written out here, not the parser's own count)."""
    if isinstance(value, dict):
        return 1 + max(map(depth_of, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth_of, value), default=0)
    return 0


def same_json(stored: Any, sent: Any) -> bool:
    """
    Equal as JSON values: numbers compare as numbers, whatever Python type the database hands back (PostgreSQL's
    ``jsonb`` returns ``1.1764996093723182e+17`` as the integer its decimal spells; MariaDB and SQLite return the
    text sent). Booleans are not numbers.
    """
    if isinstance(stored, dict) and isinstance(sent, dict):
        return stored.keys() == sent.keys() and all(same_json(stored[key], sent[key]) for key in sent)
    if isinstance(stored, list) and isinstance(sent, list):
        return len(stored) == len(sent) and all(map(same_json, stored, sent))
    numbers = (int, float)
    if isinstance(stored, numbers) and isinstance(sent, numbers):
        if isinstance(stored, bool) or isinstance(sent, bool):
            return type(stored) is type(sent) and stored == sent
        return stored == sent or float(stored) == float(sent)
    return type(stored) is type(sent) and stored == sent


def stored(student: Any, attempt_id: int) -> dict[int, Any]:
    return {q.response_id: q.answer for q in api.get_attempt(attempt_id, user=student).questions}


@override_settings(VE_EDU_VAULT_API_THROTTLE_RATES=UNTHROTTLED)
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_fuzzed_autosave(setup: Any, data: Any) -> None:
    student, client, attempt, response_ids = setup
    type_name = data.draw(st.sampled_from(TYPES))
    answer = data.draw(question_answers(type_name, max_depth=400))
    response_id = response_ids[type_name]
    before = stored(student, attempt["id"])
    body = json.dumps({"answers": {str(response_id): answer}})
    response = client.generic("PUT", f"{API}attempts/{attempt['id']}/answers/", body, content_type="application/json")
    assert response.status_code == (200 if answer_is_valid(type_name, answer) else 400), response.content[:500]
    after = stored(student, attempt["id"])
    if response.status_code == 400:
        error = response.json()
        assert set(error) == {"error_code", "message", "field"}
        if depth_of(answer) + 2 > PARSER_MAX_DEPTH:  # {"answers": {"<id>": answer}}
            assert error["error_code"] == "malformed_request" and "nested too deeply" in error["message"], error
        else:
            assert error["field"] and error["field"].startswith("answers"), error
        assert len(response.content) < 1000
        assert after == before
    else:
        assert after.keys() == before.keys() and same_json(after.pop(response_id), answer)
        assert after == {key: value for key, value in before.items() if key != response_id}


@override_settings(VE_EDU_VAULT_API_THROTTLE_RATES=UNTHROTTLED)
def test_a_large_float_is_stored_as_sent(setup: Any) -> None:
    """
    Found by the fuzzer on PostgreSQL: ``jsonb`` keeps a number as the decimal the JSON text spelled
    (``1.1764996093723182e+17`` reads back as the integer 117649960937231820), while Python reads the text as the
    nearest float (117649960937231824). Both are the number sent; the comparison is of JSON numbers.
    """
    student, client, attempt, response_ids = setup
    answer = {"p0": [1.1764996093723182e17, {"x": 0.1, "y": -2.5e-300}, 3]}
    response_id = response_ids["likert"]
    before = stored(student, attempt["id"])
    body = json.dumps({"answers": {str(response_id): answer}})
    response = client.generic("PUT", f"{API}attempts/{attempt['id']}/answers/", body, content_type="application/json")
    assert response.status_code == 200, response.content[:500]
    after = stored(student, attempt["id"])
    assert after.keys() == before.keys() and same_json(after.pop(response_id), answer)
    assert after == {key: value for key, value in before.items() if key != response_id}
    # The comparison still tells numbers apart, and a boolean from a number.
    assert not same_json([117649960937231820], [1.2e17]) and not same_json(True, 1) and not same_json("1", 1)
