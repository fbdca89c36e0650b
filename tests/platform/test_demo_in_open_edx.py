"""
``vault_init --demo`` in Open edX: the demo course imported into the (stand-in) modulestore, the users
enrolled and made course staff through the platform's own APIs. It used to refuse outside the hosts.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from ve_edu_vault.course_sync.data import NodeKind
from ve_edu_vault.demo import DEMO_COURSE, demo_outline

pytestmark = [pytest.mark.django_db]


def import_demo_course(store: Any) -> None:
    """What ``./manage.py cms import ../data <demo_course>`` leaves in the modulestore, then a publish."""
    course = store.create_course(DEMO_COURSE, "ve-edu-vault demo course")
    blocks = {None: course}
    for node in demo_outline().nodes:
        block_type = {NodeKind.TOPIC: "chapter", NodeKind.SUBTOPIC: "sequential", NodeKind.OBJECTIVE: "vertical"}
        attributes = node.attributes
        blocks[node.usage_key] = blocks[node.parent_key].add(
            block_type[node.kind],
            node.usage_key.block_id,
            display_name=node.display_name,
            graded=attributes.graded,
            format=attributes.format or None,
        )
    store.publish(DEMO_COURSE)


def test_the_demo_loads_in_open_edx_once_the_course_is_imported(edx_platform: Any, capsys: Any) -> None:
    from common.djangoapps.student.models import CourseEnrollment
    from common.djangoapps.student.roles import CourseStaffRole
    from django.contrib.auth import get_user_model

    with pytest.raises(CommandError, match="import"):  # before the CMS import: a clear message, no half data
        call_command("vault_init", "--demo")
    assert not get_user_model().objects.filter(username__startswith="demo_").exists()

    import_demo_course(edx_platform)
    call_command("vault_init", "--demo")
    call_command("vault_init", "--demo")  # the init job may run again
    staff = get_user_model().objects.get(username="demo_staff")
    learner = get_user_model().objects.get(username="demo_learner")
    assert CourseStaffRole(DEMO_COURSE).has_user(staff) and not staff.is_staff and not staff.is_superuser
    assert CourseEnrollment.is_enrolled(learner, DEMO_COURSE)
    out = capsys.readouterr().out
    assert "platform backend edx_platform" in out and f"Demo course {DEMO_COURSE}" in out
