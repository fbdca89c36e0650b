"""
Signals the assessments applet sends, for other applets and plugins (LTI passback, webhooks, mastery).

TLDR: sent after the grading transaction commits, so receivers see the stored grade. Receivers
must be quick and must not fail the caller: the api sends with ``send_robust``. Defined with the
plugin's other signals in ``hooks.signals`` (their arguments are listed there).
"""

from __future__ import annotations

from ve_edu_vault.hooks.signals import ATTEMPT_GRADED, ATTEMPT_SUBMITTED

__all__ = ["ATTEMPT_GRADED", "ATTEMPT_SUBMITTED"]
