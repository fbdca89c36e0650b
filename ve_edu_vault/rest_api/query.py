"""
Query parameters read strictly: one value, of the declared type, or a 400 naming the parameter.

TLDR: a client sending ``?include_archived=AAA`` or the flag twice means something the API cannot know; reading
it as "false" answers a question that was not asked (schemathesis' ``negative_data_rejection``, issue 18).
"""

from __future__ import annotations

from rest_framework.request import Request

from ve_edu_vault.errors import ValidationError

__all__ = ["flag", "single"]

_TRUE = frozenset({"1", "true", "yes"})
_FALSE = frozenset({"0", "false", "no"})


def single(request: Request, name: str) -> str | None:
    """The parameter's one value (None when absent); given more than once, a 400."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ValidationError(f"Give {name} once.", field=name)
    return values[0] if values else None


def flag(request: Request, name: str) -> bool:
    """A boolean parameter: absent is false; true/false, 1/0 or yes/no (any case); anything else a 400."""
    raw = single(request, name)
    if raw is None:
        return False
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValidationError(f"{name} must be true or false (or 1/0, yes/no).", field=name)
