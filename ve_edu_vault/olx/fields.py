"""
Field values of outline blocks as Open edX stores them: dates, booleans, inheritance.

TLDR: OLX attributes are strings (``graded="true"``, ``start="&quot;2013-02-05T05:00:00Z&quot;"``),
policy values are JSON. Both are read here into the same Python values, and inheritable fields
(``start``, ``due``, ``graded``, ``visible_to_staff_only``, as in edx-platform's InheritanceMixin)
take their parent's effective value when a block does not set them, so an OLX outline carries the
same effective values as the Course Blocks API and the modulestore report. ``format``,
``hide_after_due`` and ``display_name`` are not inherited. The Blocks API source reuses these
parsers so every source reads values the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "DEFAULT_DISPLAY_NAMES",
    "DEFAULT_START",
    "EffectiveFields",
    "parse_bool",
    "parse_date",
]

# Field defaults of the structural blocks' ``display_name`` in edx-platform.
DEFAULT_DISPLAY_NAMES: dict[str, str] = {"chapter": "Section", "sequential": "Subsection", "vertical": "Unit"}
# InheritanceMixin.start's default when nothing up the tree sets a start.
DEFAULT_START = datetime(2030, 1, 1, tzinfo=UTC)

_NULLS = ("", "null", "none")


def parse_date(value: Any) -> datetime | None:
    """
    Parse an Open edX date (ISO 8601, possibly JSON-quoted) to an aware UTC datetime.

    Naive values are taken as UTC, as edx-platform's ``Date`` field does. Raises ``ValueError``.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith('"'):
            text = json.loads(text)
            if not isinstance(text, str):
                raise ValueError(f"not a date: {value!r}")
            text = text.strip()
        if text.lower() in _NULLS:
            return None
        parsed = datetime.fromisoformat(text)
    else:
        raise ValueError(f"not a date: {value!r}")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_bool(value: Any) -> bool:
    """Read a boolean the way XBlock's ``Boolean`` field does (strings: only "true" is true)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if isinstance(value, str):
        text = value.strip()
        if text.startswith('"') and text.endswith('"') and len(text) >= 2:
            text = text[1:-1]
        return text.lower() == "true"
    return bool(value)


@dataclass(frozen=True, kw_only=True, slots=True)
class EffectiveFields:
    """The outline fields of one block after merging XML, policy and inheritance."""

    display_name: str
    graded: bool = False
    format: str = ""
    start: datetime | None = None
    due: datetime | None = None
    visible_to_staff_only: bool = False
    hide_after_due: bool = False

    @classmethod
    def for_course(cls, settings: Mapping[str, Any]) -> EffectiveFields:
        """The course root's fields: the inheritance starting point for its chapters."""
        return cls.derive(settings, parent=None, default_name="")

    @classmethod
    def derive(
        cls, settings: Mapping[str, Any], *, parent: EffectiveFields | None, default_name: str
    ) -> EffectiveFields:
        """
        Compute a block's fields from its merged ``settings`` (XML attributes under policy).

        Raises ``ValueError`` naming the field when a value cannot be read.
        """

        def date_field(name: str, inherited: datetime | None) -> datetime | None:
            if name not in settings:
                return inherited
            try:
                return parse_date(settings[name])
            except (ValueError, TypeError) as exc:
                raise ValueError(f"invalid {name} date {settings[name]!r}") from exc

        def bool_field(name: str, inherited: bool) -> bool:
            return parse_bool(settings[name]) if name in settings else inherited

        display_name = settings.get("display_name")
        fmt = settings.get("format")
        return cls(
            display_name=str(display_name) if display_name not in (None, "") else default_name,
            graded=bool_field("graded", parent.graded if parent else False),
            format=str(fmt) if fmt is not None else "",
            start=date_field("start", parent.start if parent else DEFAULT_START),
            due=date_field("due", parent.due if parent else None),
            visible_to_staff_only=bool_field(
                "visible_to_staff_only", parent.visible_to_staff_only if parent else False
            ),
            hide_after_due=bool_field("hide_after_due", False),
        )
