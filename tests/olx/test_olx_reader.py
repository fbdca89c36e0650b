"""The OLX reader on small exports written by the tests: policy, inline blocks, nesting, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from olx_builders import tar_of_directory, write_export
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync.data import NodeKind
from ve_edu_vault.olx import MalformedOlxError, OlxError, OlxNotFoundError, open_course_export

COURSE_KEY = CourseKey.from_string("course-v1:VeX+Demo+2024")

COURSE = """<course display_name="Demo" start="&quot;2024-01-01T00:00:00Z&quot;">
  <chapter url_name="ch1"/>
  <chapter url_name="ch2" display_name="Inline chapter">
    <sequential url_name="seq_inline" display_name="Inline seq" graded="true" format="Exam"
                due="2024-06-30T12:00:00+02:00" hide_after_due="true">
      <vertical url_name="unit_inline">
        <problem url_name="p_inline" display_name="Inline problem"><p>2+2?</p>
          <multiplechoiceresponse><choicegroup><choice correct="true">4</choice></choicegroup></multiplechoiceresponse>
        </problem>
        <html><![CDATA[<p>no url_name</p>]]></html>
      </vertical>
    </sequential>
  </chapter>
  <wiki slug="VeX.Demo.2024"/>
</course>
"""
FILES = {
    "course/2024.xml": COURSE,
    "chapter/ch1.xml": '<chapter display_name="XML name">\n  <sequential url_name="seq1"/>\n</chapter>\n',
    "sequential/seq1.xml": '<sequential display_name="Homework 1">\n  <vertical url_name="u1"/>\n'
    '  <vertical url_name="u2"/>\n</sequential>\n',
    "vertical/u1.xml": """<vertical display_name="Unit one">
  <!-- a comment is not a block -->
  <conditional url_name="cond1"/>
  <problem url_name="p2"/>
</vertical>
""",
    "vertical/u2.xml": '<vertical visible_to_staff_only="true"/>\n',
    "conditional/cond1.xml": """<conditional sources="i4x://VeX/Demo/problem/p2" correct="True">
  <show sources="i4x://VeX/Demo/problem/p2"/>
  <html url_name="h_in_cond"/>
  <problem url_name="p1"/>
