"""Two syncs of one course never interleave: the second waits for the first and diffs against its result."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from django.db import connection, connections

from tests.course_sync.conftest import COURSE, small_outline, with_nodes
from ve_edu_vault.course_sync import api
from ve_edu_vault.course_sync.data import CourseOutline
from ve_edu_vault.course_sync.models import CourseNode, SyncRecord

pytestmark = pytest.mark.django_db(transaction=True)


class SlowSource:
    """Returns its outline once every thread has read (so the syncs overlap from the start)."""

    name = "slow"

    def __init__(self, outline: CourseOutline, barrier: threading.Barrier) -> None:
        self.outline = outline
        self.barrier = barrier

    def read(self, course_key: Any) -> CourseOutline:
        self.barrier.wait(timeout=30)
        return self.outline


@pytest.mark.skipif("connection.vendor == 'sqlite'", reason="SQLite has no row locks; CI runs MariaDB and PostgreSQL")
def test_two_first_imports_at_once_are_serialised(monkeypatch: pytest.MonkeyPatch) -> None:
    full = small_outline("v1")
    smaller = with_nodes(full, full.nodes[:4], "v2")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    # Inside the transaction, each sync waits (up to 2 s) for the other to have read the mirror too. Without
    # the course lock both would get there and diff against the same empty mirror; with it, the second is
    # still waiting for the lock, so the first goes on alone after the timeout.
    inside = threading.Barrier(2)
    real_diff = api.diff_outlines

    def diff_after_both_read(*args: Any, **kwargs: Any) -> Any:
        with contextlib.suppress(threading.BrokenBarrierError):
            inside.wait(timeout=2)
        return real_diff(*args, **kwargs)

    monkeypatch.setattr(api, "diff_outlines", diff_after_both_read)
    api.get_sync_settings(COURSE)  # the course's state row exists already, as for any course synced before

    def run(outline: CourseOutline) -> None:
        try:
            api.sync_course(COURSE, source=SlowSource(outline, barrier), trigger="test")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(outline,)) for outline in (full, smaller)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    first, second = SyncRecord.objects.filter(course_key=COURSE).order_by("id")
    assert first.status == second.status == SyncRecord.APPLIED
    # The second sync diffed against the first one's result, not against an empty mirror.
    assert first.counts["add"] in (4, 7)
    if first.counts["add"] == 7:  # the full outline went first: the smaller one archives 3 nodes
        assert second.counts["add"] == 0 and second.counts["remove"] == 3
        expected = smaller
    else:  # the smaller went first: the full one adds the 3 missing nodes
        assert second.counts["add"] == 3 and second.counts["remove"] == 0
        expected = full
    active = CourseNode.objects.filter(course_key=COURSE, state=CourseNode.ACTIVE)
    assert {str(row.usage_key) for row in active} == {str(node.usage_key) for node in expected.nodes}
    assert connection.vendor in ("mysql", "postgresql")
