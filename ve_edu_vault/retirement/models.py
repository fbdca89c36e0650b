"""Tables of learner retirement: one audit record per retired account. Private to ``retirement``."""

from __future__ import annotations

from django.db import models


class RetirementRecord(models.Model):
    """
    The audit record of a learner's retirement in the vault: when, through which signals, what was removed.

    .. pii: ``user_id`` is the retired account's numeric id (no foreign key: the record outlives the account).
       After retirement the platform keeps that id on its own records, with no name, username or email.
    .. pii_types: id
    .. pii_retirement: retained
    """

    user_id = models.BigIntegerField(unique=True)
    retired_at = models.DateTimeField()
    signals = models.JSONField(default=list)  # the platform signals that asked, in order
    counts = models.JSONField(default=dict)  # what each applet removed or kept, summed over the signals
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"

    def __str__(self) -> str:
        return f"retirement of {self.user_id} at {self.retired_at}"
