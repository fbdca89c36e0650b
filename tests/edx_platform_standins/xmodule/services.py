"""
Stand-in of openedx-platform ``xmodule/services.py``: ``EventPublishingService``, as upstream for grade events.

Upstream ``_handle_grade_event`` sends ``grades_signals.SCORE_PUBLISHED`` with the bound user and
``raw_earned=event['value']``, ``raw_possible=event['max_value']`` (unless the user is anonymous).
"""

from __future__ import annotations

from typing import Any

from lms.djangoapps.grades.api import signals as grades_signals


class EventPublishingService:
    def __init__(self, user: Any, course_id: Any, track_function: Any, **kwargs: Any) -> None:
        self.user = user
        self.course_id = course_id
        self.track_function = track_function

    def publish(self, block: Any, event_type: str, event: dict[str, Any]) -> None:
        if event_type == "grade":
            self._handle_grade_event(block, event)
        elif self.track_function is not None:
            self.track_function(event_type, event)

    def _handle_grade_event(self, block: Any, event: dict[str, Any]) -> None:
        if not self.user.is_anonymous:
            grades_signals.SCORE_PUBLISHED.send(
                sender=None,
                block=block,
                user=self.user,
                raw_earned=event["value"],
                raw_possible=event["max_value"],
                only_if_higher=event.get("only_if_higher"),
                score_deleted=event.get("score_deleted"),
                grader_response=event.get("grader_response"),
            )
