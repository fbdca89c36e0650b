"""
Receivers of the platform's learner-retirement signals (thin): they call ``retirement.api``.

Connected in ``AppConfig.ready()`` through the platform adapter (``platform.api.user_retirement_signals``):
``USER_RETIRE_LMS_CRITICAL`` and ``USER_RETIRE_LMS_MISC`` (openedx/core/djangoapps/user_api/accounts/signals.py),
both sent with ``user``. Retirement is synchronous in the platform's pipeline (a failure makes that
retirement step fail and be retried), so the work runs here, in one short transaction.
"""

from __future__ import annotations

from typing import Any

from ve_edu_vault.platform import api as platform

SIGNAL_NAMES = ("USER_RETIRE_LMS_CRITICAL", "USER_RETIRE_LMS_MISC")


def on_user_retired(sender: Any = None, user: Any = None, signal: Any = None, **kwargs: Any) -> None:
    from ve_edu_vault.retirement import api

    if user is None or getattr(user, "pk", None) is None:
        return
    names = {id(sent): name for name, sent in zip(SIGNAL_NAMES, platform.user_retirement_signals(), strict=True)}
    api.retire_learner(user.pk, signal=names.get(id(signal), "retirement"))


def connect_platform_receivers() -> None:
    for signal in platform.user_retirement_signals():
        signal.connect(on_user_retired, dispatch_uid="ve_edu_vault.retirement.on_user_retired")
