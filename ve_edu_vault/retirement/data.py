"""Frozen values of the retirement applet (no Django)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["RetirementData"]


@dataclass(frozen=True, kw_only=True, slots=True)
class RetirementData:
    user_id: int
    retired_at: datetime
    signals: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)
