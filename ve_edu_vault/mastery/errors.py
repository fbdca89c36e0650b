"""
Errors raised by the mastery policies.

Why a local hierarchy: mastery is pure logic that must stay importable (and testable) without Django, so these
subclass ``ve_edu_vault.domain_errors.DomainError`` (``VaultError``'s interface, no Django).
"""

from __future__ import annotations

from ve_edu_vault.domain_errors import DomainError

__all__ = ["InvalidMasteryParamsError", "MasteryError", "UnknownMasteryPolicyError"]


class MasteryError(DomainError):
    """Base class of every error raised by the mastery package."""

    code = "mastery_error"


class InvalidMasteryParamsError(MasteryError):
    """A policy parameter is unusable (unknown, wrong type, out of range); ``field`` names it."""

    code = "invalid_mastery_params"


class UnknownMasteryPolicyError(MasteryError):
    """No mastery policy is registered under the requested name."""

    code = "unknown_mastery_policy"

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        super().__init__(f"Unknown mastery policy {name!r}; known policies: {', '.join(known)}.", field="policy")
        self.name = name
