"""
Signals the assessments applet sends, for other applets and plugins (LTI passback, webhooks, mastery).

TLDR: sent after the grading transaction commits, so receivers see the stored grade. Receivers
must be quick and must not fail the caller: the api sends with ``send_robust``.
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["ATTEMPT_GRADED"]

# Sent once per attempt when it is graded, with keyword arguments: attempt_id (int), user_id (int),
# course_key (CourseKey), assessment_id (int), score (float, 0..1), passed (bool).
ATTEMPT_GRADED = Signal()
