"""
Ids and page numbers beyond 64 bits, and deeply nested JSON bodies, are 4xx, never 500 (issue 18, item 5).

Before the fix every ``<int:...>`` route handed ``2**64`` to the ORM (SQLite: ``OverflowError``;
MariaDB and PostgreSQL: out-of-range errors), ``?page=2**64`` on the question list overflowed the
query's OFFSET, and a 50,000-deep JSON body ended in ``RecursionError``: 500s all. The routes are
read from the host's URL configuration, so a route added later with a plain ``int`` is caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ve_edu_vault.rest_api.converters import MAX_ID, VaultIdConverter

pytestmark = [pytest.mark.django_db]

COURSE = "course-v1:TestX+Hostile+1"
HUGE_IDS = (str(2**64), str(MAX_ID + 1), "9" * 19, "9" * 40)
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def vault_routes() -> Iterator[tuple[str, URLPattern]]:
    """(route, pattern) for every URL pattern of the plugin in this host."""

    def walk(patterns: list[Any], prefix: str, inside: bool) -> Iterator[tuple[str, URLPattern]]:
        for item in patterns:
            route = prefix + str(item.pattern)
            if isinstance(item, URLResolver):
                yield from walk(item.url_patterns, route, inside or item.namespace == "ve_edu_vault")
            elif inside:
                yield route.lstrip("^"), item

    return walk(get_resolver(settings.ROOT_URLCONF).url_patterns, "", False)


def id_routes() -> list[str]:
    return [route for route, _ in vault_routes() if re.search(r"<[^>]*_id>", route)]


def fill(route: str, huge: str) -> str:
    def value(match: re.Match[str]) -> str:
        if match["name"].endswith("_id"):
            return huge
        if match["name"] == "course_key":
            return COURSE
        return "block-v1:TestX+Hostile+1+type@vertical+block@unit"

    return "/" + PARAM.sub(value, route)


@pytest.fixture
def staff_client(make_user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(make_user("hostile_staff", is_staff=True, is_superuser=True))
    return client


@pytest.mark.both_hosts
def test_every_id_in_a_route_is_a_bounded_vault_id() -> None:
    routes = list(vault_routes())
    assert len(id_routes()) >= (9 if settings.VAULT_HOST == "lms" else 15)
    for route, pattern in routes:
        for name, converter in pattern.pattern.converters.items():
            if name.endswith("_id"):
                assert isinstance(converter, VaultIdConverter), f"{route}: {name} is not a <vault_id:...>"


@pytest.mark.both_hosts
@pytest.mark.parametrize("huge", HUGE_IDS)
def test_ids_beyond_64_bits_are_404_on_every_route(staff_client: Client, huge: str) -> None:
    failures = []
    for route in id_routes():
        url = fill(route, huge)
        for method in ("get", "post", "put", "patch", "delete"):
            response = getattr(staff_client, method)(url, {}, content_type="application/json")
            api = url.startswith("/api/")  # the API answers its JSON 404; pages the host's 404 page
            if response.status_code != 404 or (api and response.json()["error_code"] != "not_found"):
                failures.append(f"{method.upper()} {url}: {response.status_code} {response.content[:100]!r}")
    assert not failures, "\n".join(failures)


@pytest.mark.both_hosts
def test_the_largest_64_bit_id_reaches_the_views_and_names_nothing(staff_client: Client) -> None:
    failures = []
    for route in id_routes():
        url = fill(route, str(MAX_ID))
        response = staff_client.get(url)
        if response.status_code >= 500:
            failures.append(f"GET {url}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.cms
@pytest.mark.parametrize("page", [str(2**64), str(2**63), "99999999999999999999999", "-5", "x"])
def test_a_page_number_beyond_64_bits_is_a_4xx(staff_client: Client, page: str) -> None:
    response = staff_client.get(f"/api/ve-edu-vault/v1/courses/{COURSE}/questions/", {"page": page})
    assert response.status_code in (200, 400, 404), response.content
    if response.status_code != 200:
        assert response.json()["field"] == "page"


@pytest.mark.parametrize("depth", [50_000, 65])
def test_a_deeply_nested_answer_body_is_a_clear_400(make_user: Any, jwt_client: Any, depth: int) -> None:
    from tests.assessments.rest_builders import API, COURSE, learner, make_assessment, staff

    assessment = make_assessment(staff(make_user))
    client = jwt_client(learner(make_user))
    attempt = client.post(f"{API}courses/{COURSE}/assessments/{assessment.id}/attempts/").json()
    body = '{"answers": ' + "[" * depth + "]" * depth + "}"
    response = client.generic("PATCH", f"{API}attempts/{attempt['id']}/answers/", body, "application/json")
    assert response.status_code == 400, response.content
    assert response.json()["error_code"] == "malformed_request"
    assert "nested too deeply (at most 64 levels)" in response.json()["message"]
    # 64 levels parse (and are then refused by the answer check, naming the response)
    body = '{"answers": {"1": ' + "[" * 62 + "]" * 62 + "}}"
    response = client.generic("PATCH", f"{API}attempts/{attempt['id']}/answers/", body, "application/json")
    assert response.status_code in (400, 404) and response.json()["error_code"] != "malformed_request"


@pytest.mark.cms
def test_a_deeply_nested_question_body_is_a_clear_400(staff_client: Client) -> None:
    body = '{"content": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}"
    response = staff_client.post(f"/api/ve-edu-vault/v1/courses/{COURSE}/questions/", body, "application/json")
    assert response.status_code == 400, response.content
    assert response.json()["error_code"] == "malformed_request"


def test_brackets_inside_strings_do_not_count() -> None:
    from ve_edu_vault.rest_api.parsers import nesting_depth

    assert nesting_depth(b'{"a": "[[[[{{{{", "b": [["]]]\\"]]}') == 3
    assert nesting_depth(b'"\\"[[') == 2
    assert nesting_depth(b"[" * 100, stop_above=5) == 6
    assert nesting_depth(b"[1, {}, []]") == 2
