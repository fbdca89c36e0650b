"""
No learner endpoint ever sends an answer key, an explanation before it is released, or a hint not asked for.

Walks every learner endpoint (and the learner pages) at every stage of an attempt: before any answer,
after autosave, after a check, after a hint, after submission, once per feedback policy.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_builders import (
    API,
    COURSE,
    EXPLANATION_MARKERS,
    HINT_ONE,
    HINT_TWO,
    KEY_MARKERS,
    answers_for,
    learner,
    make_assessment,
    response_of,
    staff,
)

pytestmark = [pytest.mark.django_db]
BASE = f"{API}courses/{COURSE}/assessments/"
ALWAYS_SECRET = (*KEY_MARKERS, HINT_TWO, "answer_key", "accepted", "tolerance")


def _bodies(client: Any, assessment_id: int, attempt_id: int | None) -> dict[str, str]:
    """Every learner GET endpoint and page, by name."""
    urls = {
        "list": BASE,
        "history": f"{BASE}{assessment_id}/attempts/",
        "current": f"{BASE}{assessment_id}/attempts/current/",
        "list_page": f"/ve-edu-vault/courses/{COURSE}/assessments/",
        "take_page": f"/ve-edu-vault/courses/{COURSE}/assessments/{assessment_id}/",
    }
    if attempt_id is not None:
        urls["detail"] = f"{API}attempts/{attempt_id}/"
        urls["result"] = f"{API}attempts/{attempt_id}/result/"
    return {name: client.get(url).content.decode() for name, url in urls.items()}


def _assert_clean(bodies: dict[str, str], forbidden: tuple[str, ...], stage: str) -> None:
    for name, body in bodies.items():
        for marker in forbidden:
            assert marker not in body, f"{marker!r} leaked by {name} {stage}"


@pytest.mark.parametrize("policy", ["immediately", "after_submission", "after_close", "never"])
def test_no_leaks_at_any_stage(policy: str, make_user: Any, client: Any) -> None:
    author = staff(make_user)
    student = learner(make_user)
    extra: dict[str, Any] = {}
    if policy == "after_close":
        extra["closes_at"] = (timezone.now() + timedelta(days=3)).isoformat()
    assessment = make_assessment(author, behaviour="interactive", max_tries=3, feedback=policy, **extra)
    client.force_login(student)  # session auth, as the learner page uses it
    before_hint = (*ALWAYS_SECRET, HINT_ONE, *EXPLANATION_MARKERS)
    after_hint = (*ALWAYS_SECRET, *EXPLANATION_MARKERS)

    _assert_clean(_bodies(client, assessment.id, None), before_hint, "before starting")
    started = client.post(f"{BASE}{assessment.id}/attempts/")
    assert started.status_code == 201, started.content
    attempt = started.json()
    posted = {"start": started.content.decode()}
    _assert_clean({**posted, **_bodies(client, assessment.id, attempt["id"])}, before_hint, "before answering")

    url = f"{API}attempts/{attempt['id']}/"
    saved = client.patch(f"{url}answers/", answers_payload(attempt), content_type="application/json")
    assert saved.status_code == 200, saved.content
    _assert_clean(
        {"save": saved.content.decode(), **_bodies(client, assessment.id, attempt["id"])}, before_hint, "after save"
    )

    fib = response_of(attempt, "Blank")
    checked = client.post(
        f"{url}responses/{fib}/check/", {"answer": {"p0": {"blank_0": "nope"}}}, content_type="application/json"
    )
    assert checked.status_code == 200, checked.content
    _assert_clean(
        {"check": checked.content.decode(), **_bodies(client, assessment.id, attempt["id"])}, before_hint, "after check"
    )

    mc = response_of(attempt, "Capital")
    hinted = client.post(f"{url}responses/{mc}/hint/")
    assert hinted.status_code == 200 and HINT_ONE in hinted.content.decode()
    _assert_clean(
        {"hint": hinted.content.decode(), **_bodies(client, assessment.id, attempt["id"])}, after_hint, "after hint"
    )

    submitted = client.post(f"{url}submit/")
    assert submitted.status_code == 200, submitted.content
    released = policy in ("immediately", "after_submission")
    after_submit = ALWAYS_SECRET if released else after_hint
    _assert_clean(
        {"submit": submitted.content.decode(), **_bodies(client, assessment.id, attempt["id"])},
        after_submit,
        "after submit",
    )
    result = client.get(f"{url}result/").json()
    if not released:
        assert result["score"] is None and all(q["explanation"] is None for q in result["questions"])


def answers_payload(attempt: dict[str, Any]) -> str:
    import json

    return json.dumps({"answers": answers_for(attempt)})