</conditional>
""",
    "html/h_in_cond.xml": '<html filename="h_in_cond" display_name="Revealed"/>\n',
    "problem/p1.xml": '<problem display_name="Nested"><optionresponse/></problem>\n',
    "problem/p2.xml": '<problem display_name="Gate"><choiceresponse/></problem>\n',
    "policies/2024/policy.json": """{
  "course/2024": {"display_name": "Demo course", "start": "2024-02-01T00:00:00Z"},
  "chapter/ch1": {"display_name": "Policy name"},
  "sequential/seq1": {"graded": true, "format": "Homework", "due": "2024-03-01T10:00:00Z"},
  "drafts/ignored": {}
}
""",
    "drafts/vertical/u3.xml": '<vertical display_name="Draft" index_in_children_list="2"'
    ' parent_url="block-v1:VeX+Demo+2024+type@sequential+block@seq1"/>\n',
}


@pytest.fixture
def export_dir(tmp_path: Path) -> Path:
    return write_export(tmp_path / "export" / "course", FILES)


def key(block_type: str, block_id: str):
    return COURSE_KEY.make_usage_key(block_type, block_id)


def test_policy_xml_inheritance_and_inline_blocks(export_dir: Path) -> None:
    with open_course_export(export_dir.parent) as export:  # a folder holding a single course folder
        outline = export.read_outline(version="v-test")
    assert outline.version == "v-test"
    nodes = outline.by_key()
    ch1, seq1 = nodes[key("chapter", "ch1")], nodes[key("sequential", "seq1")]
    assert ch1.display_name == "Policy name"  # policy wins over XML
    assert (seq1.attributes.graded, seq1.attributes.format) == (True, "Homework")
    assert seq1.attributes.due == datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert seq1.attributes.start == datetime(2024, 2, 1, tzinfo=UTC)  # course policy start, inherited
    u1, u2 = nodes[key("vertical", "u1")], nodes[key("vertical", "u2")]
    assert (u1.attributes.graded, u1.attributes.due, u1.attributes.format) == (True, seq1.attributes.due, "")
    assert u2.display_name == "Unit" and u2.attributes.visible_to_staff_only and u2.position == 1
    assert [(c.block_type, c.usage_key.block_id) for c in u1.components] == [
        ("conditional", "cond1"),
        ("html", "h_in_cond"),
        ("problem", "p1"),
        ("problem", "p2"),
    ]
    inline_seq = nodes[key("sequential", "seq_inline")]
    assert inline_seq.attributes.due == datetime(2024, 6, 30, 10, tzinfo=UTC)
    assert inline_seq.attributes.hide_after_due and inline_seq.attributes.format == "Exam"
    unit_inline = nodes[key("vertical", "unit_inline")]
    assert unit_inline.attributes.hide_after_due is False  # not inherited
    (problem, html) = unit_inline.components
    assert problem.usage_key == key("problem", "p_inline")
    assert html.block_type == "html" and html.usage_key.block_id.startswith("html_")
    assert len(html.usage_key.block_id) == len("html_") + 12
    assert [n.kind for n in outline.nodes] == [
        NodeKind.TOPIC,
        NodeKind.SUBTOPIC,
        NodeKind.OBJECTIVE,
        NodeKind.OBJECTIVE,
        NodeKind.TOPIC,
        NodeKind.SUBTOPIC,
        NodeKind.OBJECTIVE,
    ]
    assert key("vertical", "u3") not in nodes


def test_inline_problem_block_for_importer(export_dir: Path) -> None:
    with open_course_export(export_dir) as export:
        block = export.find_block(key("problem", "p_inline"))
        assert block is not None
        assert block.unit_key == key("vertical", "unit_inline")
        assert block.relative_path == "course/2024.xml" and block.line == 7
        assert block.element.find("multiplechoiceresponse") is not None
        nested = export.find_block(key("problem", "p1"))
        assert nested is not None and nested.parent_key == key("conditional", "cond1")
        assert nested.unit_key == key("vertical", "u1")
        assert nested.settings["display_name"] == "Nested"
        seq = export.find_block(key("sequential", "seq1"))
        assert seq is not None and seq.settings["graded"] is True and seq.unit_key is None


def test_content_hash_ignores_drafts_and_follows_content(export_dir: Path, tmp_path: Path) -> None:
    with open_course_export(export_dir) as export:
        first = export.read_outline().version
    (export_dir / "drafts" / "vertical" / "u3.xml").write_text("<vertical/>", encoding="utf-8")
    with open_course_export(tar_of_directory(tmp_path / "e.tar.gz", export_dir)) as export:
        assert export.read_outline().version == first
    (export_dir / "problem" / "p2.xml").write_text("<problem/>", encoding="utf-8")
    with open_course_export(export_dir) as export:
        assert export.read_outline().version != first


def test_bad_date_names_the_block(export_dir: Path) -> None:
    (export_dir / "vertical" / "u2.xml").write_text('<vertical due="&quot;next tuesday&quot;"/>', encoding="utf-8")
    with open_course_export(export_dir) as export, pytest.raises(MalformedOlxError) as info:
        export.read_outline()
    message = str(info.value)
    assert "vertical 'u2'" in message and "due" in message and "vertical/u2.xml:1" in message


def test_malformed_xml_names_file_and_line(export_dir: Path) -> None:
    (export_dir / "vertical" / "u1.xml").write_text('<vertical>\n  <problem url_name="p2">\n</vertical>\n')
    with open_course_export(export_dir) as export, pytest.raises(MalformedOlxError) as info:
        export.read_outline()
    assert info.value.path == "vertical/u1.xml"
    assert info.value.line == 3
    assert str(info.value).startswith("vertical/u1.xml:3: invalid XML")


def test_malformed_policy(export_dir: Path) -> None:
    (export_dir / "policies" / "2024" / "policy.json").write_text('{"course/2024": {,}}')
    with (
        open_course_export(export_dir) as export,
        pytest.raises(MalformedOlxError, match=r"policy\.json:1: invalid JSON"),
    ):
        export.read_outline()


def test_missing_course_xml(tmp_path: Path) -> None:
    write_export(tmp_path / "x", {}).joinpath("course.xml").unlink()
    with pytest.raises(OlxNotFoundError, match=r"no course\.xml"), open_course_export(tmp_path / "x"):
        pass


def test_missing_export_and_missing_definition(tmp_path: Path, export_dir: Path) -> None:
    with pytest.raises(OlxNotFoundError, match="not found"), open_course_export(tmp_path / "nope.tar.gz"):
        pass
    (export_dir / "sequential" / "seq1.xml").unlink()
    with open_course_export(export_dir) as export, pytest.raises(OlxNotFoundError) as info:
        export.read_outline()
    assert "chapter/ch1.xml:2" in str(info.value) and "sequential/seq1.xml, which is missing" in str(info.value)


def test_course_xml_needs_org_course_and_run(tmp_path: Path) -> None:
    root = write_export(tmp_path / "c", {"course.xml": '<course url_name="2024" org="VeX"/>'})
    with pytest.raises(MalformedOlxError, match="org, course and url_name"), open_course_export(root):
        pass


def test_a_plain_file_is_not_an_export(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(OlxError, match=r"not a directory or a \.tar\.gz"), open_course_export(path):
        pass
