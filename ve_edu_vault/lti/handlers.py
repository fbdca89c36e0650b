"""
Receivers of the LTI tool (thin): a retired learner's LTI links are removed.

TLDR: the platform's retirement signals (through the adapter, as ``retirement/receivers.py`` connects them)
remove the (issuer, sub) links of the account, so a later launch by the same platform user gets a new
account, never the retired one. The removal leaves an audit line.
"""

from __future__ import annotations

from typing import Any

from ve_edu_vault.platform import api as platform


def on_user_retired(sender: Any = None, user: Any = None, **kwargs: Any) -> None:
    from ve_edu_vault.lti import api

    if user is not None and getattr(user, "pk", None) is not None:
        api.forget_user(user.pk)


def connect_platform_receivers() -> None:
    for signal in platform.user_retirement_signals():
        signal.connect(on_user_retired, dispatch_uid="ve_edu_vault.lti.on_user_retired")
