"""
Receivers of the LTI tool (thin): the AGS score sink, and a retired learner's LTI links are removed.

``AgsScoreSink`` is registered with ``assessments.score_sinks`` at start-up: an assessment bound to a
platform's resource link has its grades queued in the grade-report outbox (``assessments/grades.py``), whose
drain hands each learner's score here, in its transaction; the score is written to the AGS outbox
(``LtiScore``) and ``tasks.deliver_lti_scores`` is queued after commit.

TLDR: the platform's retirement signals (through the adapter, as ``retirement/receivers.py`` connects them)
remove the (issuer, sub) links of the account, so a later launch by the same platform user gets a new
account, never the retired one. The removal leaves an audit line.
"""

from __future__ import annotations

from typing import Any

from ve_edu_vault.platform import api as platform


class AgsScoreSink:
    def wants(self, assessment_id: int) -> bool:
        from ve_edu_vault.lti import store

        return store.assessment_has_links(assessment_id)

    def receive(self, score: Any) -> None:
        from django.db import transaction

        from ve_edu_vault.lti import api

        if api.queue_score(score):
            transaction.on_commit(trigger_delivery)


def trigger_delivery() -> None:
    try:
        from ve_edu_vault.lti.tasks import deliver_lti_scores

        deliver_lti_scores.apply_async()
    except Exception:
        import logging

        logging.getLogger(__name__).warning("Could not queue the AGS delivery task; the periodic run will send it")


SINK = AgsScoreSink()


def on_user_retired(sender: Any = None, user: Any = None, **kwargs: Any) -> None:
    from ve_edu_vault.lti import api

    if user is not None and getattr(user, "pk", None) is not None:
        api.forget_user(user.pk)


def connect_platform_receivers() -> None:
    from ve_edu_vault.assessments import api as assessments
    from ve_edu_vault.lti import store

    assessments.register_score_sink(SINK)
    store.connect_link_cache()  # the sink's ``wants`` is cached
    for signal in platform.user_retirement_signals():
        signal.connect(on_user_retired, dispatch_uid="ve_edu_vault.lti.on_user_retired")
