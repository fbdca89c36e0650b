"""Fixtures for course sync tests: a small hand-made outline and a builder to change it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync.data import CourseOutline, NodeAttributes, NodeKind, OutlineNode

COURSE = CourseKey.from_string("course-v1:Vault+Sync101+2026")


def key(block_type: str, name: str, course: CourseKey = COURSE) -> Any:
    return course.make_usage_key(block_type, name)


def node(kind: NodeKind, name: str, parent: str | None, position: int, **changes: Any) -> OutlineNode:
    block_type = {"topic": "chapter", "subtopic": "sequential", "objective": "vertical"}[kind.value]
    parent_type = {"topic": None, "subtopic": "chapter", "objective": "sequential"}[kind.value]
    return OutlineNode(
        usage_key=key(block_type, name),
        kind=kind,
        display_name=changes.pop("display_name", name.title()),
        parent_key=key(parent_type, parent) if parent and parent_type else None,
        position=position,
        attributes=changes.pop("attributes", NodeAttributes()),
        **changes,
    )


def small_outline(version: str = "v1", **kwargs: Any) -> CourseOutline:
    T, S, O = NodeKind.TOPIC, NodeKind.SUBTOPIC, NodeKind.OBJECTIVE  # noqa: E741
    nodes = (
        node(T, "t1", None, 0),
        node(S, "s1", "t1", 0, attributes=NodeAttributes(graded=True, format="Homework")),
        node(O, "o1", "s1", 0),
        node(O, "o2", "s1", 1),
        node(T, "t2", None, 1),
        node(S, "s2", "t2", 0),
        node(O, "o3", "s2", 0),
    )
    return CourseOutline(course_key=COURSE, version=version, nodes=nodes, **kwargs)


def with_nodes(outline: CourseOutline, nodes: tuple[OutlineNode, ...], version: str) -> CourseOutline:
    return replace(outline, nodes=nodes, version=version)


class StaticSource:
    """An outline source that returns a given outline (for API tests that are not about sources)."""

    name = "static"

    def __init__(self, outline: CourseOutline) -> None:
        self.outline = outline

    def read(self, course_key: CourseKey) -> CourseOutline:
        return self.outline


@pytest.fixture
def course_key() -> CourseKey:
    return COURSE
