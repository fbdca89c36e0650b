"""``course_sync.api.NODE``: a node as another applet's ORM repository selects it in its own join."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.course_sync.models import CourseNode
from ve_edu_vault.projection import Projection

pytestmark = [pytest.mark.django_db]

COURSE = CourseKey.from_string("course-v1:Proj+P1+2026")


def _node(**fields: Any) -> CourseNode:
    key = COURSE.make_usage_key("chapter", fields.pop("block_id", "t1"))
    return CourseNode.objects.create(course_key=COURSE, usage_key=key, kind="topic", display_name="T", **fields)


def test_a_projection_through_a_relation_prefixes_its_lookups_and_reads_its_slice() -> None:
    doubled = Projection(("a", "b"), lambda values: tuple(value * 2 for value in values))
    through = doubled.through("x__y")
    assert through.lookups == ("x__y__a", "x__y__b") and through.width == 2
    assert through.take(["head", 1, 2, "tail"], 1) == (2, 4)


def test_the_node_projection_reads_what_get_node_reads() -> None:
    row = _node(
        vault_data={"mastery": {"policy": "k_of_n"}},
        graded=True,
        components=[["problem", str(COURSE.make_usage_key("problem", "p1"))]],
    )
    values = CourseNode.objects.filter(pk=row.pk).values_list(*course_sync.NODE.lookups).get()
    assert course_sync.NODE.read(values) == course_sync.get_node(row.usage_key)


def test_the_node_projection_reads_no_node_where_an_outer_join_found_none() -> None:
    assert course_sync.NODE.read([None] * course_sync.NODE.width) is None


def test_nodes_by_id_is_one_read() -> None:
    first, second = _node(block_id="t1"), _node(block_id="t2", position=1)
    with CaptureQueriesContext(connection) as queries:
        nodes = course_sync.get_nodes_by_id([first.pk, second.pk, 987_654])
    assert len(queries.captured_queries) == 1
    assert sorted(nodes) == sorted([first.pk, second.pk]) and nodes[second.pk].position == 1
