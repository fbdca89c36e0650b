"""
Stand-in of ``xmodule/tabs.py`` (openedx-platform master): ``CourseTab``, its class attributes,
``__init__(self, tab_dict)``, ``link_func``, ``is_enabled(cls, course, user=None)`` and ``to_json``, copied.
"""

from __future__ import annotations

from abc import ABCMeta
from typing import Any


def course_reverse_func(reverse_name: str | None) -> Any:
    """Returns a function that will determine a course URL for the provided reverse_name."""

    def link_func(course: Any, reverse_func: Any) -> str:
        return reverse_func(reverse_name, args=[str(course.id)])

    return link_func


class CourseTab(metaclass=ABCMeta):  # noqa: B024 - abstract upstream too, without abstract methods
    """The Course Tab class is a data abstraction for all tabs (i.e., course navigation links) within a course."""

    type = ""
    title: str | None = None
    body_class = None
    online_help_token = None
    is_hideable = False
    is_hidden = False
    priority: int | None = None
    is_movable = False
    is_collection = False
    is_dynamic = False
    is_default = True
    allow_multiple = False
    view_name: str | None = None
    course_staff_only = False
    supports_preview_menu = False

    def __init__(self, tab_dict: dict[str, Any]) -> None:
        super().__init__()
        self.name = tab_dict.get("name", self.title)
        self.tab_id = tab_dict.get("tab_id", getattr(self, "tab_id", self.type))
        self.course_staff_only = tab_dict.get("course_staff_only", False)
        self.is_hidden = tab_dict.get("is_hidden", False)
        self.tab_dict = tab_dict

    @property
    def link_func(self) -> Any:
        return self.tab_dict.get("link_func", course_reverse_func(self.view_name))

    @classmethod
    def is_enabled(cls, course: Any, user: Any = None) -> bool:
        raise NotImplementedError()

    def to_json(self) -> dict[str, Any]:
        to_json_val = {"type": self.type, "name": self.name, "course_staff_only": self.course_staff_only}
        if self.is_hidden:
            to_json_val.update({"is_hidden": True})
        return to_json_val
