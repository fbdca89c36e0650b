"""
The "Assessments" course tab: an ``openedx.course_tab`` plugin linking to the learner list page.

TLDR: edx-platform's tab plugin manager loads ``AssessmentsTab`` (entry point in ``setup.cfg``) and
calls ``is_enabled(course, user)`` and ``link_func(course, reverse_func)``. The base class must be
the platform's ``CourseTab``; it comes from the platform adapter (``platform.api.course_tab_base_class``),
so this module imports no edx-platform code itself and loads (with the hosts' stand-in base) where the
platform is absent. Who sees the tab is decided by ``tab_visible``: enrolled learners and course
staff, as the platform's adapter answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_noop

from ve_edu_vault.platform import api as platform

__all__ = ["TAB_TYPE", "AssessmentsTab", "course_tab_base", "learner_page_url", "tab_visible"]

TAB_TYPE = "ve_edu_vault_assessments"


def course_tab_base() -> type:
    """The platform's ``CourseTab`` (``xmodule/tabs.py``), through the platform adapter."""
    return platform.course_tab_base_class()


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
    # Tabs are sorted by priority (lms/djangoapps/courseware/tabs.py, get_course_tab_list): Course 11,
    # Progress 20, Dates 30 (same file), Discussion 40 (lms/djangoapps/discussion/plugins.py), Syllabus 80,
    # static tabs 100, external links 110, textbooks 200. 55: after Discussion, before Syllabus and static tabs.
    priority = 55
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
