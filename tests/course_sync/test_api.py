"""Course sync through its public API, on the database the suite runs on (MariaDB or PostgreSQL in CI)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.course_sync.conftest import COURSE, StaticSource, key, small_outline, with_nodes
from ve_edu_vault.course_sync import api
from ve_edu_vault.course_sync.data import CourseOutline, NodeKind, OutlineNode
from ve_edu_vault.course_sync.diff.generate import generate_outline, mutate_outline
from ve_edu_vault.course_sync.models import CourseNode, SyncRecord
from ve_edu_vault.course_sync.nodes import row_to_node
from ve_edu_vault.errors import ConflictError, NotFoundError, ValidationError

pytestmark = pytest.mark.django_db(transaction=False)


def mirror(course_key: Any = COURSE, *, archived: bool = False) -> dict[Any, OutlineNode]:
    state = CourseNode.ARCHIVED if archived else CourseNode.ACTIVE
    return {row.usage_key: row_to_node(row) for row in CourseNode.objects.filter(course_key=course_key, state=state)}


def sync(outline: CourseOutline, **kwargs: Any) -> api.SyncResult:
    return api.sync_course(outline.course_key, source=StaticSource(outline), **kwargs)


def test_first_sync_adds_every_node_and_builds_the_tree() -> None:
    result = sync(small_outline())
    assert result.status == "applied"
    assert result.counts["add"] == 7 and sum(result.counts.values()) == 7
    assert result.nodes == {"topic": 2, "subtopic": 2, "objective": 3}
    assert mirror() == small_outline().by_key()
    tree = api.get_outline_tree(COURSE)
    assert [t.display_name for t in tree] == ["T1", "T2"]
    assert [o.display_name for o in tree[0].children[0].children] == ["O1", "O2"]
    assert tree[0].children[0].attributes["format"] == "Homework"


def test_outline_options_flatten_the_mirror_in_outline_order_with_paths() -> None:
    sync(small_outline())
    options = api.outline_options(COURSE)
    assert [(o.name, o.kind, o.depth) for o in options] == [
        ("T1", "topic", 0),
        ("S1", "subtopic", 1),
        ("O1", "objective", 2),
        ("O2", "objective", 2),
        ("T2", "topic", 0),
        ("S2", "subtopic", 1),
        ("O3", "objective", 2),
    ]
    assert options[3].path == "T1 / S1 / O2" and options[3].usage_key == str(key("vertical", "o2"))
    assert api.outline_options(COURSE.replace(run="other")) == []


def test_display_names_longer_than_255_characters_sync_and_rename_intact() -> None:
    # Studio puts no length limit on display_name; a 255-character column failed the sync with a
    # DataError on MariaDB and PostgreSQL (found by the XSS browser tests).
    long_name = "Ünïcode section " + "x" * 2000
    old = small_outline()
    t1 = old.by_key()[key("chapter", "t1")]
    first = with_nodes(old, tuple(replace(n, display_name=long_name) if n == t1 else n for n in old.nodes), "v2")
    assert sync(first).status == "applied"
    assert mirror()[t1.usage_key].display_name == long_name
    renamed = with_nodes(
        first,
        tuple(replace(n, display_name=long_name + "!") if n.usage_key == t1.usage_key else n for n in first.nodes),
        "v3",
    )
    result = sync(renamed)
    assert result.counts["rename"] == 1
    assert mirror()[t1.usage_key].display_name == long_name + "!"


def test_same_outline_twice_converges_with_a_heartbeat_only() -> None:
    first = sync(small_outline())
    second = sync(small_outline())
    assert second.status == "unchanged" and second.sync_id is None
    assert SyncRecord.objects.filter(course_key=COURSE).count() == 1
    assert api.get_sync_settings(COURSE).last_heartbeat_at is not None
    assert first.sync_id is not None


def test_move_and_rename_of_one_node_then_undo_restores_exactly() -> None:
    old = small_outline()
    sync(old)
    nodes = old.by_key()
    o2 = nodes[key("vertical", "o2")]
    moved = replace(o2, parent_key=key("sequential", "s2"), position=1, display_name="Renamed")
    new = with_nodes(old, tuple(moved if n.usage_key == o2.usage_key else n for n in old.nodes), "v2")
    result = sync(new)
    assert result.counts["move"] == 1 and result.counts["rename"] == 1
    assert mirror() == new.by_key()
    undo = api.undo_sync(result.sync_id)
    assert undo.status == "undone"
    assert mirror() == old.by_key()
    assert api.get_sync_record(result.sync_id).status == SyncRecord.UNDONE
    assert api.get_sync_settings(COURSE).paused is True


def test_undo_pauses_automatic_sync_until_staff_resume() -> None:
    sync(small_outline())
    result = sync(with_nodes(small_outline(), small_outline().nodes[:4], "v2"))
    api.undo_sync(result.sync_id)
    again = api.sync_course(
        COURSE, source=StaticSource(with_nodes(small_outline(), small_outline().nodes[:4], "v2")), respect_pause=True
    )
    assert again.status == "skipped" and "paused" in again.message
    assert len(mirror()) == 7
    api.resume_auto_sync(COURSE)
    assert (
        api.sync_course(
            COURSE,
            source=StaticSource(with_nodes(small_outline(), small_outline().nodes[:4], "v3")),
            respect_pause=True,
        ).status
        == "applied"
    )
    assert len(mirror()) == 4


def test_removal_archives_and_restore_brings_back_with_vault_data_kept() -> None:
    old = small_outline()
    sync(old)
    CourseNode.objects.filter(usage_key=key("vertical", "o3")).update(vault_data={"note": "keep me"})
    removed = with_nodes(old, tuple(n for n in old.nodes if n.usage_key != key("vertical", "o3")), "v2")
    result = sync(removed)
    assert result.counts["remove"] == 1
    row = CourseNode.objects.get(usage_key=key("vertical", "o3"))
    assert row.state == CourseNode.ARCHIVED and row.archived_at is not None
    back = sync(with_nodes(old, old.nodes, "v3"))
    assert back.counts["restore"] == 1 and back.counts["add"] == 0
    row.refresh_from_db()
    assert row.state == CourseNode.ACTIVE and row.vault_data == {"note": "keep me"}
    assert mirror() == old.by_key()


def test_attribute_change_and_undo_of_each_kind() -> None:
    old = small_outline()
    sync(old)
    s1 = old.by_key()[key("sequential", "s1")]
    due = datetime(2027, 1, 1, tzinfo=UTC)
    changed = replace(s1, attributes=replace(s1.attributes, due=due, graded=False))
    new = with_nodes(old, tuple(changed if n.usage_key == s1.usage_key else n for n in old.nodes), "v2")
    result = sync(new)
    assert result.counts["attributes"] == 1
    assert set(result.change_set.changes[0].fields) == {"due", "graded"}
    assert mirror()[s1.usage_key].attributes.due == due
    api.undo_sync(result.sync_id)
    assert mirror() == old.by_key()


def test_undo_of_an_add_keeps_the_row_archived_never_deleted() -> None:
    result = sync(small_outline())
    api.undo_sync(result.sync_id)
    assert mirror() == {}
    assert len(mirror(archived=True)) == 7
    api.resume_auto_sync(COURSE)
    again = sync(small_outline("v2"))
    assert again.counts["restore"] == 7 and mirror() == small_outline().by_key()


def test_undo_refused_when_a_later_sync_changed_the_same_nodes() -> None:
    old = small_outline()
    sync(old)
    o1 = old.by_key()[key("vertical", "o1")]
    v2 = with_nodes(old, tuple(replace(n, display_name="A") if n == o1 else n for n in old.nodes), "v2")
    first = sync(v2)
    v3 = with_nodes(
        old, tuple(replace(n, display_name="B") if n.usage_key == o1.usage_key else n for n in old.nodes), "v3"
    )
    second = sync(v3)
    with pytest.raises(ConflictError) as excinfo:
        api.undo_sync(first.sync_id)
    conflicts = excinfo.value.details["conflicts"]
    assert conflicts == [{"sync_id": second.sync_id, "kind": "rename", "usage_key": str(o1.usage_key)}]
    assert mirror()[o1.usage_key].display_name == "B"


def test_an_outline_older_than_the_last_applied_one_is_skipped_and_recorded() -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    sync(small_outline("v2", published_at=now))
    stale = with_nodes(small_outline("v1", published_at=now - timedelta(hours=1)), small_outline().nodes[:2], "v1")
    result = sync(stale)
    assert result.status == "skipped"
    assert SyncRecord.objects.get(pk=result.sync_id).status == SyncRecord.SKIPPED
    assert len(mirror()) == 7


def test_destructive_change_sets_are_held_for_review_then_approved_or_rejected(monkeypatch: Any) -> None:
    old = small_outline()
    sync(old)
    in_use = key("vertical", "o1")
    monkeypatch.setattr(api, "_node_usage_checks", [lambda course, keys: {k for k in keys if k == in_use}])
    api.set_sync_policy(COURSE, "hold_destructive")
    without_o1 = with_nodes(old, tuple(n for n in old.nodes if n.usage_key != in_use), "v2")
    held = sync(without_o1)
    assert held.status == SyncRecord.HELD
    assert in_use in mirror()
    assert sync(without_o1).sync_id == held.sync_id  # the same version is not held twice
    approved = api.approve_held_sync(held.sync_id)
    assert approved.status == "applied" and in_use not in mirror()
    # a non-destructive change set is applied at once even under the hold policy
    assert sync(with_nodes(without_o1, without_o1.nodes[:-1], "v3")).status == "applied"
    rejected_candidate = sync(with_nodes(old, old.nodes, "v4"))
    assert rejected_candidate.status == "applied"  # restores are not destructive


def test_reject_keeps_the_mirror(monkeypatch: Any) -> None:
    old = small_outline()
    sync(old)
    monkeypatch.setattr(api, "_node_usage_checks", [lambda course, keys: set(keys)])
    api.set_sync_policy(COURSE, "hold_destructive")
    held = sync(with_nodes(old, old.nodes[:1], "v2"))
    record = api.reject_held_sync(held.sync_id)
    assert record.status == SyncRecord.REJECTED
    assert mirror() == old.by_key()
    with pytest.raises(ConflictError):
        api.approve_held_sync(held.sync_id)


def test_dry_run_writes_nothing() -> None:
    result = api.preview_sync(COURSE, source=StaticSource(small_outline()))
    assert result.status == "dry_run" and result.sync_id is None and result.counts["add"] == 7
    assert not CourseNode.objects.exists() and not SyncRecord.objects.exists()


def test_failed_read_is_recorded_and_leaves_the_mirror_untouched(tmp_path: Any) -> None:
    sync(small_outline())
    with pytest.raises(NotFoundError):
        api.sync_course(COURSE, source="olx", path=str(tmp_path / "missing.tar.gz"))
    assert SyncRecord.objects.filter(status=SyncRecord.FAILED).count() == 1
    assert mirror() == small_outline().by_key()


def test_outline_of_another_course_is_refused() -> None:
    other = generate_outline(course_key=COURSE.replace(run="Other"), n_nodes=10, seed=1)
    with pytest.raises(ValidationError):
        api.sync_course(COURSE, source=StaticSource(other))


def _apply_queries(size: int, course_run: str) -> tuple[int, int]:
    course = COURSE.replace(run=course_run)
    outline = generate_outline(course_key=course, n_nodes=size, seed=7)
    with CaptureQueriesContext(connection) as first:
        assert sync(outline).status == "applied"
    changed = mutate_outline(outline, fraction=0.3, seed=3)
    # every change kind at every size: one more topic (add) and the first objective gone (remove)
    first_objective = next(n for n in changed.nodes if n.kind is NodeKind.OBJECTIVE)
    extra = OutlineNode(
        usage_key=course.make_usage_key("chapter", "extra"),
        kind=NodeKind.TOPIC,
        display_name="Extra",
        parent_key=None,
        position=10_000,
    )
    changed = replace(changed, nodes=(*[n for n in changed.nodes if n != first_objective], extra))
    with CaptureQueriesContext(connection) as second:
        assert sync(changed).status == "applied"
    assert mirror(course) == changed.by_key()
    return len(first.captured_queries), len(second.captured_queries)


@pytest.mark.skipif("connection.vendor == 'sqlite'", reason="SQLite caps variables per statement; CI uses servers")
def test_query_count_does_not_grow_with_course_size() -> None:
    small = _apply_queries(10, "Small")
    large = _apply_queries(5000, "Large")
    assert small == large, f"queries for 10 nodes {small} != for 5,000 nodes {large}"


def test_a_sync_locks_its_course_state_and_writes_it_with_one_update() -> None:
    """The state row (the course's lock) costs a re-sync three statements: find it, lock it, one UPDATE."""
    from ve_edu_vault.course_sync.models import CourseSyncState

    outline = generate_outline(course_key=COURSE, n_nodes=10, seed=7)
    sync(outline)
    table = connection.ops.quote_name(CourseSyncState._meta.db_table)
    with CaptureQueriesContext(connection) as queries:
        assert sync(mutate_outline(outline, fraction=0.3, seed=3)).status == "applied"
    statements = [
        query["sql"].lstrip().split()[0].upper() for query in queries.captured_queries if table in query["sql"]
    ]
    assert statements == ["SELECT", "SELECT", "UPDATE"], statements


def test_skipped_sync_reports_the_unchanged_mirror_counts() -> None:
    sync(small_outline())
    result = api.sync_course(COURSE, source=StaticSource(small_outline("v0", published_at=None)), respect_pause=False)
    assert result.status == "unchanged"
    api.set_sync_policy(COURSE, "apply_all")
    from ve_edu_vault.course_sync.models import CourseSyncState

    CourseSyncState.objects.filter(course_key=COURSE).update(paused=True, paused_reason="test")
    skipped = api.sync_course(COURSE, source=StaticSource(small_outline("v2")), respect_pause=True)
    assert skipped.status == "skipped"
    assert skipped.nodes == {"topic": 2, "subtopic": 2, "objective": 3}


def test_failed_read_of_an_unknown_course_writes_no_history(tmp_path: Any) -> None:
    unknown = COURSE.replace(run="Typo")
    with pytest.raises(NotFoundError):
        api.sync_course(unknown, source="olx", path=str(tmp_path / "missing.tar.gz"))
    assert not SyncRecord.objects.filter(course_key=unknown).exists()


def test_blocks_api_source_without_a_url_names_the_setting(settings: Any) -> None:
    settings.VE_EDU_VAULT_BLOCKS_API_URL = ""
    with pytest.raises(ValidationError) as excinfo:
        api.get_outline_source("blocks_api")
    assert "VE_EDU_VAULT_BLOCKS_API_URL" in excinfo.value.message
