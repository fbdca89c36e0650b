"""
Typed column projections: how one applet's ORM repository selects another applet's columns in its own join.

TLDR: the joined access read (an attempt, its assessment, each response's question version and the
question's node) is one query, so the assessments repository must select the columns of questions' and
course sync's tables. Rather than exchange positional column tuples (a public API that changed with every
model field), each applet publishes a ``Projection``: the ``values_list`` lookups to select (opaque to the
caller) and the function that reads them back into the applet's frozen data. The caller only concatenates
projections and hands each its slice of the row; adding a field to a model changes neither side's code.
Pure Python (no Django): the lookups are strings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["Projection"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Projection(Generic[T]):
    """The lookups ``values_list(*lookups)`` selects, and ``read`` that turns those values into ``T``."""

    lookups: tuple[str, ...]
    read: Callable[[Sequence[Any]], T]

    @property
    def width(self) -> int:
        return len(self.lookups)

    def through(self, relation: str) -> Projection[T]:
        """The same columns reached through ``relation`` from another model (``"question__node"``)."""
        return Projection(tuple(f"{relation}__{lookup}" for lookup in self.lookups), self.read)

    def take(self, row: Sequence[Any], start: int = 0) -> T:
        """Read this projection's values out of ``row``, where they begin at ``start``."""
        return self.read(row[start : start + len(self.lookups)])
