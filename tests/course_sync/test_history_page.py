"""The Studio course sync page: staff see history and the last change set; buttons act; others are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hosts.standalone_platform import backend as standalone
from tests.course_sync.conftest import COURSE, small_outline, with_nodes
from ve_edu_vault.course_sync import api
from ve_edu_vault.course_sync.models import CourseNode, SyncRecord

pytestmark = [pytest.mark.cms, pytest.mark.django_db]

PAGE = f"/ve-edu-vault/courses/{COURSE}/sync/"


@pytest.fixture
def staff_client(make_user: Any) -> Client:
    user = make_user("course_staff")
    standalone.grant_course_role(user, COURSE)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def synced() -> int:
    standalone.publish_outline(small_outline(), send_signal=False)
    sync_id = api.sync_course(COURSE, source="modulestore").sync_id
    assert sync_id is not None
    return sync_id


def test_staff_sees_history_and_last_change_set(staff_client: Client, synced: int) -> None:
    standalone.publish_outline(with_nodes(small_outline(), small_outline().nodes[:4], "v2"), send_signal=False)
    second = api.sync_course(COURSE, source="modulestore").sync_id
    response = staff_client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert str(COURSE) in html
    assert '<th scope="col">' in html and "<caption>" in html and '<label for="policy">' in html
    assert f"Changes of sync {second} (applied)" in html
    assert "remove: 3" in html and "add: 7" in html
    assert "add: 7, " not in html and "add: 7,<" not in html  # only non-zero counts, no dangling comma
    assert html.count("csrfmiddlewaretoken") >= 3
    assert f'aria-label="Undo sync {second}"' in html and f'aria-label="Undo sync {synced}"' in html


def test_learner_403_anonymous_redirected_bad_key_400(make_user: Any, staff_client: Client, synced: int) -> None:
    learner = make_user("learner")
    standalone.enroll(learner, COURSE)
    client = Client()
    client.force_login(learner)
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}undo/", {"sync_id": synced}).status_code == 403
    assert SyncRecord.objects.get(pk=synced).status == "applied"
    anonymous = Client().get(PAGE)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert staff_client.get("/ve-edu-vault/courses/not-a-key/sync/").status_code == 400


def test_undo_button_undoes_and_redirects_with_a_message(staff_client: Client, synced: int) -> None:
    response = staff_client.post(f"{PAGE}undo/", {"sync_id": synced}, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    html = response.content.decode()
    assert f"Sync {synced} undone" in html and "Automatic sync is paused" in html
    assert not CourseNode.objects.filter(state=CourseNode.ACTIVE).exists()
    again = staff_client.post(f"{PAGE}undo/", {"sync_id": synced}, follow=True).content.decode()
    assert "only an applied sync can be undone" in again  # the refusal is shown, not a 500
    resumed = staff_client.post(f"{PAGE}resume/", follow=True).content.decode()
    assert "Automatic sync resumed." in resumed and api.get_sync_settings(COURSE).paused is False


def test_undo_needs_csrf(make_user: Any, synced: int) -> None:
    user = make_user("csrf_staff", is_staff=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(f"{PAGE}undo/", {"sync_id": synced}).status_code == 403
    assert SyncRecord.objects.get(pk=synced).status == "applied"


def test_approve_and_reject_buttons(staff_client: Client, synced: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "_node_usage_checks", [lambda course, keys: set(keys)])
    staff_client.post(f"{PAGE}policy/", {"policy": "hold_destructive"})
    assert api.get_sync_settings(COURSE).policy == "hold_destructive"
    standalone.publish_outline(with_nodes(small_outline(), small_outline().nodes[:4], "v2"), send_signal=False)
    held = api.sync_course(COURSE, source="modulestore").sync_id
    html = staff_client.get(PAGE).content.decode()
    assert f'aria-label="Approve sync {held}"' in html and f'aria-label="Reject sync {held}"' in html
    rejected = staff_client.post(f"{PAGE}reject/", {"sync_id": held}, follow=True).content.decode()
    assert f"Sync {held} rejected." in rejected
    assert api.get_sync_record(held).status == "rejected"


def test_a_sync_of_another_course_is_404(make_user: Any, synced: int) -> None:
    """Staff of course B cannot act on course A's syncs by posting A's sync id to B's page."""
    other = COURSE.replace(run="other")
    user = make_user("other_staff")
    standalone.grant_course_role(user, other)
    client = Client()
    client.force_login(user)
    assert client.post(f"/ve-edu-vault/courses/{COURSE}/sync/undo/", {"sync_id": synced}).status_code == 403
    assert client.post(f"/ve-edu-vault/courses/{other}/sync/undo/", {"sync_id": synced}).status_code == 404
    assert client.post(f"/ve-edu-vault/courses/{other}/sync/explode/", {"sync_id": synced}).status_code == 404
    assert SyncRecord.objects.get(pk=synced).status == "applied"
