"""BlocksApiOutlineSource against a real local HTTP server shaped like the LMS Course Blocks API."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from conftest import TOKEN, FakeLms, json_reply
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync.data import CourseOutline
from ve_edu_vault.course_sync.sources import (
    BlocksApiOutlineSource,
    CourseMismatchError,
    CourseNotFoundError,
    InvalidSourceDataError,
    OutlineSource,
    SourceAuthError,
    SourceUnavailableError,
)
from ve_edu_vault.olx import open_course_export

COURSE_KEY = CourseKey.from_string("course-v1:TestX+Course+1")


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def api_response(course_dir: Path) -> tuple[CourseOutline, dict[str, Any]]:
    """The OLX outline of the shared course and the Blocks API response the LMS would give for it."""
    with open_course_export(course_dir) as export:
        outline = export.read_outline()
        nodes = outline.by_key()
        root = str(export.course_key.make_usage_key("course", "course"))
        blocks: dict[str, dict[str, Any]] = {
            root: {"id": root, "block_id": "course", "type": "course", "display_name": export.display_name}
        }
        children: dict[str, list[str]] = defaultdict(list)
        for block in export.iter_blocks():
            block_id = str(block.usage_key)
            children[str(block.parent_key)].append(block_id)
            entry: dict[str, Any] = {"id": block_id, "block_id": block.url_name, "type": block.block_type}
            node = nodes.get(block.usage_key)
            if node is not None:
                entry |= {"display_name": node.display_name, **node.attributes.as_dict()}
                entry["start"] = _iso(node.attributes.start)
            else:
                entry |= {"display_name": block.settings.get("display_name", ""), "graded": False}
                entry["start"] = "2022-04-09T00:00:00Z"
            entry["lms_web_url"] = f"/courses/{COURSE_KEY}/jump_to/{block_id}"
            entry["student_view_url"] = f"/xblock/{block_id}"
            # the API omits null fields (and format is null outside subsections)
            blocks[block_id] = {name: value for name, value in entry.items() if value not in (None, "")}
        for parent, kids in children.items():
            blocks[parent]["children"] = kids  # leaves get no "children" key
    return outline, {"root": root, "blocks": blocks}


@pytest.fixture(scope="module")
def expected(shared_course_dir: Path) -> tuple[CourseOutline, dict[str, Any]]:
    return api_response(shared_course_dir)


def source_for(lms: FakeLms, **kwargs: Any) -> BlocksApiOutlineSource:
    return BlocksApiOutlineSource(lms.base_url, kwargs.pop("client_id", "vault-sync"), "s3cret", **kwargs)


def test_outline_equals_the_olx_outline(fake_lms: FakeLms, expected: tuple[CourseOutline, dict[str, Any]]) -> None:
    olx_outline, body = expected
    assert "children" not in body["blocks"][str(COURSE_KEY.make_usage_key("problem", "c414277f90888e529175"))]
    fake_lms.blocks = lambda query: json_reply(body)
    source = source_for(fake_lms)
    assert isinstance(source, OutlineSource) and source.name == "blocks_api"
    outline = source.read(COURSE_KEY)
    assert outline.nodes == olx_outline.nodes
    assert outline.course_key == COURSE_KEY and outline.published_at is None
    assert outline.version.startswith("sha256:") and outline.version == source.read(COURSE_KEY).version
    token_requests = [r for r in fake_lms.requests if r[0] == "POST"]
    assert token_requests[0][1] == "/oauth2/access_token"
    assert token_requests[0][2]["client_id"] == ["vault-sync"]
    _, path, query, auth = next(r for r in fake_lms.requests if r[0] == "GET")
    assert (path, auth) == ("/api/courses/v1/blocks/", f"JWT {TOKEN}")
    assert query["course_id"] == [str(COURSE_KEY)]
    assert (query["depth"], query["all_blocks"], query["return_type"]) == (["all"], ["true"], ["dict"])
    assert set(query["requested_fields"][0].split(",")) >= {"children", "display_name", "type", "graded", "format"}
    assert query["block_counts"] == [""]


def test_paginated_responses(fake_lms: FakeLms, expected: tuple[CourseOutline, dict[str, Any]]) -> None:
    olx_outline, body = expected
    items = list(body["blocks"].items())
    pages = [dict(items[i : i + 20]) for i in range(0, len(items), 20)]

    def paged(query: dict[str, list[str]]) -> Any:
        number = int(query.get("page", ["1"])[0])
        next_url = f"{fake_lms.base_url}/api/courses/v1/blocks/?page={number + 1}" if number < len(pages) else None
        results = {"blocks": pages[number - 1]} | ({"root": body["root"]} if number == 1 else {})
        return json_reply({"next": next_url, "previous": None, "results": results})

    fake_lms.blocks = paged
    outline = source_for(fake_lms, page_size=20).read(COURSE_KEY)
    assert len(pages) > 2
    assert outline.nodes == olx_outline.nodes
    fake_lms.blocks = lambda query: json_reply(body)
    assert outline.version == source_for(fake_lms).read(COURSE_KEY).version
    assert [r[2].get("page") for r in fake_lms.requests if r[0] == "GET"][: len(pages)] == [
        None,
        *[[str(n)] for n in range(2, len(pages) + 1)],
    ]


def test_list_shaped_pages_without_root(fake_lms: FakeLms, expected: tuple[CourseOutline, dict[str, Any]]) -> None:
    olx_outline, body = expected
    blocks = list(body["blocks"].values())

    def paged(query: dict[str, list[str]]) -> Any:
        if "page" not in query:
            return json_reply({"next": "/api/courses/v1/blocks/?page=2", "results": blocks[:30]})
        return json_reply({"next": None, "results": blocks[30:]})

    fake_lms.blocks = paged
    assert source_for(fake_lms).read(COURSE_KEY).nodes == olx_outline.nodes


@pytest.mark.parametrize(
    ("status", "error", "fragment"),
    [
        (401, SourceAuthError, "HTTP 401"),
        (403, SourceAuthError, "staff access"),
        (404, CourseNotFoundError, "does not know course course-v1:TestX+Course+1 (HTTP 404)"),
        (500, SourceUnavailableError, "HTTP 500"),
        (503, SourceUnavailableError, "HTTP 503"),
    ],
)
def test_http_errors(fake_lms: FakeLms, status: int, error: type[Exception], fragment: str) -> None:
    fake_lms.blocks = lambda query: json_reply({"developer_message": "nope"}, status)
    with pytest.raises(error) as info:
        source_for(fake_lms).read(COURSE_KEY)
    assert fragment in str(info.value) and fake_lms.base_url in str(info.value)
    assert "nope" in str(info.value)
    assert "s3cret" not in str(info.value)


def test_transient_failures_are_retried(fake_lms: FakeLms, expected: tuple[CourseOutline, dict[str, Any]]) -> None:
    olx_outline, body = expected
    answers = [json_reply({"detail": "busy"}, 503), json_reply({"detail": "bad gateway"}, 502)]
    fake_lms.blocks = lambda query: answers.pop(0) if answers else json_reply(body)
    assert source_for(fake_lms).read(COURSE_KEY).nodes == olx_outline.nodes
    assert len([r for r in fake_lms.requests if r[0] == "GET"]) == 3


def test_retries_are_bounded(fake_lms: FakeLms) -> None:
    fake_lms.blocks = lambda query: json_reply({"detail": "down for maintenance"}, 503)
    with pytest.raises(SourceUnavailableError, match="HTTP 503"):
        source_for(fake_lms, retries=1).read(COURSE_KEY)
    assert len([r for r in fake_lms.requests if r[0] == "GET"]) == 2


def test_invalid_json(fake_lms: FakeLms) -> None:
    fake_lms.blocks = lambda query: (200, {"Content-Type": "text/html"}, b"<html>Server Error</html>")
    with pytest.raises(InvalidSourceDataError, match=r"invalid JSON .*HTTP 200, text/html.*Server Error"):
        source_for(fake_lms).read(COURSE_KEY)


def test_unexpected_shape(fake_lms: FakeLms) -> None:
    root = str(COURSE_KEY.make_usage_key("course", "course"))
    fake_lms.blocks = lambda query: json_reply(
        {"root": root, "blocks": {root: {"id": root, "type": "course", "children": ["block-v1:x"]}}}
    )
    with pytest.raises(InvalidSourceDataError, match="children missing from the response"):
        source_for(fake_lms).read(COURSE_KEY)


def test_timeout(fake_lms: FakeLms, expected: tuple[CourseOutline, dict[str, Any]]) -> None:
    fake_lms.blocks = lambda query: json_reply(expected[1])
    fake_lms.delay = 1.0
    with pytest.raises(SourceUnavailableError, match="timed out") as info:
        source_for(fake_lms, timeout=(2.0, 0.2)).read(COURSE_KEY)
    assert info.value.retryable


def test_token_refused(fake_lms: FakeLms) -> None:
    with pytest.raises(SourceAuthError, match=r"refused the client credentials \(HTTP 401\).*client id and secret"):
        source_for(fake_lms, client_id="bad-client").read(COURSE_KEY)
    assert not [r for r in fake_lms.requests if r[0] == "GET"]


def test_connection_refused() -> None:
    source = BlocksApiOutlineSource("http://127.0.0.1:9", "vault-sync", "s3cret", timeout=1.0)
    with pytest.raises(SourceUnavailableError):
        source.read(COURSE_KEY)


def test_course_mismatch(fake_lms: FakeLms) -> None:
    other = "block-v1:Other+Course+2+type@course+block@course"
    fake_lms.blocks = lambda query: json_reply({"root": other, "blocks": {other: {"id": other, "type": "course"}}})
    with pytest.raises(CourseMismatchError, match="Other\\+Course\\+2"):
        source_for(fake_lms).read(COURSE_KEY)


def test_next_to_another_host_is_refused(fake_lms: FakeLms, expected: tuple[CourseOutline, dict[str, Any]]) -> None:
    fake_lms.blocks = lambda query: json_reply({"next": "http://attacker.example/steal", "results": expected[1]})
    with pytest.raises(InvalidSourceDataError, match="another host"):
        source_for(fake_lms).read(COURSE_KEY)
