"""The "Assessments" course tab: who sees it, where it links, and that the entry point resolves."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_builders import COURSE, OTHER_COURSE, learner, staff

from hosts.standalone_platform.backend import StandaloneCourseTab
from ve_edu_vault.assessments.course_tab import TAB_TYPE, AssessmentsTab, tab_visible

pytestmark = [pytest.mark.django_db]
COURSE_BLOCK = SimpleNamespace(id=COURSE)


def test_visibility_follows_the_platform(make_user: Any, staff_user: Any) -> None:
    enrolled = learner(make_user)
    course_staff = staff(make_user)
    outsider = make_user("outsider")
    assert tab_visible(COURSE, enrolled) and AssessmentsTab.is_enabled(COURSE_BLOCK, user=enrolled)
    assert tab_visible(COURSE, course_staff) and tab_visible(COURSE, staff_user)
    assert not tab_visible(COURSE, outsider) and not AssessmentsTab.is_enabled(COURSE_BLOCK, user=outsider)
    assert not tab_visible(COURSE, AnonymousUser()) and not tab_visible(COURSE, None)
    assert not tab_visible(OTHER_COURSE, enrolled)


def test_tab_shape_and_link() -> None:
    tab = AssessmentsTab({})  # as edx-platform builds dynamic tabs: tab_type({})
    assert issubclass(AssessmentsTab, StandaloneCourseTab)  # the hosts' platform: their stand-in base
    assert tab.type == TAB_TYPE and tab.name == "Assessments" and AssessmentsTab.is_dynamic
    assert tab.link_func(COURSE_BLOCK, lambda *a, **k: "/x/") == "/x/"
    from django.urls import reverse

    assert tab.link_func(COURSE_BLOCK, reverse) == f"/ve-edu-vault/courses/{COURSE}/assessments/"
    assert tab.to_json()["type"] == TAB_TYPE


def test_entry_point_resolves() -> None:
    found = [ep for ep in entry_points(group="openedx.course_tab") if ep.name == "ve_edu_vault_assessments"]
    if not found:  # the editable install's metadata predates the entry point: read setup.cfg, as pip would
        import configparser

        parser = configparser.ConfigParser()
        parser.read(Path(__file__).resolve().parents[2] / "setup.cfg")
        lines = parser["options.entry_points"]["openedx.course_tab"].strip().splitlines()
        name, _, value = lines[0].partition("=")
        assert name.strip() == "ve_edu_vault_assessments"
        from importlib.metadata import EntryPoint

        found = [EntryPoint(name=name.strip(), value=value.strip(), group="openedx.course_tab")]
    assert found[0].load() is AssessmentsTab


def test_backend_base_is_lazy() -> None:
    """The edx-platform backend exposes the base class without importing edx-platform at module load."""
    from ve_edu_vault.platform.backends import edx_platform_verawood

    assert callable(edx_platform_verawood.course_tab_base_class)
    with pytest.raises(ImportError):
        edx_platform_verawood.course_tab_base_class()
