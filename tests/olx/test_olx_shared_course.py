"""The OLX reader against the real Open edX test course, as a directory and as a Studio tar.gz export."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync.data import CourseOutline, NodeKind
from ve_edu_vault.olx import open_course_export

COURSE_KEY = CourseKey.from_string("course-v1:TestX+Course+1")
START = datetime(2022, 4, 9, tzinfo=UTC)


def key(block_type: str, block_id: str):
    return COURSE_KEY.make_usage_key(block_type, block_id)


@pytest.fixture(scope="module", params=["directory", "tarball"])
def outline(request: pytest.FixtureRequest, course_dir: Path, course_tarball: Path) -> CourseOutline:
    path = course_dir if request.param == "directory" else course_tarball
    with open_course_export(path) as export:
        assert export.course_key == COURSE_KEY
        assert export.display_name == "Open edX Test Course"
        return export.read_outline()


def test_directory_and_tarball_give_the_same_outline(course_dir: Path, course_tarball: Path) -> None:
    with open_course_export(course_dir) as export:
        from_dir = export.read_outline()
    with open_course_export(course_tarball) as export:
        from_tar = export.read_outline()
    assert from_dir == from_tar
    assert from_dir.version.startswith("sha256:")
    assert from_dir.published_at is None


def test_counts(outline: CourseOutline) -> None:
    # 22 published units; the draft-only unit 47b6b8c2... and the 6 split_test group verticals are not units.
    assert outline.count_by_kind() == {"topic": 2, "subtopic": 3, "objective": 22}


def test_topics_and_subtopics(outline: CourseOutline) -> None:
    upper = [
        (n.kind, n.usage_key.block_id, n.display_name, n.parent_key, n.position)
        for n in outline.nodes
        if n.kind is not NodeKind.OBJECTIVE
    ]
    intro, example = (
        key("chapter", "46e3a4903a8a4921a35bcde7fcde9b0f"),
        key("chapter", "95fb18c69516483e9dabef359c5bd381"),
    )
    assert upper == [
        (NodeKind.TOPIC, intro.block_id, "Introduction (README)", None, 0),
        (NodeKind.SUBTOPIC, "7551b7c8c90441d0a650363871e2a093", "README", intro, 0),
        (NodeKind.TOPIC, example.block_id, "Example Content", None, 1),
        (NodeKind.SUBTOPIC, "150d38f114ac4998a2b55f5c77ba01b3", "Built-in Advanced Components", example, 0),
        (NodeKind.SUBTOPIC, "293eb66432aa467585816f59629afb82", "Group-Restricted Content", example, 1),
    ]


def test_depth_first_order_and_positions(outline: CourseOutline) -> None:
    kinds = [n.kind.value[0] for n in outline.nodes]
    assert "".join(kinds) == "tso" + "t" + "s" + "o" * 17 + "s" + "o" * 4
    units = [n for n in outline.nodes if n.kind is NodeKind.OBJECTIVE]
    advanced = key("sequential", "150d38f114ac4998a2b55f5c77ba01b3")
    assert [n.position for n in units if n.parent_key == advanced] == list(range(17))
    by_key = outline.by_key()
    split_unit = by_key[key("vertical", "19bb0e826d014c15b3b4178ab9725c22")]
    assert (split_unit.display_name, split_unit.parent_key, split_unit.position) == (
        "Example: split_test",
        advanced,
        14,
    )
    groups = key("sequential", "293eb66432aa467585816f59629afb82")
    assert [(n.usage_key.block_id, n.display_name, n.position) for n in units if n.parent_key == groups] == [
        ("71f98b1fbcb848cca4e075f6ae194cfd", "README", 0),
        ("c1c8c1d6cc4441648d7f807aa3f774a6", "One group per block", 1),
        ("ce50e055bb294aeeb9ee52f32591efbe", "Two groups per block", 2),
        ("c04065cb9afe4a5c94affa80abb9b622", "Three groups per block", 3),
    ]


def test_drafts_are_not_published(outline: CourseOutline) -> None:
    assert key("vertical", "47b6b8c202854d828d14704948446e7e") not in outline.by_key()
    components = {c.usage_key for n in outline.nodes for c in n.components}
    assert key("html", "64d679c316c14de78b24f926ff38d3b3") not in components


def test_attributes_are_inherited_from_the_course(outline: CourseOutline) -> None:
    for node in outline.nodes:
        assert node.attributes.start == START
        assert (node.attributes.graded, node.attributes.format, node.attributes.due) == (False, "", None)
        assert not node.attributes.visible_to_staff_only and not node.attributes.hide_after_due


def test_components_include_nested_blocks_in_document_order(outline: CourseOutline) -> None:
    by_key = outline.by_key()
    split_unit = by_key[key("vertical", "19bb0e826d014c15b3b4178ab9725c22")]
    assert [(c.block_type, c.usage_key.block_id) for c in split_unit.components] == [
        ("split_test", "ae94e062721248639bd1543e77d9a0bd"),
        ("video", "b56f0c7436894d67ad452d79dda6fb4c"),
        ("video", "02223eb5c9ae45508ed193b2a5c99a73"),
        ("video", "aa9fd130f4dc4afeb65ecdc6234de234"),
        ("split_test", "17c9c74e7f4f4af887d3611bee41337b"),
        ("problem", "e167b496dc1741ab864cd2d138b17d01"),
        ("problem", "28378a09af53410ba03ed072863488a4"),
        ("problem", "a234880f24244bed9b2c0bf3c9d2fe74"),
    ]
    library_unit = by_key[key("vertical", "c473b53f47c54773a6f6776557b87827")]
    types = [c.block_type for c in library_unit.components]
    assert types == ["html", "library_content"] + ["problem"] * 4 + ["library_content"] + ["problem"] * 12
    assert library_unit.components[2].usage_key == key("problem", "c414277f90888e529175")
    # inline pure XBlocks (xblock-family, no definition file) are components too
    done_unit = by_key[key("vertical", "11498527f38c4519818428ecf7270eb6")]
    assert done_unit.components[0].usage_key == key("done", "fba1965990764842bd555eb5c82b371d")
    # the conditional block is an orphan in this export: its unit is empty
    assert by_key[key("vertical", "533a75732cf040e9aebb1b9826534916")].components == ()


def test_component_totals(outline: CourseOutline) -> None:
    counts = Counter(c.block_type for n in outline.nodes for c in n.components)
    assert counts["problem"] == 19
    assert counts["html"] == 17
    assert counts["video"] == 3
    assert (counts["split_test"], counts["library_content"], counts["conditional"]) == (2, 2, 0)
    assert counts["vertical"] == 0
    assert sum(counts.values()) == 55


def test_blocks_for_an_importer(course_tarball: Path) -> None:
    with open_course_export(course_tarball) as export:
        problems = list(export.iter_blocks(block_type="problem"))
        assert len(problems) == 19
        block = export.find_block(key("problem", "e167b496dc1741ab864cd2d138b17d01"))
        assert block is not None
        assert block.unit_key == key("vertical", "19bb0e826d014c15b3b4178ab9725c22")
        assert block.parent_key == key("vertical", "9ddfbdb864b64d65a78b6b55a4e42490")
        assert block.relative_path == "problem/e167b496dc1741ab864cd2d138b17d01.xml"
        assert block.file_path.is_file()
        assert block.element.tag == "problem"
        assert block.element.get("url_name") == "e167b496dc1741ab864cd2d138b17d01"
        assert block.element.find("multiplechoiceresponse") is not None
        unit = export.find_block(key("vertical", "c473b53f47c54773a6f6776557b87827"))
        assert unit is not None and unit.unit_key == unit.usage_key
        # pointers are resolved in place: the unit's XML holds the library's problems
        assert len(unit.element.findall("library_content/problem")) == 16
        assert export.find_block(key("vertical", "47b6b8c202854d828d14704948446e7e")) is None
        root = block.file_path.parents[1]
    assert not root.exists(), "the temporary extraction directory must be removed"
