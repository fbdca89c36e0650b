"""
The "Assessments" course tab: an ``openedx.course_tab`` plugin linking to the learner list page.

TLDR: edx-platform's tab plugin manager loads ``AssessmentsTab`` (entry point in ``setup.cfg``) and
calls ``is_enabled(course, user)`` and ``link_func(course, reverse_func)``. The base class must be
the platform's ``CourseTab``; it comes from the platform backend (``course_tab_base_class``), so
this module imports no edx-platform code itself and loads (with a stand-in base) where the
platform is absent. Who sees the tab is decided by ``tab_visible``: enrolled learners and course
staff, as the platform's adapter answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_noop

from ve_edu_vault.platform import api as platform

__all__ = ["TAB_TYPE", "AssessmentsTab", "learner_page_url", "tab_visible"]

TAB_TYPE = "ve_edu_vault_assessments"


class StandaloneCourseTab:
    """The part of edx-platform's ``CourseTab`` interface the tab needs, where edx-platform is absent."""

    type = ""
    title: str | None = None
    priority: int | None = None
    view_name: str | None = None
    is_hideable = False
    is_movable = False
    is_default = True
    is_dynamic = False
    allow_multiple = False
    course_staff_only = False

    def __init__(self, tab_dict: dict[str, Any]) -> None:
        self.name = tab_dict.get("name", self.title)
        self.tab_id = tab_dict.get("tab_id", self.type)
        self.is_hidden = tab_dict.get("is_hidden", False)
        self.tab_dict = tab_dict

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "name": self.name, "course_staff_only": self.course_staff_only}


def course_tab_base() -> type:
    """The platform's ``CourseTab`` when the backend provides it, otherwise ``StandaloneCourseTab``."""
    factory = getattr(platform.get_backend(), "course_tab_base_class", None)
    if factory is None:
        return StandaloneCourseTab
    base: type = factory()
    return base


def tab_visible(course_key: Any, user: Any) -> bool:
    """Enrolled learners and the course's staff (global staff included) see the tab; anonymous users do not."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return platform.is_enrolled(user, course_key) or platform.is_course_staff(user, course_key)


def learner_page_url(course_key: Any, reverse_func: Callable[..., str] = reverse) -> str:
    """The learner list page of the course's assessments (the plugin's LMS URL namespace)."""
    try:
        return reverse_func("ve_edu_vault:assessments-learner-page", args=[str(course_key)])
    except NoReverseMatch:
        return f"/ve-edu-vault/courses/{course_key}/assessments/"


class AssessmentsTab(course_tab_base()):  # type: ignore[misc]
    """The course's assessments, grouped by topic, for enrolled learners and staff."""

    type = TAB_TYPE
    title = gettext_noop("Assessments")
    priority = 55  # after Progress (40) and Dates (50), before static tabs (100)
    view_name = None
    is_hideable = True
    is_movable = False
    is_default = False
    is_dynamic = True  # added for every course where ``is_enabled``; nothing stored in the course's tabs
    allow_multiple = False

    def __init__(self, tab_dict: dict[str, Any] | None = None) -> None:
        tab_dict = dict(tab_dict or {})
        tab_dict["link_func"] = lambda course, reverse_func: learner_page_url(course.id, reverse_func)
        super().__init__(tab_dict)

    @property
    def link_func(self) -> Callable[[Any, Callable[..., str]], str]:
        func: Callable[[Any, Callable[..., str]], str] = self.tab_dict["link_func"]
        return func

    @classmethod
    def is_enabled(cls, course: Any, user: Any = None) -> bool:
        return tab_visible(course.id, user)
