"""
A platform backend whose gradebook is an outbound HTTP endpoint (as LTI AGS and webhooks will be): everything of
the hosts' stand-in backend, except that ``publish_grade`` POSTs the grade to ``VAULT_GRADEBOOK_URL`` and fails
(raises) when the endpoint is unreachable or answers other than 2xx.
"""

from __future__ import annotations

import os
from typing import Any

import requests
from opaque_keys.edx.keys import UsageKey

from hosts.standalone_platform.backend import *  # noqa: F403

NAME = "http_gradebook"


def publish_grade(user: Any, usage_key: UsageKey, *, value: float, max_value: float) -> None:
    reply = requests.post(
        os.environ["VAULT_GRADEBOOK_URL"],
        json={"user_id": user.pk, "usage_key": str(usage_key), "value": value, "max_value": max_value},
        timeout=5,
    )
    reply.raise_for_status()
