"""Per-user throttles whose rates come from VE_EDU_VAULT_API_THROTTLE_RATES, not DRF's global settings."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle

from ve_edu_vault import conf
from ve_edu_vault.platform import api as platform


class VaultUserRateThrottle(UserRateThrottle):
    """Throttles each user (or anonymous IP); global staff get the higher ``vault_staff`` rate."""

    scope = "vault_user"

    def get_rate(self) -> str | None:
        rates: dict[str, str] = conf.get("VE_EDU_VAULT_API_THROTTLE_RATES") or {}
        return rates.get(self.scope)

    def allow_request(self, request: Request, view: Any) -> bool:
        if platform.is_global_staff(request.user) and self.scope != "vault_staff":
            self.scope = "vault_staff"
            self.rate = self.get_rate()
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
