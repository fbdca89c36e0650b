"""The public API of the question bank: author, version, filter, archive, preview-grade, export."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.errors import NotFoundError, ValidationError
from ve_edu_vault.questions import api

pytestmark = [pytest.mark.both_hosts]
COURSE = CourseKey.from_string("course-v1:TestX+Course+1")
OTHER = CourseKey.from_string("course-v1:Vault+Other+2026")


def mc(title: str = "Capital", correct: str = "paris", tags: list[str] | None = None) -> dict[str, Any]:
    return {
        "title": title,
        "prompt": "<p>Which city is the <em>capital</em> of France?</p>",
        "tags": tags if tags is not None else ["geography"],
        "parts": [
            {
                "id": "p0",
                "type": "multiple_choice",
                "config": {"choices": [{"id": "paris", "text": "Paris"}, {"id": "lyon", "text": "Lyon"}]},
                "answer_key": {"correct": correct},
            }
        ],
    }


@pytest.fixture
def synced(db: None, test_course_dir: Any) -> list[Any]:
    course_sync.sync_course(COURSE, source="olx", path=str(test_course_dir))
    objectives: list[Any] = []

    def walk(nodes: Any) -> None:
        for node in nodes:
            if node.kind == "objective":
                objectives.append(node)
            walk(node.children)

    walk(course_sync.get_outline_tree(COURSE))
    return objectives


@pytest.mark.django_db
def test_create_edit_versions_and_noop() -> None:
    question = api.create_question(COURSE, content=mc())
    assert question.current_version.number == 1 and question.current_version.type == "multiple_choice"
    same = api.edit_question(question.id, content=mc())
    assert same.current_version.number == 1  # unchanged content adds no version
    edited = api.edit_question(question.id, content=mc(correct="lyon"))
    assert edited.current_version.number == 2
    assert [v.number for v in api.list_versions(question.id)] == [2, 1]
    assert api.get_version(edited.current_version.id).content["parts"][0]["answer_key"] == {"correct": "lyon"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "field"),
    [
        ({"parts": []}, "content.parts"),
        ({"parts": [{"id": "p0", "type": "nope"}]}, "content.type"),
        (
            {"parts": [{"id": "p0", "type": "multiple_choice", "config": {"choices": []}, "answer_key": {}}]},
            "content.parts[0]",
        ),
    ],
)
def test_bad_content_is_a_validation_error_naming_the_field(content: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        api.create_question(COURSE, content=content)
    assert error.value.field is not None and error.value.field.startswith(field)
    assert error.value.http_status == 400


@pytest.mark.django_db
def test_list_filters() -> None:
    a = api.create_question(COURSE, content=mc("Alpha", tags=["geo", "easy"]))
    b = api.create_question(COURSE, content=mc("Beta", tags=["hist"]))
    api.create_question(OTHER, content=mc("Gamma"))
    ids = lambda **kw: {q.id for q in api.list_questions(COURSE, **kw).items}  # noqa: E731
    assert ids() == {a.id, b.id}
    assert ids(tag="easy") == {a.id}
    assert ids(type="multiple_choice") == {a.id, b.id}
    assert ids(type="numeric") == set()
    assert ids(text="Alpha") == {a.id} or ids(text="Alpha") == set()  # MariaDB FULLTEXT: committed rows only
    api.archive_question(b.id)
    assert ids() == {a.id}
    assert ids(include_archived=True) == {a.id, b.id}
    api.restore_question(b.id)
    assert ids() == {a.id, b.id}


@pytest.mark.django_db(transaction=True)
def test_text_search_uses_the_engine_and_strips_html() -> None:
    a = api.create_question(COURSE, content=mc("Rivers of Europe"))
    api.create_question(COURSE, content=mc("Mountains"))
    assert {q.id for q in api.list_questions(COURSE, text="rivers").items} == {a.id}
    assert len(api.list_questions(COURSE, text="capital").items) == 2  # from the prompt, HTML stripped
    assert api.list_questions(COURSE, text="<em>").items == ()


@pytest.mark.django_db
def test_preview_grade_current_and_old_version() -> None:
    question = api.create_question(COURSE, content=mc())
    assert api.preview_grade(question.id, {"p0": "paris"})["correct"] is True
    api.edit_question(question.id, content=mc(correct="lyon"))
    assert api.preview_grade(question.id, {"p0": "paris"})["score"] == 0
    assert api.preview_grade(question.id, {"p0": "paris"}, version=1)["score"] == 1
    with pytest.raises(ValidationError) as error:
        api.preview_grade(question.id, {"nope": "x"})
    assert error.value.field.startswith("answers")
    with pytest.raises(NotFoundError):
        api.preview_grade(question.id, {}, version=9)


@pytest.mark.django_db
def test_other_course_is_not_found() -> None:
    question = api.create_question(COURSE, content=mc())
    with pytest.raises(NotFoundError):
        api.get_question(question.id, course_key=OTHER)
    with pytest.raises(NotFoundError):
        api.archive_question(question.id, course_key=OTHER)


@pytest.mark.django_db
def test_export_olx_round_trips() -> None:
    from ve_edu_vault.questions.olx import parse_problem

    question = api.create_question(COURSE, content=mc())
    xml = api.export_olx(question.id)
    assert xml.startswith("<problem")
    parsed = parse_problem(xml)
    assert parsed.ok and parsed.content.parts[0].answer_key["correct"] == "paris"
    course_xml = api.export_olx(course_key=COURSE)
    assert course_xml.count("<problem") == 1 + course_xml.count("<problems")


def test_node_attachment_and_usage_check(synced: list[Any]) -> None:
    objective = synced[0]
    question = api.create_question(COURSE, content=mc(), node_usage_key=str(objective.usage_key))
    assert question.node_usage_key == objective.usage_key
    assert api.list_questions(COURSE, node=objective.usage_key).total == 1
    with pytest.raises(ValidationError) as error:
        api.create_question(OTHER, content=mc(), node_usage_key=str(objective.usage_key))
    assert error.value.field == "node_usage_key"
    api.connect()
    in_use = api._nodes_with_questions(COURSE, {objective.usage_key, synced[1].usage_key})
    assert in_use == {objective.usage_key}


@pytest.mark.django_db
def test_content_object_is_accepted_and_not_mutated() -> None:
    content = mc()
    original = copy.deepcopy(content)
    api.create_question(COURSE, content=content)
    assert content == original
